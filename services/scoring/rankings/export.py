"""Annual-review exports of a stored ranking: the bundle from ranking, data, profile and advice, then the file."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from pydantic import ValidationError

import shared
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
from services.scoring.rankings import service
from shared.cache import Cache
from shared.clients import IndicatorsClient, RecommendationsClient
from shared.errors import Conflict, DomainError, UpstreamUnavailable
from shared.schemas.indicators import ClusterRead, CriterionNode, DatasetRead
from shared.schemas.panels import WeightProfileRead
from shared.schemas.rankings import RankingResponse, RankingResult
from shared.schemas.recommendations import ClusterRecommendations
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
) -> ExportFile:
    """The ranking as a file in `export_format`; every input is fetched first, so the file is complete or absent."""
    bundle = build_bundle(indicators, recommendations, cache, request, lang=lang, ttl_seconds=ttl_seconds)
    try:
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
) -> ExportBundle:
    """Fetch the (cached) ranking, then the very dataset version, profile and tree it came from, then the advice."""
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
    except ValidationError as exc:
        raise UpstreamUnavailable(f"the recommendations service answered in an unexpected shape: {exc}") from exc
    return assemble_bundle(
        ranking,
        inputs.profile,
        inputs.tree,
        inputs.clusters,
        dataset,
        advice,
        lang=lang,
        generated_at=generated_at or datetime.now(UTC),
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
            name=profile.name,
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
    if bundle.lang != "en":
        parts.append(bundle.lang)
    return "-".join(parts) + "." + export_format
