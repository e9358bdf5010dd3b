"""The platform's state tokens: what callers put in their cache keys so that no stale answer is ever served."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.indicators.datasets.service import list_versions
from services.indicators.models import CategoryDefault, PlatformState, WeightProfile
from shared.schemas.indicators import PlatformState as PlatformStateRead
from shared.state_channel import StateChannel

STATE_CHANGED = "state_changed"


def _row(session: Session) -> PlatformState:
    row = session.get(PlatformState, 1)
    if row is None:
        row = PlatformState(id=1, instance_id=uuid.uuid4().hex, catalog_version=uuid.uuid4().hex[:16], generation=0)
        session.add(row)
        session.flush()
    return row


def mark_changed(session: Session) -> None:
    """Called in every transaction that changes a token (a dataset version, the catalogue, the default profile):
    the generation grows, and the session is flagged so the new state is published once it commits."""
    row = _row(session)
    row.generation = (row.generation or 0) + 1
    session.info[STATE_CHANGED] = True


def renew_catalog_version(session: Session) -> None:
    """Called in the transaction that changes a cluster or the tree."""
    _row(session).catalog_version = uuid.uuid4().hex[:16]
    mark_changed(session)


def current_state(session: Session) -> PlatformStateRead:
    row = _row(session)
    default_id = session.scalars(select(WeightProfile.id).where(WeightProfile.is_default.is_(True))).first()
    category_defaults = session.execute(select(CategoryDefault.category, CategoryDefault.profile_id)).all()
    return PlatformStateRead(
        instance_id=row.instance_id,
        catalog_version=row.catalog_version,
        default_profile_id=default_id,
        datasets=list_versions(session),
        generation=row.generation or 0,
        category_defaults={category: profile_id for category, profile_id in category_defaults},
    )


def publish(channel: StateChannel | None, state: PlatformStateRead) -> bytes:
    """The state as JSON, published in Redis when there is a channel."""
    body = state.model_dump_json().encode()
    if channel is not None:
        channel.publish(state.instance_id, state.generation, body)
    return body
