"""Recommendations of a year: the ranking, each cluster's gaps to its category's peers, what-if scores and actions.

The ranking comes from the scoring service and the data from the indicator service, both through the cache under
keys that hold the state tokens; every cluster's answerable weaknesses (observed, material) are rescored in one
what-if request, and the actions ordered by the score each would gain; whole answers are cached under a key naming
every input, so a change of data, catalogue, profile, rules or settings never serves a stale one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

import numpy as np
from pydantic import TypeAdapter

from services.recommendations.advice.rulebook import RuleBook, catalog_token
from services.recommendations.diagnosis import (
    CATEGORY_NAMES,
    ClusterDiagnosis,
    Evaluation,
    Labels,
    WhatIf,
    answerable,
    build_recommendations,
    category_check,
    gap_analysis,
)
from services.recommendations.rules import RuleBase, format_number
from shared.cache import Cache, cache_key, validated
from shared.clients import IndicatorsClient, ScoringClient
from shared.decision_matrix import YearMatrix, year_matrix
from shared.errors import Conflict, NotFound
from shared.schemas.indicators import Category, ClusterRead, CriterionNode, PlatformState
from shared.schemas.rankings import RankingResponse, WhatIfCandidate, WhatIfRequest
from shared.schemas.recommendations import (
    CategoryCheck,
    ClusterRecommendations,
    DataGap,
    Lang,
    PeerExample,
    RecommendationItem,
    Strength,
    Weakness,
)
from shared.units import quantity

ADVICE_SCHEMA_VERSION = 2
_ANSWERS = TypeAdapter(list[ClusterRecommendations])
_ONE_BODY = validated(ClusterRecommendations)
_ALL_BODY = validated(list[ClusterRecommendations])


@dataclass(frozen=True)
class AdviceRequest:
    year: int
    profile_id: int | None
    lang: Lang
    cluster_code: str | None
    """None: every cluster of the year, in rank order."""
    materiality: float = 0.05
    """Smallest gap (share of the reference range) an action answers."""


@dataclass(frozen=True)
class Upstreams:
    indicators: IndicatorsClient
    scoring: ScoringClient
    rule_book: RuleBook
    scoring_batch: ScoringClient | None = None
    """The scoring service with a longer deadline, for computations over a whole year (a year's plans)."""


@dataclass(frozen=True)
class YearEvaluation:
    """A year's matrix and ranking, aligned row by row, with what the texts need."""

    matrix: YearMatrix
    evaluation: Evaluation
    ranking: RankingResponse
    clusters: dict[str, ClusterRead]
    labels: Labels
    rule_base: RuleBase
    synthetic: bool


def advice_bytes(
    upstreams: Upstreams, cache: Cache, request: AdviceRequest, *, top_n: int, ttl_seconds: float
) -> bytes:
    """The answer as JSON bytes (an object, or a list for every cluster): one uncached state call, then the cache."""
    state = upstreams.indicators.state()
    version = state.version_of(request.year)
    profile_id = state.profile_id(request.profile_id)
    key = cache_key(
        "recommendations",
        "advice",
        ADVICE_SCHEMA_VERSION,
        {
            "catalog": catalog_token(state),
            "year": request.year,
            "version": version,
            "profile": profile_id,
            "lang": request.lang,
            "cluster": request.cluster_code,
            "rules": upstreams.rule_book.digest,
            "top_n": top_n,
            "materiality": request.materiality,
        },
    )

    def compute() -> bytes:
        answers = advise(upstreams, state, request, profile_id=profile_id, top_n=top_n)
        return answers[0].model_dump_json().encode() if request.cluster_code else _ANSWERS.dump_json(answers)

    return cache.read_through(
        key, compute, ttl_seconds=ttl_seconds, decode=_ONE_BODY if request.cluster_code else _ALL_BODY
    )


def advise(
    upstreams: Upstreams, state: PlatformState, request: AdviceRequest, *, profile_id: int, top_n: int
) -> list[ClusterRecommendations]:
    """Diagnosis, what-if ranks and actions of the requested cluster, or of every cluster by rank."""
    year = evaluate_year(upstreams, state, request.year, profile_id, cluster_code=request.cluster_code)
    if request.cluster_code is None:
        codes = [r.cluster_code for r in year.ranking.results]
    elif request.cluster_code in year.matrix.codes:
        codes = [request.cluster_code]
    else:
        raise NotFound(f"cluster {request.cluster_code!r} has no observations in {request.year}")
    row_of = {code: i for i, code in enumerate(year.matrix.codes)}
    diagnoses = [gap_analysis(year.evaluation, row_of[code]) for code in codes]
    what_ifs = rescore_weaknesses(upstreams, year, diagnoses, materiality=request.materiality)
    return [
        answer(year, d, w, request.lang, materiality=request.materiality, top_n=top_n)
        for d, w in zip(diagnoses, what_ifs, strict=True)
    ]


def evaluate_year(
    upstreams: Upstreams, state: PlatformState, year: int, profile_id: int, *, cluster_code: str | None
) -> YearEvaluation:
    """Fetch the ranking, dataset, tree, clusters and profile of the year (all cached) and line them up."""
    indicators = upstreams.indicators
    clusters = {c.code: c for c in indicators.clusters(state=state)}
    if cluster_code is not None and cluster_code not in clusters:
        raise NotFound(f"no cluster with code {cluster_code!r}")
    profile = indicators.weight_profile(profile_id, state=state)
    tree = indicators.indicator_tree(state=state)
    rule_base = upstreams.rule_book.for_request(tree, token=catalog_token(state))
    versions = {d.year: d.version for d in state.datasets}
    ranking = upstreams.scoring.ranking(year, profile=profile_id, state=state)
    dataset = indicators.dataset(year, version=versions[year])
    matrix = year_matrix(dataset, clusters, tree, {w.code: w.global_weight for w in profile.indicators})
    same_data = dataset.version == ranking.dataset_version == versions[year]
    if not same_data or {r.cluster_code for r in ranking.results} != set(matrix.codes):
        raise _changed_meanwhile(year)
    return YearEvaluation(
        matrix=matrix,
        evaluation=_evaluation(matrix, ranking, tree),
        ranking=ranking,
        clusters=clusters,
        labels=Labels.from_tree(tree),
        rule_base=rule_base,
        synthetic=dataset.synthetic,
    )


def _changed_meanwhile(year: int) -> Conflict:
    return Conflict(f"the {year} data changed while the recommendations were being made; ask again")


def _evaluation(matrix: YearMatrix, ranking: RankingResponse, tree: Sequence[CriterionNode]) -> Evaluation:
    by_code = {r.cluster_code: r for r in ranking.results}
    rows = [by_code[code] for code in matrix.codes]
    criteria = tuple(c.code for c in tree)
    return Evaluation(
        values=matrix.values,
        indicator_codes=tuple(matrix.indicator_codes),
        criterion_of={i.code: c.code for c in tree for i in c.children},
        directions=tuple(i.direction for i in matrix.indicators),
        ref_min=matrix.lower,
        ref_max=matrix.upper,
        indicator_weights=matrix.weights / matrix.weights.sum(),
        categories=tuple(matrix.categories),
        criterion_codes=criteria,
        criteria_scores=np.array([[r.criteria_scores[c] for c in criteria] for r in rows], dtype=np.float64),
        scores=np.array([r.score for r in rows], dtype=np.float64),
        ranks=np.array([r.rank for r in rows], dtype=np.int64),
        missing=matrix.missing,
    )


def rescore_weaknesses(
    upstreams: Upstreams, year: YearEvaluation, diagnoses: Sequence[ClusterDiagnosis], *, materiality: float
) -> list[list[WhatIf]]:
    """Each diagnosis's answerable weaknesses raised to their benchmarks, all clusters' in one what-if request."""
    chosen = [(k, weakness) for k, d in enumerate(diagnoses) for weakness in answerable(d, materiality=materiality)]
    outcomes: list[list[WhatIf]] = [[] for _ in diagnoses]
    if not chosen:
        return outcomes
    candidates = [
        WhatIfCandidate(
            cluster_code=year.matrix.codes[diagnoses[k].cluster_index], indicator=w.indicator, value=w.benchmark
        )
        for k, w in chosen
    ]
    answer = upstreams.scoring.what_if(
        WhatIfRequest(year=year.ranking.year, profile=year.ranking.profile, candidates=candidates)
    )
    if answer.dataset_version != year.ranking.dataset_version:
        raise _changed_meanwhile(year.ranking.year)
    # The scoring service's ranks are those a re-ranking would give (ties included), so they are used as they are.
    for (k, weakness), result in zip(chosen, answer.results, strict=True):
        diagnosis = diagnoses[k]
        outcomes[k].append(
            WhatIf(
                indicator=weakness.indicator,
                score=result.score,
                expected_rank=result.rank,
                rank_gain=diagnosis.rank - result.rank,
                score_gain=result.score - diagnosis.score,
            )
        )
    return outcomes


def answer(
    year: YearEvaluation,
    diagnosis: ClusterDiagnosis,
    what_ifs: Sequence[WhatIf],
    lang: Lang,
    *,
    materiality: float,
    top_n: int,
) -> ClusterRecommendations:
    """One cluster's answer in `lang`: strengths, weaknesses, actions by score gain, data gaps, the category check."""
    code = year.matrix.codes[diagnosis.cluster_index]
    cluster = year.clusters[code]
    labels, rule_base = year.labels, year.rule_base
    recommendations = build_recommendations(
        diagnosis, rule_base, lang=lang, what_ifs=what_ifs, labels=labels, materiality=materiality, top_n=top_n
    )
    codes = year.matrix.codes
    score_of = {w.indicator: w.score for w in what_ifs}
    check = category_check(year.evaluation.normalised, year.evaluation.categories, diagnosis.cluster_index)
    return ClusterRecommendations(
        cluster_code=code,
        name=cluster.name_zh if lang == "zh" else cluster.name,
        year=year.ranking.year,
        dataset_version=year.ranking.dataset_version,
        profile=year.ranking.profile,
        lang=lang,
        synthetic=year.synthetic,
        category=cluster.category,
        peer_count=diagnosis.peer_count,
        rank=diagnosis.rank,
        score=diagnosis.score,
        strengths=[_strength(diagnosis, criterion, labels, lang) for criterion in diagnosis.strengths],
        weaknesses=[
            Weakness(
                criterion=w.criterion,
                indicator=w.indicator,
                name=labels.indicator_names.get(w.indicator, {}).get(lang, w.indicator),
                unit=labels.indicator_units.get(w.indicator, {}).get(lang, ""),
                direction=w.direction,
                value=w.value,
                benchmark=w.benchmark,
                gap=w.gap,
                potential=w.potential,
                imputed=w.imputed,
                material=w.gap >= materiality,
            )
            for w in diagnosis.weaknesses
        ],
        recommendations=[
            RecommendationItem(
                priority=r.priority,
                criterion=r.criterion,
                indicator=r.indicator,
                title=r.title,
                action=r.action,
                rationale=r.rationale,
                rule_id=r.rule_id,
                policy_path=r.policy_path,
                policy_path_name=rule_base.policy_paths[cluster.category][r.policy_path].text(lang),
                expected_rank=r.expected_rank,
                expected_gain=r.expected_gain,
                expected_score=score_of[r.indicator],
                score_gain=r.score_gain,
                peer_examples=[PeerExample(cluster_code=codes[k], value=v) for k, v in r.weakness.peer_examples],
            )
            for r in recommendations
        ],
        data_gaps=data_gaps(year, diagnosis, lang),
        materiality_threshold=materiality,
        category_check=CategoryCheck(
            stated=cluster.category,
            nearest=cast(Category, check.nearest),
            looks_wrong=check.looks_wrong,
            distances=check.distances,
            margin=check.margin,
            evidence=check.evidence(lang),
        ),
    )


def data_gaps(year: YearEvaluation, diagnosis: ClusterDiagnosis, lang: Lang) -> list[DataGap]:
    """The cluster's missing values of the year, in tree order: each one to collect before acting on it."""
    gaps = []
    for gap in diagnosis.indicators:
        if not gap.imputed:
            continue
        name = year.labels.indicator_names.get(gap.indicator, {}).get(lang, gap.indicator)
        unit = year.labels.indicator_units.get(gap.indicator, {}).get(lang, "")
        value = quantity(gap.value, year.matrix.indicators[gap.index], lang)
        text = (
            f"{name}（{gap.indicator}）缺少{year.ranking.year}年数据，排名按同类别中位数{value}估算；请采集该指标。"
            if lang == "zh"
            else f"{name} ({gap.indicator}) has no {year.ranking.year} value; the ranking used the category median, "
            f"{value}. Collect this indicator."
        )
        gaps.append(
            DataGap(
                indicator=gap.indicator,
                criterion=gap.criterion,
                name=name,
                unit=unit,
                imputed_value=gap.value,
                text=text,
            )
        )
    return gaps


def _strength(diagnosis: ClusterDiagnosis, criterion: str, labels: Labels, lang: Lang) -> Strength:
    standing = diagnosis.standing(criterion)
    name = labels.criterion_names.get(criterion, {}).get(lang, criterion)
    category = CATEGORY_NAMES.get(diagnosis.category, {}).get(lang, diagnosis.category)
    score, median, top = (
        format_number(x) for x in (standing.score, standing.category_median, standing.category_top_quartile)
    )
    text = (
        f"{name}（{criterion}）：得分{score}，不低于{category}集群前四分位{top}（中位数{median}）。"
        if lang == "zh"
        else f"{name} ({criterion}): {score}, at or above the {category} top quartile of {top} (median {median})."
    )
    return Strength(
        criterion=criterion,
        name=name,
        score=standing.score,
        category_median=standing.category_median,
        category_top_quartile=standing.category_top_quartile,
        text=text,
    )
