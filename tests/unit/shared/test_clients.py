"""ServiceClient: bounded retries of reads only, timeouts, and upstream problems mapped to domain errors."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator

import httpx
import pytest

from shared.clients import IndicatorsClient, ServiceClient
from shared.errors import InvalidInput, NotFound, TooManyRequests, UpstreamUnavailable
from shared.logging import request_id_var
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
