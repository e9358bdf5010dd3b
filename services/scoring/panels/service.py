"""Publishing a panel's group weights as a weight profile: judgments read from, and the profile stored in, the
indicator service; the mathematics is the engine's. A publication is gated on the included experts' progress."""

from __future__ import annotations

from typing import Any

from services.scoring.engine.profiles import GOAL, compute_profile
from shared.clients import IndicatorsClient
from shared.errors import InvalidInput
from shared.pairwise import CR_THRESHOLD
from shared.schemas.panels import PanelPublish, Provenance, WeightProfileCreate, WeightProfileRead


def publish_panel(indicators: IndicatorsClient, *, panel_id: int, request: PanelPublish) -> WeightProfileRead:
    """Aggregate the judgments of the experts not excluded and store them as a profile with its provenance.

    Unless `override_reason` is given, any included expert's missing or inconsistent node is a 422 naming them all.
    """
    panel = indicators.panel(panel_id)
    excluded = _checked_exclusions(request.exclude_experts, [expert.code for expert in panel.experts])
    if request.override_reason is None:
        _require_complete(indicators, panel_id=panel_id, excluded=excluded)
    weight_of = {expert.code: expert.weight for expert in panel.experts}
    judgments: list[dict[str, Any]] = [
        {
            "expert": j.expert_code,
            "weight": weight_of.get(j.expert_code, 1.0),
            "node": j.node,
            "items": j.items,
            "matrix": j.matrix,
            "version": j.version,
        }
        for j in indicators.panel_judgments(panel_id)
        if j.expert_code not in excluded
    ]
    if not judgments:
        raise InvalidInput(
            f"panel {panel_id} has no judgments to publish", errors=[{"loc": ["panel_id"], "msg": "empty"}]
        )
    tree_nodes = indicators.indicator_tree()
    tree = {GOAL: [c.code for c in tree_nodes], **{c.code: [i.code for i in c.children] for c in tree_nodes}}
    computed = compute_profile(
        tree, judgments, method=request.method, aggregation=request.aggregation, ri_table=request.ri_table
    )
    provenance = Provenance(excluded_experts=request.exclude_experts, override_reason=request.override_reason)
    body = WeightProfileCreate.model_validate(
        {
            "name": request.name,
            "panel_id": panel_id,
            "category": panel.category,
            "default_for": request.default_scope,
            "provenance": provenance.model_dump(mode="json"),
            **computed,
        }
    )
    return indicators.publish_profile(body)


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
