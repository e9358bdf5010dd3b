"""ServiceClient: bounded retries of reads only, timeouts, and upstream problems mapped to domain errors."""

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

from shared.auth import Role
from shared.cache import MemoryCache
from shared.clients import IndicatorsClient, RemoteKeyResolver, ServiceClient
from shared.errors import InvalidInput, NotFound, TooManyRequests, UpstreamUnavailable
from shared.logging import caller_key_var, request_id_middleware, request_id_var
from shared.problems import PROBLEM_MEDIA_TYPE

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
        assert (principal.key_id, principal.role) == (7, Role.viewer)
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
