"""Closing a panel's round while judgments are written: a closed round never changes after it closed, and the next
round starts from exactly what the closed one holds (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from services.indicators.db import make_engine, make_session_factory
from services.indicators.models import Expert, Judgment, Panel
from services.indicators.panels import service
from shared.auth import Principal
from shared.errors import Conflict
from shared.schemas.panels import JudgmentWrite
from tests.support.database import load_demo_into, migrate

pytestmark = pytest.mark.integration

FACILITATOR = Principal(key_id=None, name="facilitator", role="analyst")
EXPERT = Principal(key_id=None, name="writer", role="admin")
GOAL_ITEMS = ["C1", "C2", "C3", "C4", "C5", "C6", "C7"]


@pytest.fixture(params=["sqlite", "postgresql"])
def sessions(request: pytest.FixtureRequest) -> Iterator[sessionmaker[Session]]:
    url = request.getfixturevalue("demo_sqlite_url" if request.param == "sqlite" else "postgres_url")
    if request.param == "postgresql":
        migrate(url)
        load_demo_into(url)
    engine = make_engine(url)
    try:
        yield make_session_factory(engine)
    finally:
        engine.dispose()


def panel_id(factory: sessionmaker[Session]) -> int:
    with factory() as session:
        return session.scalars(select(Panel.id).where(Panel.code == "DEMO-BASIC")).one()


def goal_matrices(factory: sessionmaker[Session], round_number: int) -> dict[str, Any]:
    with factory() as session:
        rows = session.execute(
            select(Expert.code, Judgment.matrix)
            .join(Expert, Expert.id == Judgment.expert_id)
            .where(Judgment.node == "goal", Judgment.round == round_number, Expert.code.startswith("BASIC-"))
        )
        return {code: matrix for code, matrix in rows}


def equal_goal() -> JudgmentWrite:
    return JudgmentWrite(items=GOAL_ITEMS, matrix=[[1.0] * 7 for _ in range(7)], version=1)


def in_thread(work: Callable[[], None]) -> tuple[threading.Thread, list[BaseException]]:
    failures: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            failures.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    return thread, failures


def test_a_write_in_flight_is_in_both_the_closed_and_the_next_round(sessions: sessionmaker[Session]) -> None:
    pid = panel_id(sessions)
    with sessions() as writer:
        service.write_judgment(
            writer, panel_id=pid, expert_code="BASIC-E1", node="goal", data=equal_goal(), actor=EXPERT
        )

        def close() -> None:
            with sessions() as closer:
                service.close_round(closer, panel_id=pid, actor=FACILITATOR)
                closer.commit()

        thread, failures = in_thread(close)
        time.sleep(0.5)  # the closer now waits for the writer's lock
        assert thread.is_alive()
        writer.commit()
    thread.join(timeout=30)
    assert not failures, failures
    closed, following = goal_matrices(sessions, 1), goal_matrices(sessions, 2)
    assert closed["BASIC-E1"] == [[1.0] * 7 for _ in range(7)]
    assert following == closed


def test_a_write_that_loses_to_the_closing_is_a_conflict(sessions: sessionmaker[Session]) -> None:
    pid = panel_id(sessions)
    before = goal_matrices(sessions, 1)
    with sessions() as closer:
        service.close_round(closer, panel_id=pid, actor=FACILITATOR)
        outcome: list[str] = []

        def write() -> None:
            with sessions() as writer:
                try:
                    service.write_judgment(
                        writer, panel_id=pid, expert_code="BASIC-E2", node="goal", data=equal_goal(), actor=EXPERT
                    )
                    writer.commit()
                    outcome.append("written")
                except Conflict as exc:
                    writer.rollback()
                    outcome.append(str(exc))

        thread, failures = in_thread(write)
        time.sleep(0.5)
        assert thread.is_alive()
        closer.commit()
    thread.join(timeout=30)
    assert not failures, failures
    assert len(outcome) == 1
    assert "closed meanwhile" in outcome[0]
    assert goal_matrices(sessions, 1) == before
    assert goal_matrices(sessions, 2) == before


def test_two_closings_at_once_open_one_round(sessions: sessionmaker[Session]) -> None:
    pid = panel_id(sessions)
    with sessions() as first:
        service.close_round(first, panel_id=pid, actor=FACILITATOR)
        outcome: list[str] = []

        def close_again() -> None:
            with sessions() as second:
                try:
                    service.close_round(second, panel_id=pid, actor=FACILITATOR)
                    second.commit()
                    outcome.append("closed")
                except Conflict as exc:
                    second.rollback()
                    outcome.append(str(exc))

        thread, failures = in_thread(close_again)
        time.sleep(0.5)
        first.commit()
    thread.join(timeout=30)
    assert not failures, failures
    assert len(outcome) == 1
    assert "meanwhile" in outcome[0]
    with sessions() as session:
        assert [r.round for r in service.list_rounds(session, panel_id=pid)] == [1, 2]
