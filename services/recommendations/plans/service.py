"""A cluster's plan for a target: asked of the scoring service (the published model), named in the answer's language.

The plan itself (the fewest peer-bounded changes, re-scored) is computed by the scoring service on the ranking's own
model (POST /v1/rankings/plan); this service adds the indicator, unit and peer names and a one-line summary.
"""

from __future__ import annotations

from dataclasses import dataclass

from services.recommendations.advice.service import Upstreams
from services.recommendations.rules import format_number
from shared.errors import InvalidInput
from shared.schemas.plans import (
    ClusterPlan,
    ClusterPlanChange,
    PlanRequest,
    PlanResponse,
    PlansRequest,
    parse_target,
)
from shared.schemas.vocabulary import Lang, Tier

TIER_NAMES: dict[Tier, dict[Lang, str]] = {
    "leading": {"en": "leading", "zh": "领先"},
    "strong": {"en": "strong", "zh": "较强"},
    "moderate": {"en": "moderate", "zh": "中等"},
    "emerging": {"en": "emerging", "zh": "起步"},
}


def checked_target(target: str) -> str:
    """The target normalised, or a 422 at the query's `target` naming the forms."""
    try:
        return str(parse_target(target))
    except ValueError as exc:
        raise InvalidInput(str(exc), errors=[{"loc": ["query", "target"], "msg": str(exc)}]) from exc


def _query_errors(exc: InvalidInput) -> InvalidInput:
    """The scoring service names its body's fields; here they are this request's query parameters."""
    errors = [{**e, "loc": ["query", *e.get("loc", [])[1:]]} for e in exc.errors]
    return InvalidInput(exc.detail, errors=errors)


def cluster_plan(
    upstreams: Upstreams, *, cluster_code: str, year: int, profile_id: int | None, target: str, lang: Lang
) -> ClusterPlan:
    """The scoring service's plan of the cluster for `target`, with names and a summary in `lang`."""
    body = PlanRequest(year=year, profile=profile_id, cluster_code=cluster_code, target=checked_target(target))
    try:
        plan = upstreams.scoring.ranking_plan(body)
    except InvalidInput as exc:
        raise _query_errors(exc) from exc
    return _Names.of(upstreams, lang).plan(plan)


def year_plans(
    upstreams: Upstreams, *, year: int, profile_id: int | None, target: str, lang: Lang
) -> list[ClusterPlan]:
    """Every ranked cluster's plan for `target`, in rank order, from one request to the scoring service."""
    body = PlansRequest(year=year, profile=profile_id, target=checked_target(target))
    try:
        answer = (upstreams.scoring_batch or upstreams.scoring).ranking_plans(body)
    except InvalidInput as exc:
        raise _query_errors(exc) from exc
    names = _Names.of(upstreams, lang)
    return [names.plan(plan) for plan in answer.plans]


@dataclass(frozen=True)
class _Names:
    """Indicator, unit and cluster names in one language, from the catalogue (read through the cache)."""

    lang: Lang
    indicators: dict[str, str]
    units: dict[str, str]
    clusters: dict[str, str]

    @classmethod
    def of(cls, upstreams: Upstreams, lang: Lang) -> _Names:
        client = upstreams.indicators
        state = client.state()
        leaves = [i for c in client.indicator_tree(state=state) for i in c.children]
        return cls(
            lang=lang,
            indicators={i.code: (i.name_zh if lang == "zh" else i.name) for i in leaves},
            units={i.code: ((i.unit_zh or i.unit) if lang == "zh" else i.unit) for i in leaves},
            clusters={c.code: (c.name_zh if lang == "zh" else c.name) for c in client.clusters(state=state)},
        )

    def plan(self, plan: PlanResponse) -> ClusterPlan:
        changes = [
            ClusterPlanChange(
                **change.model_dump(by_alias=True),
                name=self.indicators.get(change.indicator, change.indicator),
                unit=self.units.get(change.indicator, ""),
                peer_name=self.clusters.get(change.peer.cluster_code, change.peer.cluster_code),
            )
            for change in plan.changes
        ]
        name = self.clusters.get(plan.cluster_code, plan.cluster_code)
        return ClusterPlan(
            **plan.model_dump(exclude={"changes"}),
            changes=changes,
            name=name,
            lang=self.lang,
            summary=summary(plan, name, self.lang),
        )


def summary(plan: PlanResponse, name: str, lang: Lang) -> str:
    """The plan in one sentence."""
    now, reached, best = plan.current, plan.reached, plan.best_possible

    def standing(rank: int, tier: Tier) -> str:
        return f"第{rank}位（{TIER_NAMES[tier][lang]}）" if lang == "zh" else f"rank {rank} ({TIER_NAMES[tier][lang]})"

    if not plan.changes and plan.reachable:
        if lang == "zh":
            return f"{name}目前{standing(now.rank, now.tier)}，已达到目标（{plan.target}），无需调整。"
        return f"{name} is at {standing(now.rank, now.tier)} and meets the target ({plan.target}) already."
    if not plan.reachable:
        if lang == "zh":
            return (
                f"在同类集群当年达到的数值范围内，没有任何调整组合能使{name}达到目标（{plan.target}）：即使每项指标都达到"
                f"同类最好水平，也只能到{standing(best.rank, best.tier)}，得分{format_number(best.score)}。"
            )
        return (
            f"No set of changes within the values its peers reached brings {name} to the target ({plan.target}): "
            f"with every indicator at its peers' best it would reach {standing(best.rank, best.tier)}, score "
            f"{format_number(best.score)}."
        )
    count = len(plan.changes)
    if lang == "zh":
        return (
            f"{count}项指标调整可使{name}从{standing(now.rank, now.tier)}升至{standing(reached.rank, reached.tier)}，"
            f"得分{format_number(now.score)}→{format_number(reached.score)}，达到目标（{plan.target}）。"
        )
    return (
        f"{count} change{' brings' if count == 1 else 's bring'} {name} from {standing(now.rank, now.tier)} to "
        f"{standing(reached.rank, reached.tier)}, score {format_number(now.score)} → {format_number(reached.score)}, "
        f"meeting the target ({plan.target})."
    )
