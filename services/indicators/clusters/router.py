"""GET/POST/PUT /v1/clusters."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, status

from services.indicators.clusters import service
from services.indicators.deps import SessionDep
from shared.auth import Admin, Viewer
from shared.schemas.indicators import ClusterCreate, ClusterRead
from shared.schemas.vocabulary import Category

router = APIRouter(prefix="/v1/clusters", tags=["clusters"])


@router.get("", response_model=list[ClusterRead])
def list_clusters(
    session: SessionDep,
    _: Viewer,
    category: Category | None = Query(default=None, description="Only clusters of this category."),
) -> list[Any]:
    """Every cluster with its province, industry and category (basic, strategic, cutting_edge)."""
    return list(service.list_clusters(session, category=category))


@router.get("/{code}", response_model=ClusterRead)
def get_cluster(code: str, session: SessionDep, _: Viewer) -> Any:
    """One cluster."""
    return service.get_cluster(session, code)


@router.post("", response_model=ClusterRead, status_code=status.HTTP_201_CREATED)
def create_cluster(body: ClusterCreate, session: SessionDep, principal: Admin) -> Any:
    """Add a cluster (admin); its code is checked against the code pattern, so it can stand in a path; audited."""
    return service.create_cluster(session, data=body, actor=principal)


@router.put("/{code}", response_model=ClusterRead)
def update_cluster(code: str, body: ClusterRead, session: SessionDep, principal: Admin) -> Any:
    """Change a cluster's names, place, industry or category (admin); audited with before and after."""
    return service.update_cluster(session, code=code, data=body, actor=principal)
