"""The one wait-until-ready loop of the tests (tests/unit/test_layout.py refuses a second), and the HTTP probe."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable

import httpx


def wait_until(
    ready: Callable[[], bool],
    *,
    timeout: float,
    what: str,
    process: subprocess.Popen[bytes] | None = None,
    interval: float = 0.1,
) -> None:
    """Poll `ready` until it is true; fail at once if `process` exits first, or after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not ready():
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what} exited with code {process.returncode} before it was ready")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} was not ready within {timeout:.0f} s")
        time.sleep(interval)


def http_ok(url: str) -> Callable[[], bool]:
    """A probe for `wait_until`: GET `url` answers 200 (a refused or timed-out connection is "not yet")."""

    def ready() -> bool:
        try:
            return httpx.get(url, timeout=1).status_code == 200
        except httpx.TransportError:
            return False

    return ready
