"""Issue 16, item 5: a rule base that does not fit the tree is a 503 whose detail names no server path."""

from __future__ import annotations

import pytest

from services.indicators.demo.load import read_indicator_system
from services.recommendations.advice.rulebook import RuleBaseMisfit, RuleBook
from services.recommendations.rules import DEFAULT_RULES_PATH


def test_a_misfit_names_the_problems_not_the_rule_file() -> None:
    tree = read_indicator_system()
    extra = tree[0].model_copy(
        update={"code": "C9", "children": [tree[0].children[0].model_copy(update={"code": "C9.1"})]}
    )
    tree.append(extra)  # a criterion no rule answers
    with pytest.raises(RuleBaseMisfit) as caught:
        RuleBook().for_request(tree, token="t")
    assert caught.value.status == 503
    assert str(DEFAULT_RULES_PATH.parent) not in caught.value.detail
    assert "/" not in caught.value.detail.split(":", 1)[0]
    assert "criterion C9" in caught.value.detail
