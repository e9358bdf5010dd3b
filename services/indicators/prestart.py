"""Before the indicator service starts: wait for the database, apply migrations, load the demo data if asked.

The demo loader is imported only with `--demo`: a production migrate job loads nothing but the migrations.
"""

from __future__ import annotations

import argparse
import logging
import time
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import text

from services.indicators.config import IndicatorsSettings
from services.indicators.db import make_engine, make_session_factory

ALEMBIC_INI = Path(__file__).resolve().parent / "alembic.ini"
log = logging.getLogger("prestart")


def alembic_config(url: str) -> Config:
    config = Config(str(ALEMBIC_INI))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def wait_for_database(url: str, *, timeout_seconds: float = 60.0) -> None:
    engine = make_engine(url)
    deadline = time.monotonic() + timeout_seconds
    try:
        while True:
            try:
                with engine.connect() as connection:
                    connection.execute(text("SELECT 1"))
                return
            except Exception:
                if time.monotonic() > deadline:
                    raise
                log.info("waiting for the database ...")
                time.sleep(1)
    finally:
        engine.dispose()


def prestart(settings: IndicatorsSettings, *, demo: bool) -> None:
    wait_for_database(settings.database_url)
    command.upgrade(alembic_config(settings.database_url), "head")
    if not demo:
        return
    from services.indicators.demo.load import database_is_empty, load_demo

    engine = make_engine(settings.database_url)
    with make_session_factory(engine)() as session, session.begin():
        if database_is_empty(session):
            result = load_demo(session)
            log.info("loaded the synthetic demo data: %d observations", result.inserted)
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--demo", action="store_true", help="load the demo data into an empty database")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    prestart(IndicatorsSettings(), demo=args.demo)


if __name__ == "__main__":
    main()
