"""API keys and roles: the X-API-Key dependency every /v1 endpoint uses.

Keys are stored only as SHA-256 hashes. The key in ADMIN_API_KEY is an admin key from the first start on. The
indicator service resolves keys from its database; the other services ask it (cached for at most 60 s). Outside the
database (Redis keys, memos) a key appears only as an HMAC under a server secret, never as the table's SHA-256.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Protocol, get_args

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader

from shared.errors import Forbidden, TooManyRequests, Unauthorized
from shared.limits import RateLimiter
from shared.schemas.vocabulary import RoleName
from shared.settings import CommonSettings

API_KEY_HEADER = "X-API-Key"


ROLES: tuple[RoleName, ...] = get_args(RoleName)
"""The roles in increasing order of what they may do (the vocabulary's order)."""


def role_allows(role: RoleName, needed: RoleName) -> bool:
    """Whether `role` may do what `needed` may: each role may do all that the ones before it may."""
    return ROLES.index(role) >= ROLES.index(needed)


def as_role(text: str) -> RoleName:
    """A stored or received role name as the vocabulary's word; ValueError for any other text."""
    if text not in ROLES:
        raise ValueError(f"unknown role {text!r}; roles are {', '.join(ROLES)}")
    return text


@dataclass(frozen=True)
class Principal:
    """Who is calling: the key's id (None for the environment's admin key), its name and role."""

    key_id: int | None
    name: str
    role: RoleName

    def allows(self, needed: RoleName) -> bool:
        return role_allows(self.role, needed)

    @property
    def actor(self) -> str:
        return self.name if self.key_id is None else f"{self.name} (key {self.key_id})"


ENV_ADMIN = "env-admin"


def hash_key(raw_key: str) -> str:
    """The SHA-256 the indicator service's api_keys table looks keys up by; it never leaves the database."""
    return hashlib.sha256(raw_key.encode()).hexdigest()


def keyed_hash(raw_key: str, secret: bytes) -> str:
    """A key as it may appear outside the database (Redis keys, memos): HMAC-SHA256 under a server secret."""
    return hmac.new(secret, raw_key.encode(), hashlib.sha256).hexdigest()


def key_hash_secret(settings: CommonSettings) -> bytes:
    """KEY_HASH_SECRET, else a secret derived from ADMIN_API_KEY.

    Derived rather than random, so that every replica of a service makes the same Redis keys (one budget per key).
    """
    if settings.key_hash_secret:
        return settings.key_hash_secret.encode()
    return hmac.new((settings.admin_api_key or "").encode(), b"amc-platform key hash secret", hashlib.sha256).digest()


def new_key() -> str:
    return "amc_" + secrets.token_urlsafe(32)


def is_env_admin_key(raw_key: str, admin_api_key: str | None) -> bool:
    return bool(admin_api_key) and hmac.compare_digest(hash_key(raw_key), hash_key(admin_api_key or ""))


class KeyResolver(Protocol):
    """Turns a presented key into a principal, or None when the key is unknown or revoked."""

    def resolve(self, raw_key: str) -> Principal | None: ...


api_key_scheme = APIKeyHeader(name=API_KEY_HEADER, auto_error=False, description="Your API key.")


def authenticate(request: Request, raw_key: Annotated[str | None, Depends(api_key_scheme)]) -> Principal:
    if not raw_key:
        raise Unauthorized(f"missing {API_KEY_HEADER} header")
    admin_api_key: str | None = request.app.state.settings.admin_api_key
    if is_env_admin_key(raw_key, admin_api_key):
        principal = Principal(key_id=None, name=ENV_ADMIN, role="admin")
    else:
        resolver: KeyResolver = request.app.state.key_resolver
        resolved = resolver.resolve(raw_key)
        if resolved is None:
            raise Unauthorized("unknown or revoked API key")
        principal = resolved
    _spend(request, raw_key)
    request.state.principal = principal
    return principal


def _spend(request: Request, raw_key: str) -> None:
    """Count the request against the key's budget; only known keys are counted, and only by their keyed hash."""
    limiter: RateLimiter | None = getattr(request.app.state, "rate_limiter", None)
    if limiter is None:
        return
    settings: CommonSettings = request.app.state.settings
    verdict = limiter.hit(keyed_hash(raw_key, key_hash_secret(settings)))
    if not verdict.allowed:
        raise TooManyRequests(
            f"this key made too many requests; try again in {verdict.retry_after} s",
            retry_after=verdict.retry_after,
        )


def require(role: RoleName) -> Callable[[Principal], Awaitable[Principal]]:
    """A dependency that lets through keys whose role allows `role`'s actions, 403 for the others."""

    # async: it only compares roles, and a sync dependency would cost a thread-pool hop on every request.
    async def dependency(principal: Annotated[Principal, Depends(authenticate)]) -> Principal:
        if not principal.allows(role):
            raise Forbidden(f"this needs the {role} role; your key has {principal.role}")
        return principal

    return dependency


CurrentPrincipal = Annotated[Principal, Depends(authenticate)]
Viewer = Annotated[Principal, Depends(require("viewer"))]
Expert = Annotated[Principal, Depends(require("expert"))]
Analyst = Annotated[Principal, Depends(require("analyst"))]
Admin = Annotated[Principal, Depends(require("admin"))]
