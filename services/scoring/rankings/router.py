"""GET /v1/rankings, /v1/rankings/compare and /v1/rankings/export: rankings of the stored data."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from services.scoring.deps import CacheDep, IndicatorsDep, RecommendationsDep, SettingsDep
from services.scoring.rankings import export, service
from shared.auth import Analyst, Viewer
from shared.schemas.plans import TARGET_HELP
from shared.schemas.rankings import ComparisonResponse, RankingPreviewRequest, RankingResponse
from shared.schemas.vocabulary import Category, ExportFormat, Lang, RankingMethod, Reference

router = APIRouter(prefix="/v1/rankings", tags=["rankings"])

RANKING_EXAMPLE = {
    "year": 2024,
    "dataset_version": "3f2a9c0d1e4b5a67",
    "previous_year": 2023,
    "profile": 4,
    "profile_name": "National review panel (all 15 experts)",
    "method": "topsis",
    "normalization": None,
    "reference": "fixed",
    "category": None,
    "synthetic": True,
    "warnings": [],
    "results": [
        {
            "cluster_code": "SH-IC",
            "name": "Shanghai integrated circuits",
            "name_zh": "上海市集成电路",
            "category": "strategic",
            "province": "Shanghai",
            "industry": "information technology",
            "score": 0.6421,
            "rank": 1,
            "rank_change": 2,
            "previous_rank": 3,
            "previous_score": 0.6013,
            "tier": "leading",
            "criteria_scores": {"C1": 0.71, "C2": 0.66, "C3": 0.58, "C4": 0.49, "C5": 0.62, "C6": 0.69, "C7": 0.55},
            "imputed": [],
            "clipped": [],
        }
    ],
}


@router.get(
    "",
    response_model=RankingResponse,
    responses={
        200: {"content": {"application/json": {"example": RANKING_EXAMPLE}}},
        404: {"description": "Unknown year or profile (problem+json)."},
        503: {"description": "The indicator service did not answer (problem+json)."},
    },
)
def get_ranking(
    _: Viewer,
    indicators: IndicatorsDep,
    cache: CacheDep,
    settings: SettingsDep,
    year: Annotated[int, Query(description="Year of the data.", examples=[2024])],
    profile: Annotated[
        int | None,
        Query(description="Weight profile id; default: the category's default when it has one, else the default."),
    ] = None,
    method: Annotated[RankingMethod, Query(description="Scoring method.")] = "topsis",
    category: Annotated[Category | None, Query(description="Only this category's clusters.")] = None,
    reference: Annotated[
        Reference,
        Query(description="fixed: scaled against each indicator's reference range; relative: this year's field."),
    ] = "fixed",
    winsorize: Annotated[
        bool,
        Query(
            description="Relative reference only: winsorise up to 5 stored values of each indicator the audit flags "
            "as outlying (|skewness| > 2 and kurtosis > 3.5) before scoring; on the fixed reference clipping to "
            "the reference ranges already bounds outliers (422)."
        ),
    ] = False,
) -> Response:
    """Rank the year's clusters: overall score and rank, tier, criterion scores, rank change, imputed cells.

    Results are cached under a key that holds the dataset versions, the profile and the catalogue version, so a
    change in the data can never serve a stale ranking.
    """
    body = service.ranking_bytes(
        indicators,
        cache,
        service.RankingRequest(
            year=year, profile_id=profile, method=method, reference=reference, category=category, winsorize=winsorize
        ),
        ttl_seconds=settings.rankings_ttl_seconds,
    )
    return Response(body, media_type="application/json")


@router.get("/compare", response_model=ComparisonResponse)
def compare_rankings(
    _: Viewer,
    indicators: IndicatorsDep,
    from_year: Annotated[int, Query(alias="from", description="First year.", examples=[2023])],
    to_year: Annotated[int, Query(alias="to", description="Second year.", examples=[2024])],
    profile: Annotated[int | None, Query(description="Weight profile id; default: the default profile.")] = None,
    method: Annotated[RankingMethod, Query(description="topsis or wsm (fixed reference).")] = "topsis",
    from_profile: Annotated[
        int | None,
        Query(
            description="Weight profile of the first year (for instance the one its review used); default: `profile`."
        ),
    ] = None,
) -> ComparisonResponse:
    """Each cluster's rank and score in both years on the fixed reference, each criterion's part of the score change
    (Shapley values), and flags on the changes that are not only the cluster's own: revised values of the first
    year, or a different profile for it."""
    return service.compare_years(
        indicators,
        from_year=from_year,
        to_year=to_year,
        profile_id=profile,
        method=method,
        from_profile_id=from_profile,
    )


@router.post(
    "/preview",
    response_model=RankingResponse,
    responses={404: {"description": "Unknown year (no observations) or profile (problem+json)."}},
)
def preview_ranking(body: RankingPreviewRequest, _: Viewer, indicators: IndicatorsDep) -> RankingResponse:
    """The ranking under weights being tuned (not cached): what the Weights page shows as sliders move."""
    total = sum(body.weights.values())
    return service.compute_ranking(
        indicators,
        indicators.state(),
        service.RankingRequest(
            year=body.year,
            profile_id=body.profile,
            method=body.method,
            reference=body.reference,
            category=body.category,
            weights={code: weight / total for code, weight in body.weights.items()},
            winsorize=body.winsorize,
        ),
    )


@router.get(
    "/export",
    response_class=Response,
    responses={
        200: {
            "description": "The file, as an attachment named like `amc-ranking-2024-p4.xlsx`.",
            "content": {media_type: {} for media_type in export.MEDIA_TYPES.values()},
        },
        404: {"description": "Unknown year or profile (problem+json)."},
        503: {"description": "The indicator or recommendation service did not answer (problem+json)."},
    },
)
def export_ranking(
    _: Analyst,
    indicators: IndicatorsDep,
    recommendations: RecommendationsDep,
    cache: CacheDep,
    settings: SettingsDep,
    year: Annotated[int, Query(description="Year of the data.", examples=[2024])],
    export_format: Annotated[ExportFormat, Query(alias="format", description="csv (UTF-8 with BOM), xlsx or pdf.")],
    profile: Annotated[int | None, Query(description="Weight profile id; default: the default profile.")] = None,
    lang: Annotated[Lang, Query(description="Language of headings, names and advice.")] = "en",
    method: Annotated[RankingMethod, Query(description="Scoring method.")] = "topsis",
    reference: Annotated[Reference, Query(description="fixed (comparable across years) or relative.")] = "fixed",
    uncertainty: Annotated[
        bool,
        Query(
            description="CSV only: add median_rank, rank_p05 and rank_p95 (the export's uncertainty run: "
            "5,000 samples, seed 42) as the last columns. The workbook and the PDF always carry the uncertainty "
            "and audit annexes."
        ),
    ] = False,
    plan_target: Annotated[
        str,
        Query(
            description=f"XLSX and PDF (fixed reference): the target of every cluster's plan, {TARGET_HELP}.",
            examples=["next_tier", "top_quartile", "rank:10"],
        ),
    ] = export.EXPORT_PLAN_TARGET,
) -> Response:
    """The annual-review export of a ranking: ranking, criterion scores, raw values, weights, advice, and (XLSX,
    PDF) every cluster's plan for `plan_target`, the portfolio of the year's advice and the uncertainty and audit
    annexes.

    Every file names the dataset version, profile and method it came from; the same inputs give the same CSV
    byte for byte. The export is complete or refused: without the recommendation service it is a 503.
    """
    exported = export.export_ranking(
        indicators,
        recommendations,
        cache,
        service.RankingRequest(year=year, profile_id=profile, method=method, reference=reference, category=None),
        export_format=export_format,
        lang=lang,
        ttl_seconds=settings.rankings_ttl_seconds,
        uncertainty=uncertainty,
        coverage_threshold=settings.coverage_threshold,
        plan_target=plan_target,
    )
    return Response(
        exported.content,
        media_type=exported.media_type,
        headers={"Content-Disposition": f'attachment; filename="{exported.filename}"'},
    )
