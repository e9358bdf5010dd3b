"""The three services as real processes on free ports, wired to each other: what the front end's tests talk to."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.support.ports import free_port
from tests.support.processes import Managed, uvicorn
from tests.support.readiness import http_ok

SERVICES = ("indicators", "scoring", "recommendations")


@dataclass(frozen=True)
class Platform:
    """The running services' base URLs and the key that is their admin."""

    indicators: str
    scoring: str
    recommendations: str
    admin_key: str

    @property
    def app_env(self) -> dict[str, str]:
        """What the front end reads: where the services are, and the embedded-mode admin key."""
        return {
            "INDICATORS_URL": self.indicators,
            "SCORING_URL": self.scoring,
            "RECOMMENDATIONS_URL": self.recommendations,
            "ADMIN_API_KEY": self.admin_key,
            "AMC_EMBEDDED": "true",
        }

    def client(self, service: str, key: str | None = None) -> httpx.Client:
        return httpx.Client(base_url=getattr(self, service), headers={"X-API-Key": key or self.admin_key}, timeout=60)

    def offers(self, service: str, method: str, path: str) -> bool:
        """Whether the service's OpenAPI document has this operation (some endpoints are still being added)."""
        document = httpx.get(getattr(self, service) + "/openapi.json", timeout=10).json()
        return method.lower() in document.get("paths", {}).get(path, {})

    def new_key(self, name: str, role: str) -> tuple[int, str]:
        with self.client("indicators") as client:
            created = client.post("/v1/api-keys", json={"name": name, "role": role})
            created.raise_for_status()
            return int(created.json()["id"]), str(created.json()["key"])


@contextlib.contextmanager
def running_platform(database_url: str, *, admin_key: str, data_dir: Path) -> Iterator[Platform]:
    """Start the three services over `database_url` (ports chosen first, so each knows the others); stop them after."""
    ports = {name: free_port() for name in SERVICES}
    urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "ADMIN_API_KEY": admin_key,
        "ENV": "test",
        "DATA_DIR": str(data_dir),
        "RATE_LIMIT_PER_MINUTE": "0",
        "LOG_LEVEL": "WARNING",
        "LOG_FORMAT": "text",
        **{f"{name.upper()}_URL": url for name, url in urls.items()},
    }
    services = {
        name: Managed(name, ports[name], uvicorn(f"services.{name}.main", ports[name]), env,
                      http_ok(urls[name] + "/healthz"), quiet=False)
        for name in SERVICES
    }  # fmt: skip
    try:
        # The indicator service first: the other two read it as they start (and start side by side).
        for batch in (SERVICES[:1], SERVICES[1:]):
            for name in batch:
                services[name].launch()
            for name in batch:
                services[name].wait_ready()
        yield Platform(urls["indicators"], urls["scoring"], urls["recommendations"], admin_key)
    finally:
        for managed in services.values():
            managed.stop()
