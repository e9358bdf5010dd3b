"""Publishing a panel's group weights as a weight profile: judgments read from, and the profile stored in, the
indicator service; the mathematics is the engine's. A publication is gated on the included experts' progress."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from services.scoring.engine.profiles import GOAL, compute_profile, node_agreement
from shared.auth import Principal
from shared.clients import IndicatorsClient
from shared.errors import Forbidden, InvalidInput, NotFound
from shared.pairwise import CR_THRESHOLD
from shared.schemas.panels import (
    JudgmentRead,
    NodeAgreement,
    PanelPublish,
    PanelRead,
    PanelRoundsSummary,
    Provenance,
    RoundsSummaryRequest,
    RoundSummary,
    WeightProfileCreate,
    WeightProfileRead,
)


def publish_panel(indicators: IndicatorsClient, *, panel_id: int, request: PanelPublish) -> WeightProfileRead:
    """Aggregate the open round's judgments of the experts not excluded and store them as a profile with its
    provenance (the exclusions, the override reason and the round).

    Unless `override_reason` is given, any included expert's missing or inconsistent node is a 422 naming them all.
    """
    panel = indicators.panel(panel_id)
    # Read by number: a round closed meanwhile keeps exactly the judgments the gate saw (the next starts from them).
    round_number = open_round(indicators, panel_id=panel_id)
    excluded = _checked_exclusions(request.exclude_experts, [expert.code for expert in panel.experts])
    if request.override_reason is None:
        _require_complete(indicators, panel_id=panel_id, excluded=excluded)
    stored = indicators.panel_judgments(panel_id, round_number=round_number)
    judgments = _engine_judgments(panel, [j for j in stored if j.expert_code not in excluded])
    if not judgments:
        raise InvalidInput(
            f"panel {panel_id} has no judgments to publish", errors=[{"loc": ["panel_id"], "msg": "empty"}]
        )
    tree = _tree(indicators)
    computed = compute_profile(
        tree, judgments, method=request.method, aggregation=request.aggregation, ri_table=request.ri_table
    )
    provenance = Provenance(
        excluded_experts=request.exclude_experts, override_reason=request.override_reason, round=round_number
    )
    body = WeightProfileCreate.model_validate(
        {
            "name": request.name,
            "name_zh": request.name_zh,
            "panel_id": panel_id,
            "category": panel.category,
            "default_for": request.default_scope,
            "provenance": provenance.model_dump(mode="json"),
            **computed,
        }
    )
    return indicators.publish_profile(body)


def rounds_summary(
    indicators: IndicatorsClient,
    *,
    panel_id: int,
    request: RoundsSummaryRequest,
    caller: Principal,
    service_key: str | None,
) -> PanelRoundsSummary:
    """Per round (or the one asked for) and node: the group weights, CR, consensus S and S*, and each expert's
    distance from the group with the judgments where they differ most, from the judgments that fit today's tree.

    Analysts get every round and every expert, read with their own key. An expert of the panel gets the closed rounds
    only, and only their own entry beside the group's (Delphi feedback: the group's answer, never another expert's);
    the judgments are then read with the service's own key (`service_key`), as the expert's may read only theirs.
    """
    panel = indicators.panel(panel_id)
    own = None if caller.allows("analyst") else _own_expert(panel, caller)
    rounds = indicators.panel_rounds(panel_id)
    if request.round is not None:
        rounds = [r for r in rounds if r.round == request.round]
        if not rounds:
            raise NotFound(f"panel {panel_id} has no round {request.round}")
    if own is not None:
        if request.round is not None and rounds[0].status != "closed":
            raise Forbidden(f"the group result of round {request.round} is shown to experts once the round is closed")
        rounds = [r for r in rounds if r.status == "closed"]
        if service_key is None:
            raise Forbidden("this scoring service has no key of its own to read the panel's judgments; ask an analyst")
    tree = _tree(indicators)
    summaries: list[RoundSummary] = []
    for row in rounds:
        # A judgment over other items than the tree's today (the tree changed since) is left out, as progress
        # counts it missing; a node left without any is `unjudged`.
        stored = indicators.panel_judgments(
            panel_id, round_number=row.round, api_key=service_key if own is not None else None
        )
        fitting = [j for j in stored if j.node in tree and sorted(j.items) == sorted(tree[j.node])]
        judgments = _engine_judgments(panel, fitting)
        nodes, unjudged = node_agreement(
            tree, judgments, method=request.method, aggregation=request.aggregation, ri_table=request.ri_table
        )
        summaries.append(
            RoundSummary(
                round=row.round,
                status=row.status,
                nodes=[_seen_by(NodeAgreement.model_validate(asdict(node)), own) for node in nodes],
                unjudged=unjudged,
            )
        )
    return PanelRoundsSummary(
        panel_id=panel_id,
        method=request.method,
        aggregation=request.aggregation,
        ri_table=request.ri_table,
        rounds=summaries,
    )


def _own_expert(panel: PanelRead, caller: Principal) -> str:
    """The code of the panel's expert the caller's key is linked to; 403 for anyone else."""
    for expert in panel.experts:
        if caller.key_id is not None and expert.api_key_id == caller.key_id:
            return expert.code
    raise Forbidden(f"only analysts and the experts of panel {panel.code!r} see the results of its rounds")


def _seen_by(node: NodeAgreement, own: str | None) -> NodeAgreement:
    """The node as the caller may see it: every expert for analysts (`own` None), else only the caller's entry."""
    if own is None:
        return node
    return node.model_copy(update={"experts": [e for e in node.experts if e.expert == own]})


def _tree(indicators: IndicatorsClient) -> dict[str, list[str]]:
    """`goal` over the criterion codes and each criterion over its indicator codes, as the engine takes a tree."""
    criteria = indicators.indicator_tree()
    return {GOAL: [c.code for c in criteria], **{c.code: [i.code for i in c.children] for c in criteria}}


def _engine_judgments(panel: PanelRead, judgments: list[JudgmentRead]) -> list[dict[str, Any]]:
    """Stored judgments as the engine takes them, each with its expert's weight."""
    weight_of = {expert.code: expert.weight for expert in panel.experts}
    return [
        {
            "expert": j.expert_code,
            "weight": weight_of.get(j.expert_code, 1.0),
            "node": j.node,
            "items": j.items,
            "matrix": j.matrix,
            "version": j.version,
        }
        for j in judgments
    ]


def open_round(indicators: IndicatorsClient, *, panel_id: int) -> int:
    """The number of the panel's open round (the last one)."""
    return max(r.round for r in indicators.panel_rounds(panel_id) if r.status == "open")


def _checked_exclusions(exclude: list[str], codes: list[str]) -> set[str]:
    """The excluded codes, each one of the panel's experts, leaving at least one expert in."""
    errors = [
        {"loc": ["body", "exclude_experts", k], "msg": f"the panel has no expert {code!r}"}
        for k, code in enumerate(exclude)
        if code not in codes
    ]
    if errors:
        raise InvalidInput(f"unknown experts to exclude; the panel's are {', '.join(codes)}", errors=errors)
    if set(codes) <= set(exclude):
        msg = "every expert of the panel is excluded; nothing is left to aggregate"
        raise InvalidInput(msg, errors=[{"loc": ["body", "exclude_experts"], "msg": msg}])
    return set(exclude)


def _require_complete(indicators: IndicatorsClient, *, panel_id: int, excluded: set[str]) -> None:
    """Every included expert has judged every node within the consistency threshold, or a 422 names each gap."""
    errors: list[dict[str, Any]] = []
    for progress in indicators.panel_progress(panel_id):
        if progress.expert_code in excluded:
            continue
        errors.extend(
            {"loc": ["experts", progress.expert_code, node], "msg": "no judgment of this node yet"}
            for node in progress.missing
        )
        errors.extend(
            {"loc": ["experts", progress.expert_code, node], "msg": f"consistency ratio above {CR_THRESHOLD:g}"}
            for node in progress.inconsistent
        )
    if errors:
        experts = sorted({str(e["loc"][1]) for e in errors})
        raise InvalidInput(
            f"experts {', '.join(experts)} have missing or inconsistent judgments: complete them, exclude the "
            "experts (exclude_experts) or publish anyway with an override_reason",
            errors=errors,
        )
