"""Injected dependencies of the indicator service."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.exc import DataError
from sqlalchemy.orm import Session

from services.indicators.config import IndicatorsSettings
from services.indicators.state.service import STATE_CHANGED, current_state, publish
from shared.errors import InvalidInput


def get_session(request: Request) -> Iterator[Session]:
    """One unit of work per request: commit when the handler returns, roll back when it raises."""
    with request.app.state.session_factory() as session:
        try:
            yield session
            session.commit()
            if session.info.pop(STATE_CHANGED, False):
                publish(request.app.state.state_channel, current_state(session))
        except (DataError, OverflowError) as exc:
            # A value the database cannot hold (an id beyond its integers, a text longer than its column) is bad
            # input that slipped past validation: a 422, never a 500. SQLite's driver raises OverflowError for it.
            session.rollback()
            reason = str(getattr(exc, "orig", exc)).splitlines()[0]
            raise InvalidInput(f"a value in the request is out of range: {reason}") from exc
        except BaseException:
            session.rollback()
            raise


async def get_settings(request: Request) -> IndicatorsSettings:
    settings: IndicatorsSettings = request.app.state.settings
    return settings


# scope="function": the commit happens before the response is sent, so a failed commit is never a 200.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
SettingsDep = Annotated[IndicatorsSettings, Depends(get_settings)]
