"""End to end in headless Chromium: the real app on the real services, as a newcomer uses it, with screenshots.

Screenshots of every page, in English and in Chinese, go to test-artifacts/screenshots/ (gitignored).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.bench.common import free_port
from tests.frontend.support import ROOT, Platform

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

CHROMIUM = "/usr/bin/chromium"
SHOTS = ROOT / "test-artifacts" / "screenshots"
PAGES = ("judgments", "panel", "weights", "ranking", "compare", "sensitivity", "recommendations", "data", "export")
VIEWPORT = {"width": 1440, "height": 1000}
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

playwright_api = pytest.importorskip("playwright.sync_api")


def require_chromium() -> None:
    """Debian's chromium drives the test; in CI its absence is a failure, on a laptop a skip."""
    if Path(CHROMIUM).exists():
        return
    message = f"{CHROMIUM} is missing (make test installs it through infra/scripts/system_deps.sh)"
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def frontend(platform: Platform) -> Iterator[str]:
    """`streamlit run frontend/streamlit_app.py` on a free port, against the live services."""
    port = free_port()
    command = [sys.executable, "-m", "streamlit", "run", "frontend/streamlit_app.py", "--server.port", str(port),
               "--server.headless", "true", "--browser.gatherUsageStats", "false",
               "--server.fileWatcherType", "none"]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **platform.app_env})
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(url + "/_stcore/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("streamlit did not start")
            time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    require_chromium()
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


def settle(page: object, timeout: float = 60.0) -> None:
    """Wait until the script run is over: no "running" status, no spinner, and the page has stopped changing."""
    page.wait_for_timeout(400)  # type: ignore[attr-defined]
    deadline = time.monotonic() + timeout
    busy = '[data-testid="stStatusWidget"], [data-testid="stSpinner"], [data-testid="stSkeleton"]'
    while time.monotonic() < deadline:
        if page.locator(busy).count() == 0:  # type: ignore[attr-defined]
            page.wait_for_timeout(300)  # type: ignore[attr-defined]
            if page.locator(busy).count() == 0:  # type: ignore[attr-defined]
                return
        page.wait_for_timeout(200)  # type: ignore[attr-defined]
    raise AssertionError("the app did not finish its run in time")


def go_to(page: object, slug: str) -> None:
    page.locator(f'[data-testid="stSidebarNav"] a[href$="/{slug}"]').first.click()  # type: ignore[attr-defined]
    page.wait_for_url(re.compile(f"/{slug}$"))  # type: ignore[attr-defined]
    settle(page)


def shoot(page: object, name: str) -> Path:
    """The whole page: Streamlit scrolls inside its main block, so the viewport is stretched to its height first."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    height = page.evaluate(  # type: ignore[attr-defined]
        """() => Math.max(...['[data-testid="stMainBlockContainer"]', '[data-testid="stMain"]']
            .map((s) => document.querySelector(s)).filter(Boolean).map((e) => e.scrollHeight))"""
    )
    page.set_viewport_size({"width": VIEWPORT["width"], "height": min(max(int(height) + 120, 900), 9000)})  # type: ignore[attr-defined]
    page.wait_for_timeout(700)  # type: ignore[attr-defined]
    page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
    page.set_viewport_size(VIEWPORT)  # type: ignore[attr-defined]
    return path


def no_exception_on_page(page: object) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0, page.locator(  # type: ignore[attr-defined]
        '[data-testid="stException"]'
    ).first.inner_text()


def metric_value(page: object, label: str) -> str:
    metric = page.locator('[data-testid="stMetric"]').filter(has_text=label).first  # type: ignore[attr-defined]
    return str(metric.locator('[data-testid="stMetricValue"]').inner_text())


def test_a_newcomer_runs_through_the_platform(frontend: str, browser: object) -> None:
    context = browser.new_context(viewport=VIEWPORT, locale="en-US")  # type: ignore[attr-defined]
    page = context.new_page()
    try:
        page.goto(frontend)
        settle(page)
        # Embedded mode: the local admin key is used, so the newcomer lands straight in.
        page.get_by_text("Signed in as").wait_for()
        assert page.get_by_text("synthetic").count() > 0
        no_exception_on_page(page)
        shoot(page, "home-en")

        go_to(page, "judgments")
        before = metric_value(page, "CR")
        slider = page.locator('[data-testid="stSlider"] input[type="range"]').first
        slider.focus()
        slider.press("Home")  # the first pair: the left item extremely more important (9)
        settle(page)
        after = metric_value(page, "CR")
        assert after != before, f"CR stayed at {before} after a judgment changed"
        no_exception_on_page(page)
        shoot(page, "judgments-en")

        for slug in PAGES[1:]:
            go_to(page, slug)
            no_exception_on_page(page)
            shoot(page, f"{slug}-en")
        go_to(page, "ranking")
        assert page.locator('[data-testid="stDataFrame"]').count() >= 1

        page.locator('[data-testid="stSidebar"]').get_by_text("中文", exact=True).click()
        settle(page)
        page.get_by_role("heading", name="排名").first.wait_for()
        shoot(page, "ranking-zh")
        page.locator('[data-testid="stSidebarNav"] a[href="' + frontend + '/"]').first.click()
        settle(page)
        no_exception_on_page(page)
        shoot(page, "home-zh")
        for slug in PAGES:
            go_to(page, slug)
            no_exception_on_page(page)
            shoot(page, f"{slug}-zh")
    finally:
        context.close()
