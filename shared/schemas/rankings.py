"""v1 schemas of rankings of stored data: GET /v1/rankings and GET /v1/rankings/compare."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field, model_validator

# Declared in shared.schemas.vocabulary; a name imported `as` itself is re-exported for the modules that import it
# from here.
from shared.schemas.vocabulary import Category, ComparisonFlag, FixedReference
from shared.schemas.vocabulary import FixedReferenceMethod as FixedReferenceMethod
from shared.schemas.vocabulary import RankingMethod as RankingMethod
from shared.schemas.vocabulary import Reference as Reference
from shared.schemas.vocabulary import Tier as Tier

# Lower bound of each tier as a share of the mean score of the year's whole field (DOMAIN.md).
TIER_THRESHOLDS: tuple[tuple[Tier, float], ...] = (("leading", 1.2), ("strong", 0.9), ("moderate", 0.5))
TIER_RULE = (
    "Tier by a cluster's score relative to the mean score of all clusters of the year (the whole field, whatever "
    "the filter): leading ≥ 120%, strong ≥ 90%, moderate ≥ 50%, emerging below."
)
TIER_RULE_ZH = "梯队按集群得分相对当年全部集群平均分划分（与筛选无关）：领先 ≥120%，较强 ≥90%，中等 ≥50%，其余为起步。"


class RankingResult(BaseModel):
    cluster_code: str = Field(description="Cluster code.")
    name: str = Field(description="English name.")
    name_zh: str = Field(description="Chinese name.")
    category: Category = Field(description="basic, strategic or cutting_edge.")
    province: str = Field(description="Province (English).")
    industry: str = Field(description="Industrial field (English).")
    score: float = Field(
        description="Overall score; with reference=fixed a closeness in [0, 1] comparable across years."
    )
    rank: int = Field(description="1 is best; equal scores share a rank.")
    overall_rank: int = Field(
        description="Rank among all clusters of the year under the same model (equals `rank` without a filter)."
    )
    rank_change: int | None = Field(
        description="Previous year's rank minus this year's (positive: moved up); null without a previous year."
    )
    previous_rank: int | None = Field(default=None, description="Rank in the previous year under the same settings.")
    previous_score: float | None = Field(default=None, description="Score in the previous year.")
    tier: Tier = Field(
        description="By score relative to the mean of the whole field of the year (never of the filtered rows): "
        "leading ≥120%, strong 90–120%, moderate 50–90%, emerging below."
    )
    criteria_scores: dict[str, float] = Field(description="Score of each criterion's indicators on their own (C1…).")
    imputed: list[str] = Field(description="Indicators that were missing and scored with the category's median.")
    clipped: list[str] = Field(
        default_factory=list, description="Indicators whose value lay outside the reference range (fixed reference)."
    )
    # No defaults: a cached ranking of the shape before these fields does not validate and is computed again.
    coverage_flag: bool = Field(
        description="True when the cluster has fewer than the coverage threshold (65% by default) of some "
        "criterion's values present that year (the rest were imputed)."
    )
    coverage_below: list[str] = Field(description="The criteria whose share of values present is below the threshold.")


class RankingResponse(BaseModel):
    year: int = Field(description="Year of the data.")
    dataset_version: str = Field(description="Version of the dataset the ranking came from.")
    previous_year: int | None = Field(default=None, description="Year the rank change is measured against.")
    profile: int = Field(description="Id of the published weight profile used.")
    profile_name: str = Field(default="", description="Name of that profile.")
    method: RankingMethod = Field(description="Scoring method.")
    normalization: str | None = Field(default=None, description="Normalisation (relative reference only).")
    reference: Reference = Field(description="fixed: scaled against reference ranges; relative: this year's field.")
    category: Category | None = Field(default=None, description="Only this category's clusters; null: all.")
    winsorize: bool = Field(
        default=False,
        description="True when each indicator the audit flags as outlying had up to 5 of its stored values "
        "winsorised before scoring (relative reference only); `warnings` name every treated value.",
    )
    synthetic: bool = Field(default=False, description="True when the data is the synthetic demo data.")
    warnings: list[str] = Field(default_factory=list, description="Notes on the computation.")
    tier_rule: str = Field(default=TIER_RULE, description="How `tier` is decided, in words.")
    coverage_threshold: float = Field(
        default=0.65, description="Share of a criterion's values a cluster needs before `coverage_flag` is set."
    )
    results: list[RankingResult] = Field(description="Best first.")


class YearStanding(BaseModel):
    rank: int | None = Field(description="Rank that year; null when the cluster has no data that year.")
    score: float | None = Field(description="Score that year (fixed reference).")


class ComparisonRow(BaseModel):
    cluster_code: str = Field(description="Cluster code.")
    name: str = Field(description="English name.")
    name_zh: str = Field(description="Chinese name.")
    category: Category = Field(description="Category.")
    from_: YearStanding = Field(alias="from", description="Standing in the first year.")
    to: YearStanding = Field(description="Standing in the second year.")
    rank_change: int | None = Field(description="Rank in `from` minus rank in `to` (positive: moved up).")
    score_change: float | None = Field(
        description="Score in `to` minus score in `from`: a real change (fixed reference)."
    )
    contributions: dict[str, float] | None = Field(
        default=None,
        description="Each criterion's part of `score_change` (Shapley values over the criteria: the mean change "
        "as that criterion's indicators switch from the first year's values to the second's, over every order of "
        "switching); they add up to `score_change` exactly (with `weights_contribution` when the years are scored "
        "under different profiles). Null when the cluster lacks one of the years.",
    )
    weights_contribution: float | None = Field(
        default=None,
        description="When `from_profile` differs from `profile`: the part of `score_change` due to the change of "
        "weights (the weights are one more player of the Shapley decomposition); else null.",
    )
    revised: list[str] = Field(
        default_factory=list,
        description="Indicators whose value of the first year was replaced after it was first stored (the history "
        "keeps every replaced value): that year's score is not the one first published.",
    )
    flags: list[ComparisonFlag] = Field(
        default_factory=list,
        description="`revised_data` when `revised` is not empty; `profile_changed` when the years are scored under "
        "different profiles: ranks and scores may move for reasons other than performance.",
    )

    model_config = {"populate_by_name": True}


class ComparisonResponse(BaseModel):
    from_year: int = Field(description="First year.")
    to_year: int = Field(description="Second year.")
    from_version: str = Field(description="Dataset version of the first year.")
    to_version: str = Field(description="Dataset version of the second year.")
    profile: int = Field(description="Weight profile of the second year (and of the first, unless `from_profile`).")
    from_profile: int = Field(description="Weight profile of the first year; equal to `profile` unless asked.")
    method: RankingMethod = Field(description="Scoring method.")
    reference: Reference = Field(description="Always fixed, so a score change is a change of the cluster's own values.")
    results: list[ComparisonRow] = Field(description="By rank in the second year.")


class RankingPreviewRequest(BaseModel):
    """A ranking of stored data under weights being tuned, before any profile is published."""

    year: int = Field(description="Year of the data.", examples=[2024])
    weights: dict[str, Annotated[float, Field(ge=0, allow_inf_nan=False)]] = Field(
        description="Global weight of every indicator by code; normalised to sum 1.",
    )
    profile: int | None = Field(default=None, description="Profile that names the ranking; default: the default.")
    method: RankingMethod = Field(default="topsis", description="Scoring method.")
    reference: Reference = Field(default="fixed", description="fixed or relative.")
    category: Category | None = Field(default=None, description="Only this category's clusters.")
    winsorize: bool = Field(default=False, description="Relative reference only: as `GET /v1/rankings?winsorize`.")

    @model_validator(mode="after")
    def _positive_total(self) -> RankingPreviewRequest:
        if not sum(self.weights.values()) > 0:
            raise ValueError("the weights must have a positive sum")
        return self


class WhatIfCandidate(BaseModel):
    """One hypothetical row: a cluster's stored row (imputed where missing) with one indicator's value changed."""

    cluster_code: str | None = Field(
        default=None, description="Cluster whose row is changed; default: the request's `cluster_code`."
    )
    indicator: str = Field(description="Indicator code whose value changes, e.g. `C2.3`.")
    value: Annotated[float, Field(allow_inf_nan=False)] = Field(
        description="The value it would take (beyond the reference range it is clipped, as stored values are)."
    )


class WhatIfRequest(BaseModel):
    """Candidates to rescore on the fixed reference, for one cluster or many, in one request."""

    year: int = Field(description="Year of the data.", examples=[2024])
    profile: int | None = Field(default=None, description="Weight profile id; default: the default profile.")
    method: FixedReferenceMethod = Field(default="topsis", description="topsis (closeness) or wsm, fixed reference.")
    reference: FixedReference = Field(
        default="fixed", description="Always fixed: the other clusters' scores do not move when one cluster's do."
    )
    cluster_code: str | None = Field(default=None, description="Cluster of the candidates that name none.")
    candidates: list[WhatIfCandidate] = Field(
        min_length=1, max_length=10_000, description="Rows to rescore; each changes one indicator of one cluster."
    )

    @model_validator(mode="after")
    def _every_candidate_has_a_cluster(self) -> WhatIfRequest:
        if self.cluster_code is None and any(c.cluster_code is None for c in self.candidates):
            raise ValueError("give cluster_code, in the request or in every candidate")
        return self


class WhatIfResult(BaseModel):
    cluster_code: str = Field(description="Cluster code.")
    indicator: str = Field(description="Indicator whose value changed.")
    value: float = Field(description="The value it was given.")
    current_value: float = Field(description="Its value now (the category's median when the value is missing).")
    current_score: float = Field(description="The cluster's score now.")
    current_rank: int = Field(description="The cluster's rank now among all clusters of the year.")
    score: float = Field(description="The cluster's score with the changed value.")
    rank: int = Field(
        description="The rank that score reaches among the other clusters' current scores (1 best; ties share)."
    )
    rank_gain: int = Field(description="current_rank − rank: ranks gained (negative: lost).")
    score_gain: float = Field(description="score − current_score.")
    clipped: bool = Field(description="Whether the value lay outside the indicator's reference range and was clipped.")


class WhatIfResponse(BaseModel):
    year: int = Field(description="Year of the data.")
    dataset_version: str = Field(description="Version of the dataset the rows came from.")
    profile: int = Field(description="Id of the weight profile used.")
    method: FixedReferenceMethod = Field(description="Scoring method.")
    reference: FixedReference = Field(description="Always fixed.")
    results: list[WhatIfResult] = Field(description="One per candidate, in the order of the request.")
