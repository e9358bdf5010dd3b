"""Typed HTTP clients of the services; their GETs go through the read-through cache.

Usable on their own by other systems (`pip install` the project; no service settings are read): give a base URL
and a key. Failures arrive as the exceptions of `shared.errors` (NotFound, InvalidInput, UpstreamUnavailable, …)
carrying the service's problem `detail` and `errors`.

    from pathlib import Path
    from shared.clients import IndicatorsClient, ScoringClient

    dataset = IndicatorsClient("http://127.0.0.1:8001", api_key="...").dataset(2024)

    scoring = ScoringClient("http://127.0.0.1:8002", api_key="...", timeout=120)
    ranking = scoring.ranking(2024)  # the default profile, TOPSIS on the fixed reference
    for row in ranking.results[:5]:
        print(row.rank, row.cluster_code, row.name, f"{row.score:.4f}", row.tier)
    Path("amc-ranking-2024.xlsx").write_bytes(scoring.export(2024, format="xlsx"))  # needs an analyst key
    scoring.close()

`examples/rank_and_export.py` does the same with the URL and key from the environment.
"""

from __future__ import annotations

import functools
import json
import logging
import secrets
import time
from collections.abc import Mapping
from typing import Any, TypeVar

import httpx
from pydantic import TypeAdapter

from shared.auth import Principal, Role, keyed_hash
from shared.cache import Cache, MemoryCache, cache_key
from shared.errors import (
    Conflict,
    DomainError,
    Forbidden,
    InvalidInput,
    NotFound,
    TooManyRequests,
    Unauthorized,
    UpstreamUnavailable,
)
from shared.logging import REQUEST_ID_HEADER, current_caller_key, current_request_id
from shared.schemas.indicators import (
    ClusterRead,
    CriterionNode,
    DatasetRead,
    DatasetVersion,
    PlatformState,
    WhoAmI,
)
from shared.schemas.panels import JudgmentRead, PanelRead, ProfileSummary, WeightProfileCreate, WeightProfileRead
from shared.schemas.rankings import RankingMethod, RankingResponse, Reference, WhatIfRequest, WhatIfResponse
from shared.schemas.recommendations import ClusterRecommendations, Lang
from shared.state_channel import StateChannel

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
        # The deadline of one whole call, retries included: a hung upstream costs a caller `timeout`, not a
        # multiple of it.
        self.timeout = timeout
        self._http = http or httpx.Client(
            base_url=self.base_url, timeout=httpx.Timeout(timeout, connect=min(timeout, 3.0))
        )

    def close(self) -> None:
        self._http.close()

    def _headers(self, api_key: str | None) -> dict[str, str]:
        """The headers of every call: the request id, and the key, which is the first of

        - `api_key`, the override that every method takes for one call;
        - the key of the request being served (`current_caller_key`): a service forwards its caller's key without
          passing it along, so the service it calls checks the caller's role;
        - the client's own `api_key`.
        """
        headers: dict[str, str] = {}
        key = api_key or current_caller_key() or self.api_key
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
        deadline = time.monotonic() + self.timeout
        for attempt in range(attempts):
            remaining = deadline - time.monotonic()
            try:
                if remaining <= 0:
                    raise httpx.TimeoutException("no time left for another attempt")
                response = self._http.request(
                    method,
                    path,
                    params=clean_params,
                    json=json_body,
                    files=files,
                    headers=all_headers,
                    timeout=httpx.Timeout(remaining, connect=min(remaining, 3.0)),
                )
            except httpx.TransportError as exc:
                pause = 0.1 * 2**attempt
                if attempt + 1 < attempts and deadline - time.monotonic() > pause:
                    time.sleep(pause)
                    continue
                raise UpstreamUnavailable(
                    f"the {self.service} service did not answer within {self.timeout:g} s "
                    f"({self.base_url}; {type(exc).__name__}: {exc!s})"
                ) from exc
            if response.status_code >= 500 and attempt + 1 < attempts and deadline - time.monotonic() > 0.1:
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
        if response.status_code == 429:
            # The caller's key is over its budget upstream: pass the wait on rather than retrying.
            retry_after = response.headers.get("Retry-After", "")
            raise TooManyRequests(detail, retry_after=int(retry_after) if retry_after.isdigit() else 60)
        error_type = _STATUS_ERRORS.get(response.status_code, DomainError)
        error = error_type(detail, errors=errors)
        if error_type is DomainError:
            error.status = response.status_code
        raise error

    def get_bytes(
        self,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        resource: str | None = None,
        ttl_seconds: float = 300.0,
        schema_version: int = 1,
        api_key: str | None = None,
    ) -> bytes:
        """GET the raw body; with `resource` given and a cache set, read through the cache."""
        if resource is None or self.cache is None:
            return self.request("GET", path, params=params, api_key=api_key).content
        key = cache_key(self.service, resource, schema_version, {"path": path, "params": dict(params or {})})
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        content = self.request("GET", path, params=params, api_key=api_key).content
        self.cache.set(key, content, ttl_seconds)
        return content

    def get_json(self, path: str, **kwargs: Any) -> Any:
        """GET and decode JSON (arguments as `get_bytes`)."""
        return json.loads(self.get_bytes(path, **kwargs))

    def get_model(self, model: type[T], path: str, **kwargs: Any) -> T:
        """GET and validate straight from the JSON bytes (arguments as `get_bytes`)."""
        adapter: TypeAdapter[T] = _adapter(model)  # type: ignore[arg-type]
        return adapter.validate_json(self.get_bytes(path, **kwargs))


@functools.cache
def _adapter(model: Any) -> TypeAdapter[Any]:
    # Building a TypeAdapter costs far more than using one; clients make the same few over and over.
    return TypeAdapter(model)


class IndicatorsClient(ServiceClient):
    """Client of the indicator service (the system of record)."""

    service = "indicators"

    # Set by a service that has Redis: the state is then read from the copy the indicator service publishes there.
    state_channel: StateChannel | None = None
    _instance_id: str | None = None

    def state(self, *, api_key: str | None = None) -> PlatformState:
        """Never cached: these tokens are what make every other cached answer safe.

        With a state channel, the indicator service's own publication in Redis is read instead of calling it
        (once the database's instance id is known from a first call); a miss or a Redis error asks over HTTP.
        """
        if self.state_channel is not None and self._instance_id is not None:
            body = self.state_channel.read(self._instance_id)
            if body is not None:
                state: PlatformState = _adapter(PlatformState).validate_json(body)
                return state
        state = self.get_model(PlatformState, "/v1/state", api_key=api_key)
        self._instance_id = state.instance_id
        return state

    def clusters(self, *, cache_token: str | None = None, api_key: str | None = None) -> list[ClusterRead]:
        """All clusters; with `cache_token` (the state's catalogue version) read through the cache."""
        return self.get_model(
            list[ClusterRead],
            "/v1/clusters",
            params={"t": cache_token} if cache_token else None,
            resource="clusters" if cache_token else None,
            ttl_seconds=3600,
            api_key=api_key,
        )

    def indicator_tree(self, *, cache_token: str | None = None, api_key: str | None = None) -> list[CriterionNode]:
        """The indicator tree; with `cache_token` (the state's catalogue version) read through the cache."""
        return self.get_model(
            list[CriterionNode],
            "/v1/indicators",
            params={"t": cache_token} if cache_token else None,
            resource="indicator_tree" if cache_token else None,
            ttl_seconds=3600,
            api_key=api_key,
        )

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

    def weight_profile(
        self, profile_id: int | None = None, *, cache_token: str | None = None, api_key: str | None = None
    ) -> WeightProfileRead:
        """A profile by id, cached a day as profiles never change (bar `is_default`); None: the default, uncached.

        `cache_token` (the state's instance id) keeps ids of another database from matching a cached profile.
        """
        if profile_id is None:
            return self.get_model(WeightProfileRead, "/v1/weight-profiles/default", api_key=api_key)
        return self.get_model(
            WeightProfileRead,
            f"/v1/weight-profiles/{profile_id}",
            params={"t": cache_token} if cache_token else None,
            resource="weight_profile",
            ttl_seconds=86400,
            api_key=api_key,
        )

    def weight_profiles(self, *, category: str | None = None, api_key: str | None = None) -> list[ProfileSummary]:
        """Summaries of the published profiles, newest first (never cached: new ones appear at any time)."""
        return self.get_model(
            list[ProfileSummary], "/v1/weight-profiles", params={"category": category}, api_key=api_key
        )

    def publish_profile(self, body: WeightProfileCreate, *, api_key: str | None = None) -> WeightProfileRead:
        """Publish a new weight profile (analyst key)."""
        response = self.request("POST", "/v1/weight-profiles", json_body=body.model_dump(mode="json"), api_key=api_key)
        return WeightProfileRead.model_validate(response.json())

    def panel(self, panel_id: int, *, api_key: str | None = None) -> PanelRead:
        return self.get_model(PanelRead, f"/v1/panels/{panel_id}", api_key=api_key)

    def panels(self, *, api_key: str | None = None) -> list[PanelRead]:
        return self.get_model(list[PanelRead], "/v1/panels", api_key=api_key)

    def panel_judgments(
        self, panel_id: int, node: str | None = None, *, expert: str | None = None, api_key: str | None = None
    ) -> list[JudgmentRead]:
        """The panel's judgments the key may see (all for analysts, an expert's own for experts); never cached."""
        return self.get_model(
            list[JudgmentRead],
            f"/v1/panels/{panel_id}/judgments",
            params={"node": node, "expert": expert},
            api_key=api_key,
        )


class RemoteKeyResolver:
    """Resolves keys by asking the indicator service; answers are kept for at most `ttl_seconds` (60 s).

    The memo (by default in this process) holds a key only as its HMAC under `secret`, never as the SHA-256 the
    indicator service's table stores; without a `secret` the resolver draws one of its own, as nothing outside the
    process needs to find its entries.
    """

    def __init__(
        self,
        client: IndicatorsClient,
        *,
        ttl_seconds: float = 60.0,
        memo: Cache | None = None,
        secret: bytes | None = None,
    ) -> None:
        self._client = client
        self._memo = memo if memo is not None else MemoryCache(max_entries=4096)
        self._ttl = ttl_seconds
        self._secret = secret if secret is not None else secrets.token_bytes(32)

    def resolve(self, raw_key: str) -> Principal | None:
        memo_key = f"api-key:{keyed_hash(raw_key, self._secret)}"
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


class RecommendationsClient(ServiceClient):
    """Client of the recommendation service: each cluster's strengths, weaknesses and actions."""

    service = "recommendations"

    def all_recommendations(
        self, year: int, profile: int | None = None, lang: Lang = "en", *, api_key: str | None = None
    ) -> list[ClusterRecommendations]:
        """One object per cluster with data that year, in rank order (never cached here: the service caches)."""
        return self.get_model(
            list[ClusterRecommendations],
            "/v1/recommendations",
            params={"year": year, "profile": profile, "lang": lang},
            api_key=api_key,
        )

    def recommendation(
        self, cluster_code: str, year: int, profile: int | None = None, lang: Lang = "en", *, api_key: str | None = None
    ) -> ClusterRecommendations:
        """One cluster's diagnosis against its category's peers and its actions."""
        return self.get_model(
            ClusterRecommendations,
            f"/v1/recommendations/{cluster_code}",
            params={"year": year, "profile": profile, "lang": lang},
            api_key=api_key,
        )


class ScoringClient(ServiceClient):
    """Client of the scoring service."""

    service = "scoring"

    def ranking(
        self,
        year: int,
        *,
        profile: int | None = None,
        method: RankingMethod = "topsis",
        category: str | None = None,
        reference: Reference = "fixed",
        cache_token: str | None = None,
        api_key: str | None = None,
    ) -> RankingResponse:
        """A ranking of stored data; with `cache_token` read through the cache.

        The token must change whenever the ranking may: the caller builds it from the indicator service's state
        (instance, catalogue version, the year's and the previous year's dataset versions) and an explicit profile.
        """
        return self.get_model(
            RankingResponse,
            "/v1/rankings",
            params={
                "year": year, "profile": profile, "method": method, "category": category, "reference": reference,
                "t": cache_token,
            },
            resource="ranking" if cache_token else None,
            ttl_seconds=3600,
            api_key=api_key,
        )  # fmt: skip

    def what_if(self, body: WhatIfRequest, *, api_key: str | None = None) -> WhatIfResponse:
        """Rescore hypothetical rows (one changed indicator each, for any clusters) in one request; never cached."""
        response = self.request("POST", "/v1/rankings/what-if", json_body=body.model_dump(mode="json"), api_key=api_key)
        return WhatIfResponse.model_validate(response.json())

    def export(
        self,
        year: int,
        *,
        profile: int | None = None,
        format: str = "xlsx",
        lang: str = "en",
        method: RankingMethod = "topsis",
        reference: Reference = "fixed",
        api_key: str | None = None,
    ) -> bytes:
        """The annual-review file of a ranking (`csv`, `xlsx` or `pdf`) as bytes; needs an analyst key."""
        params = {
            "year": year, "profile": profile, "format": format, "lang": lang, "method": method, "reference": reference,
        }  # fmt: skip
        return self.request("GET", "/v1/rankings/export", params=params, api_key=api_key).content
