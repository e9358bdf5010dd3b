"""Diagnosis of one cluster against its category's peers: gaps, peer examples, category check, actions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import get_args

import numpy as np
import numpy.typing as npt

from services.recommendations.rules import Rule, RuleBase, RuleBaseError, fill_template, format_number
from shared.schemas.indicators import CriterionNode
from shared.schemas.vocabulary import Direction, Lang
from shared.units import HasUnit, quantity

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
LocalizedNames = Mapping[str, Mapping[str, str]]
"""Code → language → text, e.g. `{"C4.2": {"en": "Location quotient", "zh": "区位熵"}}`."""

# Gaps and leads below this are rounding noise, not a weakness: a cluster at its benchmark has none.
_TOLERANCE = 1e-9

CATEGORY_NAMES: LocalizedNames = {
    "basic": {"en": "basic", "zh": "基础型"},
    "strategic": {"en": "strategic", "zh": "战略型"},
    "cutting_edge": {"en": "cutting-edge", "zh": "前沿型"},
}


def normalise(
    values: FloatArray, directions: Sequence[Direction], ref_min: FloatArray, ref_max: FloatArray
) -> FloatArray:
    """Fixed-reference min-max normalisation to [0, 1], 1 best: (x−lo)/(hi−lo) for benefit, (hi−x)/(hi−lo) for cost."""
    is_cost = np.array([d == "cost" for d in directions])
    span = ref_max - ref_min
    benefit = (values - ref_min) / span
    return np.clip(np.where(is_cost, 1.0 - benefit, benefit), 0.0, 1.0)


@dataclass(frozen=True, eq=False)
class Evaluation:
    """One ranking's inputs: raw values and indicator metadata, each cluster's category, and the scores.

    `values` are clusters × indicators, already imputed; `indicator_weights` are global (n,) or per
    cluster (m, n), e.g. when each category is scored with its own weight profile; `criteria_scores`
    (clusters × criteria, columns in `criterion_codes` order), `scores` and `ranks` come from the scoring
    service for the same data.
    """

    values: FloatArray
    indicator_codes: tuple[str, ...]
    criterion_of: Mapping[str, str]
    directions: tuple[Direction, ...]
    ref_min: FloatArray
    ref_max: FloatArray
    indicator_weights: FloatArray
    categories: tuple[str, ...]
    criterion_codes: tuple[str, ...]
    criteria_scores: FloatArray
    scores: FloatArray
    ranks: IntArray
    missing: npt.NDArray[np.bool_] | None = None
    """Cells (clusters × indicators) whose value was missing and imputed; None: every value was observed."""

    def __post_init__(self) -> None:
        if self.values.ndim != 2:
            raise ValueError(f"values must be clusters × indicators, got shape {self.values.shape}")
        m, n = self.values.shape
        k = len(self.criterion_codes)
        problems = [
            f"{name} has shape {shape}, expected {expected}"
            for name, shape, expected in (
                ("indicator_codes", (len(self.indicator_codes),), (n,)),
                ("directions", (len(self.directions),), (n,)),
                ("ref_min", self.ref_min.shape, (n,)),
                ("ref_max", self.ref_max.shape, (n,)),
                ("categories", (len(self.categories),), (m,)),
                ("criteria_scores", self.criteria_scores.shape, (m, k)),
                ("scores", self.scores.shape, (m,)),
                ("ranks", self.ranks.shape, (m,)),
            )
            if shape != expected
        ]
        if self.missing is not None and self.missing.shape != (m, n):
            problems.append(f"missing has shape {self.missing.shape}, expected {(m, n)}")
        if self.indicator_weights.shape not in {(n,), (m, n)}:
            problems.append(f"indicator_weights has shape {self.indicator_weights.shape}, expected ({n},) or {(m, n)}")
        if problems:
            raise ValueError("; ".join(problems))
        if not all(np.isfinite(a).all() for a in (self.values, self.indicator_weights, self.criteria_scores)):
            raise ValueError("values, weights and criterion scores must be finite (impute missing values first)")
        if (self.indicator_weights < 0).any():
            raise ValueError("indicator weights must not be negative")
        if not (self.ref_max > self.ref_min).all():
            raise ValueError("every reference range needs ref_max > ref_min")
        unknown = [d for d in self.directions if d not in get_args(Direction)]
        if unknown:
            raise ValueError(f"directions must be 'benefit' or 'cost', got {unknown}")
        orphans = [c for c in self.indicator_codes if self.criterion_of.get(c) not in self.criterion_codes]
        if orphans:
            raise ValueError(f"indicators without a known criterion: {orphans}")

    @cached_property
    def observed(self) -> npt.NDArray[np.bool_]:
        """Cells whose value was observed, not imputed."""
        if self.missing is None:
            return np.ones(self.values.shape, dtype=bool)
        return np.asarray(~self.missing, dtype=bool)

    @cached_property
    def normalised(self) -> FloatArray:
        """Values on the fixed reference scale, 0 worst and 1 best."""
        return normalise(self.values, self.directions, self.ref_min, self.ref_max)

    def peers(self, category: str) -> npt.NDArray[np.bool_]:
        """Mask of the clusters in `category`."""
        mask: npt.NDArray[np.bool_] = np.asarray(self.categories) == category
        return mask


@dataclass(frozen=True)
class CriterionStanding:
    """A cluster's criterion score against its category."""

    criterion: str
    score: float
    category_median: float
    category_top_quartile: float
    leads: bool
    """Score at or above the category's top quartile (which the category's best always is)."""


@dataclass(frozen=True)
class IndicatorGap:
    """A cluster's indicator value against its category's top-quartile benchmark."""

    index: int
    """Column of the indicator in the evaluation's values."""
    indicator: str
    criterion: str
    direction: Direction
    value: float
    benchmark: float
    """Category's 75th percentile of raw values (25th for a cost indicator): the top-quartile level."""
    normalised_value: float
    normalised_benchmark: float
    gap: float
    """max(0, normalised benchmark − normalised value), a share of the reference range."""
    weight: float
    potential: float
    """weight × gap: how much the overall score could gain from closing the gap."""
    imputed: bool = False
    """The cluster's value was missing and imputed: no action rests on it (it is a data gap instead)."""
    peer_examples: tuple[tuple[int, float], ...] = ()
    """(row, value) of the category's other clusters whose observed value reaches the benchmark, best first."""

    def reaches(self, value: float) -> bool:
        """Whether `value` is at or beyond the benchmark in the indicator's better direction."""
        return value <= self.benchmark if self.direction == "cost" else value >= self.benchmark


@dataclass(frozen=True)
class ClusterDiagnosis:
    """Gap analysis of one cluster in one year."""

    cluster_index: int
    category: str
    peer_count: int
    """Clusters in the category, this one included."""
    score: float
    rank: int
    criteria: tuple[CriterionStanding, ...]
    indicators: tuple[IndicatorGap, ...]
    strengths: tuple[str, ...]
    """Criterion codes where the cluster leads its category."""
    weaknesses: tuple[IndicatorGap, ...]
    """Indicators with a positive gap, largest improvement potential first."""

    def standing(self, criterion: str) -> CriterionStanding:
        """The cluster's standing on one criterion."""
        return next(s for s in self.criteria if s.criterion == criterion)


def gap_analysis(evaluation: Evaluation, cluster_index: int) -> ClusterDiagnosis:
    """Compare a cluster with its category's peers, criterion by criterion and indicator by indicator.

    Benchmarks are the category's top-quartile values, the cluster itself included, so a cluster at or
    above them everywhere has no weaknesses. In a category of one the benchmark is the cluster itself:
    no gaps, and every criterion counts as led (`peer_count` tells the reader how much that means).
    """
    ev = evaluation
    category = ev.categories[cluster_index]
    peers = ev.peers(category)

    peer_scores = ev.criteria_scores[peers]
    medians = np.median(peer_scores, axis=0)
    top_quartiles = np.percentile(peer_scores, 75, axis=0)
    own_scores = ev.criteria_scores[cluster_index]
    criteria = tuple(
        CriterionStanding(
            criterion=code,
            score=float(own_scores[j]),
            category_median=float(medians[j]),
            category_top_quartile=float(top_quartiles[j]),
            leads=bool(own_scores[j] >= top_quartiles[j] - _TOLERANCE),
        )
        for j, code in enumerate(ev.criterion_codes)
    )

    peer_values = ev.values[peers]
    is_cost = np.array([d == "cost" for d in ev.directions])
    benchmarks = np.where(is_cost, np.percentile(peer_values, 25, axis=0), np.percentile(peer_values, 75, axis=0))
    normalised_benchmarks = normalise(benchmarks, ev.directions, ev.ref_min, ev.ref_max)
    normalised_values = ev.normalised[cluster_index]
    gaps = np.maximum(0.0, normalised_benchmarks - normalised_values)
    gaps[gaps < _TOLERANCE] = 0.0
    weights = np.broadcast_to(ev.indicator_weights, ev.values.shape)[cluster_index]
    potentials = weights * gaps
    others = np.flatnonzero(peers & (np.arange(len(ev.categories)) != cluster_index))
    indicators = tuple(
        IndicatorGap(
            index=i,
            indicator=code,
            criterion=ev.criterion_of[code],
            direction=ev.directions[i],
            value=float(ev.values[cluster_index, i]),
            benchmark=float(benchmarks[i]),
            normalised_value=float(normalised_values[i]),
            normalised_benchmark=float(normalised_benchmarks[i]),
            gap=float(gaps[i]),
            weight=float(weights[i]),
            potential=float(potentials[i]),
            imputed=not bool(ev.observed[cluster_index, i]),
            peer_examples=_peer_examples(ev, others, i, float(benchmarks[i]), is_cost[i]) if gaps[i] > 0 else (),
        )
        for i, code in enumerate(ev.indicator_codes)
    )
    weaknesses = sorted((g for g in indicators if g.gap > 0), key=lambda g: (-g.potential, -g.gap, g.index))
    return ClusterDiagnosis(
        cluster_index=cluster_index,
        category=category,
        peer_count=int(peers.sum()),
        score=float(ev.scores[cluster_index]),
        rank=int(ev.ranks[cluster_index]),
        criteria=criteria,
        indicators=indicators,
        strengths=tuple(s.criterion for s in criteria if s.leads),
        weaknesses=tuple(weaknesses),
    )


def _peer_examples(
    ev: Evaluation, others: IntArray, column: int, benchmark: float, cost: bool
) -> tuple[tuple[int, float], ...]:
    """The other clusters of the category whose observed value reaches `benchmark`, best first (then by row)."""
    values = ev.values[others, column]
    reached = ev.observed[others, column] & ((values <= benchmark) if cost else (values >= benchmark))
    rows = others[reached]
    order = sorted(range(rows.size), key=lambda k: (ev.values[rows[k], column] * (1 if cost else -1), int(rows[k])))
    return tuple((int(rows[k]), float(ev.values[rows[k], column])) for k in order)


@dataclass(frozen=True)
class WhatIf:
    """What the cluster's overall result would be if one indicator reached its category's benchmark (the scoring
    service re-scores it on the published model: POST /v1/rankings/what-if)."""

    indicator: str
    score: float
    expected_rank: int
    rank_gain: int
    """Ranks gained against the current score, counted the same way as `expected_rank`."""
    score_gain: float


@dataclass(frozen=True)
class CategoryCheck:
    """Whether a cluster's indicators look like its stated category's; evidence only, nothing is changed."""

    stated: str
    nearest: str
    distances: dict[str, float]
    """Category → Euclidean distance to the mean profile of that category's other clusters, nearest first."""
    margin: float
    looks_wrong: bool

    @property
    def ratio(self) -> float | None:
        """Distance to the stated category's profile over the distance to the nearest; None if undefined."""
        if self.stated not in self.distances or self.nearest not in self.distances:
            return None
        nearest = self.distances[self.nearest]
        return float("inf") if nearest == 0 else self.distances[self.stated] / nearest

    def evidence(self, lang: Lang = "en", category_names: LocalizedNames = CATEGORY_NAMES) -> str:
        """The numbers behind the verdict, in words."""

        def name(category: str) -> str:
            return category_names.get(category, {}).get(lang, category)

        listed = ("，" if lang == "zh" else ", ").join(
            f"{name(c)} {format_number(d)}" for c, d in self.distances.items()
        )
        ratio = self.ratio
        if lang == "zh":
            head = f"指标画像与各类别（不含本集群）平均画像的距离：{listed}。"
            if ratio is None:
                return head + f"{name(self.stated)}没有其他集群可比，无法判断。"
            if self.looks_wrong:
                return head + (
                    f"最接近的是{name(self.nearest)}，所述类别{name(self.stated)}的距离是其"
                    f"{format_number(ratio)}倍（阈值{format_number(self.margin)}），类别可能有误。"
                )
            return head + f"所述类别{name(self.stated)}与指标相符。"
        head = f"Distance of the indicator profile to each category's other clusters: {listed}."
        if ratio is None:
            return head + f" The {name(self.stated)} category has no other cluster to compare with."
        if self.looks_wrong:
            return head + (
                f" The nearest is {name(self.nearest)}; the stated {name(self.stated)} profile is "
                f"{format_number(ratio)} times as far (threshold {format_number(self.margin)}), "
                "so the stated category may be wrong."
            )
        return head + f" The stated category, {name(self.stated)}, fits."


def category_check(
    values_normalised: FloatArray, categories: Sequence[str], cluster_index: int, *, margin: float = 1.15
) -> CategoryCheck:
    """Compare a cluster with each category's profile (mean normalised row of its other clusters).

    The stated category looks wrong when another profile is nearest and the stated one is more than
    `margin` times as far. A stated category with no other cluster cannot be judged and is never flagged.
    """
    labels = np.asarray(categories)
    own = values_normalised[cluster_index]
    others = np.arange(len(labels)) != cluster_index
    distances: dict[str, float] = {}
    for category in sorted(set(categories)):
        members = others & (labels == category)
        if members.any():
            distances[category] = float(np.linalg.norm(own - values_normalised[members].mean(axis=0)))
    distances = dict(sorted(distances.items(), key=lambda item: item[1]))
    stated = categories[cluster_index]
    nearest = next(iter(distances), stated)
    looks_wrong = nearest != stated and stated in distances and distances[stated] > margin * distances[nearest]
    return CategoryCheck(stated=stated, nearest=nearest, distances=distances, margin=margin, looks_wrong=looks_wrong)


@dataclass(frozen=True)
class Labels:
    """Localised names for the texts: indicator names and units, criterion names, category names."""

    indicator_names: LocalizedNames
    indicator_units: LocalizedNames
    criterion_names: LocalizedNames
    category_names: LocalizedNames = field(default_factory=lambda: CATEGORY_NAMES)
    indicators: Mapping[str, HasUnit] = field(default_factory=dict)
    """Each indicator's unit and whether it counts whole things, to write its values as shared.units writes them."""

    def quantity(self, code: str, value: float, lang: Lang) -> str:
        """`value` with its unit in `lang` at the unit's precision (counts whole, shares in %, money in yuan)."""
        indicator = self.indicators.get(code)
        if indicator is not None:
            return quantity(value, indicator, lang)
        unit = _label(self.indicator_units, code, lang, "")
        return f"{format_number(value)}{unit}" if lang == "zh" else f"{format_number(value)} {unit}".rstrip()

    @classmethod
    def from_tree(cls, tree: Iterable[CriterionNode], category_names: LocalizedNames = CATEGORY_NAMES) -> Labels:
        """Labels from the indicator service's tree (GET /v1/indicators)."""
        nodes = list(tree)
        indicators = [i for node in nodes for i in node.children]
        return cls(
            indicator_names={i.code: {"en": i.name, "zh": i.name_zh} for i in indicators},
            indicator_units={i.code: {"en": i.unit, "zh": i.unit_zh or i.unit} for i in indicators},
            criterion_names={n.code: {"en": n.name, "zh": n.name_zh} for n in nodes},
            category_names=category_names,
            indicators={i.code: i for i in indicators},
        )


def _label(names: LocalizedNames, code: str, lang: Lang, default: str) -> str:
    return names.get(code, {}).get(lang, default)


def placeholder_values(
    diagnosis: ClusterDiagnosis, weakness: IndicatorGap, what_if: WhatIf, labels: Labels, lang: Lang
) -> dict[str, object]:
    """The numbers and names a rule's texts may use (rules.PLACEHOLDERS), for one weakness."""
    standing = diagnosis.standing(weakness.criterion)
    return {
        "category_name": _label(labels.category_names, diagnosis.category, lang, diagnosis.category),
        "peer_count": diagnosis.peer_count,
        "criterion": weakness.criterion,
        "criterion_name": _label(labels.criterion_names, weakness.criterion, lang, weakness.criterion),
        "criterion_score": standing.score,
        "criterion_median": standing.category_median,
        "criterion_top_quartile": standing.category_top_quartile,
        "indicator": weakness.indicator,
        "indicator_name": _label(labels.indicator_names, weakness.indicator, lang, weakness.indicator),
        "unit": _label(labels.indicator_units, weakness.indicator, lang, ""),
        "value": weakness.value,
        "benchmark": weakness.benchmark,
        "value_text": labels.quantity(weakness.indicator, weakness.value, lang),
        "benchmark_text": labels.quantity(weakness.indicator, weakness.benchmark, lang),
        "gap": weakness.gap,
        "gap_pct": 100.0 * weakness.gap,
        "potential": weakness.potential,
        "rank": diagnosis.rank,
        "expected_rank": what_if.expected_rank,
        "rank_gain": what_if.rank_gain,
        "score": diagnosis.score,
        "expected_score": what_if.score,
        "score_gain": what_if.score_gain,
    }


def answerable(diagnosis: ClusterDiagnosis, *, materiality: float) -> list[IndicatorGap]:
    """The weaknesses an action may answer: an observed value (an imputed one is a data gap to fill first) with a gap
    of at least `materiality` (a share of the reference range; smaller gaps are noise, not a weakness to act on)."""
    return [w for w in diagnosis.weaknesses if not w.imputed and w.gap >= materiality]


@dataclass(frozen=True)
class Recommendation:
    """One action for one weakness, with the numbers behind it."""

    priority: int
    criterion: str
    indicator: str
    rule_id: str
    policy_path: str
    title: str
    action: str
    rationale: str
    expected_rank: int
    expected_gain: int
    """Ranks gained if the weakness were closed (WhatIf.rank_gain)."""
    score_gain: float
    """Overall score gained if the weakness were closed (WhatIf.score_gain): what orders the actions."""
    weakness: IndicatorGap


def build_recommendations(
    diagnosis: ClusterDiagnosis,
    rule_base: RuleBase,
    *,
    lang: Lang,
    what_ifs: Sequence[WhatIf],
    labels: Labels,
    materiality: float = 0.0,
    top_n: int | None = None,
) -> list[Recommendation]:
    """At most `top_n` actions, by the score each weakness's closing would gain, then improvement potential.

    Only answerable weaknesses (observed, gap ≥ `materiality`) with a rescored what-if are answered, one action per
    weakness and one weakness per rule (two weaknesses answered by the same criterion rule would read as the same
    action twice; the larger gain keeps it). The rule is the category's rule for the weakness's indicator if there is
    one, else for its criterion; a weakness without any rule is a defect of the rule base and raises RuleBaseError.
    """
    weaknesses = {w.indicator: w for w in answerable(diagnosis, materiality=materiality)}
    known = {w.indicator for w in diagnosis.weaknesses}
    answered: list[tuple[WhatIf, IndicatorGap, Rule]] = []
    for what_if in what_ifs:
        if what_if.indicator not in known:
            raise ValueError(f"{what_if.indicator} is not a weakness of this cluster")
        weakness = weaknesses.get(what_if.indicator)
        if weakness is None:
            continue
        rules = rule_base.rules_for(diagnosis.category, weakness.criterion, weakness.indicator)
        if not rules:
            raise RuleBaseError(
                [f"no rule for a {diagnosis.category} weakness in {weakness.criterion} ({weakness.indicator})"]
            )
        answered.append((what_if, weakness, rules[0]))
    answered.sort(key=lambda item: (-item[0].score_gain, -item[1].potential, item[1].index))

    recommendations: list[Recommendation] = []
    used_rules: set[str] = set()
    for what_if, weakness, rule in answered:
        if rule.id in used_rules or (top_n is not None and len(recommendations) >= top_n):
            continue
        used_rules.add(rule.id)
        fields = placeholder_values(diagnosis, weakness, what_if, labels, lang)
        recommendations.append(
            Recommendation(
                priority=len(recommendations) + 1,
                criterion=weakness.criterion,
                indicator=weakness.indicator,
                rule_id=rule.id,
                policy_path=rule.policy_path,
                title=fill_template(rule.title.text(lang), fields),
                action=fill_template(rule.action.text(lang), fields),
                rationale=fill_template(rule.rationale.text(lang), fields),
                expected_rank=what_if.expected_rank,
                expected_gain=what_if.rank_gain,
                score_gain=what_if.score_gain,
                weakness=weakness,
            )
        )
    return recommendations
