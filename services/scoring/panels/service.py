"""Publishing a panel's group weights as a weight profile: judgments read from, and the profile stored in, the
indicator service; the mathematics is the engine's."""

from __future__ import annotations

from typing import Any

from services.scoring.engine.profiles import GOAL, compute_profile
from shared.clients import IndicatorsClient
from shared.errors import InvalidInput
from shared.schemas.panels import WeightProfileCreate, WeightProfileRead
from shared.schemas.vocabulary import Aggregation, PriorityMethod


def publish_panel(
    indicators: IndicatorsClient,
    *,
    panel_id: int,
    name: str,
    method: PriorityMethod,
    aggregation: Aggregation,
    ri_table: str,
    make_default: bool,
) -> WeightProfileRead:
    panel = indicators.panel(panel_id)
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
    ]
    if not judgments:
        raise InvalidInput(
            f"panel {panel_id} has no judgments to publish", errors=[{"loc": ["panel_id"], "msg": "empty"}]
        )
    tree_nodes = indicators.indicator_tree()
    tree = {GOAL: [c.code for c in tree_nodes], **{c.code: [i.code for i in c.children] for c in tree_nodes}}
    computed = compute_profile(tree, judgments, method=method, aggregation=aggregation, ri_table=ri_table)
    body = WeightProfileCreate.model_validate(
        {"name": name, "panel_id": panel_id, "category": panel.category, "make_default": make_default, **computed}
    )
    return indicators.publish_profile(body)
