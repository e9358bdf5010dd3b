"""Rankings of stored data through the read-through cache, keyed by everything they depend on."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from services.scoring.config import ScoringSettings, get_settings
from services.scoring.engine.decomposition import shapley_contributions
from services.scoring.engine.mcda import FloatArray
from services.scoring.engine.reference import scale_to_reference
from services.scoring.rankings.compute import Scored, results, score_year
from shared.cache import Cache, validated
from shared.clients import IndicatorsClient
from shared.clients import ranking_key as client_ranking_key
from shared.decision_matrix import YearMatrix
from shared.errors import NotFound
from shared.schemas.indicators import ClusterRead, CriterionNode, DatasetRead, PlatformState
from shared.schemas.panels import WeightProfileRead
from shared.schemas.rankings import (
    ComparisonResponse,
    ComparisonRow,
    RankingMethod,
    RankingResponse,
    Reference,
    YearStanding,
)

_RANKING_BODY = validated(RankingResponse)
DEFAULT_COVERAGE_THRESHOLD = float(ScoringSettings.model_fields["coverage_threshold"].default)


@dataclass(frozen=True)
class RankingRequest:
    year: int
    profile_id: int | None
    method: RankingMethod
    reference: Reference
    category: str | None
    # Weights by indicator code instead of the profile's, for live tuning (the profile still names the ranking).
    weights: dict[str, float] | None = None
    # Share of a criterion's values a cluster needs before its row is flagged; None: ScoringSettings'.
    coverage_threshold: float | None = None
    # Winsorise the outliers of each flagged indicator first (relative reference only).
    winsorize: bool = False

    def threshold(self) -> float:
        return get_settings().coverage_threshold if self.coverage_threshold is None else self.coverage_threshold


@dataclass
class Inputs:
    """What a ranking is computed from, fetched from the indicator service through the cache."""

    state: PlatformState
    profile: WeightProfileRead
    tree: list[CriterionNode]
    clusters: dict[str, ClusterRead]


def ranking_key(state: PlatformState, request: RankingRequest) -> str:
    """Every input of a ranking is named in its key (see shared.clients.ranking_key, which clients share).

    The coverage threshold is an input too (it sets `coverage_flag`). Clients do not know it and build the key of
    the documented default; a service run with another threshold keeps its rankings under a key that names it, so
    neither side ever reads a ranking flagged under a threshold it did not ask for.
    """
    key = client_ranking_key(
        state,
        year=request.year,
        profile=request.profile_id,
        method=request.method,
        reference=request.reference,
        category=request.category,
        winsorize=request.winsorize,
    )
    threshold = request.threshold()
    if threshold == DEFAULT_COVERAGE_THRESHOLD:
        return key
    return f"{key}:coverage-{threshold!r}"


def load_inputs(indicators: IndicatorsClient, state: PlatformState, profile_id: int) -> Inputs:
    """The profile, tree and clusters, each read through the cache under the keys the client builds from `state`."""
    return Inputs(
        state=state,
        profile=indicators.weight_profile(profile_id, state=state),
        tree=indicators.indicator_tree(state=state),
        clusters={c.code: c for c in indicators.clusters(state=state)},
    )


def dataset_of(indicators: IndicatorsClient, state: PlatformState, year: int) -> DatasetRead | None:
    """The year's dataset at the state's version, through the cache; None when the year has no observations."""
    versions = {d.year: d.version for d in state.datasets}
    if year not in versions:
        return None
    return indicators.dataset(year, version=versions[year])


def _score(inputs: Inputs, dataset: DatasetRead, request: RankingRequest) -> Scored:
    return score_year(
        dataset,
        inputs.clusters,
        inputs.tree,
        request.weights or {w.code: w.global_weight for w in inputs.profile.indicators},
        method=request.method,
        reference=request.reference,
        category=request.category,
        coverage_threshold=request.threshold(),
        winsorize=request.winsorize,
    )


def compute_ranking(indicators: IndicatorsClient, state: PlatformState, request: RankingRequest) -> RankingResponse:
    inputs = load_inputs(indicators, state, state.profile_id(request.profile_id, category=request.category))
    dataset = dataset_of(indicators, state, request.year)
    if dataset is None:
        raise NotFound(f"no observations for the year {request.year}")
    current = _score(inputs, dataset, request)
    previous_dataset = dataset_of(indicators, state, request.year - 1)
    previous = None if previous_dataset is None else _score(inputs, previous_dataset, request)
    return RankingResponse(
        year=request.year,
        dataset_version=dataset.version,
        previous_year=None if previous is None else request.year - 1,
        profile=inputs.profile.id,
        profile_name=inputs.profile.name,
        method=request.method,
        normalization=current.normalization,
        reference=request.reference,
        category=request.category,
        winsorize=request.winsorize,
        synthetic=dataset.synthetic,
        warnings=current.warnings,
        coverage_threshold=request.threshold(),
        results=results(current, previous, inputs.clusters),
    )


def ranking_bytes(indicators: IndicatorsClient, cache: Cache, request: RankingRequest, *, ttl_seconds: float) -> bytes:
    """The ranking as JSON bytes: one uncached state call, then the cache, then (on a miss) the computation.

    A cached body that is not a valid ranking (of an older shape, truncated, foreign) is computed again.
    """
    state = indicators.state()

    def compute() -> bytes:
        return compute_ranking(indicators, state, request).model_dump_json().encode()

    return cache.read_through(ranking_key(state, request), compute, ttl_seconds=ttl_seconds, decode=_RANKING_BODY)


MAX_REVISIONS_READ = 5000
"""Replaced values of the earlier year read from the history, newest first (the history endpoint's limit)."""


def compare_years(
    indicators: IndicatorsClient,
    *,
    from_year: int,
    to_year: int,
    profile_id: int | None,
    method: RankingMethod,
    from_profile_id: int | None = None,
) -> ComparisonResponse:
    """Both years on the fixed reference, so a score change is the cluster's own; the earlier year under
    `from_profile_id` when given (else the same profile). Rows whose earlier values were revised, or whose years
    are scored under different profiles, are flagged."""
    state = indicators.state()
    pid = state.profile_id(profile_id)
    from_pid = pid if from_profile_id is None else state.profile_id(from_profile_id)
    inputs = {year: load_inputs(indicators, state, p) for year, p in ((from_year, from_pid), (to_year, pid))}
    scored: dict[int, tuple[str, Scored]] = {}
    for year in (from_year, to_year):
        dataset = dataset_of(indicators, state, year)
        if dataset is None:
            raise NotFound(f"no observations for the year {year}")
        request = RankingRequest(
            year=year, profile_id=inputs[year].profile.id, method=method, reference="fixed", category=None
        )
        scored[year] = (dataset.version, _score(inputs[year], dataset, request))
    first, second = scored[from_year][1], scored[to_year][1]
    contributions = criterion_contributions(first, second, method, profile_changed=from_pid != pid)
    revised = revised_indicators(indicators, from_year)
    standings: dict[int, dict[str, YearStanding]] = {
        year: {
            code: YearStanding(rank=int(rank), score=float(score))
            for code, rank, score in zip(s.codes, s.ranks, s.scores, strict=True)
        }
        for year, (_, s) in scored.items()
    }
    clusters = inputs[to_year].clusters
    empty = YearStanding(rank=None, score=None)
    rows = []
    for code in sorted(set(standings[from_year]) | set(standings[to_year])):
        before, after = standings[from_year].get(code, empty), standings[to_year].get(code, empty)
        cluster = clusters[code]
        parts = contributions.get(code)
        changed = sorted(revised.get(code, ()))
        flags = [flag for flag, present in (("revised_data", changed), ("profile_changed", from_pid != pid)) if present]
        rows.append(
            ComparisonRow.model_validate(
                {
                    "cluster_code": code,
                    "name": cluster.name,
                    "name_zh": cluster.name_zh,
                    "category": cluster.category,
                    "from": before,
                    "to": after,
                    "rank_change": None if before.rank is None or after.rank is None else before.rank - after.rank,
                    "score_change": None if before.score is None or after.score is None else after.score - before.score,
                    "contributions": None if parts is None else parts[0],
                    "weights_contribution": None if parts is None else parts[1],
                    "revised": changed,
                    "flags": flags,
                }
            )
        )
    rows.sort(key=lambda r: (r.to.rank is None, r.to.rank or 0, r.cluster_code))
    return ComparisonResponse(
        from_year=from_year,
        to_year=to_year,
        from_version=scored[from_year][0],
        to_version=scored[to_year][0],
        profile=pid,
        from_profile=from_pid,
        method=method,
        reference="fixed",
        results=rows,
    )


def revised_indicators(indicators: IndicatorsClient, year: int) -> dict[str, set[str]]:
    """Per cluster, the indicators whose value of `year` was replaced after it was first stored (from the history,
    newest first, at most MAX_REVISIONS_READ changes)."""
    revised: dict[str, set[str]] = {}
    for change in indicators.observation_history(year=year, limit=MAX_REVISIONS_READ):
        if change.old_value is not None and change.old_value != change.new_value:
            revised.setdefault(change.cluster_code, set()).add(change.indicator_code)
    return revised


def criterion_contributions(
    before: Scored, after: Scored, method: str, *, profile_changed: bool
) -> dict[str, tuple[dict[str, float], float | None]]:
    """Each criterion's part of every cluster's score change between the years, by Shapley values on the values the
    scores came from (they add up to the change exactly), and the weights' part when the profiles differ; only for
    clusters with data in both years."""
    first, second = before.matrix, after.matrix
    earlier = set(first.codes)
    both = [code for code in second.codes if code in earlier]
    if not both:
        return {}
    criteria = list(second.groups)
    group_of = np.empty(len(second.indicators), dtype=np.int64)
    for c, code in enumerate(criteria):
        group_of[second.groups[code]] = c

    def scaled(matrix: YearMatrix) -> FloatArray:
        rows = [matrix.codes.index(code) for code in both]
        types = np.asarray(matrix.types, dtype=np.int64)
        return scale_to_reference(matrix.values[rows], types, matrix.lower, matrix.upper)[0]

    parts = shapley_contributions(
        scaled(first),
        scaled(second),
        first.weights,
        group_of,
        len(criteria),
        method,
        weights_after=second.weights if profile_changed else None,
    )
    return {
        code: (
            {c: float(parts[i, k]) for k, c in enumerate(criteria)},
            float(parts[i, len(criteria)]) if profile_changed else None,
        )
        for i, code in enumerate(both)
    }
