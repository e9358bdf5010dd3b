"""API keys: issued once, stored as hashes, revoked by id."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from services.indicators.audit.service import record
from services.indicators.models import ApiKey, utcnow
from shared.auth import Principal, as_role, hash_key, new_key
from shared.errors import NotFound
from shared.schemas.vocabulary import RoleName


def create_key(session: Session, *, name: str, role: RoleName, actor: Principal) -> tuple[ApiKey, str]:
    raw = new_key()
    key = ApiKey(name=name, role=role, key_hash=hash_key(raw), created_by=actor.actor)
    session.add(key)
    session.flush()
    record(
        session,
        actor=actor.actor,
        action="api_key.create",
        entity="api_key",
        entity_id=str(key.id),
        after={"name": name, "role": role},
    )
    return key, raw


def revoke_key(session: Session, *, key_id: int, actor: Principal) -> None:
    key = session.get(ApiKey, key_id)
    if key is None or key.revoked_at is not None:
        raise NotFound(f"no active API key with id {key_id}")
    key.revoked_at = utcnow()
    record(
        session,
        actor=actor.actor,
        action="api_key.revoke",
        entity="api_key",
        entity_id=str(key_id),
        before={"name": key.name, "role": key.role, "revoked": False},
        after={"name": key.name, "role": key.role, "revoked": True},
    )


def list_keys(session: Session) -> list[ApiKey]:
    return list(session.scalars(select(ApiKey).where(ApiKey.revoked_at.is_(None)).order_by(ApiKey.id)))


class DatabaseKeyResolver:
    """Resolves a key against the database on every request, so a revocation takes effect at once."""

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._session_factory = session_factory

    def resolve(self, raw_key: str) -> Principal | None:
        with self._session_factory() as session:
            key = session.scalars(
                select(ApiKey).where(ApiKey.key_hash == hash_key(raw_key), ApiKey.revoked_at.is_(None))
            ).first()
            if key is None:
                return None
            return Principal(key_id=key.id, name=key.name, role=as_role(key.role))
