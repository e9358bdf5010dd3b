"""Settings of the recommendation service."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field

from shared.settings import CommonSettings


class RecommendationsSettings(CommonSettings):
    recommendations_ttl_seconds: float = Field(
        default=3600, gt=0, description="How long a computed answer is cached (its key changes with the data anyway)."
    )
    what_if_top_n: int = Field(
        default=5, ge=1, le=30, description="Most actions per cluster (its answerable weaknesses are all rescored)."
    )
    materiality_threshold: float = Field(
        default=0.05,
        ge=0,
        lt=1,
        description="Smallest gap to the benchmark, as a share of the indicator's reference range, that an action "
        "answers: smaller gaps are listed as weaknesses but not acted on.",
    )
    rules_path: Path | None = Field(default=None, description="Rule base file; default: rules.yaml of the service.")


@lru_cache
def get_settings() -> RecommendationsSettings:
    return RecommendationsSettings()
