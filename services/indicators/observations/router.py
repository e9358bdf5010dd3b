"""POST /v1/observations/import, GET /v1/observations/export and /history."""

from __future__ import annotations

import re
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, File, Query, Request, UploadFile
from fastapi.responses import Response

from services.indicators.deps import SessionDep, SettingsDep
from services.indicators.observations import service
from shared.auth import Analyst, Viewer
from shared.errors import PayloadTooLarge
from shared.schemas.indicators import ImportResult, ObservationHistoryRead

router = APIRouter(prefix="/v1/observations", tags=["observations"])

IMPORT_EXAMPLE = {"rows": 3600, "inserted": 3600, "updated": 0, "unchanged": 0, "dry_run": False, "years": [2024]}


@router.post(
    "/import",
    response_model=ImportResult,
    responses={
        200: {"content": {"application/json": {"example": IMPORT_EXAMPLE}}},
        413: {"description": "The file is larger than the limit (problem+json)."},
        422: {"description": "Bad rows: `errors` lists every one as {row, column, message}; nothing is written."},
    },
)
def import_observations(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: Analyst,
    file: Annotated[
        UploadFile, File(description="CSV (UTF-8) or XLSX: cluster_code, indicator_code, year, value[, source].")
    ],
    dry_run: bool = Query(default=False, description="Validate and count only; write nothing."),
) -> ImportResult:
    """Import observations, all or nothing. A replaced value stays in the history."""
    limit = settings.max_upload_bytes
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit + 64 * 1024:
        raise PayloadTooLarge(f"the file is larger than the limit of {limit} bytes")
    content = file.file.read(limit + 1)
    if len(content) > limit:
        raise PayloadTooLarge(f"the file is larger than the limit of {limit} bytes")
    return service.import_observations(
        session, content=content, filename=file.filename, dry_run=dry_run, actor=principal
    )


@router.get("/export", response_class=Response, responses={200: {"content": {"text/csv": {}}}})
def export_observations(
    session: SessionDep,
    _: Analyst,
    year: int | None = Query(default=None, description="Only this year."),
    cluster_code: str | None = Query(default=None, description="Only this cluster."),
) -> Response:
    """Observations as CSV in the import format (UTF-8 with BOM).

    Needs an analyst key, as every export does (the ranking export too); a viewer reads the same values as JSON
    from `GET /v1/datasets/{year}`.
    """
    body = service.export_csv(session, year=year, cluster_code=cluster_code)
    name = f"observations{'-' + str(year) if year else ''}{'-' + cluster_code if cluster_code else ''}.csv"
    # Headers are latin-1: an ASCII name for every client, the exact one (RFC 6266 filename*) for those that read it.
    fallback = re.sub(r"[^A-Za-z0-9._-]", "_", name)
    disposition = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
    return Response(body, media_type="text/csv; charset=utf-8", headers={"Content-Disposition": disposition})


@router.get("/history", response_model=list[ObservationHistoryRead])
def observation_history(
    session: SessionDep,
    _: Viewer,
    cluster_code: str | None = Query(default=None, description="Only this cluster."),
    indicator_code: str | None = Query(default=None, description="Only this indicator."),
    year: int | None = Query(default=None, description="Only this year."),
    limit: int = Query(default=200, ge=1, le=5000, description="At most this many changes, newest first."),
) -> list[ObservationHistoryRead]:
    """Every replaced value with what replaced it, who and when."""
    return [
        ObservationHistoryRead(
            cluster_code=cluster,
            indicator_code=indicator,
            year=entry.year,
            old_value=entry.old_value,
            new_value=entry.new_value,
            old_source=entry.old_source,
            new_source=entry.new_source,
            changed_at=entry.changed_at,
            actor=entry.actor,
        )
        for entry, cluster, indicator in service.history(
            session, cluster_code=cluster_code, indicator_code=indicator_code, year=year, limit=limit
        )
    ]
