"""Issue 16, item 4: after a 500 the server says `Connection: close`, so a pooled client's next call succeeds."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import httpx
import pytest
import uvicorn
from fastapi import APIRouter

from services.scoring.config import ScoringSettings
from shared.app import create_service_app
from tests.support.ports import free_port
from tests.support.readiness import wait_until


@pytest.fixture
def failing_server() -> Iterator[str]:
    """A real uvicorn server of a service app with one route that fails unexpectedly."""
    settings = ScoringSettings(admin_api_key="k", env="test", log_level="CRITICAL")
    app = create_service_app(title="t", description="d", settings=settings)
    router = APIRouter()

    @router.get("/boom")
    def boom() -> None:
        raise RuntimeError("unexpected")

    app.include_router(router)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="critical"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_until(lambda: server.started, timeout=10, what="the uvicorn server thread", interval=0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def test_a_500_closes_the_connection_openly_and_the_next_pooled_request_succeeds(failing_server: str) -> None:
    with httpx.Client(base_url=failing_server, timeout=5) as client:
        assert client.get("/healthz").status_code == 200
        failed = client.get("/boom")
        assert failed.status_code == 500
        assert failed.headers["connection"] == "close"
        assert failed.headers["content-type"].startswith("application/problem+json")
        assert client.get("/healthz").status_code == 200
