"""Panels, experts and judgments: who may read and write which judgments, versions, validation, audit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, delete, inspect, select
from sqlalchemy.orm import Session

from services.indicators.models import Expert, Judgment
from services.indicators.panels import service
from services.indicators.prestart import alembic_config
from services.scoring.engine.ahp import priorities
from shared.auth import Principal
from shared.errors import Conflict
from shared.pairwise import consistency_ratio
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
    assert entry["after"] == {"items": GOAL_ITEMS, "matrix": [[1.0] * 7 for _ in range(7)], "version": 2, "round": 1}
    linked = indicators_client.get("/v1/audit", params={"action": "expert.update"}).json()
    assert linked == []
    expert_key_for(indicators_client, "BASIC-E5")
    linked = indicators_client.get("/v1/audit", params={"action": "expert.update"}).json()
    assert linked[0]["before"]["api_key_id"] is None
    assert linked[0]["after"]["api_key_id"] is not None


# An intransitive goal judgment on Saaty's scale: C1 > C2 > C3 > C1, each by 9 (CR about 0.59).
CYCLIC_GOAL = [
    [1 if i == j else {(0, 1): 9, (1, 2): 9, (2, 0): 9, (1, 0): "1/9", (2, 1): "1/9", (0, 2): "1/9"}.get((i, j), 1)
     for j in range(7)]
    for i in range(7)
]  # fmt: skip


def judged_nodes(client: TestClient) -> list[str]:
    """The nodes needing a judgment: the goal and every criterion over more than one indicator."""
    tree = client.get("/v1/indicators").json()
    return ["goal", *(c["code"] for c in tree if len(c["children"]) > 1)]


@pytest.mark.parametrize(
    ("a12", "a13", "a23"),
    [(3, 5, 3), (5, 9, 3), (2, 1 / 2, 1 / 3), (9, 1 / 9, 9)],
)
def test_consistency_ratio_of_a_3x3_matrix_is_the_closed_form(a12: float, a13: float, a23: float) -> None:
    # For a 3 x 3 reciprocal matrix, lambda_max = 1 + r + 1 / r with r = (a13 / (a12 a23)) ** (1/3) (Saaty 1980),
    # so Saaty's classic [[1, 3, 5], [1/3, 1, 3], [1/5, 1/3, 1]] has lambda_max 3.0385 and CR 0.033.
    matrix = np.array([[1, a12, a13], [1 / a12, 1, a23], [1 / a13, 1 / a23, 1]], dtype=float)
    r = (a13 / (a12 * a23)) ** (1 / 3)
    assert consistency_ratio(matrix) == pytest.approx((1 + r + 1 / r - 3) / 2 / 0.58, abs=1e-9)


def test_consistency_ratio_of_saatys_example() -> None:
    assert consistency_ratio(np.array([[1, 3, 5], [1 / 3, 1, 3], [1 / 5, 1 / 3, 1]])) == pytest.approx(0.0332, abs=1e-4)


def test_a_consistent_matrix_and_a_pair_have_no_inconsistency() -> None:
    weights = np.array([0.4, 0.3, 0.2, 0.1])
    assert consistency_ratio(np.outer(weights, 1 / weights)) == pytest.approx(0.0, abs=1e-12)
    assert consistency_ratio(np.array([[1.0, 9.0], [1 / 9, 1.0]])) == 0.0
    # One missing pair of a 3 x 3 matrix is completed consistently by Harker's method.
    assert consistency_ratio(np.array([[1, 2, np.nan], [0.5, 1, 4], [np.nan, 0.25, 1]])) == pytest.approx(0, abs=1e-9)


def test_consistency_ratio_agrees_with_the_engine() -> None:
    rng = np.random.default_rng(14)
    scale = np.array([1 / 9, 1 / 7, 1 / 5, 1 / 3, 1, 3, 5, 7, 9])
    for n in (4, 5, 7, 9):
        matrix = np.ones((n, n))
        for i in range(n):
            for j in range(i + 1, n):
                matrix[i, j] = rng.choice(scale)
                matrix[j, i] = 1 / matrix[i, j]
        assert consistency_ratio(matrix) == pytest.approx(priorities(matrix).cr, rel=1e-9, abs=1e-12)


def test_demo_panels_are_complete_and_consistent(indicators_client: TestClient) -> None:
    nodes = judged_nodes(indicators_client)
    for panel in indicators_client.get("/v1/panels").json():
        progress = indicators_client.get(f"/v1/panels/{panel['id']}/progress").json()
        assert [p["expert_code"] for p in progress] == [e["code"] for e in panel["experts"]]
        assert all(
            p == {**p, "nodes_done": len(nodes), "nodes_total": len(nodes), "missing": [], "inconsistent": []}
            for p in progress
        ), progress
    assert indicators_client.get("/v1/panels/999/progress").status_code == 404


def test_progress_names_missing_and_inconsistent_nodes(
    indicators_client: TestClient, indicators_session: Session
) -> None:
    pid = panel_id(indicators_client)
    expert_id = indicators_session.scalars(select(Expert.id).where(Expert.code == "BASIC-E2")).one()
    indicators_session.execute(delete(Judgment).where(Judgment.expert_id == expert_id, Judgment.node == "C3"))
    indicators_session.commit()
    written = indicators_client.put(
        f"/v1/panels/{pid}/experts/BASIC-E3/judgments/goal",
        json={"items": GOAL_ITEMS, "matrix": CYCLIC_GOAL, "version": 1},
    )
    assert written.status_code == 200, written.text
    total = len(judged_nodes(indicators_client))
    progress = {p["expert_code"]: p for p in indicators_client.get(f"/v1/panels/{pid}/progress").json()}
    assert progress["BASIC-E2"] == {
        "expert_code": "BASIC-E2",
        "nodes_done": total - 1,
        "nodes_total": total,
        "missing": ["C3"],
        "inconsistent": [],
    }
    assert progress["BASIC-E3"]["nodes_done"] == total
    assert progress["BASIC-E3"]["inconsistent"] == ["goal"]
    assert all(
        not p["missing"] and not p["inconsistent"]
        for code, p in progress.items()
        if code not in {"BASIC-E2", "BASIC-E3"}
    )


def test_progress_shows_no_judgment_so_a_viewer_may_read_it(indicators_client: TestClient) -> None:
    _, viewer = new_key(indicators_client, "viewer")
    response = indicators_client.get(f"/v1/panels/{panel_id(indicators_client)}/progress", headers=viewer)
    assert response.status_code == 200
    assert set(response.json()[0]) == {"expert_code", "nodes_done", "nodes_total", "missing", "inconsistent"}


def test_migration_0005_goes_down_and_up_on_sqlite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    config = alembic_config(url)
    command.upgrade(config, "head")
    engine = create_engine(url)
    try:
        assert "provenance" in {c["name"] for c in inspect(engine).get_columns("weight_profiles")}
        assert "category_default_profiles" in inspect(engine).get_table_names()
        command.downgrade(config, "0004")
        inspector = inspect(engine)
        assert "provenance" not in {c["name"] for c in inspector.get_columns("weight_profiles")}
        assert "category_default_profiles" not in inspector.get_table_names()
        command.upgrade(config, "0005")
        assert "provenance" in {c["name"] for c in inspect(engine).get_columns("weight_profiles")}
    finally:
        engine.dispose()


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
    admin = Principal(key_id=None, name="racer", role="admin")
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
