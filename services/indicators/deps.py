"""Injected dependencies of the indicator service."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from services.indicators.config import IndicatorsSettings


def get_session(request: Request) -> Iterator[Session]:
    """One unit of work per request: commit when the handler returns, roll back when it raises."""
    with request.app.state.session_factory() as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def get_settings(request: Request) -> IndicatorsSettings:
    settings: IndicatorsSettings = request.app.state.settings
    return settings


# scope="function": the commit happens before the response is sent, so a failed commit is never a 200.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
SettingsDep = Annotated[IndicatorsSettings, Depends(get_settings)]
