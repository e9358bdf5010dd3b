"""Typed HTTP clients of the services; their GETs go through the read-through cache.

Usable on their own by other systems:

    from shared.clients import IndicatorsClient
    client = IndicatorsClient("http://127.0.0.1:8001", api_key="...")
    dataset = client.dataset(2024)
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Mapping
from typing import Any, TypeVar

import httpx
from pydantic import TypeAdapter

from shared.auth import Principal, Role, hash_key
from shared.cache import Cache, MemoryCache, cache_key
from shared.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound, Unauthorized, UpstreamUnavailable
from shared.logging import REQUEST_ID_HEADER, current_request_id
from shared.schemas.indicators import ClusterRead, CriterionNode, DatasetRead, DatasetVersion, WhoAmI

log = logging.getLogger(__name__)
T = TypeVar("T")
_STATUS_ERRORS: dict[int, type[DomainError]] = {
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
    422: InvalidInput,
}


class ServiceClient:
    """Base of the typed clients: timeouts, request-id propagation, bounded retries on reads, problem mapping."""

    service = "service"

    def __init__(
        self,
        base_url: str,
        *,
        api_key: str | None = None,
        cache: Cache | None = None,
        http: httpx.Client | None = None,
        timeout: float = 10.0,
        read_retries: int = 2,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.cache = cache
        self.read_retries = read_retries
        self._http = http or httpx.Client(
            base_url=self.base_url, timeout=httpx.Timeout(timeout, connect=min(timeout, 3.0))
        )

    def close(self) -> None:
        self._http.close()

    def _headers(self, api_key: str | None) -> dict[str, str]:
        headers: dict[str, str] = {}
        key = api_key or self.api_key
        if key:
            headers["X-API-Key"] = key
        rid = current_request_id()
        if rid:
            headers[REQUEST_ID_HEADER] = rid
        return headers

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        files: Any = None,
        api_key: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """Send one request; map transport failures and 5xx to UpstreamUnavailable and 4xx to domain errors."""
        attempts = 1 + (self.read_retries if method == "GET" else 0)
        all_headers = {**self._headers(api_key), **(headers or {})}
        clean_params = {k: v for k, v in (params or {}).items() if v is not None}
        for attempt in range(attempts):
            try:
                response = self._http.request(
                    method, path, params=clean_params, json=json_body, files=files, headers=all_headers
                )
            except httpx.TransportError as exc:
                if attempt + 1 < attempts:
                    time.sleep(0.1 * 2**attempt)
                    continue
                raise UpstreamUnavailable(f"the {self.service} service did not answer: {exc!s}") from exc
            if response.status_code >= 500 and attempt + 1 < attempts:
                time.sleep(0.1 * 2**attempt)
                continue
            self._raise_for_problem(response)
            return response
        raise AssertionError("unreachable")

    def _raise_for_problem(self, response: httpx.Response) -> None:
        if response.status_code < 400:
            return
        detail = response.reason_phrase
        errors: list[dict[str, Any]] = []
        try:
            body = response.json()
            detail = str(body.get("detail") or detail)
            errors = list(body.get("errors") or [])
        except (ValueError, AttributeError):
            pass
        if response.status_code >= 500:
            raise UpstreamUnavailable(f"the {self.service} service failed ({response.status_code}): {detail}")
        error_type = _STATUS_ERRORS.get(response.status_code, DomainError)
        error = error_type(detail, errors=errors)
        if error_type is DomainError:
            error.status = response.status_code
        raise error

    def get_json(
        self,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        resource: str | None = None,
        ttl_seconds: float = 300.0,
        schema_version: int = 1,
        api_key: str | None = None,
    ) -> Any:
        """GET and decode JSON; with `resource` given and a cache set, read through the cache."""
        if resource is None or self.cache is None:
            return self.request("GET", path, params=params, api_key=api_key).json()
        key = cache_key(self.service, resource, schema_version, {"path": path, "params": dict(params or {})})
        cached = self.cache.get(key)
        if cached is not None:
            return json.loads(cached)
        response = self.request("GET", path, params=params, api_key=api_key)
        self.cache.set(key, response.content, ttl_seconds)
        return response.json()

    def get_model(self, model: type[T], path: str, **kwargs: Any) -> T:
        return TypeAdapter(model).validate_python(self.get_json(path, **kwargs))


class IndicatorsClient(ServiceClient):
    """Client of the indicator service (the system of record)."""

    service = "indicators"

    def clusters(self, *, api_key: str | None = None) -> list[ClusterRead]:
        return self.get_model(list[ClusterRead], "/v1/clusters", api_key=api_key)

    def indicator_tree(self, *, api_key: str | None = None) -> list[CriterionNode]:
        return self.get_model(list[CriterionNode], "/v1/indicators", api_key=api_key)

    def dataset_version(self, year: int, *, api_key: str | None = None) -> DatasetVersion:
        """Never cached: the version is what makes every other cached answer safe."""
        return self.get_model(DatasetVersion, f"/v1/datasets/{year}/version", api_key=api_key)

    def dataset(self, year: int, *, version: str | None = None, api_key: str | None = None) -> DatasetRead:
        """The year's dataset; with `version` known, read through the cache under a key that holds it."""
        if version is None:
            return self.get_model(DatasetRead, f"/v1/datasets/{year}", api_key=api_key)
        data = self.get_json(
            f"/v1/datasets/{year}",
            params={"v": version},
            resource="dataset",
            ttl_seconds=3600,
            api_key=api_key,
        )
        dataset = DatasetRead.model_validate(data)
        if dataset.version != version and self.cache is not None:
            # The data changed between the version check and the read: never keep the mismatch.
            key = cache_key(self.service, "dataset", 1, {"path": f"/v1/datasets/{year}", "params": {"v": version}})
            self.cache.delete(key)
        return dataset

    def whoami(self, api_key: str) -> WhoAmI:
        return self.get_model(WhoAmI, "/v1/api-keys/me", api_key=api_key)


class RemoteKeyResolver:
    """Resolves keys by asking the indicator service; answers are kept for at most `ttl_seconds` (60 s)."""

    def __init__(self, client: IndicatorsClient, *, ttl_seconds: float = 60.0) -> None:
        self._client = client
        self._memo = MemoryCache(max_entries=4096)
        self._ttl = ttl_seconds

    def resolve(self, raw_key: str) -> Principal | None:
        memo_key = hash_key(raw_key)
        cached = self._memo.get(memo_key)
        if cached is not None:
            data = json.loads(cached)
            return None if data is None else Principal(key_id=data["id"], name=data["name"], role=Role(data["role"]))
        try:
            who = self._client.whoami(raw_key)
        except Unauthorized:
            self._memo.set(memo_key, b"null", self._ttl)
            return None
        self._memo.set(memo_key, json.dumps(who.model_dump()).encode(), self._ttl)
        return Principal(key_id=who.id, name=who.name, role=Role(who.role))
