"""The tier rule of rankings: a cluster's tier is its score's ratio to the year's mean score."""

from __future__ import annotations

import math
from collections.abc import Sequence

from shared.schemas.rankings import TIER_THRESHOLDS, Tier


def tier_of(scores: Sequence[float]) -> list[Tier]:
    """Tier of each score by its ratio to the mean score: leading ≥ 1.2, strong ≥ 0.9, moderate ≥ 0.5."""
    if not scores:
        return []
    if any(score < 0 or not math.isfinite(score) for score in scores):
        raise ValueError("tiers relative to the mean need finite, non-negative scores")
    mean = math.fsum(scores) / len(scores)
    if mean == 0:
        return ["strong"] * len(scores)
    tiers: list[Tier] = []
    for score in scores:
        ratio = score / mean
        # A score sitting exactly on a boundary belongs to the upper tier, whatever the float rounding.
        tier: Tier = "emerging"
        for name, bound in TIER_THRESHOLDS:
            if ratio >= bound or math.isclose(ratio, bound):
                tier = name
                break
        tiers.append(tier)
    return tiers
