"""The front end's one way to the services: clients built from the environment, cached reads, readable errors.

Clients live in `st.cache_resource` (one set per signed-in key); reads live in `st.cache_data`, keyed by the
platform's state tokens (catalogue version, dataset versions, profile ids) wherever the services give one, so a
change upstream produces new keys rather than stale answers.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar, cast, get_args

import streamlit as st
from pydantic import BaseModel, ValidationError

from frontend.i18n import t
from shared.clients import IndicatorsClient, RecommendationsClient, ScoringClient
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
from shared.schemas.plans import ClusterPlan
from shared.schemas.rankings import (
    ComparisonResponse,
    RankingMethod,
    RankingPreviewRequest,
    RankingResponse,
    Reference,
)
from shared.schemas.recommendations import ClusterRecommendations, Lang, Portfolio
from shared.schemas.scoring import GroupRequest, GroupResponse, PrioritiesRequest, PrioritiesResponse
from shared.schemas.vocabulary import RoleName

ROLES: tuple[RoleName, ...] = get_args(RoleName)
SESSION_KEY = "api_key"
P = ParamSpec("P")
BodyT = TypeVar("BodyT", bound=BaseModel)


@dataclass(frozen=True)
class Clients:
    """The three services, each client carrying the signed-in key."""

    indicators: IndicatorsClient
    scoring: ScoringClient
    recommendations: RecommendationsClient


def service_urls() -> tuple[str, str, str]:
    """INDICATORS_URL, SCORING_URL and RECOMMENDATIONS_URL, defaulting to the ports of API.md."""

    def url(name: str, port_env: str, port: int) -> str:
        return os.environ.get(name) or f"http://127.0.0.1:{os.environ.get(port_env, port)}"

    return (
        url("INDICATORS_URL", "INDICATORS_PORT", 8001),
        url("SCORING_URL", "SCORING_PORT", 8002),
        url("RECOMMENDATIONS_URL", "RECOMMENDATIONS_PORT", 8003),
    )


def preset_key() -> str | None:
    """The key a newcomer starts with: the local admin key in `make run`'s embedded mode, else FRONTEND_API_KEY."""
    if os.environ.get("AMC_EMBEDDED", "").lower() in ("1", "true", "yes") and os.environ.get("ADMIN_API_KEY"):
        return os.environ["ADMIN_API_KEY"]
    return os.environ.get("FRONTEND_API_KEY") or None


@st.cache_resource(show_spinner=False)
def _clients(urls: tuple[str, str, str], api_key: str) -> Clients:
    indicators_url, scoring_url, recommendations_url = urls
    return Clients(
        indicators=IndicatorsClient(indicators_url, api_key=api_key, timeout=30.0),
        scoring=ScoringClient(scoring_url, api_key=api_key, timeout=60.0),
        recommendations=RecommendationsClient(recommendations_url, api_key=api_key, timeout=60.0),
    )


def clients(api_key: str) -> Clients:
    return _clients(service_urls(), api_key)


def current_key() -> str:
    key: str = st.session_state.get(SESSION_KEY) or ""
    return key


def role_allows(role: str | None, needed: str) -> bool:
    """Roles in increasing order; each may do all that the ones before it may (as the services check)."""
    return role in ROLES and ROLES.index(role) >= ROLES.index(needed)


# --- errors ---------------------------------------------------------------------------------------------------


def endpoint_missing(exc: DomainError) -> bool:
    """A 404/405 from the router itself (not from the domain): the service does not offer this endpoint yet."""
    return (isinstance(exc, NotFound) and exc.detail == "Not Found") or (
        exc.status == 405 and exc.detail == "Method Not Allowed"
    )


def _location(loc: Sequence[Any]) -> str:
    parts = [str(part) for part in loc if part != "body"]
    return " › ".join(parts)


def show_error(exc: DomainError, *, texts: Mapping[str, str] | None = None) -> None:
    """One readable message per service error; the problem's row or field errors as a table, never a trace."""
    texts = texts or {}
    if isinstance(exc, Unauthorized):
        st.error(t("err_unauthorized"), icon=":material/key_off:")
    elif isinstance(exc, Forbidden):
        st.error(f"{t('err_forbidden')} ({exc.detail})", icon=":material/block:")
    elif isinstance(exc, Conflict):
        st.error(texts.get("conflict", t("err_conflict")), icon=":material/sync_problem:")
    elif isinstance(exc, TooManyRequests):
        st.error(t("err_too_many", seconds=exc.retry_after), icon=":material/hourglass_top:")
    elif isinstance(exc, UpstreamUnavailable):
        st.error(f"{t('err_unavailable')} {exc.detail}", icon=":material/cloud_off:")
    elif endpoint_missing(exc):
        st.warning(texts.get("missing", t("err_missing_endpoint")), icon=":material/construction:")
    elif isinstance(exc, NotFound):
        st.warning(f"{t('err_not_found')} {exc.detail}", icon=":material/search_off:")
    else:
        title = t("err_invalid") if isinstance(exc, InvalidInput) else t("err_request")
        st.error(f"{title} {exc.detail}", icon=":material/error:")
    rows = [error for error in exc.errors if isinstance(error, dict)]
    if rows and all("row" in error for error in rows):
        st.dataframe(
            [
                {t("col_row"): e.get("row"), t("col_column"): e.get("column", ""), t("col_message"): e.get("message")}
                for e in rows
            ],
            hide_index=True,
            width="stretch",
        )
    elif rows and not isinstance(exc, Forbidden | Unauthorized):
        for error in rows[:20]:
            where = _location(error.get("loc", []))
            st.markdown(f"- {'`' + where + '`: ' if where else ''}{error.get('msg', '')}")


def request_body(schema: Callable[P, BodyT], /, *args: P.args, **kwargs: P.kwargs) -> BodyT:
    """`schema(...)`, a request body checked where it is built; one the schema refuses is raised as the 422 the
    service would answer with (InvalidInput, `errors` with `loc` and `msg`), so a page shows it the same way."""
    try:
        return schema(*args, **kwargs)
    except ValidationError as exc:
        errors = [{"loc": ["body", *error["loc"]], "msg": error["msg"]} for error in exc.errors()]
        where = ".".join(str(part) for part in errors[0]["loc"]) if errors else ""
        detail = f"{where}: {errors[0]['msg']}" if errors else "invalid request"
        if len(errors) > 1:
            detail += f" (and {len(errors) - 1} more)"
        raise InvalidInput(detail, errors=errors) from None


@contextmanager
def shown_errors(*, stop: bool = True, texts: Mapping[str, str] | None = None) -> Iterator[None]:
    """Turn any service error inside the block into a readable message; then end the page run unless told not to."""
    try:
        yield
    except DomainError as exc:
        show_error(exc, texts=texts)
        if stop:
            st.stop()


# --- who is signed in ------------------------------------------------------------------------------------------


@st.cache_data(ttl=60, show_spinner=False)
def whoami(api_key: str) -> WhoAmI:
    return clients(api_key).indicators.whoami(api_key)


# --- reads of the indicator service ----------------------------------------------------------------------------


@st.cache_data(ttl=3, show_spinner=False)
def platform_state(api_key: str) -> PlatformState:
    """The tokens every other cached read is keyed on; kept a few seconds so one page run asks once."""
    return clients(api_key).indicators.state()


def dataset_version(state: PlatformState, year: int) -> str | None:
    return next((d.version for d in state.datasets if d.year == year), None)


def years(state: PlatformState) -> list[int]:
    return sorted(d.year for d in state.datasets)


@st.cache_data(ttl=3600, show_spinner=False)
def clusters(api_key: str, catalog_version: str) -> list[ClusterRead]:
    """`catalog_version` is only part of this function's st.cache_data key: a new catalogue is a new entry."""
    return clients(api_key).indicators.clusters()


@st.cache_data(ttl=3600, show_spinner=False)
def indicator_tree(api_key: str, catalog_version: str) -> list[CriterionNode]:
    """`catalog_version` is only part of this function's st.cache_data key: a new catalogue is a new entry."""
    return clients(api_key).indicators.indicator_tree()


@st.cache_data(ttl=3600, show_spinner=False, max_entries=32)
def dataset(api_key: str, year: int, version: str) -> DatasetRead:
    """A year's values; `version` (from the state) only keys the cache, so a change of any value is a new entry."""
    return clients(api_key).indicators.dataset(year)


@st.cache_data(ttl=20, show_spinner=False)
def panels(api_key: str, instance_id: str) -> list[PanelRead]:
    return clients(api_key).indicators.panels()


@st.cache_data(ttl=20, show_spinner=False)
def profiles(api_key: str, instance_id: str, default_profile_id: int | None) -> list[ProfileSummary]:
    return clients(api_key).indicators.weight_profiles()


@st.cache_data(ttl=3600, show_spinner=False, max_entries=64)
def profile(api_key: str, instance_id: str, profile_id: int) -> WeightProfileRead:
    """Profiles never change once published (bar their default flag), so the id is key enough."""
    return clients(api_key).indicators.weight_profile(profile_id)


@st.cache_data(ttl=10, show_spinner=False)
def panel_progress(api_key: str, panel_id: int) -> list[ExpertProgress]:
    """GET /v1/panels/{id}/progress: each expert's done, missing and inconsistent nodes; kept a few seconds (one
    page run asks once) and forgotten after every save."""
    return clients(api_key).indicators.panel_progress(panel_id)


def forget_progress() -> None:
    panel_progress.clear()


def judgment(api_key: str, panel_id: int, expert: str, node: str) -> JudgmentRead | None:
    """One expert's stored judgment for a node, with its version; None when there is none yet. Never cached."""
    try:
        return clients(api_key).indicators.judgment(panel_id, expert, node)
    except NotFound as exc:
        if endpoint_missing(exc):
            raise
        return None


def panel_judgments(api_key: str, panel_id: int, round_number: int | None = None) -> list[JudgmentRead]:
    """All judgments of a panel the key may see, in one round (None: the open one); never cached (versions must be
    fresh)."""
    return clients(api_key).indicators.panel_judgments(panel_id, round_number=round_number)


# --- panel management and Delphi rounds ------------------------------------------------------------------------


def add_expert(api_key: str, panel_id: int, body: ExpertCreate) -> ExpertRead:
    return clients(api_key).indicators.add_expert(panel_id, body)


def update_expert(api_key: str, panel_id: int, expert: str, body: ExpertUpdate) -> ExpertRead:
    return clients(api_key).indicators.update_expert(panel_id, expert, body)


def api_keys(api_key: str) -> list[ApiKeyRead]:
    """The keys in use (admin), never cached: a key minted a moment ago must be there to link."""
    return clients(api_key).indicators.api_keys()


def create_api_key(api_key: str, body: ApiKeyCreate) -> ApiKeyCreated:
    """A new key; the answer holds the key itself, to be shown once and never kept by the front end."""
    return clients(api_key).indicators.create_api_key(body)


def set_default_profile(api_key: str, profile_id: int, category: str | None) -> WeightProfileRead:
    """Make a profile the default of every category (None) or of one; the cached state and lists are dropped."""
    profile = clients(api_key).indicators.set_default_profile(profile_id, category=category)
    forget_platform_reads()
    return profile


def panel_rounds(api_key: str, panel_id: int) -> list[RoundRead]:
    return clients(api_key).indicators.panel_rounds(panel_id)


def close_round(api_key: str, panel_id: int) -> RoundRead:
    """Close the open round and open the next (analyst); progress and judgments are read afresh after it."""
    opened = clients(api_key).indicators.close_round(panel_id)
    forget_progress()
    last_closed_round.clear()
    return opened


@st.cache_data(ttl=10, show_spinner=False)
def last_closed_round(api_key: str, panel_id: int) -> int | None:
    """The number of the panel's last closed round, None when none is closed (or rounds are not offered)."""
    try:
        rounds = clients(api_key).indicators.panel_rounds(panel_id)
    except DomainError as exc:
        if endpoint_missing(exc):
            return None
        raise
    closed = [r.round for r in rounds if r.status == "closed"]
    return closed[-1] if closed else None


@st.cache_data(ttl=600, show_spinner=False, max_entries=64)
def closed_round_summary(api_key: str, panel_id: int, round_number: int) -> PanelRoundsSummary:
    """The summary of one closed round (it never changes), as the key may see it."""
    return clients(api_key).scoring.panel_rounds_summary(panel_id, RoundsSummaryRequest(round=round_number))


def rounds_summary(api_key: str, panel_id: int, body: RoundsSummaryRequest) -> PanelRoundsSummary:
    """POST /v1/panels/{id}/rounds/summary on the scoring service: per round and node, the group's result, S and
    S*, and each expert's distance and most different judgments (an expert's key: closed rounds, its own entry)."""
    return clients(api_key).scoring.panel_rounds_summary(panel_id, body)


def save_judgment(api_key: str, panel_id: int, expert: str, node: str, body: JudgmentWrite) -> JudgmentRead:
    return clients(api_key).indicators.write_judgment(panel_id, expert, node, body)


def import_observations(api_key: str, filename: str, content: bytes, *, dry_run: bool) -> ImportResult:
    return clients(api_key).indicators.import_observations(filename, content, dry_run=dry_run)


@st.cache_data(ttl=30, show_spinner=False)
def observation_history(api_key: str, limit: int, year: int | None, stamp: str) -> list[ObservationHistoryRead]:
    return clients(api_key).indicators.observation_history(limit=limit, year=year)


@st.cache_data(ttl=600, show_spinner=False, max_entries=16)
def observations_csv(api_key: str, year: int | None, version: str | None) -> bytes:
    return clients(api_key).indicators.export_observations(year=year)


def publish_weights(api_key: str, body: WeightProfileCreate) -> WeightProfileRead:
    return clients(api_key).indicators.publish_profile(body)


def forget_platform_reads() -> None:
    """After a write: drop the cached state and lists, so the next run sees the new tokens."""
    platform_state.clear()
    panels.clear()
    profiles.clear()
    observation_history.clear()


# --- the scoring service ---------------------------------------------------------------------------------------


def _canonical(body: BaseModel) -> str:
    """A request body as JSON with sorted keys: equal requests give equal cache keys."""
    return json.dumps(body.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))


# Request bodies key the cached computations by their canonical JSON.
_BY_CONTENT: dict[type[Any] | str, Callable[[Any], Any]] = {
    schema: _canonical
    for schema in (
        PrioritiesRequest,
        GroupRequest,
        RankingPreviewRequest,
        RankingSensitivityRequest,
        UncertaintyRequest,
        MethodsRequest,
        ModelWeightsRequest,
    )
}


@st.cache_data(ttl=600, show_spinner=False, max_entries=512, hash_funcs=_BY_CONTENT)
def priorities(api_key: str, body: PrioritiesRequest) -> PrioritiesResponse:
    """POST /v1/ahp/priorities; equal matrices share an answer."""
    return clients(api_key).scoring.priorities(body)


@st.cache_data(ttl=600, show_spinner=False, max_entries=256, hash_funcs=_BY_CONTENT)
def group(api_key: str, body: GroupRequest) -> GroupResponse:
    return clients(api_key).scoring.group(body)


def publish_panel(
    api_key: str,
    panel_id: int,
    *,
    name: str,
    name_zh: str = "",
    method: str,
    aggregation: str,
    ri_table: str,
    default_for: str | None = None,
    exclude_experts: list[str] | None = None,
    override_reason: str | None = None,
) -> WeightProfileRead:
    """POST /v1/panels/{id}/publish on the scoring service, through its gate: the panel's group weights as a new
    profile, refused (422 naming each gap) unless the gaps' experts are excluded or a reason overrides them;
    `default_for`: none, "all" or one category, the profile then being that scope's default."""
    body = request_body(
        PanelPublish,
        name=name,
        name_zh=name_zh,
        method=method,
        aggregation=aggregation,
        ri_table=ri_table,
        exclude_experts=exclude_experts or [],
        override_reason=override_reason,
        default_for=default_for,
    )
    return clients(api_key).scoring.publish_panel_profile(panel_id, body)


@st.cache_data(ttl=600, show_spinner=False, max_entries=128)
def ranking(
    api_key: str,
    year: int,
    profile_id: int | None,
    method: str,
    reference: str,
    category: str | None,
    versions: tuple[str | None, ...],
    winsorize: bool = False,
) -> RankingResponse:
    """GET /v1/rankings; `versions` (this and last year's dataset versions, the default profile) key the cache."""
    return clients(api_key).scoring.ranking(
        year,
        profile=profile_id,
        method=cast(RankingMethod, method),
        reference=cast(Reference, reference),
        category=category,
        winsorize=winsorize,
    )


@st.cache_data(ttl=300, show_spinner=False, max_entries=256, hash_funcs=_BY_CONTENT)
def ranking_preview(api_key: str, body: RankingPreviewRequest, versions: tuple[str | None, ...]) -> RankingResponse:
    """POST /v1/rankings/preview: the ranking under weights not yet published (live tuning); `versions` as for
    `ranking`."""
    return clients(api_key).scoring.ranking_preview(body)


# The analyses of a published ranking: the body names the model (year, profile, method, reference, category);
# `versions` (as for `ranking`) key the cache on the data and profiles the model is built from.


@st.cache_data(ttl=600, show_spinner=False, max_entries=64, hash_funcs=_BY_CONTENT)
def ranking_sensitivity(
    api_key: str, body: RankingSensitivityRequest, versions: tuple[str | None, ...]
) -> RankingSensitivityResponse:
    """POST /v1/rankings/sensitivity: rank acceptability, stability intervals and a sweep of the ranking."""
    return clients(api_key).scoring.ranking_sensitivity(body)


@st.cache_data(ttl=600, show_spinner=False, max_entries=64, hash_funcs=_BY_CONTENT)
def ranking_uncertainty(
    api_key: str, body: UncertaintyRequest, versions: tuple[str | None, ...]
) -> UncertaintyResponse:
    """POST /v1/rankings/uncertainty: rank intervals and Sobol indices of the sources of uncertainty."""
    return clients(api_key).scoring.ranking_uncertainty(body)


@st.cache_data(ttl=600, show_spinner=False, max_entries=64, hash_funcs=_BY_CONTENT)
def ranking_methods(api_key: str, body: MethodsRequest, versions: tuple[str | None, ...]) -> MethodsResponse:
    """POST /v1/rankings/methods: the ranking under other methods, their correlations, what was left out."""
    return clients(api_key).scoring.ranking_methods(body)


@st.cache_data(ttl=600, show_spinner=False, max_entries=128, hash_funcs=_BY_CONTENT)
def ranking_weights(api_key: str, body: ModelWeightsRequest, versions: tuple[str | None, ...]) -> ModelWeightsResponse:
    """POST /v1/rankings/weights: the profile's, the objective and the combined weights of the ranking's year."""
    return clients(api_key).scoring.ranking_weights(body)


@st.cache_data(ttl=600, show_spinner=False, max_entries=64)
def ranking_audit(
    api_key: str, year: int, profile_id: int | None, category: str | None, versions: tuple[str | None, ...]
) -> AuditResponse:
    """GET /v1/rankings/audit: coverage, outliers and coherence of the year's data; `versions` as for `ranking`."""
    return clients(api_key).scoring.ranking_audit(year, profile_id, category)


@st.cache_data(ttl=600, show_spinner=False, max_entries=32)
def ranking_comparison(
    api_key: str,
    from_year: int,
    to_year: int,
    profile_id: int | None,
    versions: tuple[str | None, ...],
    from_profile_id: int | None = None,
) -> ComparisonResponse:
    """GET /v1/rankings/compare: both years' standings, each criterion's part of the score change and the flags;
    `versions` (both years' dataset versions, the default profile) key the cache."""
    return clients(api_key).scoring.ranking_comparison(
        from_year, to_year, profile=profile_id, from_profile=from_profile_id
    )


@st.cache_data(ttl=600, show_spinner=False, max_entries=16)
def export_file(
    api_key: str,
    year: int,
    profile_id: int | None,
    fmt: str,
    lang: str,
    versions: tuple[str | None, ...],
    plan_target: str | None = None,
) -> tuple[bytes, str]:
    """GET /v1/rankings/export: the file and the name the service gives it; `plan_target` as the service has it."""
    exported = clients(api_key).scoring.export_file(
        year, profile=profile_id, format=fmt, lang=lang, plan_target=plan_target
    )
    return exported.content, exported.filename or f"ranking-{year}.{fmt}"


# --- the recommendation service --------------------------------------------------------------------------------


@st.cache_data(ttl=600, show_spinner=False, max_entries=128)
def recommendation(
    api_key: str, code: str, year: int, profile_id: int | None, lang: str, versions: tuple[str | None, ...]
) -> ClusterRecommendations:
    """GET /v1/recommendations/{code}: strengths, weaknesses and actions, in the chosen language."""
    return clients(api_key).recommendations.recommendation(code, year, profile_id, cast(Lang, lang))


@st.cache_data(ttl=600, show_spinner=False, max_entries=128)
def cluster_plan(
    api_key: str,
    code: str,
    year: int,
    profile_id: int | None,
    target: str,
    lang: str,
    versions: tuple[str | None, ...],
) -> ClusterPlan:
    """GET /v1/recommendations/{code}/plan: the fewest changes, each to a value a peer reached, that bring the cluster
    to `target`, with the criterion scores before and after; `versions` as for `ranking`."""
    return clients(api_key).recommendations.cluster_plan(code, year, target, profile_id, cast(Lang, lang))


@st.cache_data(ttl=600, show_spinner=False, max_entries=32)
def portfolio(
    api_key: str, year: int, profile_id: int | None, lang: str, versions: tuple[str | None, ...]
) -> Portfolio:
    """GET /v1/recommendations/portfolio: the policy paths, actions and indicators that recur across the year's
    recommendations, by category; `versions` as for `ranking`."""
    return clients(api_key).recommendations.portfolio(year, profile_id, cast(Lang, lang))
