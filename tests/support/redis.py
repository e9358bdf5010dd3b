"""Redis for the tests: the shared server's URL, a private redis-server's command line, a readiness probe."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable

import redis

REDIS_TEST_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def redis_server_command(port: int) -> list[str]:
    """A private, memory-only redis-server on 127.0.0.1:`port` (run it as a `processes.Managed`)."""
    return [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]


def redis_ok(url: str) -> Callable[[], bool]:
    """A readiness probe for `readiness.wait_until`: the server at `url` answers PING."""

    def ready() -> bool:
        try:
            return bool(redis.Redis.from_url(url, socket_connect_timeout=0.5).ping())
        except redis.RedisError:
            return False

    return ready
