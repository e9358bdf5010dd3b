"""Load (issue 7): 50 concurrent clients for 60 s against cached rankings and scoring; zero errors is the target.

The indicator, scoring and recommendation services run as real uvicorn processes (one worker each) on the demo data
in a fresh SQLite database, with REDIS_URL pointing at a private redis-server and RATE_LIMIT_PER_MINUTE=0 (the
per-key limit of 600 a minute would otherwise answer most of the load with 429). The load generator is this process
(asyncio with a lean HTTP/1.1 client on asyncio streams: one keep-alive connection per client, 50 in all), separate
from the servers. Each client cycles through the four requests below in turn, starting at a different one, so every
endpoint sees the same load:

- GET  /v1/rankings?year=2024 (cached: the ranking is computed once before the run)
- POST /v1/score (API.md's A1..A3 TOPSIS example)
- POST /v1/ahp/priorities (Saaty's drinks matrix)
- GET  /healthz on the same scoring server: the baseline

Reported per endpoint: requests, errors (any status other than 200, or a transport error or timeout), throughput
(req/s) and p50/p99 latency; and the CPU each process used, since the load generator shares the machine's cores with
the servers. `python -m tests.bench.bench_load --duration 60 --clients 50` (the defaults; `make bench` runs them).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx
import numpy as np

from tests.bench.bench_rankings import demo_sqlite, platform, warm_ranking
from tests.bench.common import verdict

SCORE_BODY = {
    "alternatives": ["A1", "A2", "A3"],
    "criteria": [
        {"name": "cost", "type": "cost", "weight": 0.4},
        {"name": "quality", "type": "benefit", "weight": 0.6},
    ],
    "matrix": [[250, 7], [200, 6], [300, 9]],
    "method": "topsis",
    "normalization": "vector",
}
DRINKS_BODY = {
    "matrix": [
        [1, 9, 5, 2, 1, 1, "1/2"],
        ["1/9", 1, "1/3", "1/9", "1/9", "1/9", "1/9"],
        ["1/5", 3, 1, "1/3", "1/4", "1/3", "1/9"],
        ["1/2", 9, 3, 1, "1/2", 1, "1/3"],
        [1, 9, 4, 2, 1, 2, "1/2"],
        [1, 9, 3, 1, "1/2", 1, "1/3"],
        [2, 9, 9, 3, 2, 3, 1],
    ]
}
REQUEST_TIMEOUT_S = 30.0
# Bounds every client's loop in count as well as in time.
MAX_REQUESTS_PER_CLIENT_PER_SECOND = 2000


@dataclass(frozen=True)
class Target:
    """One request of the mix: a label for the report, the method, the absolute URL and an optional JSON body."""

    label: str
    method: str
    url: str
    body: Any = None


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)


@dataclass
class LoadResult:
    seconds: float
    tallies: dict[str, Tally]

    def summary(self) -> dict[str, dict[str, float | int | dict[str, int]]]:
        out: dict[str, dict[str, float | int | dict[str, int]]] = {}
        for label, tally in self.tallies.items():
            latencies = np.array(tally.latencies) * 1000
            done = len(tally.latencies)
            out[label] = {
                "requests": done + sum(tally.errors.values()),
                "errors": sum(tally.errors.values()),
                "throughput_rps": round(done / self.seconds, 1),
                "p50_ms": round(float(np.percentile(latencies, 50)), 2) if done else float("nan"),
                "p99_ms": round(float(np.percentile(latencies, 99)), 2) if done else float("nan"),
            }
            if tally.errors:
                out[label]["error_kinds"] = dict(tally.errors.most_common(5))
        return out

    @property
    def errors(self) -> int:
        return sum(sum(t.errors.values()) for t in self.tallies.values())

    @property
    def completed(self) -> int:
        return sum(len(t.latencies) for t in self.tallies.values())


class Connection:
    """One keep-alive HTTP/1.1 connection on asyncio streams: a lean client, so the generator's CPU goes to the load.

    httpx.AsyncClient spends a few ms of CPU per request at 50 connections, which on two cores takes as much CPU as
    the servers it measures; this one sends prepared bytes and reads a Content-Length (or chunked) response.
    """

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def _open(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        if self._reader is None or self._writer is None:
            self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
        return self._reader, self._writer

    async def close(self) -> None:
        writer, self._reader, self._writer = self._writer, None, None
        if writer is not None:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()

    async def send(self, raw_request: bytes) -> tuple[int, bytes]:
        """Send a prepared request; return the status and the body. Any failure closes the connection."""
        try:
            reader, writer = await self._open()
            writer.write(raw_request)
            await writer.drain()
            status = int((await reader.readuntil(b"\r\n")).split(b" ", 2)[1])
            headers: dict[bytes, bytes] = {}
            while (line := await reader.readuntil(b"\r\n")) != b"\r\n":
                name, _, value = line.partition(b":")
                headers[name.strip().lower()] = value.strip()
            if b"content-length" in headers:
                body = await reader.readexactly(int(headers[b"content-length"]))
            elif headers.get(b"transfer-encoding", b"").lower() == b"chunked":
                chunks = []
                for _ in range(1_000_000):
                    size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
                    chunk = await reader.readexactly(size + 2)
                    if size == 0:
                        break
                    chunks.append(chunk[:-2])
                body = b"".join(chunks)
            else:
                body = await reader.read()
                await self.close()
            if headers.get(b"connection", b"").lower() == b"close":
                await self.close()
            return status, body
        except BaseException:
            await self.close()
            raise


def prepare(target: Target, api_key: str) -> tuple[str, int, bytes]:
    """The host, the port and the request's bytes."""
    url = httpx.URL(target.url)
    host, port = url.host, url.port or 80
    path = url.raw_path.decode()
    body = b"" if target.body is None else json.dumps(target.body).encode()
    head = [f"{target.method} {path} HTTP/1.1", f"Host: {host}:{port}", f"X-API-Key: {api_key}", "Accept: */*"]
    if target.body is not None:
        head += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return host, port, ("\r\n".join(head) + "\r\n\r\n").encode() + body


async def _load(sequence: list[Target], *, clients: int, seconds: float, api_key: str) -> LoadResult:
    tallies = {target.label: Tally() for target in sequence}
    prepared = [prepare(target, api_key) for target in sequence]
    max_requests = int(MAX_REQUESTS_PER_CLIENT_PER_SECOND * seconds) + 1
    started = time.perf_counter()
    deadline = started + seconds

    async def one_client(index: int) -> None:
        # One connection per client and server: `clients` requests in flight at any time.
        connections: dict[tuple[str, int], Connection] = {}
        try:
            for n in range(max_requests):
                if time.perf_counter() >= deadline:
                    return
                position = (index + n) % len(sequence)
                tally = tallies[sequence[position].label]
                host, port, raw = prepared[position]
                connection = connections.setdefault((host, port), Connection(host, port))
                sent = time.perf_counter()
                try:
                    status, _ = await asyncio.wait_for(connection.send(raw), REQUEST_TIMEOUT_S)
                except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError) as exc:
                    tally.errors[type(exc).__name__] += 1
                    continue
                except TimeoutError:
                    tally.errors["timeout"] += 1
                    continue
                if status == 200:
                    tally.latencies.append(time.perf_counter() - sent)
                else:
                    tally.errors[f"HTTP {status}"] += 1
        finally:
            for connection in connections.values():
                await connection.close()

    await asyncio.gather(*(one_client(i) for i in range(clients)))
    return LoadResult(seconds=time.perf_counter() - started, tallies=tallies)


def run_load(sequence: list[Target], *, clients: int, seconds: float, api_key: str) -> LoadResult:
    """`clients` concurrent closed-loop clients, each cycling through `sequence` from its own offset, for `seconds`."""
    return asyncio.run(_load(sequence, clients=clients, seconds=seconds, api_key=api_key))


# CPU accounting from /proc (psutil is not a dependency of the project).
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far, from /proc/<pid>/stat; NaN when the process is gone."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    # After the command name: state is field 3, utime field 14, stime field 15 (1-based, see proc(5)).
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def machine_cpu_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of all cores since boot, from /proc/stat."""
    with open("/proc/stat") as stat:
        values = [int(v) for v in stat.readline().split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    return sum(values) - idle, sum(values)


class CpuMeter:
    """CPU used by named processes and by the whole machine between `start()` and `stop()`."""

    def __init__(self, pids: dict[str, int]) -> None:
        self.pids = pids
        self._before: dict[str, float] = {}
        self._machine_before = (0, 0)
        self._started = 0.0
        self.cores_used: dict[str, float] = {}
        self.machine_busy_share = 0.0

    def start(self) -> None:
        self._before = {name: process_cpu_seconds(pid) for name, pid in self.pids.items()}
        self._machine_before = machine_cpu_ticks()
        self._started = time.perf_counter()

    def stop(self) -> None:
        wall = time.perf_counter() - self._started
        self.cores_used = {
            name: round((process_cpu_seconds(pid) - self._before[name]) / wall, 2) for name, pid in self.pids.items()
        }
        busy, total = machine_cpu_ticks()
        busy_before, total_before = self._machine_before
        self.machine_busy_share = round((busy - busy_before) / max(1, total - total_before), 2)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load (default 60)")
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients (default 50)")
    args = parser.parse_args(argv)
    print(
        f"load: {args.clients} concurrent clients for {args.duration:g} s; servers: indicators + scoring + "
        "recommendations as uvicorn processes (one worker each), demo SQLite, REDIS_URL = private redis-server, "
        "RATE_LIMIT_PER_MINUTE=0 (rate limiting off for this benchmark); load generator: asyncio, keep-alive "
        f"HTTP/1.1 connections, in the bench process; {os.cpu_count()} cores"
    )
    with demo_sqlite() as database_url, platform(database_url, with_redis=True, recommendations=True) as running:
        key = running.new_key()
        scoring = running.scoring[0].url
        warm_ranking(scoring, key)
        sequence = [
            Target("GET /v1/rankings?year=2024 (cached)", "GET", scoring + "/v1/rankings?year=2024"),
            Target("POST /v1/score (A1..A3)", "POST", scoring + "/v1/score", SCORE_BODY),
            Target("POST /v1/ahp/priorities (drinks)", "POST", scoring + "/v1/ahp/priorities", DRINKS_BODY),
            Target("GET /healthz (baseline)", "GET", scoring + "/healthz"),
        ]
        for target in sequence:  # each answers before the clock starts
            response = httpx.request(
                target.method, target.url, json=target.body, headers={"X-API-Key": key}, timeout=60
            )
            response.raise_for_status()
        meter = CpuMeter({**running.processes(), "load generator": os.getpid()})
        meter.start()
        result = run_load(sequence, clients=args.clients, seconds=args.duration, api_key=key)
        meter.stop()
    summary = result.summary()
    print(json.dumps(summary, indent=2))
    print(
        f"total: {result.completed} requests in {result.seconds:.1f} s = {result.completed / result.seconds:.0f} req/s"
    )
    print(
        f"CPU (cores used) during the run: {json.dumps(meter.cores_used)}; machine busy {meter.machine_busy_share:.0%}"
    )
    ok = result.errors == 0 and all(len(t.latencies) > 0 for t in result.tallies.values())
    print(
        f"{verdict(ok)} zero errors under {args.clients} concurrent clients for {args.duration:g} s: "
        f"{result.errors} errors"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
