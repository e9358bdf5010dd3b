"""The compose file, checked by parsing (there is no Docker engine on the test machines)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[3]


def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return data


def test_all_services_are_there_with_their_ports() -> None:
    services = compose()["services"]
    assert set(services) == {"postgres", "redis", "indicators", "scoring", "recommendations", "frontend"}
    ports = {name: services[name]["ports"][0] for name in ("indicators", "scoring", "recommendations", "frontend")}
    assert ports == {
        "indicators": "8001:8001",
        "scoring": "8002:8002",
        "recommendations": "8003:8003",
        "frontend": "8501:8501",
    }


def test_every_service_has_a_health_check_and_waits_for_healthy_dependencies() -> None:
    services = compose()["services"]
    for name, service in services.items():
        assert "healthcheck" in service, name
        for condition in service.get("depends_on", {}).values():
            assert condition == {"condition": "service_healthy"}, name
    assert set(services["indicators"]["depends_on"]) == {"postgres", "redis"}


def test_indicators_migrates_before_it_starts() -> None:
    command = compose()["services"]["indicators"]["command"]
    assert command.index("services.indicators.prestart") < command.index("uvicorn")


def test_images_and_dockerfile_exist() -> None:
    services = compose()["services"]
    assert services["postgres"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")
    for name in ("indicators", "scoring", "recommendations", "frontend"):
        assert services[name]["build"]["dockerfile"] == "infra/docker/Dockerfile"
        assert (ROOT / services[name]["build"]["dockerfile"]).exists()
        assert services[name]["environment"]["DATABASE_URL"].startswith("postgresql+psycopg://")
        assert services[name]["environment"]["ENV"] == "production"
