"""compute_profile: a panel's judgments over goal → criteria → indicators to the weights of a profile."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from services.scoring.engine.profiles import compute_profile
from shared.errors import InvalidInput
from shared.schemas.panels import WeightProfileCreate

PANELS_YAML = Path(__file__).resolve().parents[3] / "services/indicators/demo/panels.yaml"
# DOMAIN.md's starting criterion weights C1..C7 per category.
STARTING_WEIGHTS = {
    "basic": (0.12, 0.10, 0.10, 0.22, 0.22, 0.14, 0.10),
    "strategic": (0.14, 0.20, 0.14, 0.10, 0.10, 0.22, 0.10),
    "cutting_edge": (0.18, 0.12, 0.18, 0.06, 0.08, 0.10, 0.28),
}
TREE = {"goal": ["A", "B"], "A": ["a1", "a2", "a3"], "B": ["b1"]}


def consistent(weights: list[float]) -> list[list[float]]:
    return [[wi / wj for wj in weights] for wi in weights]


def entry(expert: str, node: str, items: list[str], matrix: list[list[Any]], weight: float = 1.0) -> dict[str, Any]:
    return {"expert": expert, "weight": weight, "node": node, "items": items, "matrix": matrix}


def test_consistent_judgments_give_back_their_weights() -> None:
    judgments = [
        entry("e1", "goal", ["A", "B"], consistent([0.75, 0.25])),
        entry("e1", "A", ["a1", "a2", "a3"], consistent([0.5, 0.3, 0.2])),
    ]
    profile = compute_profile(TREE, judgments)
    assert [c["code"] for c in profile["criteria"]] == ["A", "B"]
    assert [c["weight"] for c in profile["criteria"]] == pytest.approx([0.75, 0.25])
    by_code = {i["code"]: i for i in profile["indicators"]}
    assert by_code["a2"]["local_weight"] == pytest.approx(0.3)
    assert by_code["a2"]["global_weight"] == pytest.approx(0.75 * 0.3)
    assert by_code["b1"] == {"code": "b1", "criterion": "B", "local_weight": 1.0, "global_weight": pytest.approx(0.25)}
    assert sum(i["global_weight"] for i in profile["indicators"]) == pytest.approx(1.0, abs=1e-12)
    assert [n["node"] for n in profile["nodes"]] == ["goal", "A", "B"]
    assert profile["nodes"][1]["cr"] == pytest.approx(0.0, abs=1e-9)
    assert profile["consensus"] == 1.0
    assert (profile["method"], profile["aggregation"], profile["ri_table"]) == ("eigenvector", "aij", "saaty")


def test_items_in_another_order_are_put_in_tree_order_and_fractions_are_read() -> None:
    judgments = [
        entry("e1", "goal", ["B", "A"], [[1, "1/3"], [3, 1]]),
        entry("e1", "A", ["a3", "a1", "a2"], [[1, "1/2", "1/2"], [2, 1, 1], [2, 1, 1]]),
    ]
    profile = compute_profile(TREE, judgments)
    assert profile["criteria"][0] == {"code": "A", "weight": pytest.approx(0.75), "cr": pytest.approx(0, abs=1e-9)}
    assert profile["nodes"][1]["weights"] == pytest.approx({"a1": 0.4, "a2": 0.4, "a3": 0.2})
    assert profile["judgments"][0]["items"] == ["B", "A"]
    assert profile["judgments"][0]["matrix"] == [[1.0, pytest.approx(1 / 3)], [3.0, 1.0]]


def test_group_aggregation_and_consensus() -> None:
    judgments = [
        entry("e1", "goal", ["A", "B"], consistent([0.8, 0.2])),
        entry("e2", "goal", ["A", "B"], consistent([0.5, 0.5]), weight=3.0),
        entry("e1", "A", ["a1", "a2", "a3"], consistent([0.5, 0.3, 0.2])),
    ]
    profile = compute_profile(TREE, judgments)
    # AIJ: weighted geometric mean of a_AB = 4 (weight 1/4) and 1 (weight 3/4) is 4 ** 0.25.
    ratio = 4**0.25
    assert profile["criteria"][0]["weight"] == pytest.approx(ratio / (1 + ratio))
    assert 0 < profile["consensus"] < 1
    assert [e["expert"] for e in profile["nodes"][0]["experts"]] == ["e1", "e2"]
    aip = compute_profile(TREE, judgments, aggregation="aip", method="geometric_mean")
    assert aip["criteria"][0]["weight"] == pytest.approx(0.25 * 0.8 + 0.75 * 0.5)
    assert aip["aggregation"] == "aip"


def test_a_node_nobody_judged_is_an_error_unless_it_has_one_child() -> None:
    with pytest.raises(InvalidInput, match="nobody judged node 'A'"):
        compute_profile(TREE, [entry("e1", "goal", ["A", "B"], consistent([0.5, 0.5]))])


def test_bad_entries_are_reported_at_their_position() -> None:
    judgments = [
        entry("e1", "goal", ["A", "B"], consistent([0.5, 0.5])),
        entry("e1", "A", ["a1", "a2"], consistent([0.5, 0.5])),
        entry("e1", "Z", ["a1"], [[1]]),
        entry("e2", "A", ["a1", "a2", "a3"], [[1, -2, 1], [-0.5, 1, 1], [1, 1, 1]]),
    ]
    with pytest.raises(InvalidInput) as caught:
        compute_profile(TREE, judgments)
    locs = [e["loc"] for e in caught.value.errors]
    assert ["judgments", 1, "items"] in locs
    assert ["judgments", 2, "node"] in locs
    assert ["judgments", 3, "matrix", 0, 1] in locs


def test_errors_inside_a_group_name_the_callers_position() -> None:
    judgments = [
        entry("e1", "goal", ["A", "B"], consistent([0.5, 0.5])),
        entry("e1", "A", ["a1", "a2", "a3"], consistent([0.5, 0.3, 0.2])),
        entry("e1", "A", ["a1", "a2", "a3"], consistent([0.5, 0.3, 0.2])),
    ]
    with pytest.raises(InvalidInput) as caught:
        compute_profile(TREE, judgments)
    assert caught.value.errors[0]["loc"] == ["judgments", 2, "expert"]


def test_a_tree_that_is_not_two_levels_is_refused() -> None:
    with pytest.raises(InvalidInput, match="not a goal over criteria"):
        compute_profile({"goal": ["A"], "A": ["a1"], "a1": ["x"]}, [])


def demo_panels() -> list[dict[str, Any]]:
    panels: list[dict[str, Any]] = yaml.safe_load(PANELS_YAML.read_text(encoding="utf-8"))["panels"]
    return panels


def panel_judgments(panel: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        entry(expert["expert_code"], node, judgment["items"], judgment["matrix"])
        for expert in panel["experts"]
        for node, judgment in expert["judgments"].items()
    ]


@pytest.mark.parametrize("panel", demo_panels(), ids=lambda panel: panel["category"])
def test_demo_panels_land_near_the_starting_weights(panel: dict[str, Any]) -> None:
    tree = {node: list(weights) for node, weights in panel["target_weights"].items()}
    profile = compute_profile(tree, panel_judgments(panel))
    weights = np.array([c["weight"] for c in profile["criteria"]])
    assert np.abs(weights - STARTING_WEIGHTS[panel["category"]]).max() <= 0.03
    assert all(e["cr"] < 0.1 for node in profile["nodes"] for e in node["experts"])
    assert all(len(node["experts"]) == 5 for node in profile["nodes"])
    assert sum(i["global_weight"] for i in profile["indicators"]) == pytest.approx(1.0, abs=1e-9)
    checked = WeightProfileCreate.model_validate({"name": panel["name"], **profile})
    assert len(checked.judgments) == 5 * 8
