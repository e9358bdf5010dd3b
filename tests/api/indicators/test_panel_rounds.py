"""Delphi rounds of a panel: a closed round's judgments stay as they were, read-only; the next starts from them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, delete, inspect, select, text
from sqlalchemy.orm import Session

from services.indicators.models import Expert, Judgment, PanelRound
from services.indicators.prestart import alembic_config
from tests.support.database import load_demo_into

GOAL_ITEMS = ["C1", "C2", "C3", "C4", "C5", "C6", "C7"]


def new_key(client: TestClient, role: str, name: str = "someone") -> tuple[int, dict[str, str]]:
    created = client.post("/v1/api-keys", json={"name": name, "role": role}).json()
    return created["id"], {"X-API-Key": created["key"]}


def demo_panel(client: TestClient, code: str = "DEMO-BASIC") -> int:
    return int(next(p["id"] for p in client.get("/v1/panels").json() if p["code"] == code))


def goal_with(c1_over_c2: float, version: int, round_number: int | None = None) -> dict[str, Any]:
    matrix: list[list[float]] = [[1.0] * 7 for _ in range(7)]
    matrix[0][1], matrix[1][0] = c1_over_c2, 1 / c1_over_c2
    body: dict[str, Any] = {"items": GOAL_ITEMS, "matrix": matrix, "version": version}
    if round_number is not None:
        body["round"] = round_number
    return body


def test_a_panel_starts_in_round_1_open(indicators_client: TestClient) -> None:
    pid = demo_panel(indicators_client)
    rounds = indicators_client.get(f"/v1/panels/{pid}/rounds").json()
    assert [(r["round"], r["status"], r["closed_at"]) for r in rounds] == [(1, "open", None)]
    judgments = indicators_client.get(f"/v1/panels/{pid}/judgments").json()
    assert {j["round"] for j in judgments} == {1}
    created = indicators_client.post("/v1/panels", json={"code": "P-R", "name": "Rounds", "experts": []}).json()
    assert [r["round"] for r in indicators_client.get(f"/v1/panels/{created['id']}/rounds").json()] == [1]


def test_closing_a_round_keeps_its_judgments_and_the_next_starts_from_them(indicators_client: TestClient) -> None:
    pid = demo_panel(indicators_client)
    url = f"/v1/panels/{pid}/experts/BASIC-E1/judgments/goal"
    indicators_client.put(url, json=goal_with(3, version=1))
    first = indicators_client.get(f"/v1/panels/{pid}/judgments").json()

    opened = indicators_client.post(f"/v1/panels/{pid}/rounds")
    assert opened.status_code == 201, opened.text
    assert opened.json()["round"] == 2
    assert opened.json()["status"] == "open"
    rounds = indicators_client.get(f"/v1/panels/{pid}/rounds").json()
    assert [(r["round"], r["status"]) for r in rounds] == [(1, "closed"), (2, "open")]
    assert rounds[0]["closed_at"] is not None
    assert rounds[0]["closed_by"] == rounds[1]["opened_by"]

    # Round 1 reads back exactly as it was; round 2 (the default) holds the same judgments, at version 1.
    assert indicators_client.get(f"/v1/panels/{pid}/judgments", params={"round": 1}).json() == first
    second = indicators_client.get(f"/v1/panels/{pid}/judgments").json()
    assert len(second) == len(first)
    for before, copy in zip(first, second, strict=True):
        assert copy["round"] == 2
        assert copy["version"] == 1
        assert {k: copy[k] for k in ("expert_code", "node", "items", "matrix", "updated_by")} == {
            k: before[k] for k in ("expert_code", "node", "items", "matrix", "updated_by")
        }

    # A revision goes to round 2 and leaves round 1 alone.
    revised = indicators_client.put(url, json=goal_with(5, version=1, round_number=2))
    assert revised.status_code == 200, revised.text
    assert revised.json()["round"] == 2
    assert revised.json()["version"] == 2
    old = indicators_client.get(url, params={"round": 1}).json()
    assert old["matrix"][0][1] == 3
    assert old["version"] == 2
    assert indicators_client.get(url).json()["matrix"][0][1] == 5
    assert indicators_client.get(url, params={"round": 2}).json()["matrix"][0][1] == 5
    assert indicators_client.get(f"/v1/panels/{pid}/judgments", params={"round": 1}).json() == first


def test_a_write_meant_for_a_closed_round_is_refused(indicators_client: TestClient) -> None:
    pid = demo_panel(indicators_client)
    url = f"/v1/panels/{pid}/experts/BASIC-E2/judgments/goal"
    read = indicators_client.get(url).json()
    assert indicators_client.post(f"/v1/panels/{pid}/rounds").status_code == 201
    refused = indicators_client.put(url, json=goal_with(7, version=read["version"], round_number=read["round"]))
    assert refused.status_code == 409
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert "round 1" in refused.json()["detail"]
    assert indicators_client.get(url, params={"round": 1}).json() == read
    assert indicators_client.get(url).json()["matrix"] == read["matrix"]


def test_rounds_can_follow_one_another(indicators_client: TestClient) -> None:
    pid = demo_panel(indicators_client, "DEMO-STRATEGIC")
    for expected in (2, 3):
        assert indicators_client.post(f"/v1/panels/{pid}/rounds").json()["round"] == expected
    statuses = [r["status"] for r in indicators_client.get(f"/v1/panels/{pid}/rounds").json()]
    assert statuses == ["closed", "closed", "open"]
    per_round = [
        len(indicators_client.get(f"/v1/panels/{pid}/judgments", params={"round": n}).json()) for n in (1, 2, 3)
    ]
    assert per_round == [40, 40, 40]
    assert indicators_client.get(f"/v1/panels/{pid}/judgments", params={"round": 4}).status_code == 404
    assert indicators_client.get(f"/v1/panels/{pid}/judgments", params={"round": 0}).status_code == 422


def test_progress_is_that_of_the_open_round(indicators_client: TestClient, indicators_session: Session) -> None:
    pid = demo_panel(indicators_client)
    assert indicators_client.post(f"/v1/panels/{pid}/rounds").status_code == 201
    # A judgment missing from the open round counts, one missing from the closed round does not.
    expert_id = indicators_session.scalars(select(Expert.id).where(Expert.code == "BASIC-E4")).one()
    indicators_session.execute(
        delete(Judgment).where(Judgment.expert_id == expert_id, Judgment.round == 2, Judgment.node == "C3")
    )
    indicators_session.commit()
    progress = {p["expert_code"]: p for p in indicators_client.get(f"/v1/panels/{pid}/progress").json()}
    assert progress["BASIC-E4"]["missing"] == ["C3"]
    assert all(not p["missing"] for code, p in progress.items() if code != "BASIC-E4")


def test_only_analysts_close_rounds(indicators_client: TestClient) -> None:
    pid = demo_panel(indicators_client)
    for role in ("viewer", "expert"):
        _, headers = new_key(indicators_client, role)
        refused = indicators_client.post(f"/v1/panels/{pid}/rounds", headers=headers)
        assert refused.status_code == 403, role
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert indicators_client.get(f"/v1/panels/{pid}/rounds", headers=headers).status_code == 200
    _, analyst = new_key(indicators_client, "analyst", name="facilitator")
    assert indicators_client.post(f"/v1/panels/{pid}/rounds", headers=analyst).status_code == 201
    assert len(indicators_client.get(f"/v1/panels/{pid}/rounds").json()) == 2


def test_an_unknown_panel_has_no_rounds(indicators_client: TestClient) -> None:
    for method in ("GET", "POST"):
        response = indicators_client.request(method, "/v1/panels/999/rounds")
        assert response.status_code == 404, method
        assert response.headers["content-type"].startswith("application/problem+json")


def test_an_expert_reads_their_own_judgments_of_a_closed_round(indicators_client: TestClient) -> None:
    pid = demo_panel(indicators_client)
    key_id, expert = new_key(indicators_client, "expert", name="basic-e3")
    indicators_client.patch(f"/v1/panels/{pid}/experts/BASIC-E3", json={"api_key_id": key_id})
    assert indicators_client.post(f"/v1/panels/{pid}/rounds").status_code == 201
    own = indicators_client.get(f"/v1/panels/{pid}/judgments", params={"round": 1}, headers=expert).json()
    assert {(j["expert_code"], j["round"]) for j in own} == {("BASIC-E3", 1)}
    url = f"/v1/panels/{pid}/experts/BASIC-E3/judgments/goal"
    assert indicators_client.put(url, json=goal_with(2, version=1, round_number=2), headers=expert).status_code == 200
    other = f"/v1/panels/{pid}/experts/BASIC-E1/judgments/goal"
    assert indicators_client.get(other, params={"round": 1}, headers=expert).status_code == 403


def test_closing_and_opening_are_audited(indicators_client: TestClient) -> None:
    pid = demo_panel(indicators_client)
    indicators_client.post(f"/v1/panels/{pid}/rounds")
    closed = indicators_client.get("/v1/audit", params={"action": "panel_round.close"}).json()
    opened = indicators_client.get("/v1/audit", params={"action": "panel_round.open"}).json()
    assert [(e["entity_id"], e["before"], e["after"]) for e in closed] == [
        ("DEMO-BASIC/1", {"round": 1, "status": "open"}, {"round": 1, "status": "closed", "judgments": 40})
    ]
    assert [(e["entity_id"], e["after"]) for e in opened] == [
        ("DEMO-BASIC/2", {"round": 2, "status": "open", "copied_from": 1, "judgments": 40})
    ]


def _counts(url: str) -> dict[str, Any]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            judgments = connection.execute(text("SELECT count(*) FROM judgments")).scalar_one()
            matrices = connection.execute(text("SELECT expert_id, node, matrix FROM judgments ORDER BY id")).all()
            columns = {c["name"] for c in inspect(engine).get_columns("judgments")}
            tables = set(inspect(engine).get_table_names())
        return {"judgments": judgments, "matrices": [tuple(map(str, row)) for row in matrices], "columns": columns,
                "tables": tables}  # fmt: skip
    finally:
        engine.dispose()


def check_round_trip(url: str) -> None:
    """A database at 0005 with the demo's judgments, up to 0006 (round 1, open), down and up again; none lost."""
    config = alembic_config(url)
    command.upgrade(config, "head")
    load_demo_into(url)
    command.downgrade(config, "0005")
    before = _counts(url)
    assert "round" not in before["columns"]
    assert "panel_rounds" not in before["tables"]
    command.upgrade(config, "0006")
    after = _counts(url)
    assert after["judgments"] == before["judgments"] > 0
    assert after["matrices"] == before["matrices"]
    engine = create_engine(url)
    try:
        with Session(engine) as session:
            rounds = session.scalars(select(PanelRound)).all()
            assert len(rounds) == 3
            assert {(r.number, r.closed_at) for r in rounds} == {(1, None)}
            assert set(session.scalars(select(Judgment.round))) == {1}
    finally:
        engine.dispose()
    command.downgrade(config, "0005")
    down = _counts(url)
    assert "panel_rounds" not in down["tables"]
    assert "round" not in down["columns"]
    assert down["matrices"] == before["matrices"]
    command.upgrade(config, "head")
    assert _counts(url)["matrices"] == before["matrices"]


def test_migration_0006_keeps_every_judgment_up_down_up_on_sqlite(tmp_path: Path) -> None:
    check_round_trip(f"sqlite:///{tmp_path / 'm.db'}")


def test_downgrade_keeps_the_latest_round(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    config = alembic_config(url)
    command.upgrade(config, "head")
    load_demo_into(url)
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            panel = connection.execute(text("SELECT id FROM panels WHERE code = 'DEMO-BASIC'")).scalar_one()
            connection.execute(
                text("INSERT INTO panel_rounds (panel_id, number, opened_at, opened_by) VALUES (:p, 2, :t, 'x')"),
                {"p": panel, "t": "2026-12-07 00:00:00"},
            )
            connection.execute(
                text(
                    "INSERT INTO judgments (expert_id, round, node, items, matrix, version, updated_at, updated_by) "
                    "SELECT expert_id, 2, node, items, '[[1, 3], [0.3333333333333333, 1]]', 1, updated_at, "
                    "updated_by FROM judgments WHERE node = 'goal' AND expert_id IN "
                    "(SELECT id FROM experts WHERE panel_id = :p)"
                ),
                {"p": panel},
            )
        total = _counts(url)["judgments"]
        command.downgrade(config, "0005")
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM judgments")).scalar_one() == total - 5
            kept = connection.execute(
                text("SELECT matrix FROM judgments JOIN experts ON experts.id = expert_id "
                     "WHERE panel_id = :p AND node = 'goal'"), {"p": panel}
            ).scalars().all()  # fmt: skip
        assert len(kept) == 5
        assert all("0.3333333333333333" in str(m) for m in kept)
    finally:
        engine.dispose()


@pytest.mark.integration
def test_migration_0006_keeps_every_judgment_up_down_up_on_postgres(postgres_url: str) -> None:
    check_round_trip(postgres_url)
