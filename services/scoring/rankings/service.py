"""Rankings of stored data through the read-through cache, keyed by everything they depend on."""

from __future__ import annotations

from dataclasses import dataclass

from services.scoring.rankings.compute import Scored, results, score_year
from shared.cache import Cache, cache_key
from shared.clients import IndicatorsClient
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

RANKING_SCHEMA_VERSION = 1


@dataclass(frozen=True)
class RankingRequest:
    year: int
    profile_id: int | None
    method: RankingMethod
    reference: Reference
    category: str | None
    # Weights by indicator code instead of the profile's, for live tuning (the profile still names the ranking).
    weights: dict[str, float] | None = None


@dataclass
class Inputs:
    """What a ranking is computed from, fetched from the indicator service through the cache."""

    state: PlatformState
    profile: WeightProfileRead
    tree: list[CriterionNode]
    clusters: dict[str, ClusterRead]


def ranking_key(state: PlatformState, request: RankingRequest) -> str:
    """Every input of a ranking is named in its key: the dataset versions, the profile, the catalogue."""
    previous = {d.year: d.version for d in state.datasets}.get(request.year - 1)
    return cache_key(
        "scoring",
        "ranking",
        RANKING_SCHEMA_VERSION,
        {
            "instance": state.instance_id,
            "catalog": state.catalog_version,
            "year": request.year,
            "version": state.version_of(request.year),
            "previous_version": previous,
            "profile": state.profile_id(request.profile_id),
            "method": request.method,
            "reference": request.reference,
            "category": request.category,
        },
    )


def load_inputs(indicators: IndicatorsClient, state: PlatformState, profile_id: int) -> Inputs:
    token = f"{state.instance_id}:{state.catalog_version}"
    return Inputs(
        state=state,
        profile=indicators.weight_profile(profile_id, cache_token=state.instance_id),
        tree=indicators.indicator_tree(cache_token=token),
        clusters={c.code: c for c in indicators.clusters(cache_token=token)},
    )


def _dataset(indicators: IndicatorsClient, state: PlatformState, year: int) -> DatasetRead | None:
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
    )


def compute_ranking(indicators: IndicatorsClient, state: PlatformState, request: RankingRequest) -> RankingResponse:
    inputs = load_inputs(indicators, state, state.profile_id(request.profile_id))
    dataset = _dataset(indicators, state, request.year)
    if dataset is None:
        raise NotFound(f"no observations for the year {request.year}")
    current = _score(inputs, dataset, request)
    previous_dataset = _dataset(indicators, state, request.year - 1)
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
        synthetic=dataset.synthetic,
        warnings=current.warnings,
        results=results(current, previous, inputs.clusters),
    )


def ranking_bytes(indicators: IndicatorsClient, cache: Cache, request: RankingRequest, *, ttl_seconds: float) -> bytes:
    """The ranking as JSON bytes: one uncached state call, then the cache, then (on a miss) the computation."""
    state = indicators.state()
    key = ranking_key(state, request)
    cached = cache.get(key)
    if cached is not None:
        return cached
    body = compute_ranking(indicators, state, request).model_dump_json().encode()
    cache.set(key, body, ttl_seconds)
    return body


def compare_years(
    indicators: IndicatorsClient,
    *,
    from_year: int,
    to_year: int,
    profile_id: int | None,
    method: RankingMethod,
) -> ComparisonResponse:
    """Both years under the same profile on the fixed reference, so a score change is the cluster's own."""
    state = indicators.state()
    pid = state.profile_id(profile_id)
    inputs = load_inputs(indicators, state, pid)
    scored = {}
    for year in (from_year, to_year):
        dataset = _dataset(indicators, state, year)
        if dataset is None:
            raise NotFound(f"no observations for the year {year}")
        request = RankingRequest(year=year, profile_id=pid, method=method, reference="fixed", category=None)
        scored[year] = (dataset.version, _score(inputs, dataset, request))
    standings: dict[int, dict[str, YearStanding]] = {
        year: {
            code: YearStanding(rank=int(rank), score=float(score))
            for code, rank, score in zip(s.codes, s.ranks, s.scores, strict=True)
        }
        for year, (_, s) in scored.items()
    }
    empty = YearStanding(rank=None, score=None)
    rows = []
    for code in sorted(set(standings[from_year]) | set(standings[to_year])):
        before, after = standings[from_year].get(code, empty), standings[to_year].get(code, empty)
        cluster = inputs.clusters[code]
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
        method=method,
        reference="fixed",
        results=rows,
    )
