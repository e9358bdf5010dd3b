"""The indicator service's state tokens published where other services can read them without an HTTP call.

In Redis when REDIS_URL is set (on the process's one client, see shared.cache); on one machine without Redis (the
embedded `make run`), in a file under STATE_DIR that every process of the platform shares.

The indicator service publishes its current state after every commit that changes it (and whenever it answers
GET /v1/state); each state carries a generation that only grows, and a publication never replaces a newer one
(compare-and-set in Redis), so replicas racing each other cannot put an older state back. Readers fall back to
GET /v1/state when the key is missing or Redis fails. A publication that fails (Redis out of memory, refusing
writes) withdraws the published copy, so readers ask over HTTP at once rather than keep reading an older state;
entries also expire after `ttl_seconds`, which bounds how long a state could outlive a write whose publication
and withdrawal both failed (Redis unreachable at that very moment, and so unreadable to the readers too).
"""

from __future__ import annotations

import fcntl
import logging
import os
import tempfile
import time
from pathlib import Path
from typing import Protocol

import redis

log = logging.getLogger(__name__)

_PUBLISH = """
local current = redis.call('HGET', KEYS[1], 'generation')
if current and tonumber(current) > tonumber(ARGV[1]) then
  return 0
end
redis.call('HSET', KEYS[1], 'generation', ARGV[1], 'body', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
"""


def state_key(instance_id: str) -> str:
    return f"indicators:state:v1:{instance_id}"


class StateChannel(Protocol):
    """Where the state is published and read; a failure is a warning and a miss (the reader asks over HTTP)."""

    def publish(self, instance_id: str, generation: int, body: bytes) -> None: ...

    def read(self, instance_id: str) -> bytes | None: ...


class RedisStateChannel:
    """The state in a Redis hash, replaced by a compare-and-set script on the generation; on the process's client."""

    def __init__(self, client: redis.Redis, *, ttl_seconds: float = 30.0) -> None:
        self._redis = client
        self._publish = self._redis.register_script(_PUBLISH)
        self._ttl_ms = int(ttl_seconds * 1000)
        self._warned_at = 0.0

    def _warn(self, action: str, exc: Exception) -> None:
        now = time.monotonic()
        if now - self._warned_at > 30:
            self._warned_at = now
            log.warning("state channel %s failed, falling back to HTTP: %s", action, exc)

    def publish(self, instance_id: str, generation: int, body: bytes) -> None:
        try:
            self._publish(keys=[state_key(instance_id)], args=[generation, body, self._ttl_ms])
        except redis.RedisError as exc:
            self._warn("publish", exc)
            self._withdraw(instance_id)

    def _withdraw(self, instance_id: str) -> None:
        """Deletes the published state; DEL frees memory, so Redis at `maxmemory` still accepts it."""
        try:
            self._redis.delete(state_key(instance_id))
        except redis.RedisError as exc:
            self._warn("withdraw", exc)

    def read(self, instance_id: str) -> bytes | None:
        try:
            body = self._redis.hget(state_key(instance_id), "body")
        except redis.RedisError as exc:
            self._warn("read", exc)
            return None
        return body if isinstance(body, bytes) else None


class FileStateChannel:
    """The state in a file per database under a directory the processes share, replaced under a file lock.

    A file older than the time to live counts as missing, like an expired Redis key.
    """

    def __init__(self, directory: Path, *, ttl_seconds: float = 30.0) -> None:
        self._directory = directory
        self._ttl = ttl_seconds
        self._warned_at = 0.0

    def _path(self, instance_id: str) -> Path:
        return self._directory / f"state-{instance_id}.json"

    def _warn(self, action: str, exc: Exception) -> None:
        now = time.monotonic()
        if now - self._warned_at > 30:
            self._warned_at = now
            log.warning("state file %s failed, falling back to HTTP: %s", action, exc)

    def publish(self, instance_id: str, generation: int, body: bytes) -> None:
        path = self._path(instance_id)
        try:
            self._directory.mkdir(parents=True, exist_ok=True)
            with open(self._directory / "state.lock", "a") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                current = _generation_of(path)
                if current is not None and current > generation:
                    return
                handle, temporary = tempfile.mkstemp(dir=self._directory, prefix=".state-")
                with os.fdopen(handle, "wb") as out:
                    out.write(f"{generation}\n".encode() + body)
                os.replace(temporary, path)
        except OSError as exc:
            self._warn("publish", exc)
            path.unlink(missing_ok=True)

    def read(self, instance_id: str) -> bytes | None:
        path = self._path(instance_id)
        try:
            if time.time() - path.stat().st_mtime > self._ttl:
                return None
            content = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            self._warn("read", exc)
            return None
        _, _, body = content.partition(b"\n")
        return body or None


def _generation_of(path: Path) -> int | None:
    try:
        with open(path, "rb") as existing:
            return int(existing.readline())
    except (FileNotFoundError, ValueError):
        return None


def make_state_channel(client: redis.Redis | None, state_dir: Path | None) -> StateChannel | None:
    """On the process's Redis client when there is one, else a shared directory when one is set, else none (readers
    ask over HTTP). A channel owns nothing to close: the client is the lifespan's."""
    if client is not None:
        return RedisStateChannel(client)
    if state_dir is not None:
        return FileStateChannel(state_dir)
    return None
