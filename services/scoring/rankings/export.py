"""Annual-review exports of a stored ranking: the bundle from ranking, data, profile and advice, then the file."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from pydantic import ValidationError

import shared
from services.scoring.analyses import service as analyses
from services.scoring.engine.ranking_model import FIXED_REFERENCE_METHODS
from services.scoring.exports import (
    Action,
    CJKFontMissing,
    ClusterAdvice,
    CriterionInfo,
    ExportBundle,
    IndicatorInfo,
    ProfileInfo,
    RankingRow,
    Weakness,
    render_csv,
    render_pdf,
    render_xlsx,
)
from services.scoring.exports.model import (
    ActionTally,
    AuditInfo,
    CategoryTally,
    ClusterGap,
    ClusterPlanInfo,
    CoherenceInfo,
    IndicatorTally,
    Mover,
    OutlierInfo,
    PairFlag,
    PathTally,
    PlansInfo,
    PlanStep,
    RankInterval,
    SourceIndex,
    Standing,
    UncertaintyInfo,
)
from services.scoring.plans import service as plan_service
from services.scoring.rankings import service
from shared.cache import Cache, validated
from shared.clients import IndicatorsClient, RecommendationsClient
from shared.errors import Conflict, DomainError, InvalidInput, UpstreamUnavailable
from shared.schemas.analyses import (
    AuditResponse,
    RankingModelRequest,
    UncertaintyRequest,
    UncertaintyResponse,
    UncertaintySource,
)
from shared.schemas.indicators import ClusterRead, CriterionNode, DatasetRead, PlatformState
from shared.schemas.panels import WeightProfileRead
from shared.schemas.plans import PlansRequest, PlansResponse, PlanStanding, parse_target
from shared.schemas.rankings import ComparisonResponse, RankingResponse, RankingResult
from shared.schemas.recommendations import ClusterRecommendations, Portfolio
from shared.schemas.vocabulary import ExportFormat, Lang

MEDIA_TYPES: dict[ExportFormat, str] = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
_RENDERERS: dict[ExportFormat, Callable[[ExportBundle], bytes]] = {
    "csv": render_csv,
    "xlsx": render_xlsx,
    "pdf": render_pdf,
}
# The export's uncertainty run: fixed, so the same ranking always gives the same annex (stated in the files).
EXPORT_UNCERTAINTY_SAMPLES = 5_000
EXPORT_UNCERTAINTY_SEED = 42
EXPORT_CONCENTRATION = 50.0
LARGEST_MOVERS = 5  # on each side: the most ranks gained, the most lost
# The review's plans: what it takes each cluster to reach the next tier (issue 15), one target for the whole year.
EXPORT_PLAN_TARGET = "next_tier"


class ExportUnavailable(DomainError):
    """The file cannot be made on this host (for example the PDF has no CJK font to render Chinese with)."""

    status = 503
    title = "Export unavailable"
    type_slug = "export-unavailable"


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    media_type: str
    filename: str


def export_ranking(
    indicators: IndicatorsClient,
    recommendations: RecommendationsClient,
    cache: Cache,
    request: service.RankingRequest,
    *,
    export_format: ExportFormat,
    lang: Lang,
    ttl_seconds: float,
    uncertainty: bool = False,
    coverage_threshold: float = 0.65,
    plan_target: str = EXPORT_PLAN_TARGET,
) -> ExportFile:
    """The ranking as a file in `export_format`; every input is fetched first, so the file is complete or absent.

    The workbook and the PDF carry the uncertainty and audit annexes; the CSV carries the rank intervals only
    when `uncertainty` is asked for, so that by default it stays as it always was.
    """
    with_annexes = export_format in ("xlsx", "pdf")
    target = checked_plan_target(plan_target)
    bundle = build_bundle(
        indicators,
        recommendations,
        cache,
        request,
        lang=lang,
        ttl_seconds=ttl_seconds,
        uncertainty=with_annexes or uncertainty,
        audit=with_annexes,
        plans=with_annexes,
        portfolio=with_annexes,
        coverage_threshold=coverage_threshold,
        plan_target=target,
    )
    try:
        if export_format == "csv":
            content = render_csv(bundle, uncertainty=uncertainty)
        else:
            content = _RENDERERS[export_format](bundle)
    except CJKFontMissing as exc:
        raise ExportUnavailable(str(exc)) from exc
    return ExportFile(content, MEDIA_TYPES[export_format], file_name(bundle, export_format))


def build_bundle(
    indicators: IndicatorsClient,
    recommendations: RecommendationsClient,
    cache: Cache,
    request: service.RankingRequest,
    *,
    lang: Lang,
    ttl_seconds: float,
    generated_at: datetime | None = None,
    uncertainty: bool = False,
    audit: bool = False,
    plans: bool = False,
    portfolio: bool = False,
    coverage_threshold: float = 0.65,
    plan_target: str = EXPORT_PLAN_TARGET,
) -> ExportBundle:
    """Fetch the (cached) ranking, then the very dataset version, profile and tree it came from, then the advice;
    with `uncertainty`, `audit` and `plans`, the scoring service's analyses of the same ranking too (plans only on
    the fixed reference, the only one they are made on); with `portfolio`, the recommendation service's count of
    the year's advice by category."""
    ranking = RankingResponse.model_validate_json(
        service.ranking_bytes(indicators, cache, request, ttl_seconds=ttl_seconds)
    )
    state = indicators.state()
    inputs = service.load_inputs(indicators, state, ranking.profile)
    dataset = indicators.dataset(ranking.year, version=ranking.dataset_version)
    if dataset.version != ranking.dataset_version:
        raise Conflict(f"the {ranking.year} data changed while the export was being made; ask again")
    try:
        advice = recommendations.all_recommendations(ranking.year, ranking.profile, lang)
        counted = recommendations.portfolio(ranking.year, ranking.profile, lang) if portfolio else None
    except ValidationError as exc:
        raise UpstreamUnavailable(f"the recommendations service answered in an unexpected shape: {exc}") from exc
    bundle = assemble_bundle(
        ranking,
        inputs.profile,
        inputs.tree,
        inputs.clusters,
        dataset,
        advice,
        lang=lang,
        generated_at=generated_at or datetime.now(UTC),
    )
    if uncertainty:
        run = uncertainty_of(indicators, state, cache, ranking, ttl_seconds=ttl_seconds)
        bundle = dataclasses.replace(bundle, uncertainty=uncertainty_info(run))
    if audit:
        checked = audit_response(indicators, state, cache, ranking, threshold=coverage_threshold, ttl=ttl_seconds)
        comparison = None
        if ranking.previous_year is not None and ranking.method in FIXED_REFERENCE_METHODS:
            comparison = service.compare_years(
                indicators,
                from_year=ranking.previous_year,
                to_year=ranking.year,
                profile_id=ranking.profile,
                method=ranking.method,
            )
        bundle = dataclasses.replace(bundle, audit=audit_info(checked, comparison))
    if counted is not None:
        bundle = dataclasses.replace(bundle, portfolio=portfolio_info(counted))
    if plans and ranking.reference == "fixed":
        try:
            answer = plans_of(indicators, state, cache, ranking, target=plan_target, ttl_seconds=ttl_seconds)
        except InvalidInput as exc:
            # The plan service names its body's `target`; here it is this request's `plan_target`.
            raise InvalidInput(exc.detail, errors=[{"loc": ["query", "plan_target"], "msg": exc.detail}]) from exc
        bundle = dataclasses.replace(bundle, plans=plans_info(answer))
    return bundle


def portfolio_info(counted: Portfolio) -> list[CategoryTally]:
    """The recommendation service's portfolio as the renderers read it."""
    tallies = []
    for category in counted.categories:
        path_name = {p.policy_path: p.name for p in category.policy_paths}
        tallies.append(
            CategoryTally(
                category=category.category,
                name=category.name,
                clusters=category.clusters,
                paths=[PathTally(p.policy_path, p.name, p.clusters, p.share, p.actions) for p in category.policy_paths],
                actions=[
                    ActionTally(a.title, path_name.get(a.policy_path, a.policy_path), list(a.clusters))
                    for a in category.actions
                ],
                indicators=[
                    IndicatorTally(i.indicator, i.name, i.weaknesses, i.actions, i.data_gaps)
                    for i in category.indicators
                ],
            )
        )
    return tallies


def checked_plan_target(text: str) -> str:
    """The export's plan target normalised, or a 422 at `plan_target` naming the forms."""
    try:
        return str(parse_target(text))
    except ValueError as exc:
        raise InvalidInput(str(exc), errors=[{"loc": ["query", "plan_target"], "msg": str(exc)}]) from exc


def plans_request(ranking: RankingResponse, *, target: str) -> PlansRequest:
    """The plans of every cluster the ranking ranks, on its model, for one target."""
    return PlansRequest(year=ranking.year, profile=ranking.profile, method=ranking.method,
                        reference=ranking.reference, target=target)  # fmt: skip


def plans_of(
    indicators: IndicatorsClient,
    state: PlatformState,
    cache: Cache,
    ranking: RankingResponse,
    *,
    target: str,
    ttl_seconds: float,
) -> PlansResponse:
    """POST /v1/rankings/plans' answer for the ranking and `target`, by the same function, read through the same
    cache entry."""
    body = plans_request(ranking, target=target)
    answer = analyses.analysis_answer(
        indicators,
        state,
        cache,
        body,
        kind="plans",
        analyse=lambda resolved: plan_service.plans_for(resolved, body),
        decode=validated(PlansResponse),
        ttl_seconds=ttl_seconds,
    )
    return PlansResponse.model_validate_json(answer)


def plans_info(answer: PlansResponse) -> PlansInfo:
    """The plans answer as the renderers read it."""

    def standing(at: PlanStanding) -> Standing:
        return Standing(rank=at.rank, tier=at.tier, score=at.score)

    return PlansInfo(
        target=answer.target,
        plans=[
            ClusterPlanInfo(
                cluster_code=p.cluster_code,
                reachable=p.reachable,
                current=standing(p.current),
                reached=standing(p.reached),
                best_possible=standing(p.best_possible),
                effort=p.effort,
                changes=[
                    PlanStep(
                        c.indicator, c.criterion, c.value_from, c.value_to, c.peer.cluster_code, c.effort, c.imputed
                    )
                    for c in p.changes
                ],  # fmt: skip
                criteria_scores=[(c.criterion, c.before, c.after) for c in p.criteria_scores],
            )
            for p in answer.plans
        ],
    )


def uncertainty_request(ranking: RankingResponse, *, has_panel: bool) -> UncertaintyRequest:
    """The export's uncertainty run of the ranking: weights and imputation, and the panel when there is one."""
    sources: list[UncertaintySource] = ["weights", "imputation"]
    if has_panel:
        sources.insert(1, "panel")
    return UncertaintyRequest(
        year=ranking.year,
        profile=ranking.profile,
        method=ranking.method,
        reference=ranking.reference,
        category=None,
        samples=EXPORT_UNCERTAINTY_SAMPLES,
        seed=EXPORT_UNCERTAINTY_SEED,
        concentration=EXPORT_CONCENTRATION,
        sources=sources,
    )


def uncertainty_of(
    indicators: IndicatorsClient,
    state: PlatformState,
    cache: Cache,
    ranking: RankingResponse,
    *,
    ttl_seconds: float,
) -> UncertaintyResponse:
    """POST /v1/rankings/uncertainty's answer for the export's run, read through the same cache entry."""
    model = RankingModelRequest(year=ranking.year, profile=ranking.profile, method=ranking.method,
                                reference=ranking.reference)  # fmt: skip
    resolved = analyses.resolve_model(indicators, state, model)
    body = uncertainty_request(ranking, has_panel=bool(resolved.inputs.profile.judgments))
    answer = analyses.analysis_answer(
        indicators,
        state,
        cache,
        body,
        kind="uncertainty",
        analyse=lambda model: analyses.uncertainty(indicators, state, model, body),
        decode=validated(UncertaintyResponse),
        ttl_seconds=ttl_seconds,
        resolved=resolved,
    )
    return UncertaintyResponse.model_validate_json(answer)


def audit_response(
    indicators: IndicatorsClient,
    state: PlatformState,
    cache: Cache,
    ranking: RankingResponse,
    *,
    threshold: float,
    ttl: float,
) -> AuditResponse:
    """GET /v1/rankings/audit's answer for the ranking's year and profile, read through the same cache entry."""
    body = RankingModelRequest(year=ranking.year, profile=ranking.profile)
    answer = analyses.analysis_answer(
        indicators,
        state,
        cache,
        body,
        kind=f"audit-{threshold}",
        analyse=lambda resolved: analyses.audit_of(resolved, threshold=threshold),
        decode=validated(AuditResponse),
        ttl_seconds=ttl,
    )
    return AuditResponse.model_validate_json(answer)


def uncertainty_info(run: UncertaintyResponse) -> UncertaintyInfo:
    """The uncertainty answer as the renderers read it."""
    return UncertaintyInfo(
        sources=list(run.sources),
        samples=run.samples,
        base_samples=run.base_samples,
        seed=run.seed,
        concentration=EXPORT_CONCENTRATION,
        intervals=[RankInterval(r.cluster_code, r.rank, r.median_rank, r.rank_p05, r.rank_p95) for r in run.results],
        indices=[SourceIndex(i.source, i.first_order, i.total) for i in run.sensitivity_indices],
        notes=list(run.notes),
    )


def audit_info(checked: AuditResponse, comparison: ComparisonResponse | None) -> AuditInfo:
    """The audit answer, and the largest movers of the comparison with their decomposition, as the renderers
    read them."""
    movers: list[Mover] = []
    if comparison is not None:
        moved = [r for r in comparison.results if r.rank_change and r.contributions is not None]
        by_gain = sorted(moved, key=lambda r: (-(r.rank_change or 0), r.to.rank or 0, r.cluster_code))
        by_loss = sorted(moved, key=lambda r: (r.rank_change or 0, r.to.rank or 0, r.cluster_code))
        risers = [r for r in by_gain if (r.rank_change or 0) > 0]
        fallers = [r for r in by_loss if (r.rank_change or 0) < 0]
        movers = [
            Mover(
                cluster_code=r.cluster_code,
                previous_rank=r.from_.rank,
                rank=r.to.rank,
                rank_change=r.rank_change or 0,
                score_change=r.score_change,
                contributions=dict(r.contributions or {}),
            )
            for r in risers[:LARGEST_MOVERS] + fallers[:LARGEST_MOVERS]
        ]
    return AuditInfo(
        threshold=checked.coverage.threshold,
        coverage=[(i.code, i.share) for i in checked.coverage.indicators],
        clusters_below=[
            ClusterGap(c.cluster_code, c.share, list(c.criteria_below))
            for c in checked.coverage.clusters
            if c.criteria_below
        ],
        outliers=[
            OutlierInfo(o.indicator, o.skewness, o.kurtosis, o.flagged, [(v.cluster_code, v.value) for v in o.values])
            for o in checked.outliers
        ],
        coherence=[
            CoherenceInfo(c.criterion, c.clusters, c.alpha, c.first_component_share, c.components_over_1)
            for c in checked.coherence.criteria
        ],
        pairs=[PairFlag(p.a, p.b, p.r, p.flag) for p in checked.coherence.pairs],
        movers=movers,
    )


def assemble_bundle(
    ranking: RankingResponse,
    profile: WeightProfileRead,
    tree: Sequence[CriterionNode],
    clusters: Mapping[str, ClusterRead],
    dataset: DatasetRead,
    recommendations: Sequence[ClusterRecommendations],
    *,
    lang: Lang,
    generated_at: datetime,
) -> ExportBundle:
    """The export bundle of one ranking; no I/O, so the same inputs always give the same bundle.

    In Chinese the province and industry come from the cluster catalogue's Chinese names where it has them.
    """
    criterion_weight = {c.code: c.weight for c in profile.criteria}
    indicator_weight = {w.code: w.global_weight for w in profile.indicators}
    column_of = {code: j for j, code in enumerate(dataset.indicators)}
    row_of = {code: i for i, code in enumerate(dataset.clusters)}
    indicator_codes = [i.code for c in tree for i in c.children]
    criteria_cr = {c.code: c.cr for c in profile.criteria if c.cr is not None}
    criteria_cr.update({node.node: node.cr for node in profile.nodes})
    places = {r.cluster_code: _place(r, clusters.get(r.cluster_code), lang) for r in ranking.results}
    return ExportBundle(
        year=ranking.year,
        previous_year=ranking.previous_year,
        dataset_version=ranking.dataset_version,
        profile=ProfileInfo(
            id=str(profile.id),
            name=profile.name_zh if lang == "zh" and profile.name_zh else profile.name,
            method=profile.method,
            ri_table=profile.ri_table,
            aggregation=profile.aggregation,
            consensus=profile.consensus,
            criteria_cr=criteria_cr,
            published_at=profile.published_at.isoformat(timespec="seconds"),
        ),
        method=ranking.method,
        # The fixed reference scales each indicator min–max against its reference range.
        normalization=ranking.normalization or "minmax",
        reference=ranking.reference,
        software_version=shared.__version__,
        generated_at=generated_at.isoformat(timespec="seconds"),
        synthetic=dataset.synthetic,
        criteria=[
            CriterionInfo(
                code=c.code,
                name=c.name,
                name_zh=c.name_zh,
                weight=criterion_weight.get(c.code, sum(indicator_weight.get(i.code, 0.0) for i in c.children)),
            )
            for c in tree
        ],
        indicators=[
            IndicatorInfo(
                code=i.code,
                criterion=c.code,
                name=i.name,
                name_zh=i.name_zh,
                unit=i.unit,
                direction=i.direction,
                weight=indicator_weight.get(i.code, 0.0),
                unit_zh=i.unit_zh,
                integer=i.integer,
            )
            for c in tree
            for i in c.children
        ],
        rows=[
            RankingRow(
                cluster_code=r.cluster_code,
                name=r.name,
                name_zh=r.name_zh,
                category=r.category,
                province=places[r.cluster_code][0],
                industry=places[r.cluster_code][1],
                rank=r.rank,
                rank_change=r.rank_change,
                score=r.score,
                previous_rank=r.previous_rank,
                previous_score=r.previous_score,
                tier=r.tier,
                criteria_scores=r.criteria_scores,
                values={
                    code: dataset.values[row_of[r.cluster_code]][column_of[code]] if code in column_of else None
                    for code in indicator_codes
                },
                imputed=r.imputed,
            )
            for r in ranking.results
        ],
        recommendations=advice_by_cluster(recommendations),
        lang=lang,
    )


def _place(result: RankingResult, cluster: ClusterRead | None, lang: Lang) -> tuple[str, str]:
    """Province and industry in the bundle's language."""
    if lang != "zh" or cluster is None:
        return result.province, result.industry
    return cluster.province_zh or result.province, cluster.industry_zh or result.industry


def advice_by_cluster(recommendations: Sequence[ClusterRecommendations]) -> dict[str, ClusterAdvice]:
    """Strengths, weaknesses and actions by cluster, as the recommendation service worded them."""
    return {
        item.cluster_code: ClusterAdvice(
            strengths=[s.text for s in item.strengths],
            weaknesses=[Weakness(w.criterion, w.indicator, w.value, w.benchmark, w.gap) for w in item.weaknesses],
            actions=[Action(a.priority, a.criterion, a.title, a.action, a.rationale) for a in item.recommendations],
        )
        for item in recommendations
    }


def file_name(bundle: ExportBundle, export_format: ExportFormat) -> str:
    """`amc-ranking-2024-p4.xlsx`; settings other than the defaults are named too, so files never collide."""
    parts = ["amc-ranking", str(bundle.year), f"p{bundle.profile.id}"]
    if bundle.method != "topsis":
        parts.append(bundle.method)
    if bundle.reference != "fixed":
        parts.append(bundle.reference)
    if bundle.plans is not None and bundle.plans.target != EXPORT_PLAN_TARGET:
        parts.append(bundle.plans.target.replace(":", ""))
    if bundle.lang != "en":
        parts.append(bundle.lang)
    return "-".join(parts) + "." + export_format
