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
import mimetypes
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.message import Message
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, TypeAdapter

from shared.auth import Principal, as_role, keyed_hash
from shared.cache import Cache, MemoryCache
from shared.cache import cache_key as _cache_key
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
from shared.schemas.analyses import (
    AuditResponse,
    MethodsRequest,
    MethodsResponse,
    ModelWeightsRequest,
    ModelWeightsResponse,
    RankingSensitivityRequest,
    RankingSensitivityResponse,
    UncertaintyRequest,
    UncertaintyResponse,
)
from shared.schemas.indicators import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyRead,
    ClusterRead,
    CriterionNode,
    DatasetRead,
    DatasetVersion,
    ImportResult,
    ObservationHistoryRead,
    PlatformState,
    WhoAmI,
)
from shared.schemas.panels import (
    ExpertCreate,
    ExpertProgress,
    ExpertRead,
    ExpertUpdate,
    JudgmentRead,
    JudgmentWrite,
    PanelPublish,
    PanelRead,
    PanelRoundsSummary,
    ProfileSummary,
    RoundRead,
    RoundsSummaryRequest,
    WeightProfileCreate,
    WeightProfileRead,
)
from shared.schemas.plans import ClusterPlan, PlanRequest, PlanResponse, PlansRequest, PlansResponse
from shared.schemas.rankings import (
    ComparisonResponse,
    RankingMethod,
    RankingPreviewRequest,
    RankingResponse,
    Reference,
    WhatIfRequest,
    WhatIfResponse,
)
from shared.schemas.recommendations import ClusterRecommendations, Lang, Portfolio
from shared.schemas.scoring import (
    CombinedWeightsRequest,
    CombinedWeightsResponse,
    GroupRequest,
    GroupResponse,
    ObjectiveWeightsRequest,
    ObjectiveWeightsResponse,
    PrioritiesRequest,
    PrioritiesResponse,
    SensitivityRequest,
    SensitivityResponse,
)
from shared.state_channel import StateChannel

log = logging.getLogger(__name__)
T = TypeVar("T")
ModelT = TypeVar("ModelT", bound=BaseModel)
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
        cache_key: str | None = None,
        ttl_seconds: float = 300.0,
        api_key: str | None = None,
    ) -> bytes:
        """GET the raw body (arguments as `read`)."""
        return self.read(
            path, decode=_raw, params=params, cache_key=cache_key, ttl_seconds=ttl_seconds, api_key=api_key
        )

    def get_json(
        self,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        cache_key: str | None = None,
        ttl_seconds: float = 300.0,
        api_key: str | None = None,
    ) -> Any:
        """GET and decode JSON (arguments as `read`)."""
        return self.read(
            path, decode=json.loads, params=params, cache_key=cache_key, ttl_seconds=ttl_seconds, api_key=api_key
        )

    def get_model(
        self,
        model: type[T],
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        cache_key: str | None = None,
        ttl_seconds: float = 300.0,
        keep: Callable[[T], bool] | None = None,
        api_key: str | None = None,
    ) -> T:
        """GET and validate straight from the JSON bytes (arguments as `read`)."""
        adapter: TypeAdapter[T] = _adapter(model)  # type: ignore[arg-type]
        return self.read(
            path,
            decode=adapter.validate_json,
            params=params,
            cache_key=cache_key,
            ttl_seconds=ttl_seconds,
            keep=keep,
            api_key=api_key,
        )

    def read(
        self,
        path: str,
        *,
        decode: Callable[[bytes], T],
        params: Mapping[str, Any] | None = None,
        cache_key: str | None = None,
        ttl_seconds: float = 300.0,
        keep: Callable[[T], bool] | None = None,
        api_key: str | None = None,
    ) -> T:
        """GET `path` and decode the body; with a `cache_key` and a cache, through `Cache.read_through`.

        The typed methods build `cache_key` from the platform state the answer depends on (instance id, catalogue
        version, dataset versions, profile id; see `dataset_key`, `ranking_key`); it is never sent, the request
        carries the resource's own parameters only. A cached body that `decode` refuses or `keep` rejects is a miss.
        """

        def fetch() -> bytes:
            return self.request("GET", path, params=params, api_key=api_key).content

        if cache_key is None or self.cache is None:
            return decode(fetch())
        return self.cache.read_through(cache_key, fetch, ttl_seconds=ttl_seconds, decode=decode, keep=keep)

    def resource_key(self, resource: str, **depends_on: Any) -> str:
        """The cache key of one of this service's resources: `<service>:<resource>:v1:<sha256 of depends_on>`."""
        return _cache_key(self.service, resource, CLIENT_SCHEMA_VERSION, depends_on)


def _raw(body: bytes) -> bytes:
    return body


@functools.cache
def _adapter(model: Any) -> TypeAdapter[Any]:
    # Building a TypeAdapter costs far more than using one; clients make the same few over and over.
    return TypeAdapter(model)


CLIENT_SCHEMA_VERSION = 1
RANKING_SCHEMA_VERSION = 1


def dataset_key(year: int, version: str) -> str:
    """The one key of a year's dataset body, for the indicator service's own cache and for every client's.

    A version is drawn at random for every change of a year's values, so it names the body on its own.
    """
    return _cache_key("indicators", "dataset", CLIENT_SCHEMA_VERSION, {"year": year, "version": version})


def ranking_key(
    state: PlatformState,
    *,
    year: int,
    profile: int | None,
    method: RankingMethod,
    reference: Reference,
    category: str | None,
    winsorize: bool = False,
) -> str:
    """The one key of a ranking body, for the scoring service's cache and for every client's: every input of a
    ranking is named in it (the instance, the catalogue, this and last year's dataset versions, the profile, which
    for a category ranking without one is that category's default when it has one)."""
    previous = {d.year: d.version for d in state.datasets}.get(year - 1)
    return _cache_key(
        "scoring",
        "ranking",
        RANKING_SCHEMA_VERSION,
        {
            "instance": state.instance_id,
            "catalog": state.catalog_version,
            "year": year,
            "version": state.version_of(year),
            "previous_version": previous,
            "profile": state.profile_id(profile, category=category),
            "method": method,
            "reference": reference,
            "category": category,
            "winsorize": winsorize,
        },
    )


def _exchange(
    client: ServiceClient,
    method: str,
    path: str,
    body: BaseModel,
    answer: type[ModelT],
    *,
    api_key: str | None,
) -> ModelT:
    """Send `body` as JSON and read the answer as `answer` (never cached: writes and computations)."""
    response = client.request(method, path, json_body=body.model_dump(mode="json"), api_key=api_key)
    return answer.model_validate_json(response.content)


@dataclass(frozen=True)
class DownloadedFile:
    """A file a service made: its bytes and the name it gives it (Content-Disposition), None when it gives none."""

    content: bytes
    filename: str | None

    @classmethod
    def of(cls, response: httpx.Response) -> DownloadedFile:
        disposition = Message()
        disposition["Content-Disposition"] = response.headers.get("Content-Disposition", "")
        return cls(response.content, disposition.get_filename())


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
                try:
                    published: PlatformState = _adapter(PlatformState).validate_json(body)
                except ValueError as exc:  # a copy that does not validate is a miss, like a missing one
                    log.warning("the published state does not validate, asking over HTTP: %s", exc)
                else:
                    return published
        state = self.get_model(PlatformState, "/v1/state", api_key=api_key)
        self._instance_id = state.instance_id
        return state

    def clusters(self, *, state: PlatformState | None = None, api_key: str | None = None) -> list[ClusterRead]:
        """All clusters; with the `state`, read through the cache under its instance and catalogue version."""
        return self.get_model(
            list[ClusterRead],
            "/v1/clusters",
            cache_key=None if state is None else self.resource_key("clusters", **_catalog(state)),
            ttl_seconds=3600,
            api_key=api_key,
        )

    def indicator_tree(self, *, state: PlatformState | None = None, api_key: str | None = None) -> list[CriterionNode]:
        """The indicator tree; with the `state`, read through the cache under its instance and catalogue version."""
        return self.get_model(
            list[CriterionNode],
            "/v1/indicators",
            cache_key=None if state is None else self.resource_key("indicator_tree", **_catalog(state)),
            ttl_seconds=3600,
            api_key=api_key,
        )

    def dataset_version(self, year: int, *, api_key: str | None = None) -> DatasetVersion:
        """Never cached: the version is what makes every other cached answer safe."""
        return self.get_model(DatasetVersion, f"/v1/datasets/{year}/version", api_key=api_key)

    def dataset(self, year: int, *, version: str | None = None, api_key: str | None = None) -> DatasetRead:
        """The year's dataset; with its `version` (from the state), read through the cache under `dataset_key`.

        A dataset of another version (the data changed between the state read and this one) is returned, not kept.
        """
        return self.get_model(
            DatasetRead,
            f"/v1/datasets/{year}",
            cache_key=None if version is None else dataset_key(year, version),
            keep=lambda dataset: dataset.version == version,
            ttl_seconds=3600,
            api_key=api_key,
        )

    def whoami(self, api_key: str) -> WhoAmI:
        return self.get_model(WhoAmI, "/v1/api-keys/me", api_key=api_key)

    def weight_profile(
        self, profile_id: int | None = None, *, state: PlatformState | None = None, api_key: str | None = None
    ) -> WeightProfileRead:
        """A profile by id; None: the default, uncached.

        With the `state`, read through the cache for a day (a published profile never changes) under the instance
        (ids of another database never match) and the default profiles' ids (the body's `is_default` and
        `default_categories` stay right).
        """
        if profile_id is None:
            return self.get_model(WeightProfileRead, "/v1/weight-profiles/default", api_key=api_key)
        key = None
        if state is not None:
            key = self.resource_key(
                "weight_profile",
                instance=state.instance_id,
                profile=profile_id,
                default=state.default_profile_id,
                category_defaults=state.category_defaults,
            )
        return self.get_model(
            WeightProfileRead, f"/v1/weight-profiles/{profile_id}", cache_key=key, ttl_seconds=86400, api_key=api_key
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

    def default_profile(self, *, category: str | None = None, api_key: str | None = None) -> WeightProfileRead:
        """The category's default profile when it has one, else the default; uncached."""
        return self.get_model(
            WeightProfileRead, "/v1/weight-profiles/default", params={"category": category}, api_key=api_key
        )

    def set_default_profile(
        self, profile_id: int, *, category: str | None = None, api_key: str | None = None
    ) -> WeightProfileRead:
        """Make a profile the default, or the default of one category (analyst key)."""
        params = {} if category is None else {"category": category}
        response = self.request("POST", f"/v1/weight-profiles/{profile_id}/default", params=params, api_key=api_key)
        return WeightProfileRead.model_validate_json(response.content)

    def panel_progress(self, panel_id: int, *, api_key: str | None = None) -> list[ExpertProgress]:
        """Each expert's done, missing and inconsistent nodes; never cached (judgments change at any time)."""
        return self.get_model(list[ExpertProgress], f"/v1/panels/{panel_id}/progress", api_key=api_key)

    def panel(self, panel_id: int, *, api_key: str | None = None) -> PanelRead:
        return self.get_model(PanelRead, f"/v1/panels/{panel_id}", api_key=api_key)

    def panels(self, *, api_key: str | None = None) -> list[PanelRead]:
        return self.get_model(list[PanelRead], "/v1/panels", api_key=api_key)

    def panel_judgments(
        self,
        panel_id: int,
        node: str | None = None,
        *,
        expert: str | None = None,
        round_number: int | None = None,
        api_key: str | None = None,
    ) -> list[JudgmentRead]:
        """The panel's judgments the key may see (all for analysts, an expert's own for experts) in one round
        (`round_number`; None: the open one); never cached."""
        return self.get_model(
            list[JudgmentRead],
            f"/v1/panels/{panel_id}/judgments",
            params={"node": node, "expert": expert, "round": round_number},
            api_key=api_key,
        )

    def judgment(
        self, panel_id: int, expert: str, node: str, *, round_number: int | None = None, api_key: str | None = None
    ) -> JudgmentRead:
        """One expert's judgment for a node in one round (None: the open one), with the version to send back with a
        change; NotFound when none."""
        return self.get_model(
            JudgmentRead,
            f"/v1/panels/{panel_id}/experts/{expert}/judgments/{node}",
            params={"round": round_number},
            api_key=api_key,
        )

    def add_expert(self, panel_id: int, body: ExpertCreate, *, api_key: str | None = None) -> ExpertRead:
        """Add an expert to a panel, optionally linked to the key they sign in with (admin key)."""
        return _exchange(self, "POST", f"/v1/panels/{panel_id}/experts", body, ExpertRead, api_key=api_key)

    def update_expert(
        self, panel_id: int, expert: str, body: ExpertUpdate, *, api_key: str | None = None
    ) -> ExpertRead:
        """Change an expert's names, weight or linked key (admin key); only the fields set in `body` are sent."""
        path = f"/v1/panels/{panel_id}/experts/{expert}"
        response = self.request(
            "PATCH", path, json_body=body.model_dump(mode="json", exclude_unset=True), api_key=api_key
        )
        return ExpertRead.model_validate_json(response.content)

    def api_keys(self, *, api_key: str | None = None) -> list[ApiKeyRead]:
        """The keys in use, without the keys themselves (admin key)."""
        return self.get_model(list[ApiKeyRead], "/v1/api-keys", api_key=api_key)

    def create_api_key(self, body: ApiKeyCreate, *, api_key: str | None = None) -> ApiKeyCreated:
        """A new key (admin key); the answer holds the key itself, the only time it is ever shown."""
        return _exchange(self, "POST", "/v1/api-keys", body, ApiKeyCreated, api_key=api_key)

    def panel_rounds(self, panel_id: int, *, api_key: str | None = None) -> list[RoundRead]:
        """The panel's Delphi rounds, first to last (the last is the open one); never cached."""
        return self.get_model(list[RoundRead], f"/v1/panels/{panel_id}/rounds", api_key=api_key)

    def close_round(self, panel_id: int, *, api_key: str | None = None) -> RoundRead:
        """Close the open round (its judgments stay as they are, read-only) and open the next, which starts from a
        copy of them (analyst key); the answer is the new open round."""
        response = self.request("POST", f"/v1/panels/{panel_id}/rounds", api_key=api_key)
        return RoundRead.model_validate_json(response.content)

    def write_judgment(
        self, panel_id: int, expert: str, node: str, body: JudgmentWrite, *, api_key: str | None = None
    ) -> JudgmentRead:
        """Create (version 0) or replace (the version last read) a judgment; a stale version is a Conflict."""
        path = f"/v1/panels/{panel_id}/experts/{expert}/judgments/{node}"
        return _exchange(self, "PUT", path, body, JudgmentRead, api_key=api_key)

    def import_observations(
        self, filename: str, content: bytes, *, dry_run: bool = False, api_key: str | None = None
    ) -> ImportResult:
        """Import a CSV or XLSX file of observations, all or nothing (analyst key).

        A file with bad rows is an InvalidInput whose `errors` name every one (`row`, `column`, `message`).
        """
        content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        response = self.request(
            "POST",
            "/v1/observations/import",
            params={"dry_run": "true" if dry_run else "false"},
            files={"file": (filename, content, content_type)},
            api_key=api_key,
        )
        return ImportResult.model_validate_json(response.content)

    def observation_history(
        self,
        *,
        limit: int = 200,
        year: int | None = None,
        cluster_code: str | None = None,
        indicator_code: str | None = None,
        api_key: str | None = None,
    ) -> list[ObservationHistoryRead]:
        """The latest changes of stored values, newest first; never cached."""
        return self.get_model(
            list[ObservationHistoryRead],
            "/v1/observations/history",
            params={"limit": limit, "year": year, "cluster_code": cluster_code, "indicator_code": indicator_code},
            api_key=api_key,
        )

    def export_observations(
        self, *, year: int | None = None, cluster_code: str | None = None, api_key: str | None = None
    ) -> bytes:
        """Observations as CSV in the import format (analyst key)."""
        params = {"year": year, "cluster_code": cluster_code}
        return self.request("GET", "/v1/observations/export", params=params, api_key=api_key).content


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
        def ask() -> bytes:
            try:
                return self._client.whoami(raw_key).model_dump_json().encode()
            except Unauthorized:
                return b"null"  # refusals are memoised too, so an unknown key cannot make a call per request

        memo_key = f"api-key:{keyed_hash(raw_key, self._secret)}"
        return self._memo.read_through(memo_key, ask, ttl_seconds=self._ttl, decode=_principal)


def _principal(body: bytes) -> Principal | None:
    who = _adapter(WhoAmI | None).validate_json(body)
    return None if who is None else Principal(key_id=who.id, name=who.name, role=as_role(who.role))


def _catalog(state: PlatformState) -> dict[str, str]:
    """What the clusters and the tree depend on: the database and its catalogue version."""
    return {"instance": state.instance_id, "catalog": state.catalog_version}


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

    def cluster_plan(
        self,
        cluster_code: str,
        year: int,
        target: str,
        profile: int | None = None,
        lang: Lang = "en",
        *,
        api_key: str | None = None,
    ) -> ClusterPlan:
        """GET /v1/recommendations/{code}/plan: the fewest peer-bounded changes that reach `target`, named in `lang`."""
        return self.get_model(
            ClusterPlan,
            f"/v1/recommendations/{cluster_code}/plan",
            params={"year": year, "target": target, "profile": profile, "lang": lang},
            api_key=api_key,
        )

    def year_plans(
        self, year: int, target: str, profile: int | None = None, lang: Lang = "en", *, api_key: str | None = None
    ) -> list[ClusterPlan]:
        """GET /v1/recommendations/plans: every ranked cluster's plan for `target`, in rank order, named in `lang`."""
        return self.get_model(
            list[ClusterPlan],
            "/v1/recommendations/plans",
            params={"year": year, "target": target, "profile": profile, "lang": lang},
            api_key=api_key,
        )

    def portfolio(
        self, year: int, profile: int | None = None, lang: Lang = "en", *, api_key: str | None = None
    ) -> Portfolio:
        """GET /v1/recommendations/portfolio: the policy paths, actions and indicators that recur in the year's
        recommendations, by category (the service caches the recommendations it counts)."""
        return self.get_model(
            Portfolio,
            "/v1/recommendations/portfolio",
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
        winsorize: bool = False,
        state: PlatformState | None = None,
        api_key: str | None = None,
    ) -> RankingResponse:
        """A ranking of stored data; with the `state`, read through the cache under `ranking_key`.

        The key is the one the scoring service keeps its own answer under, so with a shared Redis a cached ranking
        is read without a call.
        """
        key = None
        if state is not None:
            key = ranking_key(
                state,
                year=year,
                profile=profile,
                method=method,
                reference=reference,
                category=category,
                winsorize=winsorize,
            )
        return self.get_model(
            RankingResponse,
            "/v1/rankings",
            params={
                "year": year,
                "profile": profile,
                "method": method,
                "category": category,
                "reference": reference,
                "winsorize": True if winsorize else None,
            },
            cache_key=key,
            ttl_seconds=3600,
            api_key=api_key,
        )

    def ranking_audit(
        self, year: int, profile: int | None = None, category: str | None = None, *, api_key: str | None = None
    ) -> AuditResponse:
        """GET /v1/rankings/audit: coverage, outliers and coherence of the year's data behind the published
        ranking (the service caches it under the data's versions); never cached here."""
        return self.get_model(
            AuditResponse,
            "/v1/rankings/audit",
            params={"year": year, "profile": profile, "category": category},
            api_key=api_key,
        )

    def ranking_comparison(
        self,
        from_year: int,
        to_year: int,
        *,
        profile: int | None = None,
        method: RankingMethod = "topsis",
        from_profile: int | None = None,
        api_key: str | None = None,
    ) -> ComparisonResponse:
        """GET /v1/rankings/compare: each cluster's rank and score in both years (fixed reference), each criterion's
        part of its score change, and the flags of changes that are not only its own; never cached here."""
        return self.get_model(
            ComparisonResponse,
            "/v1/rankings/compare",
            params={
                "from": from_year,
                "to": to_year,
                "profile": profile,
                "method": method,
                "from_profile": from_profile,
            },
            api_key=api_key,
        )

    def what_if(self, body: WhatIfRequest, *, api_key: str | None = None) -> WhatIfResponse:
        """Rescore hypothetical rows (one changed indicator each, for any clusters) in one request; never cached."""
        response = self.request("POST", "/v1/rankings/what-if", json_body=body.model_dump(mode="json"), api_key=api_key)
        return WhatIfResponse.model_validate(response.json())

    def ranking_plan(self, body: PlanRequest, *, api_key: str | None = None) -> PlanResponse:
        """POST /v1/rankings/plan: the fewest indicator changes, each to a value a peer of the same category reached,
        that bring a cluster to a target on a published ranking's model (the service caches it); never cached here."""
        return _exchange(self, "POST", "/v1/rankings/plan", body, PlanResponse, api_key=api_key)

    def ranking_plans(self, body: PlansRequest, *, api_key: str | None = None) -> PlansResponse:
        """POST /v1/rankings/plans: as `ranking_plan` for many clusters (default: every ranked one, in rank order)
        on one resolution of the model; never cached here."""
        return _exchange(self, "POST", "/v1/rankings/plans", body, PlansResponse, api_key=api_key)

    def priorities(self, body: PrioritiesRequest, *, api_key: str | None = None) -> PrioritiesResponse:
        """AHP priorities and consistency of one pairwise comparison matrix."""
        return _exchange(self, "POST", "/v1/ahp/priorities", body, PrioritiesResponse, api_key=api_key)

    def group(self, body: GroupRequest, *, api_key: str | None = None) -> GroupResponse:
        """Group priorities of a panel's matrices for one comparison, with consistency and consensus."""
        return _exchange(self, "POST", "/v1/ahp/group", body, GroupResponse, api_key=api_key)

    def objective_weights(
        self, body: ObjectiveWeightsRequest, *, api_key: str | None = None
    ) -> ObjectiveWeightsResponse:
        """Objective criterion weights of a decision matrix (entropy, CRITIC, standard deviation, MEREC)."""
        return _exchange(self, "POST", "/v1/weights/objective", body, ObjectiveWeightsResponse, api_key=api_key)

    def combined_weights(self, body: CombinedWeightsRequest, *, api_key: str | None = None) -> CombinedWeightsResponse:
        """Subjective and objective weights of the same criteria combined."""
        return _exchange(self, "POST", "/v1/weights/combined", body, CombinedWeightsResponse, api_key=api_key)

    def sensitivity(self, body: SensitivityRequest, *, api_key: str | None = None) -> SensitivityResponse:
        """Rank acceptability, weight stability and a weight sweep of one decision problem."""
        return _exchange(self, "POST", "/v1/sensitivity", body, SensitivityResponse, api_key=api_key)

    def ranking_preview(self, body: RankingPreviewRequest, *, api_key: str | None = None) -> RankingResponse:
        """The ranking of stored data under indicator weights not yet published; never cached."""
        return _exchange(self, "POST", "/v1/rankings/preview", body, RankingResponse, api_key=api_key)

    def ranking_sensitivity(
        self, body: RankingSensitivityRequest, *, api_key: str | None = None
    ) -> RankingSensitivityResponse:
        """How far a published ranking holds as its criterion weights move: rank acceptability, each cluster's
        stability interval per criterion, and a sweep of one criterion's weight; never cached here."""
        return _exchange(self, "POST", "/v1/rankings/sensitivity", body, RankingSensitivityResponse, api_key=api_key)

    def ranking_uncertainty(self, body: UncertaintyRequest, *, api_key: str | None = None) -> UncertaintyResponse:
        """Each cluster's rank interval over Monte Carlo runs of a published ranking's model, and the Sobol indices
        of the sources of uncertainty (weights, panel, imputation, method); never cached here."""
        return _exchange(self, "POST", "/v1/rankings/uncertainty", body, UncertaintyResponse, api_key=api_key)

    def ranking_methods(self, body: MethodsRequest, *, api_key: str | None = None) -> MethodsResponse:
        """A published ranking under other MCDA methods, their rank correlations, and the methods that could not
        run with the values that stopped them; never cached here."""
        return _exchange(self, "POST", "/v1/rankings/methods", body, MethodsResponse, api_key=api_key)

    def ranking_weights(self, body: ModelWeightsRequest, *, api_key: str | None = None) -> ModelWeightsResponse:
        """A ranking's indicator weights: the profile's, objective ones from the year's imputed values, and their
        blend; never cached here."""
        return _exchange(self, "POST", "/v1/rankings/weights", body, ModelWeightsResponse, api_key=api_key)

    def publish_panel_profile(
        self, panel_id: int, body: PanelPublish, *, api_key: str | None = None
    ) -> WeightProfileRead:
        """Publish the panel's group weights with the gate: exclusions, an override reason, a default scope."""
        return _exchange(self, "POST", f"/v1/panels/{panel_id}/publish", body, WeightProfileRead, api_key=api_key)

    def panel_rounds_summary(
        self, panel_id: int, body: RoundsSummaryRequest | None = None, *, api_key: str | None = None
    ) -> PanelRoundsSummary:
        """Per Delphi round (every one, or `body.round`) and node: the group weights, CR, consensus S and S*, and each
        expert's distance from the group with the judgments where they differ most; never cached. An analyst's key
        sees every round and expert; the key of one of the panel's experts the closed rounds and its own entry only."""
        path = f"/v1/panels/{panel_id}/rounds/summary"
        return _exchange(self, "POST", path, body or RoundsSummaryRequest(), PanelRoundsSummary, api_key=api_key)

    def export(
        self,
        year: int,
        *,
        profile: int | None = None,
        format: str = "xlsx",
        lang: str = "en",
        method: RankingMethod = "topsis",
        reference: Reference = "fixed",
        plan_target: str | None = None,
        api_key: str | None = None,
    ) -> bytes:
        """The annual-review file of a ranking (`csv`, `xlsx` or `pdf`) as bytes; needs an analyst key."""
        return self.export_file(
            year, profile=profile, format=format, lang=lang, method=method, reference=reference,
            plan_target=plan_target, api_key=api_key,
        ).content  # fmt: skip

    def export_file(
        self,
        year: int,
        *,
        profile: int | None = None,
        format: str = "xlsx",
        lang: str = "en",
        method: RankingMethod = "topsis",
        reference: Reference = "fixed",
        plan_target: str | None = None,
        api_key: str | None = None,
    ) -> DownloadedFile:
        """As `export`, with the file name the service gives the file (`amc-ranking-2024-p4.xlsx`); `plan_target`
        is the target of the plans in the XLSX and PDF (the service's default, next_tier, when None)."""
        params = {
            "year": year, "profile": profile, "format": format, "lang": lang, "method": method, "reference": reference,
            "plan_target": plan_target,
        }  # fmt: skip
        return DownloadedFile.of(self.request("GET", "/v1/rankings/export", params=params, api_key=api_key))
