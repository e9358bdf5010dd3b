"""Helpers of the benchmarks alone: medians, latency ratios, verdicts, a scratch database, a service on a free port.

What the benchmarks share with the tests (processes, readiness, ports, PostgreSQL) is in tests/support.
"""

from __future__ import annotations

import contextlib
import os
import statistics
import time
from collections.abc import Callable, Iterator

import httpx

from tests.support.ports import free_port
from tests.support.postgres import scratch_database
from tests.support.processes import Managed, uvicorn
from tests.support.readiness import http_ok


def median_seconds(run: Callable[[], object], *, repeats: int, setup: Callable[[], object] | None = None) -> float:
    times = []
    for _ in range(repeats):
        if setup is not None:
            setup()
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def scratch_postgres() -> contextlib.AbstractContextManager[str]:
    """A database made for one benchmark and dropped after it; yields its SQLAlchemy URL."""
    return scratch_database("amc_bench")


@contextlib.contextmanager
def running_service(module: str, env: dict[str, str]) -> Iterator[str]:
    """Start `uvicorn module:app` on a free port and yield its base URL; stop it afterwards."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    service = Managed(module, port, uvicorn(module, port), {**os.environ, "LOG_LEVEL": "WARNING", **env},
                      http_ok(url + "/healthz"), quiet=False, timeout=60)  # fmt: skip
    service.start()
    try:
        yield url
    finally:
        service.stop()


def latency_ratio(client: httpx.Client, path: str, baseline: str = "/healthz", n: int = 300) -> tuple[float, float]:
    """Median latency of `path` and of `baseline` on the same server, interleaved so both see the same load."""
    for _ in range(20):
        client.get(path).raise_for_status()
        client.get(baseline).raise_for_status()
    timed: dict[str, list[float]] = {path: [], baseline: []}
    for _ in range(n):
        for target in (path, baseline):
            started = time.perf_counter()
            client.get(target).raise_for_status()
            timed[target].append(time.perf_counter() - started)
    return statistics.median(timed[path]), statistics.median(timed[baseline])


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"
