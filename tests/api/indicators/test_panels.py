"""Panels, experts and judgments: who may read and write which judgments, versions, validation, audit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, inspect, select

from services.indicators.models import Expert, Judgment
from services.indicators.panels import service
from services.indicators.prestart import alembic_config
from shared.auth import Principal, Role
from shared.errors import Conflict
from shared.schemas.panels import JudgmentWrite

GOAL_ITEMS = ["C1", "C2", "C3", "C4", "C5", "C6", "C7"]


def new_key(client: TestClient, role: str, name: str = "someone") -> tuple[int, dict[str, str]]:
    created = client.post("/v1/api-keys", json={"name": name, "role": role}).json()
    return created["id"], {"X-API-Key": created["key"]}


def panel_id(client: TestClient, code: str = "DEMO-BASIC") -> int:
    return next(p["id"] for p in client.get("/v1/panels").json() if p["code"] == code)


def expert_key_for(client: TestClient, expert_code: str = "BASIC-E1") -> tuple[int, dict[str, str]]:
    """An expert-role key linked to one demo expert."""
    key_id, headers = new_key(client, "expert", name=expert_code.lower())
    linked = client.patch(f"/v1/panels/{panel_id(client)}/experts/{expert_code}", json={"api_key_id": key_id})
    assert linked.status_code == 200, linked.text
    return key_id, headers


def equal_goal(version: int) -> dict[str, Any]:
    return {"items": GOAL_ITEMS, "matrix": [[1] * 7 for _ in range(7)], "version": version}


def test_demo_has_three_category_panels_of_five_experts(indicators_client: TestClient) -> None:
    panels = indicators_client.get("/v1/panels").json()
    assert sorted(p["category"] for p in panels) == ["basic", "cutting_edge", "strategic"]
    assert all(len(p["experts"]) == 5 for p in panels)
    one = indicators_client.get(f"/v1/panels/{panels[0]['id']}").json()
    assert one == panels[0]
    assert set(one["experts"][0]) == {"id", "code", "name", "name_zh", "weight", "api_key_id"}
    assert indicators_client.get("/v1/panels/999").status_code == 404


def test_analyst_reads_every_judgment_with_filters(indicators_client: TestClient) -> None:
    _, analyst = new_key(indicators_client, "analyst")
    pid = panel_id(indicators_client)
    every = indicators_client.get(f"/v1/panels/{pid}/judgments", headers=analyst).json()
    assert len(every) == 5 * 8
    goal = indicators_client.get(f"/v1/panels/{pid}/judgments", params={"node": "goal"}, headers=analyst).json()
    assert [j["expert_code"] for j in goal] == [f"BASIC-E{k}" for k in range(1, 6)]
    assert all(j["version"] == 1 and j["items"] == GOAL_ITEMS for j in goal)
    one = indicators_client.get(f"/v1/panels/{pid}/judgments", params={"expert": "BASIC-E2"}, headers=analyst).json()
    assert {j["node"] for j in one} == {"goal", *GOAL_ITEMS}


def test_a_viewer_reads_no_individual_judgments(indicators_client: TestClient) -> None:
    _, viewer = new_key(indicators_client, "viewer")
    pid = panel_id(indicators_client)
    refused = indicators_client.get(f"/v1/panels/{pid}/judgments", headers=viewer)
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"
    assert indicators_client.get(f"/v1/panels/{pid}/experts/BASIC-E1/judgments/goal", headers=viewer).status_code == 403
    assert indicators_client.get("/v1/panels", headers=viewer).status_code == 200
    put = indicators_client.put(f"/v1/panels/{pid}/experts/BASIC-E1/judgments/goal", json=equal_goal(1), headers=viewer)
    assert put.status_code == 403


def test_an_expert_reads_and_changes_only_their_own_judgments(indicators_client: TestClient) -> None:
    _, expert = expert_key_for(indicators_client, "BASIC-E1")
    pid = panel_id(indicators_client)
    base = f"/v1/panels/{pid}/experts"

    own = indicators_client.get(f"/v1/panels/{pid}/judgments", headers=expert).json()
    assert {j["expert_code"] for j in own} == {"BASIC-E1"}
    assert len(own) == 8
    other = indicators_client.get(f"/v1/panels/{pid}/judgments", params={"expert": "BASIC-E2"}, headers=expert)
    assert other.status_code == 403
    assert indicators_client.get(f"{base}/BASIC-E2/judgments/goal", headers=expert).status_code == 403

    current = indicators_client.get(f"{base}/BASIC-E1/judgments/goal", headers=expert).json()
    written = indicators_client.put(
        f"{base}/BASIC-E1/judgments/goal", json=equal_goal(current["version"]), headers=expert
    )
    assert written.status_code == 200, written.text
    assert written.json()["version"] == current["version"] + 1
    assert written.json()["updated_by"].startswith("basic-e1 (key ")
    refused = indicators_client.put(f"{base}/BASIC-E2/judgments/goal", json=equal_goal(1), headers=expert)
    assert refused.status_code == 403
    assert indicators_client.get(f"{base}/BASIC-E2/judgments/goal").json()["version"] == 1


def test_an_expert_key_linked_to_nobody_may_write_nothing(indicators_client: TestClient) -> None:
    _, expert = new_key(indicators_client, "expert")
    pid = panel_id(indicators_client)
    assert indicators_client.get(f"/v1/panels/{pid}/judgments", headers=expert).json() == []
    put = indicators_client.put(f"/v1/panels/{pid}/experts/BASIC-E1/judgments/goal", json=equal_goal(1), headers=expert)
    assert put.status_code == 403


def test_a_stale_version_is_a_409_and_changes_nothing(indicators_client: TestClient) -> None:
    pid = panel_id(indicators_client)
    url = f"/v1/panels/{pid}/experts/BASIC-E3/judgments/goal"
    before = indicators_client.get(url).json()
    assert indicators_client.put(url, json=equal_goal(before["version"])).status_code == 200
    stale = indicators_client.put(url, json=equal_goal(before["version"]))
    assert stale.status_code == 409
    assert stale.headers["content-type"] == "application/problem+json"
    assert stale.json()["status"] == 409
    assert "stale" in stale.json()["detail"]
    assert indicators_client.get(url).json()["version"] == before["version"] + 1
    creating_over_existing = indicators_client.put(url, json=equal_goal(0))
    assert creating_over_existing.status_code == 409


def test_a_new_judgment_starts_at_version_0_and_accepts_fractions(indicators_client: TestClient) -> None:
    pid = panel_id(indicators_client)
    created = indicators_client.post(f"/v1/panels/{pid}/experts", json={"code": "BASIC-E6", "name": "Expert F"})
    assert created.status_code == 201, created.text
    url = f"/v1/panels/{pid}/experts/BASIC-E6/judgments/C1"
    matrix = [[1, "1/3", 2, None], [3, 1, 4, 2], ["1/2", "1/4", 1, 1], [None, "1/2", 1, 1]]
    body = {"items": ["C1.2", "C1.1", "C1.3", "C1.4"], "matrix": matrix}
    assert indicators_client.put(url, json=body | {"version": 1}).status_code == 409
    written = indicators_client.put(url, json=body | {"version": 0})
    assert written.status_code == 200, written.text
    assert written.json()["version"] == 1
    assert written.json()["matrix"][0] == [1.0, 1 / 3, 2.0, None]
    assert written.json()["items"] == body["items"]


def test_bad_judgments_are_422_with_their_location(indicators_client: TestClient) -> None:
    pid = panel_id(indicators_client)
    url = f"/v1/panels/{pid}/experts/BASIC-E1/judgments/goal"
    negative = equal_goal(1)
    negative["matrix"][0][3] = -2
    response = indicators_client.put(url, json=negative)
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "matrix", 0, 3]
    words = equal_goal(1)
    words["matrix"][2][1] = "three"
    assert indicators_client.put(url, json=words).json()["errors"][0]["loc"] == ["body", "matrix", 2, 1]
    zero_fraction = equal_goal(1)
    zero_fraction["matrix"][1][1] = "1/0"
    assert indicators_client.put(url, json=zero_fraction).status_code == 422
    not_square = equal_goal(1)
    not_square["matrix"][4] = [1, 1]
    response = indicators_client.put(url, json=not_square)
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "matrix"]
    wrong_items = equal_goal(1) | {"items": ["C1", "C2", "C3", "C4", "C5", "C6", "C1.1"]}
    response = indicators_client.put(url, json=wrong_items)
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "items"]
    assert (
        indicators_client.put(f"/v1/panels/{pid}/experts/BASIC-E1/judgments/C9", json=equal_goal(1)).status_code == 404
    )
    assert (
        indicators_client.put(f"/v1/panels/{pid}/experts/NOBODY/judgments/goal", json=equal_goal(1)).status_code == 404
    )
    assert indicators_client.get(url).json()["version"] == 1


def test_panel_management_is_for_admins(indicators_client: TestClient) -> None:
    _, analyst = new_key(indicators_client, "analyst")
    body = {"code": "P-NEW", "name": "New panel", "category": "strategic", "experts": [{"code": "X1", "name": "X"}]}
    assert indicators_client.post("/v1/panels", json=body, headers=analyst).status_code == 403
    created = indicators_client.post("/v1/panels", json=body)
    assert created.status_code == 201, created.text
    assert created.json()["experts"][0]["weight"] == 1.0
    assert indicators_client.post("/v1/panels", json=body).status_code == 409
    pid = created.json()["id"]
    assert indicators_client.post(f"/v1/panels/{pid}/experts", json={"code": "X1", "name": "X"}).status_code == 409
    unknown_key = indicators_client.post(
        f"/v1/panels/{pid}/experts", json={"code": "X2", "name": "Y", "api_key_id": 999}
    )
    assert unknown_key.status_code == 422
    assert unknown_key.json()["errors"][0]["loc"] == ["body", "api_key_id"]
    repeated = {"code": "P-2", "name": "P", "experts": [{"code": "A", "name": "a"}, {"code": "A", "name": "b"}]}
    assert indicators_client.post("/v1/panels", json=repeated).status_code == 422
    assert (
        indicators_client.post(f"/v1/panels/{pid}/experts", json={"code": "X3", "name": "Z", "weight": 0}).status_code
        == 422
    )


def test_judgment_changes_are_audited_with_before_and_after(indicators_client: TestClient) -> None:
    pid = panel_id(indicators_client)
    url = f"/v1/panels/{pid}/experts/BASIC-E4/judgments/goal"
    before = indicators_client.get(url).json()
    assert indicators_client.put(url, json=equal_goal(before["version"])).status_code == 200
    entry = indicators_client.get("/v1/audit", params={"action": "judgment.update"}).json()[0]
    assert entry["entity"] == "judgment"
    assert entry["entity_id"] == "DEMO-BASIC/BASIC-E4/goal"
    assert entry["before"]["matrix"] == before["matrix"]
    assert entry["before"]["version"] == 1
    assert entry["after"] == {"items": GOAL_ITEMS, "matrix": [[1.0] * 7 for _ in range(7)], "version": 2}
    linked = indicators_client.get("/v1/audit", params={"action": "expert.update"}).json()
    assert linked == []
    expert_key_for(indicators_client, "BASIC-E5")
    linked = indicators_client.get("/v1/audit", params={"action": "expert.update"}).json()
    assert linked[0]["before"]["api_key_id"] is None
    assert linked[0]["after"]["api_key_id"] is not None


def test_migration_0002_goes_down_and_up_on_sqlite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    config = alembic_config(url)
    command.upgrade(config, "head")
    command.downgrade(config, "0001")
    engine = create_engine(url)
    try:
        tables = set(inspect(engine).get_table_names())
        assert not tables & {"panels", "experts", "judgments", "weight_profiles"}
        assert "api_keys" in tables
        command.upgrade(config, "0002")
        assert {"panels", "experts", "judgments", "weight_profiles"} <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_two_writers_racing_on_one_version_cannot_both_win(indicators_client: TestClient) -> None:
    factory = indicators_client.app.state.session_factory  # type: ignore[attr-defined]
    pid = panel_id(indicators_client)
    admin = Principal(key_id=None, name="racer", role=Role.admin)
    write = JudgmentWrite.model_validate(equal_goal(1))
    with factory() as first, factory() as second:
        # Both have read version 1; the first commits, the second's conditional UPDATE then matches no row.
        held = second.scalars(
            select(Judgment).join(Expert).where(Expert.code == "BASIC-E2", Judgment.node == "goal")
        ).one()
        assert held.version == 1
        service.write_judgment(first, panel_id=pid, expert_code="BASIC-E2", node="goal", data=write, actor=admin)
        first.commit()
        with pytest.raises(Conflict, match="changed meanwhile"):
            service.write_judgment(second, panel_id=pid, expert_code="BASIC-E2", node="goal", data=write, actor=admin)
        second.rollback()
    assert indicators_client.get(f"/v1/panels/{pid}/experts/BASIC-E2/judgments/goal").json()["version"] == 2


@pytest.mark.parametrize(
    ("cell", "value", "where", "says"),
    [
        ((0, 0), 7, (0, 0), "diagonal must be 1"),
        ((0, 1), 3, (1, 0), "reciprocal"),
        ((0, 1), 10, (0, 1), "between 1/9 and 9"),
        ((0, 1), "1/10", (0, 1), "between 1/9 and 9"),
        ((0, 1), None, (0, 1), "null in both places"),
        ((0, 1), int("9" * 400), (0, 1), "finite"),
    ],
)
def test_a_judgment_is_checked_as_a_whole_matrix_when_written(
    indicators_client: TestClient, cell: tuple[int, int], value: object, where: tuple[int, int], says: str
) -> None:
    """Issue 16, item 9 and issue 11: a judgment that would block publication later is a 422 at once."""
    pid = panel_id(indicators_client)
    url = f"/v1/panels/{pid}/experts/BASIC-E1/judgments/goal"
    before = indicators_client.get(url).json()
    body = equal_goal(before["version"])
    body["matrix"][cell[0]][cell[1]] = value
    response = indicators_client.put(url, json=body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    located = [e for e in response.json()["errors"] if e["loc"] == ["body", "matrix", *where]]
    assert located, response.json()["errors"]
    assert says in located[0]["msg"]
    assert indicators_client.get(url).json() == before
