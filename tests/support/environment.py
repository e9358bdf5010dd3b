"""The tests' admin key, CI versus laptop, and the indicator service's settings for a test."""

from __future__ import annotations

import os

import pytest

from services.indicators.config import IndicatorsSettings

ADMIN_KEY = "test-admin-key"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def unavailable(what: str, exc: Exception) -> None:
    """In CI a missing PostgreSQL or Redis is a failure, never a skip; on a laptop it is a skip."""
    message = f"{what} does not answer: {exc}"
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


def indicators_settings(database_url: str, **overrides: object) -> IndicatorsSettings:
    return IndicatorsSettings(
        database_url=database_url, admin_api_key=ADMIN_KEY, env="test", log_level="WARNING", **overrides
    )
