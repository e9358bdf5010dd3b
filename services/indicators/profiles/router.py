"""GET/POST /v1/weight-profiles: published group weights; immutable, so there is no PUT, PATCH or DELETE."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, status

from services.indicators.deps import SessionDep
from services.indicators.profiles import service
from shared.auth import Analyst, Viewer
from shared.schemas.panels import ProfileSummary, WeightProfileCreate, WeightProfileRead
from shared.schemas.vocabulary import Category

router = APIRouter(prefix="/v1/weight-profiles", tags=["weight profiles"])


@router.get("", response_model=list[ProfileSummary])
def list_profiles(
    session: SessionDep,
    _: Viewer,
    category: Category | None = Query(default=None, description="Only profiles meant for this category."),
    panel_id: int | None = Query(default=None, description="Only profiles computed from this panel."),
) -> list[Any]:
    """Every published profile, newest first, without its weights."""
    return service.list_profiles(session, category=category, panel_id=panel_id)


@router.get("/default", response_model=WeightProfileRead)
def get_default_profile(
    session: SessionDep,
    _: Viewer,
    category: Category | None = Query(
        default=None, description="The default of this category when it has one, else the overall default."
    ),
) -> Any:
    """The default profile: the one rankings and recommendations use unless given another."""
    return service.default_profile(session, category=category)


@router.get("/{profile_id}", response_model=WeightProfileRead)
def get_profile(profile_id: int, session: SessionDep, _: Viewer) -> Any:
    """One profile: criterion and indicator weights, each node's CR and consensus, and the judgments used."""
    return service.get_profile(session, profile_id=profile_id)


@router.post("", response_model=WeightProfileRead, status_code=status.HTTP_201_CREATED)
def publish_profile(body: WeightProfileCreate, session: SessionDep, principal: Analyst) -> Any:
    """Publish a profile (analyst). It never changes afterwards; a new publication is a new profile; audited."""
    return service.publish_profile(session, data=body, actor=principal)


@router.post("/{profile_id}/default", response_model=WeightProfileRead)
def make_default(
    profile_id: int,
    session: SessionDep,
    principal: Analyst,
    category: Category | None = Query(
        default=None, description="Make it the default of this category only; omitted: the overall default."
    ),
) -> Any:
    """Make this profile the default and no other, or the default of one category (analyst); audited."""
    return service.set_default(session, profile_id=profile_id, actor=principal, category=category)
