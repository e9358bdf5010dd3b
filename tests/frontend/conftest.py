"""The front end's tests run against the real three services, started once per session as processes."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.support.browser import CHROMIUM, playwright_api, require_chromium
from tests.support.environment import ADMIN_KEY
from tests.support.paths import APP
from tests.support.platform import Platform, running_platform
from tests.support.ports import free_port
from tests.support.processes import Managed, streamlit
from tests.support.readiness import http_ok


@pytest.fixture(scope="session")
def platform(demo_sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    """The services over a copy of the demo database; the app finds them through the environment, as in `make run`."""
    folder = tmp_path_factory.mktemp("platform")
    database = folder / "indicators.sqlite3"
    shutil.copy(demo_sqlite_template, database)
    with running_platform(f"sqlite:///{database}", admin_key=ADMIN_KEY, data_dir=folder) as running:
        saved = {name: os.environ.get(name) for name in running.app_env}
        os.environ.update(running.app_env)
        try:
            yield running
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


@pytest.fixture
def app(platform: Platform) -> AppTest:
    """The app as a newcomer opens it: signed in with the embedded admin key, on the overview."""
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


@pytest.fixture(scope="module")
def frontend(platform: Platform) -> Iterator[str]:
    """`streamlit run frontend/streamlit_app.py` on a free port, against the live services."""
    port = free_port()
    app = Managed("streamlit", port, streamlit(port), {**os.environ, **platform.app_env},
                  http_ok(f"http://127.0.0.1:{port}/_stcore/health"), quiet=False, timeout=60)  # fmt: skip
    app.start()
    try:
        yield app.url
    finally:
        app.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    require_chromium()
    assert playwright_api is not None
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"],
        )  # fmt: skip
        try:
            yield chromium
        finally:
            chromium.close()
