"""Tests of the diagnosis: gaps to the category's top quartile, peer examples, category check, recommendations."""

from __future__ import annotations

import re

import numpy as np
import pytest

from services.recommendations.diagnosis import (
    ClusterDiagnosis,
    Evaluation,
    FloatArray,
    Labels,
    Recommendation,
    WhatIf,
    answerable,
    build_recommendations,
    category_check,
    gap_analysis,
    normalise,
    placeholder_values,
)
from services.recommendations.rules import PLACEHOLDERS, RuleBase, format_number, load_rules
from shared.schemas.indicators import CriterionNode, IndicatorRead
from shared.schemas.vocabulary import Lang

# Three indicators of three criteria, one of them a cost, all on a 0–10 reference range.
# Rows: four basic clusters A–D (D best everywhere) and one strategic cluster E, alone in its category.
INDICATORS = ("C4.1", "C5.4", "C6.3")
VALUES = np.array(
    [
        [2.0, 8.0, 5.0],  # A
        [4.0, 6.0, 6.0],  # B
        [6.0, 4.0, 8.0],  # C
        [8.0, 2.0, 10.0],  # D
        [5.0, 5.0, 5.0],  # E
    ]
)
CRITERIA_SCORES = np.array([[0.2, 0.3, 0.1], [0.4, 0.5, 0.3], [0.6, 0.7, 0.5], [0.8, 0.9, 0.7], [0.5, 0.5, 0.5]])
WEIGHTS = np.array([0.5, 0.2, 0.3])
SCORES = np.array([0.25, 0.45, 0.65, 0.85, 0.5])
A, B, C, D, E = range(5)

LABELS = Labels(
    indicator_names={
        "C4.1": {"en": "Output of the leading industry", "zh": "主导产业产值"},
        "C5.4": {"en": "Energy per 10k yuan of value added", "zh": "万元工业增加值能耗"},
        "C6.3": {"en": "Chain-leader firms", "zh": "营收超百亿链主企业"},
    },
    indicator_units={
        "C4.1": {"en": "100m yuan", "zh": "亿元"},
        "C5.4": {"en": "tce", "zh": "吨标准煤"},
        "C6.3": {"en": "", "zh": "家"},
    },
    criterion_names={
        "C4": {"en": "Industrial concentration and scale", "zh": "产业集聚与规模"},
        "C5": {"en": "Intelligent and green level", "zh": "智能化与绿色化"},
        "C6": {"en": "Leading firms and industrial chain", "zh": "领军企业与产业链"},
    },
)


def make_evaluation(**changes: object) -> Evaluation:
    fields: dict[str, object] = {
        "values": VALUES,
        "indicator_codes": INDICATORS,
        "criterion_of": {"C4.1": "C4", "C5.4": "C5", "C6.3": "C6"},
        "directions": ("benefit", "cost", "benefit"),
        "ref_min": np.zeros(3),
        "ref_max": np.full(3, 10.0),
        "indicator_weights": WEIGHTS,
        "categories": ("basic", "basic", "basic", "basic", "strategic"),
        "criterion_codes": ("C4", "C5", "C6"),
        "criteria_scores": CRITERIA_SCORES,
        "scores": SCORES,
        "ranks": np.array([5, 4, 2, 1, 3]),
    }
    fields.update(changes)
    return Evaluation(**fields)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def evaluation() -> Evaluation:
    return make_evaluation()


@pytest.fixture(scope="module")
def rule_base() -> RuleBase:
    codes = {f"C{c}.{i}" for c, n in zip(range(1, 8), (4, 4, 5, 4, 4, 5, 4), strict=True) for i in range(1, n + 1)}
    return load_rules(indicator_codes=codes, criterion_codes={f"C{c}" for c in range(1, 8)})


def rescored(diagnosis: ClusterDiagnosis, new_scores: dict[str, float]) -> list[WhatIf]:
    """A stand-in for the scoring service's what-if: each weakness closed alone gives the score in `new_scores`,
    ranked among the others' unchanged scores (1 + those strictly better)."""
    others = np.delete(SCORES, diagnosis.cluster_index)
    current = 1 + int((others > diagnosis.score).sum())
    outcomes = []
    for indicator, score in new_scores.items():
        rank = 1 + int((others > score).sum())
        outcomes.append(WhatIf(indicator, score, rank, current - rank, score - diagnosis.score))
    return outcomes


def linear_scores(rows: FloatArray, evaluation: Evaluation) -> FloatArray:
    """A weighted sum on the fixed reference scale."""
    scores: FloatArray = normalise(rows, evaluation.directions, evaluation.ref_min, evaluation.ref_max) @ WEIGHTS
    return scores


def test_normalise_is_direction_aware_and_clipped() -> None:
    rows = np.array([[2.5, 2.5], [-1.0, 12.0]])
    result = normalise(rows, ("benefit", "cost"), np.zeros(2), np.full(2, 10.0))
    np.testing.assert_allclose(result, [[0.25, 0.75], [0.0, 0.0]])


def test_criteria_against_the_category_median_and_top_quartile(evaluation: Evaluation) -> None:
    diagnosis = gap_analysis(evaluation, A)
    c4 = diagnosis.standing("C4")
    # basic C4 scores 0.2, 0.4, 0.6, 0.8: median 0.5, 75th percentile 0.6 + 0.25 × 0.2 = 0.65.
    assert (c4.score, c4.category_median, c4.category_top_quartile, c4.leads) == pytest.approx((0.2, 0.5, 0.65, False))
    assert diagnosis.peer_count == 4
    assert (diagnosis.score, diagnosis.rank) == (0.25, 5)
    assert diagnosis.strengths == ()


def test_gaps_benchmarks_and_potentials_by_hand(evaluation: Evaluation) -> None:
    diagnosis = gap_analysis(evaluation, A)
    gaps = {g.indicator: g for g in diagnosis.indicators}
    # C4.1: 75th percentile of 2, 4, 6, 8 is 6.5 → 0.65 normalised; A is at 0.2: gap 0.45, potential 0.5 × 0.45.
    assert (gaps["C4.1"].benchmark, gaps["C4.1"].gap, gaps["C4.1"].potential) == pytest.approx((6.5, 0.45, 0.225))
    # C6.3: 75th percentile of 5, 6, 8, 10 is 8.5 → 0.85; A at 0.5: gap 0.35, potential 0.3 × 0.35.
    assert (gaps["C6.3"].benchmark, gaps["C6.3"].gap, gaps["C6.3"].potential) == pytest.approx((8.5, 0.35, 0.105))
    assert [w.indicator for w in diagnosis.weaknesses] == ["C4.1", "C6.3", "C5.4"]


def test_cost_indicator_benchmark_is_the_low_quartile(evaluation: Evaluation) -> None:
    gap = next(g for g in gap_analysis(evaluation, A).indicators if g.indicator == "C5.4")
    # 25th percentile of 8, 6, 4, 2 is 3.5 → (10 − 3.5)/10 = 0.65; A's 8 → 0.2: gap 0.45, potential 0.2 × 0.45.
    assert gap.direction == "cost"
    assert (gap.benchmark, gap.normalised_value, gap.normalised_benchmark) == pytest.approx((3.5, 0.2, 0.65))
    assert (gap.gap, gap.potential) == pytest.approx((0.45, 0.09))
    below = next(g for g in gap_analysis(evaluation, D).indicators if g.indicator == "C5.4")
    assert below.value < below.benchmark
    assert below.gap == 0.0


def test_a_cluster_leading_its_category_everywhere_has_strengths_and_no_weaknesses(evaluation: Evaluation) -> None:
    diagnosis = gap_analysis(evaluation, D)
    assert diagnosis.strengths == ("C4", "C5", "C6")
    assert diagnosis.weaknesses == ()
    assert all(g.gap == 0.0 and g.potential == 0.0 for g in diagnosis.indicators)
    assert all(g.peer_examples == () for g in diagnosis.indicators)


def test_a_category_of_one_is_its_own_benchmark(evaluation: Evaluation) -> None:
    diagnosis = gap_analysis(evaluation, E)
    assert diagnosis.peer_count == 1
    assert diagnosis.weaknesses == ()
    assert [g.benchmark for g in diagnosis.indicators] == [5.0, 5.0, 5.0]


def test_per_cluster_weights_are_used_for_the_potential() -> None:
    weights = np.tile(WEIGHTS, (5, 1))
    weights[A] = [0.1, 0.8, 0.1]
    diagnosis = gap_analysis(make_evaluation(indicator_weights=weights), A)
    assert [w.indicator for w in diagnosis.weaknesses] == ["C5.4", "C4.1", "C6.3"]


@pytest.mark.parametrize(
    "changes",
    [
        {"ref_min": np.zeros(2)},
        {"categories": ("basic",)},
        {"directions": ("benefit", "more", "benefit")},
        {"ref_max": np.zeros(3)},
        {"values": np.where(VALUES == 5.0, np.nan, VALUES)},
        {"criterion_of": {"C4.1": "C4", "C5.4": "C5"}},
    ],
)
def test_inconsistent_inputs_are_refused(changes: dict[str, object]) -> None:
    with pytest.raises(ValueError, match=r"."):
        make_evaluation(**changes)


def test_peer_examples_are_the_category_peers_that_reach_the_benchmark(evaluation: Evaluation) -> None:
    gaps = {g.indicator: g for g in gap_analysis(evaluation, A).indicators}
    # C4.1 benchmark 6.5: only D (8) of the basic clusters reaches it; E (strategic) is no peer.
    assert gaps["C4.1"].peer_examples == ((D, 8.0),)
    # C5.4 is a cost: benchmark 3.5, reached by D (2) alone.
    assert gaps["C5.4"].peer_examples == ((D, 2.0),)
    # C6.3 benchmark 8.5: D (10); C's 8 falls short.
    assert gaps["C6.3"].peer_examples == ((D, 10.0),)
    for gap in gaps.values():
        assert all(gap.reaches(value) for _, value in gap.peer_examples)


def test_an_imputed_value_is_never_a_peer_example_nor_answered(evaluation: Evaluation, rule_base: RuleBase) -> None:
    missing = np.zeros(VALUES.shape, dtype=bool)
    missing[D, 0] = True  # D's C4.1 was imputed: it shows nobody what can be reached
    missing[A, 1] = True  # A's own C5.4 was imputed: a data gap, not an action
    diagnosis = gap_analysis(make_evaluation(missing=missing), A)
    gaps = {g.indicator: g for g in diagnosis.indicators}
    assert gaps["C4.1"].peer_examples == ()
    assert (gaps["C5.4"].imputed, gaps["C4.1"].imputed) == (True, False)
    assert [w.indicator for w in answerable(diagnosis, materiality=0.0)] == ["C4.1", "C6.3"]
    what_ifs = rescored(diagnosis, {"C4.1": 0.48, "C6.3": 0.7})
    recommendations = build_recommendations(diagnosis, rule_base, lang="en", what_ifs=what_ifs, labels=LABELS)
    assert [r.indicator for r in recommendations] == ["C6.3", "C4.1"]


def test_a_gap_below_the_materiality_threshold_is_not_answered(evaluation: Evaluation, rule_base: RuleBase) -> None:
    diagnosis = gap_analysis(evaluation, A)
    # Gaps: C4.1 0.45, C6.3 0.35, C5.4 0.45.
    assert [w.indicator for w in answerable(diagnosis, materiality=0.4)] == ["C4.1", "C5.4"]
    what_ifs = rescored(diagnosis, {"C4.1": 0.48, "C5.4": 0.3})
    recommendations = build_recommendations(
        diagnosis, rule_base, lang="en", what_ifs=what_ifs, labels=LABELS, materiality=0.4
    )
    assert [r.indicator for r in recommendations] == ["C4.1", "C5.4"]


def test_actions_are_ordered_by_score_gain_even_when_no_rank_moves(evaluation: Evaluation, rule_base: RuleBase) -> None:
    diagnosis = gap_analysis(evaluation, A)
    # None of these reaches B's 0.45: every rank stays 5, but the score gains differ.
    what_ifs = rescored(diagnosis, {"C4.1": 0.3, "C6.3": 0.42, "C5.4": 0.27})
    recommendations = build_recommendations(diagnosis, rule_base, lang="en", what_ifs=what_ifs, labels=LABELS)
    assert [(r.indicator, r.expected_gain) for r in recommendations] == [("C6.3", 0), ("C4.1", 0), ("C5.4", 0)]
    assert [r.score_gain for r in recommendations] == pytest.approx([0.17, 0.05, 0.02])
    top = build_recommendations(diagnosis, rule_base, lang="en", what_ifs=what_ifs, labels=LABELS, top_n=2)
    assert [r.indicator for r in top] == ["C6.3", "C4.1"]


def test_one_rule_never_answers_two_weaknesses(rule_base: RuleBase) -> None:
    """Two weaknesses of one criterion without indicator rules would read as the same action twice."""
    evaluation = make_evaluation(
        indicator_codes=("C2.1", "C2.4", "C6.3"), criterion_of={"C2.1": "C2", "C2.4": "C2", "C6.3": "C6"},
        criterion_codes=("C2", "C6", "C5"),
    )  # fmt: skip
    diagnosis = gap_analysis(evaluation, A)
    what_ifs = rescored(diagnosis, {w.indicator: 0.3 + 0.01 * k for k, w in enumerate(diagnosis.weaknesses)})
    recommendations = build_recommendations(diagnosis, rule_base, lang="en", what_ifs=what_ifs, labels=LABELS)
    assert len({r.rule_id for r in recommendations}) == len(recommendations)
    assert len({r.indicator for r in recommendations}) == len(recommendations)
    assert len({r.title for r in recommendations}) == len(recommendations)
    assert [r.rule_id for r in recommendations] == ["basic-C2", "basic-C6"]


def test_the_potential_is_the_weighted_sum_gain_of_closing_the_gap(evaluation: Evaluation) -> None:
    diagnosis = gap_analysis(evaluation, A)
    rows = np.repeat(VALUES[A : A + 1], len(diagnosis.weaknesses), axis=0)
    for k, weakness in enumerate(diagnosis.weaknesses):
        rows[k, weakness.index] = weakness.benchmark
    gains = linear_scores(rows, evaluation) - linear_scores(VALUES[A : A + 1], evaluation)
    np.testing.assert_allclose(gains, [w.potential for w in diagnosis.weaknesses])


def recommendations_for_a(
    evaluation: Evaluation, rule_base: RuleBase, lang: Lang
) -> tuple[ClusterDiagnosis, list[Recommendation]]:
    diagnosis = gap_analysis(evaluation, A)
    outcomes = rescored(diagnosis, {"C4.1": 0.48, "C6.3": 0.7, "C5.4": 0.3})
    return diagnosis, build_recommendations(diagnosis, rule_base, lang=lang, what_ifs=outcomes, labels=LABELS)


def test_recommendations_are_ordered_by_score_gain(evaluation: Evaluation, rule_base: RuleBase) -> None:
    _, recommendations = recommendations_for_a(evaluation, rule_base, "en")
    # C6.3 (score 0.7) gains 0.45 and 3 ranks, C4.1 0.23 and 1 rank, C5.4 0.05 and none.
    assert [(r.priority, r.indicator, r.expected_rank, r.expected_gain) for r in recommendations] == [
        (1, "C6.3", 2, 3),
        (2, "C4.1", 4, 1),
        (3, "C5.4", 5, 0),
    ]


def test_each_category_gets_its_own_rules(evaluation: Evaluation, rule_base: RuleBase) -> None:
    _, recommendations = recommendations_for_a(evaluation, rule_base, "en")
    # C4.1 and C5.4 have basic indicator rules; C6.3 falls back to basic's C6 criterion rule.
    assert [r.rule_id for r in recommendations] == ["basic-C6", "basic-C4.1", "basic-C5.4"]
    assert {r.policy_path for r in recommendations} <= {"industrial_concentration", "intelligent_level", "general"}


def test_each_recommendation_names_its_weakness_with_the_numbers(evaluation: Evaluation, rule_base: RuleBase) -> None:
    diagnosis, recommendations = recommendations_for_a(evaluation, rule_base, "en")
    for recommendation in recommendations:
        weakness = recommendation.weakness
        assert weakness in diagnosis.weaknesses
        assert (recommendation.indicator, recommendation.criterion) == (weakness.indicator, weakness.criterion)
        assert LABELS.indicator_names[weakness.indicator]["en"] in recommendation.rationale
        for number in (weakness.value, weakness.benchmark, 100 * weakness.gap):
            assert format_number(number) in recommendation.rationale
        assert f"rank {recommendation.expected_rank} (now 5)" in recommendation.rationale
    c41 = next(r for r in recommendations if r.indicator == "C4.1")
    assert "is 2 100m yuan, against a top-quartile 6.5 100m yuan among the 4 basic clusters (normalised gap 45%" in (
        c41.rationale
    )


def test_recommendations_in_chinese(evaluation: Evaluation, rule_base: RuleBase) -> None:
    _, recommendations = recommendations_for_a(evaluation, rule_base, "zh")
    chinese = re.compile(r"[\u4e00-\u9fff]")
    for recommendation in recommendations:
        for text in (recommendation.title, recommendation.action, recommendation.rationale):
            assert chinese.search(text), text
        assert re.search(r"\d", recommendation.rationale)
        assert "{" not in recommendation.rationale
    c41 = next(r for r in recommendations if r.indicator == "C4.1")
    assert "主导产业产值为2亿元，4个基础型集群的前四分位水平为6.5亿元（标准化差距45%" in c41.rationale
    assert "排名将为第4位（目前第5位）" in c41.rationale


def test_a_leader_gets_no_recommendations(evaluation: Evaluation, rule_base: RuleBase) -> None:
    diagnosis = gap_analysis(evaluation, D)
    assert build_recommendations(diagnosis, rule_base, lang="en", what_ifs=(), labels=LABELS) == []


def test_a_what_if_for_something_that_is_no_weakness_is_refused(evaluation: Evaluation, rule_base: RuleBase) -> None:
    diagnosis = gap_analysis(evaluation, D)
    invented = WhatIf(indicator="C4.1", score=0.9, expected_rank=1, rank_gain=0, score_gain=0.05)
    with pytest.raises(ValueError, match="not a weakness"):
        build_recommendations(diagnosis, rule_base, lang="en", what_ifs=[invented], labels=LABELS)


def test_placeholder_values_fill_every_documented_placeholder(evaluation: Evaluation) -> None:
    diagnosis = gap_analysis(evaluation, A)
    outcome = rescored(diagnosis, {diagnosis.weaknesses[0].indicator: 0.7})[0]
    assert set(placeholder_values(diagnosis, diagnosis.weaknesses[0], outcome, LABELS, "en")) == PLACEHOLDERS


def test_labels_from_the_indicator_tree() -> None:
    indicator = IndicatorRead(
        code="C4.2", name="Location quotient", name_zh="区位熵", unit="ratio", direction="benefit",
        ref_min=0.5, ref_max=5.0, valid_min=0.0, valid_max=None,
    )  # fmt: skip
    node = CriterionNode(code="C4", name="Concentration", name_zh="产业集聚与规模", children=[indicator])
    labels = Labels.from_tree([node])
    assert labels.indicator_names["C4.2"]["zh"] == "区位熵"
    assert labels.indicator_units["C4.2"] == {"en": "ratio", "zh": "ratio"}
    assert labels.criterion_names["C4"]["zh"] == "产业集聚与规模"


# ---------------------------------------------------------------- category check

PROFILES = np.array(
    [
        [0.8, 0.2, 0.5],  # basic
        [0.9, 0.1, 0.5],  # basic
        [0.7, 0.3, 0.5],  # basic
        [0.2, 0.8, 0.5],  # strategic
        [0.1, 0.9, 0.5],  # strategic
        [0.3, 0.7, 0.5],  # strategic
        [0.15, 0.85, 0.5],  # stated basic, looks strategic
    ]
)
STATED = ("basic", "basic", "basic", "strategic", "strategic", "strategic", "basic")


def test_category_check_flags_a_cluster_that_looks_like_another_category() -> None:
    before = PROFILES.copy()
    check = category_check(PROFILES, STATED, 6)
    assert (check.stated, check.nearest, check.looks_wrong) == ("basic", "strategic", True)
    # Distance to the strategic mean (0.2, 0.8, 0.5): √(2 × 0.05²); to the basic mean (0.8, 0.2, 0.5): √(2 × 0.65²).
    assert check.distances == pytest.approx({"strategic": 0.05 * 2**0.5, "basic": 0.65 * 2**0.5})
    assert list(check.distances) == ["strategic", "basic"]
    assert check.ratio == pytest.approx(13.0)
    assert "13 times as far" in check.evidence()
    assert "战略型" in check.evidence("zh")
    np.testing.assert_array_equal(PROFILES, before)
    assert STATED[6] == "basic"


def test_category_check_accepts_a_cluster_that_fits() -> None:
    check = category_check(PROFILES, STATED, 0)
    assert (check.nearest, check.looks_wrong) == ("basic", False)
    assert "fits" in check.evidence()


def test_category_check_within_the_margin_is_not_flagged() -> None:
    rows = np.array([[0.0], [1.0], [0.52]])
    check = category_check(rows, ("a", "b", "a"), 2)
    assert check.nearest == "b"
    assert not check.looks_wrong  # 0.52 vs 0.48: 1.08 times as far, under the 1.15 margin


def test_category_check_cannot_judge_a_category_of_one() -> None:
    check = category_check(PROFILES[:4], ("basic", "basic", "basic", "strategic"), 3)
    assert "strategic" not in check.distances
    assert not check.looks_wrong
    assert check.ratio is None


def test_rationale_numbers_carry_their_units_as_shared_units_writes_them(
    evaluation: Evaluation, rule_base: RuleBase
) -> None:
    """Money in yuan (not "2 100m yuan"), in 亿元 in Chinese; the unit of the answer's language."""
    indicators = {
        "C4.1": IndicatorRead(code="C4.1", name="Output", name_zh="主导产业产值", unit="100m yuan", unit_zh="亿元",
                              direction="benefit", ref_min=0, ref_max=10, valid_min=0, valid_max=None),
        "C5.4": IndicatorRead(code="C5.4", name="Energy", name_zh="能耗", unit="tce", unit_zh="吨标准煤",
                              direction="cost", ref_min=0, ref_max=10, valid_min=0, valid_max=None),
        "C6.3": IndicatorRead(code="C6.3", name="Chain leaders", name_zh="链主企业", unit="count", unit_zh="家",
                              direction="benefit", ref_min=0, ref_max=10, valid_min=0, valid_max=None, integer=True),
    }  # fmt: skip
    labels = Labels(LABELS.indicator_names, LABELS.indicator_units, LABELS.criterion_names, indicators=indicators)
    diagnosis = gap_analysis(evaluation, A)
    outcomes = rescored(diagnosis, {"C4.1": 0.48, "C6.3": 0.7, "C5.4": 0.3})
    english = {r.indicator: r for r in build_recommendations(diagnosis, rule_base, lang="en", what_ifs=outcomes,
                                                              labels=labels)}  # fmt: skip
    assert "is 200 million yuan, against a top-quartile 650 million yuan" in english["C4.1"].rationale
    assert "100m yuan" not in english["C4.1"].rationale
    assert " 5 against a top-quartile 8.5" in english["C6.3"].rationale  # a count has no unit word
    chinese = {r.indicator: r for r in build_recommendations(diagnosis, rule_base, lang="zh", what_ifs=outcomes,
                                                              labels=labels)}  # fmt: skip
    assert "主导产业产值为2亿元，" in chinese["C4.1"].rationale
    assert "为8吨标准煤，" in chinese["C5.4"].rationale
