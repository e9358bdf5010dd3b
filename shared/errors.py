"""Domain errors shared by every service, rendered as RFC 9457 problem+json in one place (shared.problems)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class DomainError(Exception):
    """Base of every error a service raises on purpose; the HTTP layer maps it to a status code."""

    status: int = 400
    title: str = "Bad request"
    type_slug: str = "bad-request"

    def __init__(
        self,
        detail: str,
        *,
        errors: Sequence[dict[str, Any]] | None = None,
        extensions: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors: list[dict[str, Any]] = list(errors or [])
        # RFC 9457 extension members rendered beside `errors` (for example `error_count` of a long error list).
        self.extensions: dict[str, Any] = dict(extensions or {})


class InvalidInput(DomainError):
    """Input that is well-formed JSON but wrong for the domain; `errors` holds `{"loc": [...], "msg": ...}`."""

    status = 422
    title = "Invalid input"
    type_slug = "invalid-input"


class NotFound(DomainError):
    status = 404
    title = "Not found"
    type_slug = "not-found"


class Conflict(DomainError):
    status = 409
    title = "Conflict"
    type_slug = "conflict"


class Unauthorized(DomainError):
    status = 401
    title = "Unauthorized"
    type_slug = "unauthorized"


class Forbidden(DomainError):
    status = 403
    title = "Forbidden"
    type_slug = "forbidden"


class PayloadTooLarge(DomainError):
    status = 413
    title = "Payload too large"
    type_slug = "payload-too-large"


class UpstreamUnavailable(DomainError):
    """A service this one depends on did not answer in time or answered with a server error."""

    status = 503
    title = "Upstream unavailable"
    type_slug = "upstream-unavailable"


class TooManyRequests(DomainError):
    """The key used up its request budget; `retry_after` is how many seconds until it may call again."""

    status = 429
    title = "Too many requests"
    type_slug = "too-many-requests"

    def __init__(self, detail: str, *, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = retry_after
