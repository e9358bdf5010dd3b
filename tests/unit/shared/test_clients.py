"""ServiceClient: bounded retries of reads only, timeouts, upstream problems mapped to domain errors; the typed
methods of the clients through the services' ASGI apps."""

from __future__ import annotations

import hashlib
import socket
import threading
import time
from collections.abc import Callable, Iterator

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from shared.cache import MemoryCache
from shared.clients import IndicatorsClient, RecommendationsClient, RemoteKeyResolver, ScoringClient, ServiceClient
from shared.errors import Conflict, InvalidInput, NotFound, TooManyRequests, UpstreamUnavailable
from shared.logging import caller_key_var, request_id_middleware, request_id_var
from shared.problems import PROBLEM_MEDIA_TYPE
from shared.schemas.analyses import (
    MethodsRequest,
    MethodsResponse,
    ModelWeightsRequest,
    ModelWeightsResponse,
    RankingSensitivityRequest,
    RankingSensitivityResponse,
    UncertaintyRequest,
    UncertaintyResponse,
)
from shared.schemas.indicators import ImportResult, ObservationHistoryRead
from shared.schemas.panels import JudgmentRead, JudgmentWrite, PanelPublish, WeightProfileRead
from shared.schemas.rankings import RankingPreviewRequest, RankingResponse
from shared.schemas.scoring import (
    COMBINED_WEIGHTS_EXAMPLE,
    COMBINED_WEIGHTS_RESULT_EXAMPLE,
    DRINKS_LABELS,
    GROUP_EXAMPLE,
    GROUP_RESULT_EXAMPLE,
    OBJECTIVE_WEIGHTS_EXAMPLE,
    OBJECTIVE_WEIGHTS_RESULT_EXAMPLE,
    PRIORITIES_EXAMPLE,
    PRIORITIES_RESULT_EXAMPLE,
    SENSITIVITY_EXAMPLE,
    SENSITIVITY_RESULT_EXAMPLE,
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
from tests.support.environment import ADMIN_KEY

Handler = Callable[[httpx.Request], httpx.Response]


def problem(status: int, detail: str, **extra: object) -> httpx.Response:
    body = {"type": f"https://amc-platform.example/problems/{status}", "title": "t", "status": status}
    return httpx.Response(
        status, json={**body, "detail": detail, **extra}, headers={"content-type": PROBLEM_MEDIA_TYPE}
    )


class Recorder:
    """A MockTransport handler that answers from a list, one answer per request, and counts the requests."""

    def __init__(self, *answers: httpx.Response | Exception) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers[min(len(self.requests), len(self.answers)) - 1]
        if isinstance(answer, Exception):
            raise answer
        return answer


def client_for(handler: Handler, *, read_retries: int = 2) -> IndicatorsClient:
    http = httpx.Client(base_url="http://indicators.test", transport=httpx.MockTransport(handler))
    return IndicatorsClient("http://indicators.test", api_key="k", http=http, read_retries=read_retries)


def test_a_get_is_retried_on_503_and_succeeds() -> None:
    handler = Recorder(problem(503, "starting"), httpx.Response(200, json={"ok": True}))
    assert client_for(handler).get_json("/v1/clusters") == {"ok": True}
    assert len(handler.requests) == 2


def test_a_get_is_retried_up_to_read_retries_then_names_the_service() -> None:
    handler = Recorder(problem(503, "database down"))
    with pytest.raises(UpstreamUnavailable, match="indicators") as raised:
        client_for(handler, read_retries=2).get_json("/v1/clusters")
    assert len(handler.requests) == 3
    assert "database down" in raised.value.detail
    assert raised.value.status == 503


def test_a_get_is_retried_on_a_connection_error() -> None:
    handler = Recorder(httpx.ConnectError("refused"), httpx.ConnectError("refused"), httpx.Response(200, json=[]))
    assert client_for(handler).get_json("/v1/clusters") == []
    assert len(handler.requests) == 3


def test_connection_errors_past_the_retries_are_upstream_unavailable() -> None:
    handler = Recorder(httpx.ConnectError("connection refused"))
    with pytest.raises(UpstreamUnavailable, match="the indicators service did not answer"):
        client_for(handler, read_retries=1).get_json("/v1/clusters")
    assert len(handler.requests) == 2


@pytest.mark.parametrize("answer", [problem(503, "busy"), httpx.ConnectError("refused")], ids=["503", "refused"])
def test_a_post_is_never_retried(answer: httpx.Response | Exception) -> None:
    handler = Recorder(answer, httpx.Response(201, json={}))
    with pytest.raises(UpstreamUnavailable, match="indicators"):
        client_for(handler).request("POST", "/v1/weight-profiles", json_body={"name": "p"})
    assert len(handler.requests) == 1


def test_a_404_problem_is_not_found_with_the_upstream_detail_and_no_retry() -> None:
    handler = Recorder(problem(404, "no dataset for 1999"))
    with pytest.raises(NotFound) as raised:
        client_for(handler).get_json("/v1/datasets/1999")
    assert raised.value.detail == "no dataset for 1999"
    assert len(handler.requests) == 1


def test_a_422_keeps_the_upstream_errors() -> None:
    errors = [{"loc": ["query", "year"], "msg": "not a year"}]
    with pytest.raises(InvalidInput) as raised:
        client_for(Recorder(problem(422, "bad year", errors=errors))).get_json("/v1/datasets/x")
    assert raised.value.errors == errors


def test_a_429_passes_the_wait_on() -> None:
    answer = problem(429, "slow down")
    answer.headers["Retry-After"] = "17"
    handler = Recorder(answer)
    with pytest.raises(TooManyRequests) as raised:
        client_for(handler).get_json("/v1/clusters")
    assert raised.value.retry_after == 17
    assert len(handler.requests) == 1


def test_a_timeout_is_upstream_unavailable_after_the_retries() -> None:
    handler = Recorder(httpx.ReadTimeout("timed out"))
    started = time.monotonic()
    with pytest.raises(UpstreamUnavailable, match="indicators"):
        client_for(handler, read_retries=2).get_json("/v1/clusters")
    assert len(handler.requests) == 3
    assert time.monotonic() - started < 2  # only the short back-off between attempts


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A TCP server that accepts connections and never answers: what a hung upstream looks like."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(timeout=2)
        for connection in accepted:
            connection.close()
        server.close()


def test_a_hung_upstream_fails_within_the_timeout_retries_included(silent_server: str) -> None:
    # Issue 16, item 8: the timeout is the deadline of the whole call; retries share it (before: 3 × timeout).
    client = ServiceClient(silent_server, timeout=0.3, read_retries=2)
    started = time.monotonic()
    with pytest.raises(UpstreamUnavailable, match=r"did not answer within 0.3 s \(http://127.0.0.1"):
        client.get_json("/healthz")
    elapsed = time.monotonic() - started
    client.close()
    assert 0.3 <= elapsed < 0.6  # one deadline, not three attempts of 0.3 s


def test_the_api_key_and_request_id_travel_with_every_attempt() -> None:
    handler = Recorder(problem(502, "bad gateway"), httpx.Response(200, json={}))
    token = request_id_var.set("rid-1")
    try:
        client_for(handler).get_json("/v1/clusters")
    finally:
        request_id_var.reset(token)
    assert [(r.headers["X-API-Key"], r.headers["X-Request-ID"]) for r in handler.requests] == [("k", "rid-1")] * 2


def test_the_key_of_the_request_being_served_goes_unless_the_call_names_one() -> None:
    handler = Recorder(httpx.Response(200, json={}))
    client = client_for(handler)
    client.get_json("/v1/clusters")
    token = caller_key_var.set("caller-key")
    try:
        client.get_json("/v1/clusters")
        client.get_json("/v1/clusters", api_key="override")
    finally:
        caller_key_var.reset(token)
    assert [r.headers["X-API-Key"] for r in handler.requests] == ["k", "caller-key", "override"]


def test_a_served_request_forwards_its_own_key_from_sync_and_async_endpoints() -> None:
    handler = Recorder(httpx.Response(200, json={}))
    client = client_for(handler)
    app = FastAPI()
    app.middleware("http")(request_id_middleware)

    @app.get("/sync")
    def sync_endpoint() -> None:
        # Run in the thread pool, on a copy of the context the middleware set the key in.
        client.get_json("/v1/clusters")

    @app.get("/async")
    async def async_endpoint() -> None:
        client.get_json("/v1/clusters")

    with TestClient(app) as served:
        for path, headers in (("/sync", {"X-API-Key": "first"}), ("/async", {"X-API-Key": "second"}), ("/sync", {})):
            assert served.get(path, headers=headers).status_code == 200
    # The last request had no key: the client's own goes, nothing left over from the requests before.
    assert [r.headers["X-API-Key"] for r in handler.requests] == ["first", "second", "k"]


class RecordingCache(MemoryCache):
    """A MemoryCache that remembers every key it was given."""

    def __init__(self) -> None:
        super().__init__()
        self.keys: list[str] = []

    def set(self, key: str, value: bytes, ttl_seconds: float) -> None:
        self.keys.append(key)
        super().set(key, value, ttl_seconds)


def memo_keys(raw_key: str, *, secret: bytes | None) -> list[str]:
    """The keys a resolver memoises `raw_key`'s answer under; the second resolve must come from the memo."""
    handler = Recorder(httpx.Response(200, json={"id": 7, "name": "dashboard", "role": "viewer"}))
    memo = RecordingCache()
    resolver = RemoteKeyResolver(client_for(handler), memo=memo, secret=secret)
    for _ in range(2):
        principal = resolver.resolve(raw_key)
        assert principal is not None
        assert (principal.key_id, principal.role) == (7, "viewer")
    assert len(handler.requests) == 1
    return memo.keys


def test_the_key_memo_never_holds_the_plain_sha256_of_a_key() -> None:
    raw_key = "amc_memo-test-key"
    plain = hashlib.sha256(raw_key.encode()).hexdigest()
    for secret in (b"first secret", None):
        keys = memo_keys(raw_key, secret=secret)
        assert len(keys) == 1
        assert plain not in keys[0]
        assert raw_key not in keys[0]
    handler = Recorder(problem(401, "unknown or revoked API key"))
    memo = RecordingCache()
    assert RemoteKeyResolver(client_for(handler), memo=memo).resolve(raw_key) is None
    [key] = memo.keys  # the refusal is memoised too, under the same kind of key
    assert plain not in key
    assert raw_key not in key


def test_two_secrets_give_two_memo_keys_and_one_secret_the_same() -> None:
    raw_key = "amc_memo-test-key"
    assert memo_keys(raw_key, secret=b"first secret") == memo_keys(raw_key, secret=b"first secret")
    assert memo_keys(raw_key, secret=b"first secret") != memo_keys(raw_key, secret=b"second secret")


# --- the typed methods, through the services' ASGI apps (demo data) -------------------------------------------


@pytest.fixture
def indicators(indicators_client: TestClient) -> IndicatorsClient:
    return IndicatorsClient("http://indicators", api_key=ADMIN_KEY, http=indicators_client)


@pytest.fixture
def scoring(scoring_client: TestClient) -> ScoringClient:
    return ScoringClient("http://scoring", api_key=ADMIN_KEY, http=scoring_client)


def test_priorities_of_saatys_drinks_example(scoring: ScoringClient) -> None:
    result = scoring.priorities(PrioritiesRequest.model_validate(PRIORITIES_EXAMPLE))
    assert isinstance(result, PrioritiesResponse)
    assert result.weights == pytest.approx(PRIORITIES_RESULT_EXAMPLE["weights"], abs=1e-4)
    assert result.cr == pytest.approx(PRIORITIES_RESULT_EXAMPLE["cr"], abs=1e-4)
    assert result.labels == DRINKS_LABELS
    assert [(i.row, i.col) for i in result.inconsistencies] == [(1, 6), (1, 3), (0, 5)]


def test_a_matrix_the_service_refuses_is_invalid_input_with_errors(scoring: ScoringClient) -> None:
    not_reciprocal = PrioritiesRequest(matrix=[[1, 3], [3, 1]])
    with pytest.raises(InvalidInput) as refused:
        scoring.priorities(not_reciprocal)
    assert refused.value.errors


def test_group_objective_combined_and_sensitivity_answer_their_examples(scoring: ScoringClient) -> None:
    group = scoring.group(GroupRequest.model_validate(GROUP_EXAMPLE))
    assert isinstance(group, GroupResponse)
    assert group.weights == pytest.approx(GROUP_RESULT_EXAMPLE["weights"], abs=1e-4)
    assert group.consensus == pytest.approx(GROUP_RESULT_EXAMPLE["consensus"], abs=1e-4)
    objective = scoring.objective_weights(ObjectiveWeightsRequest.model_validate(OBJECTIVE_WEIGHTS_EXAMPLE))
    assert isinstance(objective, ObjectiveWeightsResponse)
    assert objective.weights == pytest.approx(OBJECTIVE_WEIGHTS_RESULT_EXAMPLE["weights"], abs=1e-4)
    combined = scoring.combined_weights(CombinedWeightsRequest.model_validate(COMBINED_WEIGHTS_EXAMPLE))
    assert isinstance(combined, CombinedWeightsResponse)
    assert combined.weights == pytest.approx(COMBINED_WEIGHTS_RESULT_EXAMPLE["weights"], abs=1e-4)
    sensitivity = scoring.sensitivity(SensitivityRequest.model_validate(SENSITIVITY_EXAMPLE))
    assert isinstance(sensitivity, SensitivityResponse)
    assert sensitivity.sweep is not None
    assert sensitivity.sweep.weights == SENSITIVITY_RESULT_EXAMPLE["sweep"]["weights"]
    assert [a.alternative for a in sensitivity.rank_acceptability] == ["A1", "A2", "A3"]


def test_a_preview_under_the_default_profiles_weights_is_its_ranking(
    indicators: IndicatorsClient, scoring: ScoringClient
) -> None:
    profile = indicators.weight_profile()
    weights = {i.code: i.global_weight for i in profile.indicators}
    preview = scoring.ranking_preview(RankingPreviewRequest(year=2024, weights=weights))
    assert isinstance(preview, RankingResponse)
    ranking = scoring.ranking(2024)
    assert [r.cluster_code for r in preview.results] == [r.cluster_code for r in ranking.results]
    assert [r.score for r in preview.results] == pytest.approx([r.score for r in ranking.results], abs=1e-9)


def test_the_analyses_of_a_published_ranking_answer_about_that_ranking(scoring: ScoringClient) -> None:
    ranking = scoring.ranking(2024)
    published = [r.cluster_code for r in ranking.results]

    sensitivity = scoring.ranking_sensitivity(RankingSensitivityRequest(year=2024, samples=200, sweep_criterion="C1"))
    assert isinstance(sensitivity, RankingSensitivityResponse)
    assert (sensitivity.model.profile, sensitivity.model.dataset_version) == (ranking.profile, ranking.dataset_version)
    assert [a.cluster_code for a in sensitivity.rank_acceptability] == published
    assert sensitivity.sweep is not None
    assert sensitivity.sweep.criterion == "C1"

    uncertainty = scoring.ranking_uncertainty(UncertaintyRequest(year=2024, samples=400, sources=["weights", "panel"]))
    assert isinstance(uncertainty, UncertaintyResponse)
    assert [r.cluster_code for r in uncertainty.results] == published
    assert all(r.rank_p05 <= r.median_rank <= r.rank_p95 for r in uncertainty.results)
    assert [i.source for i in uncertainty.sensitivity_indices] == ["weights", "panel"]

    methods = scoring.ranking_methods(MethodsRequest(year=2024, methods=["topsis", "vikor"]))
    assert isinstance(methods, MethodsResponse)
    assert [r.ranks["topsis"] for r in methods.results] == [r.rank for r in ranking.results]
    assert [(c.a, c.b) for c in methods.correlations] == [("topsis", "vikor")]

    weights = scoring.ranking_weights(ModelWeightsRequest(year=2024, alpha=1.0))
    assert isinstance(weights, ModelWeightsResponse)
    assert [w.combined for w in weights.indicators] == pytest.approx([w.subjective for w in weights.indicators])
    assert sum(w.objective for w in weights.indicators) == pytest.approx(1.0)


def test_an_analysis_the_service_refuses_is_invalid_input(scoring: ScoringClient) -> None:
    with pytest.raises(InvalidInput) as refused:
        scoring.ranking_uncertainty(UncertaintyRequest(year=2024, method="vikor", reference="fixed"))
    assert refused.value.errors[0]["loc"] == ["body", "method"]


def test_publishing_a_panel_returns_the_stored_profile(indicators: IndicatorsClient, scoring: ScoringClient) -> None:
    panel = indicators.panels()[0]
    published = scoring.publish_panel_profile(panel.id, PanelPublish(name="Published by the client", aggregation="aip"))
    assert isinstance(published, WeightProfileRead)
    assert (published.name, published.panel_id, published.aggregation) == ("Published by the client", panel.id, "aip")
    assert indicators.weight_profile(published.id).criteria == published.criteria


def test_a_judgment_is_read_and_written_with_its_version(indicators: IndicatorsClient) -> None:
    stored = indicators.panel_judgments(indicators.panels()[0].id)[0]
    read = indicators.judgment(stored.panel_id, stored.expert_code, stored.node)
    assert read == stored
    size = len(read.items)
    equal = [[1.0] * size for _ in range(size)]
    change = JudgmentWrite(items=read.items, matrix=equal, version=read.version)
    written = indicators.write_judgment(read.panel_id, read.expert_code, read.node, change)
    assert isinstance(written, JudgmentRead)
    assert (written.matrix, written.version) == (equal, read.version + 1)
    with pytest.raises(Conflict):
        indicators.write_judgment(read.panel_id, read.expert_code, read.node, change)  # the version read is stale
    with pytest.raises(NotFound):
        indicators.judgment(read.panel_id, read.expert_code, "C99")


def test_an_import_dry_run_counts_and_writes_nothing(indicators: IndicatorsClient) -> None:
    csv = b"cluster_code,indicator_code,year,value\nSH-IC,C1.1,2024,4.25\n"
    checked = indicators.import_observations("observations.csv", csv, dry_run=True)
    assert isinstance(checked, ImportResult)
    assert (checked.rows, checked.updated, checked.dry_run, checked.years) == (1, 1, True, [2024])
    assert indicators.observation_history(limit=5) == []
    imported = indicators.import_observations("observations.csv", csv)
    assert (imported.updated, imported.dry_run) == (1, False)
    [change] = indicators.observation_history(limit=5, year=2024)
    assert isinstance(change, ObservationHistoryRead)
    assert (change.cluster_code, change.indicator_code, change.new_value) == ("SH-IC", "C1.1", 4.25)


def test_a_rejected_import_is_invalid_input_naming_every_bad_row(indicators: IndicatorsClient) -> None:
    csv = b"cluster_code,indicator_code,year,value\nSH-IC,C1.1,2024,4.25\nNO-SUCH,C1.1,2024,1\nSH-IC,C1.2,2024,lots\n"
    with pytest.raises(InvalidInput) as refused:
        indicators.import_observations("bad.csv", csv, dry_run=True)
    assert [(e["row"], e["column"]) for e in refused.value.errors] == [(3, "cluster_code"), (4, "value")]


def test_exports_come_as_files(
    indicators: IndicatorsClient, scoring: ScoringClient, scoring_client: TestClient, recommendations_client: TestClient
) -> None:
    # A ranking's export holds the advice: the scoring app gets it from the recommendation app.
    scoring_client.app.state.recommendations = RecommendationsClient(  # type: ignore[attr-defined]
        "http://recommendations", http=recommendations_client
    )
    observations = indicators.export_observations(year=2024)
    assert observations.decode("utf-8-sig").startswith("cluster_code,indicator_code,year,value")
    exported = scoring.export_file(2024, format="csv")
    assert exported.filename is not None
    assert exported.filename.endswith(".csv")
    assert exported.content == scoring.export(2024, format="csv")
