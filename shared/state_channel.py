"""The indicator service's state tokens published in Redis, so other services need no HTTP call to learn them.

The indicator service publishes its current state after every commit that changes it (and whenever it answers
GET /v1/state); each state carries a generation that only grows, and a publication never replaces a newer one
(compare-and-set in Redis), so replicas racing each other cannot put an older state back. Readers fall back to
GET /v1/state when the key is missing or Redis fails. Entries expire after `ttl_seconds`, which bounds how long a
state could outlive a write whose publication failed (Redis down at that very moment).
"""

from __future__ import annotations

import logging
import time

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


class StateChannel:
    """Publish and read the state; every Redis error is a warning and a miss (the caller asks over HTTP)."""

    def __init__(self, url: str, *, ttl_seconds: float = 30.0, socket_timeout: float = 0.5) -> None:
        self._redis = redis.Redis.from_url(url, socket_timeout=socket_timeout, socket_connect_timeout=socket_timeout)
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

    def read(self, instance_id: str) -> bytes | None:
        try:
            body = self._redis.hget(state_key(instance_id), "body")
        except redis.RedisError as exc:
            self._warn("read", exc)
            return None
        return body if isinstance(body, bytes) else None

    def close(self) -> None:
        self._redis.close()
