"""Settings of the scoring service."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field

from shared.settings import CommonSettings


class ScoringSettings(CommonSettings):
    rankings_ttl_seconds: float = Field(default=3600, gt=0, description="How long a computed ranking is cached.")
    coverage_threshold: float = Field(
        default=0.65,
        gt=0,
        le=1,
        description="Share of a criterion's values a cluster needs before the audit flags it (the 65% rule).",
    )


@lru_cache
def get_settings() -> ScoringSettings:
    return ScoringSettings()
