"""A cluster's plan for a target: asked of the scoring service (the published model), named in the answer's language.

The plan itself (the fewest peer-bounded changes, re-scored) is computed by the scoring service on the ranking's own
model (POST /v1/rankings/plan); this service adds the indicator, unit and peer names and a one-line summary.
"""

from __future__ import annotations

from services.recommendations.advice.service import Upstreams
from services.recommendations.rules import format_number
from shared.errors import InvalidInput
from shared.schemas.plans import ClusterPlan, ClusterPlanChange, PlanRequest, PlanResponse, parse_target
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


def cluster_plan(
    upstreams: Upstreams, *, cluster_code: str, year: int, profile_id: int | None, target: str, lang: Lang
) -> ClusterPlan:
    """The scoring service's plan of the cluster for `target`, with names and a summary in `lang`."""
    body = PlanRequest(year=year, profile=profile_id, cluster_code=cluster_code, target=checked_target(target))
    try:
        plan = upstreams.scoring.ranking_plan(body)
    except InvalidInput as exc:
        # The scoring service names its body's fields; here they are this request's query parameters.
        errors = [{**e, "loc": ["query", *e.get("loc", [])[1:]]} for e in exc.errors]
        raise InvalidInput(exc.detail, errors=errors) from exc
    indicators = upstreams.indicators
    state = indicators.state()
    clusters = {c.code: c for c in indicators.clusters(state=state)}
    tree = indicators.indicator_tree(state=state)
    names = {i.code: (i.name_zh if lang == "zh" else i.name) for c in tree for i in c.children}
    units = {i.code: ((i.unit_zh or i.unit) if lang == "zh" else i.unit) for c in tree for i in c.children}

    def cluster_name(code: str) -> str:
        cluster = clusters.get(code)
        if cluster is None:
            return code
        return cluster.name_zh if lang == "zh" else cluster.name

    changes = [
        ClusterPlanChange(
            **change.model_dump(by_alias=True),
            name=names.get(change.indicator, change.indicator),
            unit=units.get(change.indicator, ""),
            peer_name=cluster_name(change.peer.cluster_code),
        )
        for change in plan.changes
    ]
    return ClusterPlan(
        **plan.model_dump(exclude={"changes"}),
        changes=changes,
        name=cluster_name(cluster_code),
        lang=lang,
        summary=summary(plan, cluster_name(cluster_code), lang),
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
