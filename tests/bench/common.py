"""Helpers shared by the benchmarks: medians, a scratch PostgreSQL database, a service on a free port."""

from __future__ import annotations

import contextlib
import os
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import psycopg

ROOT = Path(__file__).resolve().parents[2]
PG_ADMIN_DSN = os.environ.get("TEST_PG_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")


def median_seconds(run: Callable[[], object], *, repeats: int, setup: Callable[[], object] | None = None) -> float:
    times = []
    for _ in range(repeats):
        if setup is not None:
            setup()
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


@contextlib.contextmanager
def scratch_postgres() -> Iterator[str]:
    """A database made for one benchmark and dropped after it; yields its SQLAlchemy URL."""
    name = f"amc_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def running_service(module: str, env: dict[str, str]) -> Iterator[str]:
    """Start `uvicorn module:app` on a free port and yield its base URL; stop it afterwards."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", f"{module}:app", "--port", str(port), "--no-access-log", "--log-level",
         "warning"],
        cwd=ROOT,
        env={**os.environ, "LOG_LEVEL": "WARNING", **env},
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(f"{module} did not start")
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


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
