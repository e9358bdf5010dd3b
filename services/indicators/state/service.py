"""The platform's state tokens: what callers put in their cache keys so that no stale answer is ever served."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.indicators.datasets.service import list_versions
from services.indicators.models import PlatformState, WeightProfile
from shared.schemas.indicators import PlatformState as PlatformStateRead


def _row(session: Session) -> PlatformState:
    row = session.get(PlatformState, 1)
    if row is None:
        row = PlatformState(id=1, instance_id=uuid.uuid4().hex, catalog_version=uuid.uuid4().hex[:16])
        session.add(row)
        session.flush()
    return row


def renew_catalog_version(session: Session) -> None:
    """Called in the transaction that changes a cluster or the tree."""
    _row(session).catalog_version = uuid.uuid4().hex[:16]


def current_state(session: Session) -> PlatformStateRead:
    row = _row(session)
    default_id = session.scalars(select(WeightProfile.id).where(WeightProfile.is_default.is_(True))).first()
    return PlatformStateRead(
        instance_id=row.instance_id,
        catalog_version=row.catalog_version,
        default_profile_id=default_id,
        datasets=list_versions(session),
    )
