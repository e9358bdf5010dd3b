"""Settings of the recommendation service."""

from __future__ import annotations

from functools import lru_cache

from shared.settings import CommonSettings


class RecommendationsSettings(CommonSettings):
    pass


@lru_cache
def get_settings() -> RecommendationsSettings:
    return RecommendationsSettings()
