"""Cached GET /v1/rankings against /healthz on the same scoring server (issue 3): target median ≤ 3×.

Data: the demo data (31 clusters × 30 indicators, 2019–2024, the demo panels' profiles) in a fresh SQLite database,
the embedded default of `make run`. The indicator and scoring services run as real uvicorn processes (one worker
each, RATE_LIMIT_PER_MINUTE=0 so the limiter neither throttles nor adds its Redis round trip); the requests carry a
viewer key of their own, as another system's would. Run twice: with the in-process cache (no REDIS_URL) and with
REDIS_URL pointing at a private redis-server. The ranking is computed once before timing, so every timed request is
a cache hit; what remains per request is the key check, reading the state tokens the ranking's cache key is made of
(published by the indicator service in Redis, or in a file under STATE_DIR without Redis, as `make run` does; a
miss would ask GET /v1/state over HTTP) and the cache read. Besides the ratio, the script times that upstream
call on its own (GET /v1/state straight to the indicator service, with its /healthz), so the report says how much
of the difference to /healthz the per-request state round trip accounts for.

This module also holds the platform helpers the load and scale-out benchmarks share (demo database, processes).
"""

from __future__ import annotations

import collections
import contextlib
import functools
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse

from tests.bench.common import latency_ratio, verdict
from tests.support.ports import free_port
from tests.support.processes import Managed, uvicorn
from tests.support.processes import running as started
from tests.support.readiness import http_ok
from tests.support.redis import REDIS_SERVER, redis_ok, redis_server_command

TARGET_RATIO = 3.0
ADMIN_KEY = "bench-admin-key"
RANKING_PATH = "/v1/rankings?year=2024"


@contextlib.contextmanager
def demo_sqlite() -> Iterator[str]:
    """A fresh SQLite database with the migrations and the demo data (as `make run` makes it); yields its URL."""
    from tests.support.database import load_demo_into, migrate

    directory = Path(tempfile.mkdtemp(prefix="amc-bench-"))
    url = f"sqlite:///{directory / 'indicators.sqlite3'}"
    try:
        migrate(url)
        load_demo_into(url)
        yield url
    finally:
        shutil.rmtree(directory, ignore_errors=True)


@dataclass
class Platform:
    """The services of one benchmark as real processes on free ports."""

    indicators: Managed
    scoring: list[Managed]
    redis: Managed | None = None
    recommendations: Managed | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def redis_url(self) -> str | None:
        return None if self.redis is None else f"redis://127.0.0.1:{self.redis.port}/0"

    def processes(self) -> dict[str, int]:
        """Name → pid of every running process of the platform."""
        managed = [self.redis, self.indicators, *self.scoring, self.recommendations]
        return {m.name: m.process.pid for m in managed if m is not None and m.process is not None}

    def new_key(self, role: str = "viewer") -> str:
        response = httpx.post(
            self.indicators.url + "/v1/api-keys",
            json={"name": f"bench {role}", "role": role},
            headers={"X-API-Key": ADMIN_KEY},
            timeout=30,
        )
        response.raise_for_status()
        key: str = response.json()["key"]
        return key


@contextlib.contextmanager
def platform(
    database_url: str, *, with_redis: bool, scoring_processes: int = 1, recommendations: bool = False
) -> Iterator[Platform]:
    """Start (private redis-server,) the indicator service, N scoring services (and recommendations); stop them all."""
    env = {
        **os.environ,
        "ADMIN_API_KEY": ADMIN_KEY,
        "ENV": "test",
        "LOG_LEVEL": "WARNING",
        "RATE_LIMIT_PER_MINUTE": "0",  # load benchmarks: the per-key limit (600/min) would turn them into 429s
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("REDIS_URL", None)
    # Without Redis, as `make run` does: the processes share a directory where the indicator service publishes its
    # state tokens (with Redis, they are published there instead).
    env["STATE_DIR"] = tempfile.mkdtemp(prefix="amc-bench-state-")
    redis_process = None
    if with_redis:
        if not os.path.exists(REDIS_SERVER):
            raise RuntimeError(f"redis-server not found at {REDIS_SERVER}")
        port = free_port()
        url = f"redis://127.0.0.1:{port}/0"
        redis_process = Managed(
            "redis-server",
            port,
            redis_server_command(port),
            env,
            redis_ok(url),
        )
        env["REDIS_URL"] = url
    indicators_port = free_port()
    indicators_url = f"http://127.0.0.1:{indicators_port}"
    indicators = Managed(
        "indicators",
        indicators_port,
        uvicorn("services.indicators.main", indicators_port),
        {**env, "DATABASE_URL": database_url},
        http_ok(indicators_url + "/readyz"),
    )
    env["INDICATORS_URL"] = indicators_url
    scoring = []
    for n in range(scoring_processes):
        port = free_port()
        name = "scoring" if scoring_processes == 1 else f"scoring-{'ABCDEFGH'[n]}"
        scoring.append(
            Managed(name, port, uvicorn("services.scoring.main", port), env, http_ok(f"http://127.0.0.1:{port}/readyz"))
        )
    env["SCORING_URL"] = scoring[0].url
    recommendations_process = None
    if recommendations:
        port = free_port()
        recommendations_process = Managed(
            "recommendations",
            port,
            uvicorn("services.recommendations.main", port),
            env,
            http_ok(f"http://127.0.0.1:{port}/healthz"),
        )
    running = Platform(indicators=indicators, scoring=scoring, redis=redis_process)
    running.recommendations = recommendations_process
    with started(redis_process, indicators, *scoring, recommendations_process):
        yield running


def warm_ranking(base_url: str, key: str) -> int:
    """Compute the ranking once (a miss), so that what follows is cached; returns the body's size."""
    response = httpx.get(base_url + RANKING_PATH, headers={"X-API-Key": key}, timeout=60)
    response.raise_for_status()
    return len(response.content)


def profiled_scoring_app() -> FastAPI:
    """The scoring app with timers around the steps of a cached ranking request (uvicorn --factory; diagnosis only).

    Times, inside the process: the whole request as the ASGI app sees it (routing, the key check, the thread-pool
    hops, the response), the ranking lookup (`ranking_bytes`), within it the uncached GET /v1/state to the indicator
    service (HTTP round trip and validation) and the cache read. GET /bench-profile returns the medians in ms.
    """
    import shared.cache
    import shared.clients
    from services.scoring.main import create_app
    from services.scoring.rankings import service

    timings: dict[str, list[float]] = collections.defaultdict(list)

    def timed(owner: Any, name: str, label: str) -> None:
        original = getattr(owner, name)

        @functools.wraps(original)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                timings[label].append(time.perf_counter() - started)

        setattr(owner, name, wrapper)

    timed(service, "ranking_bytes", "ranking_bytes (state call + key + cache read)")
    timed(shared.clients.IndicatorsClient, "state", "GET /v1/state to indicators (round trip + validation)")
    timed(shared.cache.MemoryCache, "get", "in-process LRU read (key memo; the cache without Redis)")
    timed(shared.cache.RedisCache, "get", "cache read (redis)")
    app = create_app()

    @app.middleware("http")
    async def whole_request(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        started = time.perf_counter()
        response = await call_next(request)
        if request.url.path != "/bench-profile":
            timings[f"in-app {request.url.path}"].append(time.perf_counter() - started)
        return response

    @app.get("/bench-profile", include_in_schema=False)
    def bench_profile() -> JSONResponse:
        medians = {k: round(statistics.median(v) * 1000, 3) for k, v in timings.items() if v}
        timings.clear()
        return JSONResponse(medians)

    return app


def breakdown(running: Platform, key: str, n: int = 200) -> dict[str, float]:
    """Medians (ms) of the steps of a cached ranking in an instrumented scoring process next to the measured one."""
    reference = running.scoring[0]
    port = free_port()
    command = [arg.replace(":app", ":profiled_scoring_app") for arg in uvicorn("tests.bench.bench_rankings", port)]
    command.append("--factory")
    profiled = Managed(
        "scoring (instrumented)", port, command, reference.env, http_ok(f"http://127.0.0.1:{port}/healthz")
    )
    profiled.start()
    try:
        with httpx.Client(base_url=profiled.url, headers={"X-API-Key": key}, timeout=30) as client:
            warm_ranking(profiled.url, key)
            client.get("/bench-profile").raise_for_status()  # forget the warm-up
            client_side: dict[str, list[float]] = {RANKING_PATH: [], "/healthz": []}
            for _ in range(n):
                for path, samples in client_side.items():
                    started = time.perf_counter()
                    client.get(path).raise_for_status()
                    samples.append(time.perf_counter() - started)
            medians: dict[str, float] = client.get("/bench-profile").json()
    finally:
        profiled.stop()
    for path, samples in client_side.items():
        medians[f"client-observed {path}"] = round(statistics.median(samples) * 1000, 3)
    return medians


def measure(with_redis: bool, database_url: str) -> dict[str, Any]:
    with platform(database_url, with_redis=with_redis) as running:
        key = running.new_key()
        scoring = running.scoring[0]
        size = warm_ranking(scoring.url, key)
        with httpx.Client(base_url=scoring.url, headers={"X-API-Key": key}, timeout=30) as client:
            ranking_s, health_s = latency_ratio(client, RANKING_PATH)
        with httpx.Client(base_url=running.indicators.url, headers={"X-API-Key": key}, timeout=30) as client:
            state_s, indicators_health_s = latency_ratio(client, "/v1/state")
        steps = breakdown(running, key)
    extra = ranking_s - health_s
    return {
        "cache": "redis (private redis-server)" if with_redis else "in-process, state file in STATE_DIR",
        "ranking_body_bytes": size,
        "rankings_median_ms": round(ranking_s * 1000, 3),
        "healthz_median_ms": round(health_s * 1000, 3),
        "ratio": round(ranking_s / health_s, 2),
        "indicators_state_median_ms": round(state_s * 1000, 3),
        "indicators_healthz_median_ms": round(indicators_health_s * 1000, 3),
        "rankings_minus_healthz_ms": round(extra * 1000, 3),
        "state_round_trip_share_of_that": round(state_s / extra, 2) if extra > 0 else 0.0,
        "instrumented_process_medians_ms": steps,
    }


def main() -> int:
    print("data: demo SQLite (31 clusters × 30 indicators); processes: indicators + scoring, one uvicorn worker each;")
    print("RATE_LIMIT_PER_MINUTE=0 in the services' environment; requests with a viewer key; 300 interleaved pairs")
    ok = True
    with demo_sqlite() as database_url:
        for with_redis in (False, True):
            figures = measure(with_redis, database_url)
            print(json.dumps(figures, indent=2))
            passed = float(figures["ratio"]) <= TARGET_RATIO
            ok = ok and passed
            print(
                f"{verdict(passed)} cached GET /v1/rankings ({figures['cache']} cache) ≤ {TARGET_RATIO:g}× /healthz: "
                f"{figures['rankings_median_ms']} ms / {figures['healthz_median_ms']} ms = {figures['ratio']}×"
            )
            if not passed:
                print(
                    f"  where the time goes: each cached ranking still makes one uncached GET /v1/state to the "
                    f"indicator service ({figures['indicators_state_median_ms']} ms measured directly against "
                    f"{figures['indicators_healthz_median_ms']} ms for its /healthz), i.e. about "
                    f"{float(figures['state_round_trip_share_of_that']):.0%} of the "
                    f"{figures['rankings_minus_healthz_ms']} ms the ranking takes beyond /healthz"
                )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
