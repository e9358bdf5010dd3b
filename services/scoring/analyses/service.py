"""The analyses of a published ranking, each on that ranking's own model, resolved here once.

`resolve_model` builds the model from the same inputs `GET /v1/rankings` uses (the dataset version, the profile,
the tree, the clusters, the imputation) so that at the model's own weights every analysis reproduces the
published scores and ranks; answers are cached under keys that name every input.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel

from services.scoring.engine import audit, ranking_sensitivity, ranking_uncertainty
from services.scoring.engine.compare import rank_correlation, rank_similarity
from services.scoring.engine.mcda import MAX_REPORTED_ERRORS, FloatArray, IntArray, resolve_method, score
from services.scoring.engine.mcda import resolve_normalization as default_normalization
from services.scoring.engine.ranking_model import FIXED_REFERENCE_METHODS, RankingModel
from services.scoring.engine.reference import criterion_scores
from services.scoring.engine.weights import combined_weights, objective_weights
from services.scoring.rankings.compute import treated_matrix
from services.scoring.rankings.service import Inputs, dataset_of, load_inputs
from shared.cache import Cache, cache_key
from shared.clients import IndicatorsClient
from shared.decision_matrix import YearMatrix, year_matrix
from shared.errors import InvalidInput, NotFound
from shared.schemas.analyses import (
    AuditResponse,
    ClippedValue,
    ClusterAcceptability,
    ClusterCoverage,
    ClusterInterval,
    ClusterMethodRanks,
    ClusterUncertainty,
    Coherence,
    Coverage,
    CriterionAudit,
    CriterionStability,
    FlaggedPair,
    FlaggedValue,
    IndicatorCoherence,
    IndicatorCoverage,
    IndicatorWeights,
    LeftOutCell,
    LeftOutMethod,
    MethodCorrelation,
    MethodsRequest,
    MethodsResponse,
    ModelEcho,
    ModelWeightsRequest,
    ModelWeightsResponse,
    OutlierCheck,
    RankingModelRequest,
    RankingSensitivityRequest,
    RankingSensitivityResponse,
    RankingSweep,
    SensitivityIndex,
    UncertaintyRequest,
    UncertaintyResponse,
)
from shared.schemas.indicators import PlatformState

ANALYSIS_SCHEMA_VERSION = 1


@dataclass(frozen=True)
class ResolvedModel:
    """The model with what it was built from, and the published ranking at its own weights."""

    model: RankingModel
    echo: ModelEcho
    inputs: Inputs
    matrix: YearMatrix
    published_ranks: IntArray
    published_scores: FloatArray

    @property
    def scoped_codes(self) -> list[str]:
        return [code for code, keep in zip(self.model.codes, self.model.scope, strict=True) if keep]

    def published_order(self) -> list[int]:
        """Positions of the scoped clusters, best first (ties by code), as the ranking lists them."""
        codes = self.scoped_codes
        return sorted(range(len(codes)), key=lambda k: (int(self.published_ranks[k]), codes[k]))


def resolve_model(indicators: IndicatorsClient, state: PlatformState, body: RankingModelRequest) -> ResolvedModel:
    """The ranking's model as `GET /v1/rankings` computes it for the same year, profile, method, reference, scope."""
    if body.reference == "fixed" and body.method not in FIXED_REFERENCE_METHODS:
        msg = f"method {body.method!r} has no fixed-reference form; use reference=relative"
        raise InvalidInput(msg, errors=[{"loc": ["body", "method"], "msg": msg}])
    inputs = load_inputs(indicators, state, state.profile_id(body.profile, category=body.category))
    dataset = dataset_of(indicators, state, body.year)
    if dataset is None:
        raise NotFound(f"no observations for the year {body.year}")
    global_weights = {w.code: w.global_weight for w in inputs.profile.indicators}
    matrix = year_matrix(dataset, inputs.clusters, inputs.tree, global_weights)
    if body.winsorize:
        matrix = treated_matrix(matrix, reference=body.reference, where="body")
    criteria = [criterion.code for criterion in inputs.tree]
    group_of = np.empty(len(matrix.indicators), dtype=np.int64)
    for c, code in enumerate(criteria):
        group_of[matrix.groups[code]] = c
    # The criterion weight is the sum of its indicators' global weights and each local weight their share of it,
    # so that criterion x local gives back the profile's global weights to the last bit or two.
    criterion_weights = np.bincount(group_of, weights=matrix.weights, minlength=len(criteria))
    totals = criterion_weights[group_of]
    sizes = np.bincount(group_of, minlength=len(criteria))[group_of]
    local = np.where(totals > 0, matrix.weights / np.where(totals > 0, totals, 1.0), 1.0 / sizes)
    scope = np.array([body.category is None or c == body.category for c in matrix.categories], dtype=bool)
    if not scope.any():
        raise InvalidInput(f"no clusters of category {body.category!r} have data in {body.year}")
    normalization = None if body.reference == "fixed" else default_normalization(resolve_method(body.method), None)
    model = RankingModel(
        codes=list(matrix.codes),
        categories=list(matrix.categories),
        indicator_codes=matrix.indicator_codes,
        criteria=criteria,
        values=matrix.values,
        missing=matrix.missing,
        types=np.asarray(matrix.types, dtype=np.int64),
        lower=matrix.lower,
        upper=matrix.upper,
        group_of=group_of,
        criterion_weights=criterion_weights / criterion_weights.sum(),
        local_weights=local,
        scope=scope,
        method=body.method,
        reference=body.reference,
        normalization=normalization,
    )
    scores = model.scores(model.global_weights(model.criterion_weights[np.newaxis, :]))
    echo = ModelEcho(
        year=body.year,
        dataset_version=dataset.version,
        profile=inputs.profile.id,
        method=body.method,
        normalization=normalization,
        reference=body.reference,
        category=body.category,
        winsorize=body.winsorize,
    )
    return ResolvedModel(model, echo, inputs, matrix, model.ranks(scores)[0], scores[0, scope])


def analysis_key(kind: str, echo: ModelEcho, state: PlatformState, body: RankingModelRequest) -> str:
    """Every input of an analysis in its key: the model (dataset version, profile, catalogue) and the request."""
    return cache_key(
        "scoring",
        f"analysis-{kind}",
        ANALYSIS_SCHEMA_VERSION,
        {
            "instance": state.instance_id,
            "catalog": state.catalog_version,
            "model": echo.model_dump(mode="json"),
            "request": body.model_dump(mode="json"),
        },
    )


def analysis_answer(
    indicators: IndicatorsClient,
    state: PlatformState,
    cache: Cache,
    body: RankingModelRequest,
    *,
    kind: str,
    analyse: Callable[[ResolvedModel], BaseModel],
    decode: Callable[[bytes], bytes],
    ttl_seconds: float,
    resolved: ResolvedModel | None = None,
) -> bytes:
    """An analysis of a ranking's model as JSON bytes, read through the cache under the key that names every input
    (a cached body that fails `decode` is computed again); the model is resolved here unless it is given. The
    endpoints and the exports read every analysis through this one path, so they share its cache entries."""
    model = resolve_model(indicators, state, body) if resolved is None else resolved
    return cache.read_through(
        analysis_key(kind, model.echo, state, body),
        lambda: analyse(model).model_dump_json().encode(),
        ttl_seconds=ttl_seconds,
        decode=decode,
    )


def sensitivity(resolved: ResolvedModel, body: RankingSensitivityRequest) -> RankingSensitivityResponse:
    """Rank acceptability, per-cluster stability intervals of every criterion, and the optional sweep."""
    model = resolved.model
    sweep_index: int | None = None
    if body.sweep_criterion is not None:
        if body.sweep_criterion not in model.criteria:
            msg = f"unknown criterion {body.sweep_criterion!r}; choose one of {', '.join(model.criteria)}"
            raise InvalidInput(msg, errors=[{"loc": ["body", "sweep_criterion"], "msg": msg}])
        sweep_index = model.criteria.index(body.sweep_criterion)
    acceptability = ranking_sensitivity.rank_acceptability(
        model, samples=body.samples, seed=body.seed, concentration=body.concentration
    )
    stability = ranking_sensitivity.stability_intervals(model, resolved.published_ranks)
    codes = resolved.scoped_codes
    order = resolved.published_order()
    sweep = None
    if sweep_index is not None:
        swept = ranking_sensitivity.weight_sweep(model, sweep_index, body.sweep_points)
        sweep = RankingSweep(
            criterion=model.criteria[sweep_index],
            weights=[float(w) for w in swept.weights],
            scores={codes[k]: [float(v) for v in swept.scores[:, k]] for k in order},
            ranks={codes[k]: [int(v) for v in swept.ranks[:, k]] for k in order},
        )
    return RankingSensitivityResponse(
        model=resolved.echo,
        samples=acceptability.samples,
        rank_acceptability=[
            ClusterAcceptability(
                cluster_code=codes[k],
                rank=int(resolved.published_ranks[k]),
                by_rank=[float(v) for v in acceptability.by_rank[k]],
            )
            for k in order
        ],
        weight_stability=[
            CriterionStability(
                criterion=criterion,
                weight=float(stability.weights[c]),
                clusters=[
                    ClusterInterval(
                        cluster_code=codes[k], min=float(stability.lower[c, k]), max=float(stability.upper[c, k])
                    )
                    for k in order
                ],
            )
            for c, criterion in enumerate(model.criteria)
        ],
        sweep=sweep,
    )


def uncertainty(
    indicators: IndicatorsClient, state: PlatformState, resolved: ResolvedModel, body: UncertaintyRequest
) -> UncertaintyResponse:
    """Rank intervals and Sobol indices over the chosen sources."""
    model, profile = resolved.model, resolved.inputs.profile
    try:
        ranking_uncertainty.check_sources(body.sources, has_panel=bool(profile.judgments))
    except InvalidInput as exc:
        raise InvalidInput(exc.detail, errors=[{"loc": ["body", "sources"], "msg": exc.detail}]) from exc
    panel = None
    notes: list[str] = []
    if "panel" in body.sources:
        panel = ranking_uncertainty.panel_weights(
            [j.model_dump() for j in profile.judgments],
            criteria=model.criteria,
            children={c.code: [i.code for i in c.children] for c in resolved.inputs.tree},
            indicator_codes=model.indicator_codes,
            method=profile.method,
            aggregation=profile.aggregation,
        )
        notes.append(f"panel: {panel.experts} experts drawn with replacement, aggregated by {profile.aggregation}")
    imputations = None
    if "imputation" in body.sources:
        imputations = ranking_uncertainty.imputation_candidates(
            model, resolved.matrix.raw, _last_observed(indicators, state, resolved)
        )
        notes.append(f"imputation: {len(imputations.cells)} missing value(s), 4 rules")
        if not imputations.cells:
            notes.append("imputation: the year has no missing value, so this source adds no uncertainty")
    try:
        result = ranking_uncertainty.analyse(
            model,
            sources=body.sources,
            samples=body.samples,
            seed=body.seed,
            concentration=body.concentration,
            panel=panel,
            imputations=imputations,
        )
    except InvalidInput as exc:
        loc = ["body", "samples"] if "samples" in exc.detail else ["body"]
        raise InvalidInput(exc.detail, errors=[{"loc": loc, "msg": exc.detail}]) from exc
    codes = resolved.scoped_codes
    return UncertaintyResponse(
        model=resolved.echo,
        samples=result.runs,
        base_samples=result.base_samples,
        seed=body.seed,
        sources=list(body.sources),
        results=[
            ClusterUncertainty(
                cluster_code=codes[k],
                rank=int(resolved.published_ranks[k]),
                median_rank=int(result.median_rank[k]),
                rank_p05=int(result.rank_p05[k]),
                rank_p95=int(result.rank_p95[k]),
                by_rank=[float(v) for v in result.by_rank[k]],
            )
            for k in resolved.published_order()
        ],
        sensitivity_indices=[
            SensitivityIndex(source=s, first_order=result.first_order[s], total=result.total[s]) for s in body.sources
        ],
        notes=notes + result.notes,
    )


def _last_observed(
    indicators: IndicatorsClient, state: PlatformState, resolved: ResolvedModel
) -> dict[tuple[str, str], float]:
    """Each cluster's latest value of each indicator in an earlier year than the model's."""
    year = resolved.echo.year
    last: dict[tuple[str, str], float] = {}
    for earlier in sorted((d.year for d in state.datasets if d.year < year), reverse=True):
        dataset = dataset_of(indicators, state, earlier)
        if dataset is None:
            continue
        for r, cluster in enumerate(dataset.clusters):
            for j, indicator in enumerate(dataset.indicators):
                value = dataset.values[r][j]
                if value is not None:
                    last.setdefault((cluster, indicator), float(value))
    return last


def methods(resolved: ResolvedModel, body: MethodsRequest) -> MethodsResponse:
    """Each method's ranks on the model's matrix and weights; the model's own method gives the published ranks."""
    model = resolved.model
    codes = resolved.scoped_codes
    weights = model.global_weights(model.criterion_weights)
    ranked: dict[str, IntArray] = {}
    left_out: list[LeftOutMethod] = []
    for method in dict.fromkeys(body.methods):
        if method == model.method:
            ranked[method] = resolved.published_ranks
            continue
        try:
            result = score(model.values, weights, model.types, method=method, criteria_names=model.indicator_codes)
        except InvalidInput as exc:
            cells = [
                LeftOutCell(
                    cluster_code=model.codes[int(e["loc"][1])], indicator=model.indicator_codes[int(e["loc"][2])]
                )
                for e in exc.errors
                if len(e.get("loc", [])) == 3 and e["loc"][0] == "matrix"
            ]
            left_out.append(LeftOutMethod(method=method, reason=exc.detail, cells=cells[:MAX_REPORTED_ERRORS]))
            continue
        ranked[method] = model.ranks(result.scores[np.newaxis, :], method=method)[0]
    names = list(ranked)
    correlations = [
        MethodCorrelation(
            a=a,
            b=b,
            spearman=rank_correlation(ranked[a].astype(float), ranked[b].astype(float)),
            ws=rank_similarity(ranked[a].astype(float), ranked[b].astype(float)),
        )
        for i, a in enumerate(names)
        for b in names[i + 1 :]
    ]
    return MethodsResponse(
        model=resolved.echo,
        results=[
            ClusterMethodRanks(cluster_code=codes[k], ranks={m: int(ranked[m][k]) for m in names})
            for k in resolved.published_order()
        ],
        correlations=correlations,
        left_out=left_out,
    )


def model_weights(resolved: ResolvedModel, body: ModelWeightsRequest) -> ModelWeightsResponse:
    """Objective weights of the year's indicators from the model's own (imputed) matrix, and their blend with the
    profile's weights: what the Weights page shows, computed here rather than in the browser."""
    model = resolved.model
    subjective = model.global_weights(model.criterion_weights)
    objective = objective_weights(
        model.values[model.scope], model.types, method=body.objective, criteria_names=model.indicator_codes
    )
    blend = combined_weights(subjective, objective.weights, method=body.combination, alpha=body.alpha)
    return ModelWeightsResponse(
        model=resolved.echo,
        objective=body.objective,
        combination=body.combination,
        alpha=body.alpha,
        indicators=[
            IndicatorWeights(
                code=code,
                criterion=model.criteria[int(model.group_of[j])],
                subjective=float(subjective[j]),
                objective=float(objective.weights[j]),
                combined=float(blend[j]),
            )
            for j, code in enumerate(model.indicator_codes)
        ],
        warnings=list(objective.warnings),
    )


def audit_of(resolved: ResolvedModel, *, threshold: float) -> AuditResponse:
    """Coverage, outliers and coherence of the ranked clusters' data of the year (DOMAIN.md definitions)."""
    model, matrix = resolved.model, resolved.matrix
    scope = model.scope
    raw = matrix.raw[scope]
    codes = resolved.scoped_codes
    order = resolved.published_order()
    criteria = len(model.criteria)
    group_of = model.group_of
    covered = audit.coverage(raw, group_of, criteria, threshold)
    clipped = audit.clipped_cells(raw, model.lower, model.upper) if model.reference == "fixed" else None
    checks = []
    for outlier in audit.outliers(raw):
        j = outlier.indicator
        checks.append(
            OutlierCheck(
                indicator=model.indicator_codes[j],
                skewness=outlier.skewness,
                kurtosis=outlier.kurtosis,
                flagged=outlier.flagged,
                values=[FlaggedValue(cluster_code=codes[i], value=v) for i, v in outlier.values],
                clipped=[]
                if clipped is None
                else [
                    ClippedValue(cluster_code=codes[i], value=float(raw[i, j])) for i in np.flatnonzero(clipped[:, j])
                ],
                note=outlier.note,
            )
        )
    weights = model.global_weights(model.criterion_weights)
    by_criterion = criterion_scores(
        model.values,
        weights,
        model.types,
        matrix.groups,
        reference=model.reference,  # type: ignore[arg-type]
        lower=model.lower,
        upper=model.upper,
        criteria_names=model.indicator_codes,
    ).scores[scope]
    index = model.scores(weights[np.newaxis, :])[0, scope]
    criteria_audit: list[CriterionAudit] = []
    pairs: list[FlaggedPair] = []
    for result in audit.coherence(raw, model.types, group_of, criteria, by_criterion, index):
        columns = [int(j) for j in np.flatnonzero(group_of == result.criterion)]
        criteria_audit.append(
            CriterionAudit(
                criterion=model.criteria[result.criterion],
                clusters=result.clusters,
                alpha=result.alpha,
                first_component_share=result.first_component_share,
                components_over_1=result.components_over_1,
                indicators=[
                    IndicatorCoherence(code=model.indicator_codes[j], r_criterion=rc, r_index=ri)
                    for j, rc, ri in zip(columns, result.r_criterion, result.r_index, strict=True)
                ],
                correlations=None if result.correlations is None else result.correlations.tolist(),
                note=result.note,
            )
        )
        if result.correlations is not None:
            pairs.extend(
                FlaggedPair(a=model.indicator_codes[a], b=model.indicator_codes[b], r=r, flag=flag)
                for a, b, r, flag in audit.flagged_pairs(result.correlations, columns)
            )
    notes = [
        f"coverage: a cluster is flagged in a criterion with fewer than {threshold:.0%} of its values present",
        "outliers: bias-corrected skewness and excess kurtosis of the values present (flag: |skew| > 2, kurt > 3.5)",
        "coherence: clusters with all of a criterion's values present; cost indicators sign-flipped",
    ]
    if model.reference == "fixed":
        notes.append("fixed reference: values beyond an indicator's reference range are clipped to it when scored")
    return AuditResponse(
        model=resolved.echo,
        coverage=Coverage(
            threshold=threshold,
            indicators=[
                IndicatorCoverage(code=code, share=float(share))
                for code, share in zip(model.indicator_codes, covered.indicator_share, strict=True)
            ],
            clusters=[
                ClusterCoverage(
                    cluster_code=codes[k],
                    share=float(covered.cluster_share[k]),
                    criteria_below=[model.criteria[c] for c in covered.criteria_below[k]],
                )
                for k in order
            ],
        ),
        outliers=checks,
        coherence=Coherence(criteria=criteria_audit, pairs=pairs),
        notes=notes,
    )
