"""GET /v1/datasets: a year's matrix with ETag and 304, and the versions of every year.

The body of a year's matrix is read through the service's cache (Redis when REDIS_URL is set) under
`shared.clients.dataset_key`, the very key the other services' clients read it under. The ETag is for HTTP callers
that keep a copy (browsers, scripts); the typed clients need none, as their cache key already holds the version.
"""

from __future__ import annotations

from fastapi import APIRouter, Header, Request
from fastapi.responses import Response

from services.indicators.datasets import service
from services.indicators.deps import SessionDep
from shared.auth import Viewer
from shared.cache import Cache, validated
from shared.clients import dataset_key
from shared.schemas.indicators import DatasetRead, DatasetVersion

router = APIRouter(prefix="/v1/datasets", tags=["datasets"])

DATASET_EXAMPLE = {
    "year": 2024,
    "version": "3f2a9c0d1e4b5a67",
    "synthetic": True,
    "clusters": ["CD-SW", "SH-IC"],
    "indicators": ["C1.1", "C1.2"],
    "values": [[3.1, 640.0], [4.8, None]],
}


_DATASET_BODY = validated(DatasetRead)


def _cache(request: Request) -> Cache:
    cache: Cache = request.app.state.cache
    return cache


@router.get("", response_model=list[DatasetVersion])
def list_datasets(session: SessionDep, _: Viewer) -> list[DatasetVersion]:
    """The years with observations and the current version of each."""
    return service.list_versions(session)


@router.get("/{year}/version", response_model=DatasetVersion)
def dataset_version(year: int, session: SessionDep, _: Viewer) -> DatasetVersion:
    """Only the year's version: cheap, for callers that keep the dataset in a cache keyed by it."""
    revision = service.get_revision(session, year)
    return DatasetVersion(year=year, version=revision.version)


@router.get(
    "/{year}",
    response_model=DatasetRead,
    responses={
        200: {"content": {"application/json": {"example": DATASET_EXAMPLE}}},
        304: {"description": "Unchanged since the ETag given in If-None-Match."},
        404: {"description": "No observations for that year (problem+json)."},
    },
)
def get_dataset(
    year: int,
    request: Request,
    session: SessionDep,
    _: Viewer,
    if_none_match: str | None = Header(default=None, description="An ETag from an earlier answer."),
) -> Response:
    """The year's values, rows clusters and columns indicators (null: missing), with an ETag of its version."""
    revision = service.get_revision(session, year)
    etag = f'"{revision.version}"'
    if if_none_match and etag in [tag.strip() for tag in if_none_match.split(",")]:
        return Response(status_code=304, headers={"ETag": etag})
    body = _cache(request).read_through(
        dataset_key(year, revision.version),
        lambda: service.build_dataset(session, revision).model_dump_json().encode(),
        ttl_seconds=3600,
        decode=_DATASET_BODY,
    )
    return Response(body, media_type="application/json", headers={"ETag": etag, "Cache-Control": "no-cache"})
