"""v1 schemas of plans: POST /v1/rankings/plan (scoring) and GET /v1/recommendations/{cluster_code}/plan (API.md).

A plan is the smallest set of indicator changes, each to a value a cluster of the same category reached that year,
that brings a cluster to a target on the published fixed-reference model; the target is `next_tier`,
`top_quartile` or `rank:K`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator

from shared.schemas.analyses import ModelEcho, RankingModelRequest
from shared.schemas.vocabulary import Lang, NamedPlanTarget, Tier

NAMED_TARGETS: tuple[NamedPlanTarget, ...] = get_args(NamedPlanTarget)
TARGET_FORMS = (*NAMED_TARGETS, "rank:K")
TARGET_HELP = ", ".join(TARGET_FORMS[:-1]) + f" or {TARGET_FORMS[-1]} (K from 1 to the number of ranked clusters)"
TARGET_MEANING = (
    "`next_tier`: the next better tier (a leading cluster is there already); `top_quartile`: among the best "
    "ceil(n/4) of the n clusters of its category by score; `rank:K`: a rank of K or better in the model's ranking"
)
_RANK = re.compile(r"rank:([0-9]{1,6})")


@dataclass(frozen=True)
class PlanTarget:
    """A parsed target: a named one, or `rank` with its K."""

    kind: NamedPlanTarget | None
    rank: int | None

    def __str__(self) -> str:
        return f"rank:{self.rank}" if self.kind is None else self.kind


def parse_target(text: str) -> PlanTarget:
    """`next_tier`, `top_quartile` or `rank:K` (K ≥ 1; its upper bound, the field's size, is checked by the model);
    ValueError naming the forms otherwise."""
    cleaned = text.strip()
    if cleaned in NAMED_TARGETS:
        return PlanTarget(kind=cleaned, rank=None)
    match = _RANK.fullmatch(cleaned)
    if match is None:
        raise ValueError(f"unknown target {text!r}: the target is {TARGET_HELP}")
    rank = int(match.group(1))
    if rank < 1:
        raise ValueError(f"rank:{rank} is out of range: ranks start at 1; the target is {TARGET_HELP}")
    return PlanTarget(kind=None, rank=rank)


class PlanRequest(RankingModelRequest):
    """The ranking's model (fixed reference), the cluster and the target."""

    cluster_code: str = Field(description="Cluster the plan is for.", examples=["FS-HOME"])
    target: str = Field(
        description=f"What the plan must reach: {TARGET_HELP}. {TARGET_MEANING}.", examples=["next_tier", "rank:5"]
    )

    @field_validator("target")
    @classmethod
    def _known_target(cls, value: str) -> str:
        return str(parse_target(value))


class PlanStanding(BaseModel):
    rank: int = Field(description="Rank in the model's ranking (overall when the model has no category), 1 best.")
    score: float = Field(description="Score on the model (fixed reference, 0–1).")
    tier: Tier = Field(description="Tier by the score's ratio to the mean score of the whole field of the year.")


class PlanPeer(BaseModel):
    cluster_code: str = Field(description="A cluster of the same category that reached the value that year.")
    value: float = Field(description="Its stored (observed, never imputed) value of the indicator that year.")


class PlanChange(BaseModel):
    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    indicator: str = Field(description="Indicator code.")
    criterion: str = Field(description="Criterion of the indicator.")
    value_from: float = Field(
        alias="from", description="The cluster's value in the model (its category's median when `imputed`)."
    )
    value_to: float = Field(alias="to", description="The value the plan moves it to: the peer's stored value.")
    peer: PlanPeer = Field(description="The cluster that reached `to` (the best-scoring one when several did).")
    effort: float = Field(description="|to − from| as a share of the indicator's reference range.")
    imputed: bool = Field(
        description="The cluster's value was missing and imputed: the change first needs the real value collected."
    )


class PlanCriterionScore(BaseModel):
    criterion: str = Field(description="Criterion code.")
    before: float = Field(description="Its criterion score now (fixed reference, 0–1), as the ranking has it.")
    after: float = Field(description="Its criterion score with the plan's changes, re-scored the same way.")


class PlanResponse(BaseModel):
    cluster_code: str = Field(description="Cluster code.")
    year: int = Field(description="Year of the data.")
    model: ModelEcho = Field(description="The model the plan was computed and re-scored on.")
    target: str = Field(description="The target, normalised (`next_tier`, `top_quartile` or `rank:K`).")
    target_rule: str = Field(description="What reaching the target means for this cluster, in numbers.")
    threshold: float | None = Field(
        description="The score that reaches the target (the others' scores held as the model has them); null when "
        "no score can (a tier above `strong` in a field of one)."
    )
    current: PlanStanding = Field(description="Where the cluster stands now.")
    reachable: bool = Field(
        description="True when a plan within the peers' values reaches the target (or it is met already)."
    )
    changes: list[PlanChange] = Field(
        description="The fewest changes that reach the target, then the least total effort; none when the target is "
        "met already or unreachable. Dropping any one of them misses the target."
    )
    reached: PlanStanding = Field(description="Rank, score and tier with the changes, re-scored on the model.")
    best_possible: PlanStanding = Field(
        description="Rank, score and tier with every indicator at the best value a peer reached: the most any plan "
        "can give."
    )
    effort: float = Field(description="Sum of the changes' efforts.")
    criteria_scores: list[PlanCriterionScore] = Field(
        description="Each criterion's score before and after the changes, in the tree's order (equal when there are "
        "none): the criterion scores of the ranking, re-scored with the changed values."
    )
    notes: list[str] = Field(description="How the plan was made: the peers, imputed values, the ties.")


MAX_PLAN_CLUSTERS = 1000


class PlansRequest(RankingModelRequest):
    """The ranking's model (fixed reference), the target, and the clusters (default: every one the model ranks)."""

    target: str = Field(
        description=f"What each plan must reach: {TARGET_HELP}. {TARGET_MEANING}.", examples=["next_tier"]
    )
    cluster_codes: list[str] | None = Field(
        default=None,
        max_length=MAX_PLAN_CLUSTERS,
        description="Clusters to plan for, each once; null: every cluster the model ranks, in the ranking's order.",
    )

    @field_validator("target")
    @classmethod
    def _known_target(cls, value: str) -> str:
        return str(parse_target(value))

    @field_validator("cluster_codes")
    @classmethod
    def _each_once(cls, value: list[str] | None) -> list[str] | None:
        # A plan per listed code: a repeated one would only repeat the work (and bound nothing).
        if value is not None and len(set(value)) < len(value):
            repeated = sorted({code for code in value if value.count(code) > 1})
            raise ValueError(f"each cluster once: {', '.join(repeated)} repeated")
        return value


class PlansResponse(BaseModel):
    model: ModelEcho = Field(description="The model every plan was computed and re-scored on.")
    target: str = Field(description="The target, normalised.")
    plans: list[PlanResponse] = Field(description="One plan per cluster, in the ranking's order (or as asked).")


class ClusterPlanChange(PlanChange):
    name: str = Field(description="Indicator name in the answer's language.")
    unit: str = Field(description="Unit of `from` and `to` in the answer's language.")
    peer_name: str = Field(description="The peer's name in the answer's language.")


class ClusterPlan(PlanResponse):
    """GET /v1/recommendations/{cluster_code}/plan: the scoring service's plan with names in the answer's language."""

    name: str = Field(description="Cluster name in the answer's language.")
    lang: Lang = Field(description="Language of the names and the summary.")
    changes: list[ClusterPlanChange] = Field(  # type: ignore[assignment]
        description="The fewest changes that reach the target, then the least total effort; none when the target is "
        "met already or unreachable. Dropping any one of them misses the target."
    )
    summary: str = Field(description="The plan in one sentence, in the answer's language.")
