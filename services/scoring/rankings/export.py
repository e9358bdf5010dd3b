"""Annual-review exports of a stored ranking: the bundle from ranking, data, profile and advice, then the file."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError

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
from services.scoring.exports.model import Lang
from services.scoring.rankings import service
from shared.cache import Cache
from shared.clients import IndicatorsClient, RecommendationsClient
from shared.errors import Conflict, DomainError, UpstreamUnavailable
from shared.schemas.indicators import ClusterRead, CriterionNode, DatasetRead, IndicatorRead
from shared.schemas.panels import WeightProfileRead
from shared.schemas.rankings import RankingResponse

ExportFormat = Literal["csv", "xlsx", "pdf"]

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


class _Weakness(BaseModel):
    criterion: str = Field(description="Criterion code.")
    indicator: str = Field(description="Indicator code.")
    value: float | None = Field(description="The cluster's value.")
    benchmark: float = Field(description="The peers' reference value.")
    gap: float = Field(description="Shortfall as a share of the benchmark.")


class _Recommendation(BaseModel):
    priority: int = Field(description="1 first.")
    criterion: str = Field(description="Criterion code.")
    title: str = Field(description="Short title.")
    action: str = Field(description="What to do.")
    rationale: str = Field(description="The weakness and numbers behind it.")


class _ClusterRecommendations(BaseModel):
    """The part of a recommendation object (API.md) that an export shows."""

    cluster_code: str = Field(description="Cluster code.")
    strengths: list[str | dict[str, Any]] = Field(default_factory=list, description="Text or structured strengths.")
    weaknesses: list[_Weakness] = Field(default_factory=list, description="Gaps to the category's peers.")
    recommendations: list[_Recommendation] = Field(default_factory=list, description="Actions, priority 1 first.")


def export_ranking(
    indicators: IndicatorsClient,
    recommendations: RecommendationsClient,
    cache: Cache,
    request: service.RankingRequest,
    *,
    export_format: ExportFormat,
    lang: Lang,
    api_key: str,
    ttl_seconds: float,
) -> ExportFile:
    """The ranking as a file in `export_format`; every input is fetched first, so the file is complete or absent."""
    bundle = build_bundle(
        indicators, recommendations, cache, request, lang=lang, api_key=api_key, ttl_seconds=ttl_seconds
    )
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
    api_key: str,
    ttl_seconds: float,
    generated_at: datetime | None = None,
) -> ExportBundle:
    """Fetch the (cached) ranking, then the very dataset version, profile and tree it came from, then the advice."""
    ranking = RankingResponse.model_validate_json(
        service.ranking_bytes(indicators, cache, request, api_key=api_key, ttl_seconds=ttl_seconds)
    )
    state = indicators.state(api_key=api_key)
    inputs = service.load_inputs(indicators, state, ranking.profile, api_key)
    dataset = indicators.dataset(ranking.year, version=ranking.dataset_version, api_key=api_key)
    if dataset.version != ranking.dataset_version:
        raise Conflict(f"the {ranking.year} data changed while the export was being made; ask again")
    advice = recommendations.all_recommendations(ranking.year, ranking.profile, lang, api_key=api_key)
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
    recommendations: Sequence[Mapping[str, Any]],
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
                province=_localised(r.province, clusters.get(r.cluster_code), "province_zh", lang),
                industry=_localised(r.industry, clusters.get(r.cluster_code), "industry_zh", lang),
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
        recommendations=advice_by_cluster(recommendations, _names(tree, lang)),
        lang=lang,
    )


def _localised(english: str, cluster: ClusterRead | None, field: str, lang: Lang) -> str:
    chinese = getattr(cluster, field, "") if cluster is not None and lang == "zh" else ""
    return str(chinese) or english


def advice_by_cluster(
    recommendations: Sequence[Mapping[str, Any]], names: Mapping[str, str] | None = None
) -> dict[str, ClusterAdvice]:
    """Strengths, weaknesses and actions by cluster from the recommendation service's answer (API.md shape).

    `names` (criterion and indicator code → name) turns a strength given as a bare code into words.
    """
    try:
        parsed = [_ClusterRecommendations.model_validate(item) for item in recommendations]
    except ValidationError as exc:
        raise UpstreamUnavailable(f"the recommendations service answered in an unexpected shape: {exc}") from exc
    return {
        item.cluster_code: ClusterAdvice(
            strengths=[_strength_text(s, names or {}) for s in item.strengths],
            weaknesses=[Weakness(w.criterion, w.indicator, w.value, w.benchmark, w.gap) for w in item.weaknesses],
            actions=[Action(a.priority, a.criterion, a.title, a.action, a.rationale) for a in item.recommendations],
        )
        for item in parsed
    }


def _names(tree: Sequence[CriterionNode], lang: Lang) -> dict[str, str]:
    nodes: list[CriterionNode | IndicatorRead] = [*tree, *(i for c in tree for i in c.children)]
    return {node.code: node.name_zh if lang == "zh" else node.name for node in nodes}


def _strength_text(strength: str | dict[str, Any], names: Mapping[str, str]) -> str:
    """A strength as one line: the service's own wording when it gives one, else its code, name and numbers."""
    if isinstance(strength, str):
        return f"{strength} {names[strength]}" if strength in names else strength
    for key in ("text", "summary", "title", "message"):
        if isinstance(strength.get(key), str):
            return str(strength[key])
    code = strength.get("indicator") or strength.get("criterion")
    head = f"{code} {names.get(code, '')}".strip() if isinstance(code, str) else ""
    numbers = ", ".join(
        f"{key} {value:.4g}" if isinstance(value, float) else f"{key} {value}"
        for key, value in strength.items()
        if key not in ("criterion", "indicator")
    )
    return f"{head}: {numbers}" if head and numbers else head or numbers


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
