"""A database URL brought to the head migration, and the demo data loaded into it."""

from __future__ import annotations

from alembic import command

from services.indicators.db import make_engine, make_session_factory
from services.indicators.demo.load import load_demo
from services.indicators.prestart import alembic_config


def migrate(url: str) -> None:
    command.upgrade(alembic_config(url), "head")


def load_demo_into(url: str) -> None:
    engine = make_engine(url)
    with make_session_factory(engine)() as session, session.begin():
        load_demo(session)
    engine.dispose()
