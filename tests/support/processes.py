"""Real processes for the tests and benchmarks: uvicorn, redis-server, streamlit on free ports, stopped for sure.

Every suite launches its processes through `Managed`; its readiness is `readiness.wait_until` with a probe
(`readiness.http_ok`, `redis.redis_ok`).
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from tests.support.paths import ROOT
from tests.support.readiness import wait_until


def stop(process: subprocess.Popen[bytes] | None, *, kill: bool = False) -> None:
    """Terminate (or kill) `process` and reap it; a process that ignores SIGTERM for 10 s is killed."""
    if process is None or process.poll() is not None:
        return
    if kill:
        process.kill()
    else:
        process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def uvicorn(module: str, port: int) -> list[str]:
    """`uvicorn module:app` on 127.0.0.1:`port`, quiet."""
    return [sys.executable, "-m", "uvicorn", f"{module}:app", "--host", "127.0.0.1", "--port", str(port),
            "--no-access-log", "--log-level", "warning"]  # fmt: skip


def streamlit(port: int, app: str = "frontend/streamlit_app.py") -> list[str]:
    """`streamlit run` of the front end on 127.0.0.1:`port`, headless, without a file watcher; ready at
    /_stcore/health."""
    return [sys.executable, "-m", "streamlit", "run", app, "--server.port", str(port), "--server.address",
            "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false", "--client.toolbarMode",
            "minimal", "--server.fileWatcherType", "none"]  # fmt: skip


@dataclass
class Managed:
    """A process that can be stopped (or killed) and started again on the same port.

    `env` is the whole environment of the process. With `quiet` its output goes to /dev/null, else to the test's.
    """

    name: str
    port: int
    command: list[str]
    env: dict[str, str]
    ready: Callable[[], bool]
    quiet: bool = True
    timeout: float = 90
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def launch(self) -> None:
        """Start the process without waiting for it (see `wait_ready`), to start several at once."""
        output = subprocess.DEVNULL if self.quiet else None
        self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env, stdout=output, stderr=output)

    def wait_ready(self, *, timeout: float | None = None) -> None:
        """Wait for the probe; if the process exits first or is not ready in time, kill it and raise."""
        try:
            wait_until(self.ready, timeout=timeout or self.timeout, what=self.name, process=self.process)
        except BaseException:
            self.stop(kill=True)
            raise

    def start(self, *, timeout: float | None = None) -> None:
        self.launch()
        self.wait_ready(timeout=timeout)

    def stop(self, *, kill: bool = False) -> None:
        stop(self.process, kill=kill)


@contextlib.contextmanager
def running(*managed: Managed | None) -> Iterator[None]:
    """Start the processes in order (each ready before the next starts); stop those started, in reverse order."""
    started: list[Managed] = []
    try:
        for process in managed:
            if process is not None:
                started.append(process)
                process.start()
        yield
    finally:
        for process in reversed(started):
            process.stop()
