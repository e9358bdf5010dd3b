"""Driving the real app in headless Chromium (Debian's chromium through playwright): waiting for a script run to end,
picking options, reading metrics, checking a Chinese page for English left over, and screenshots.

Screenshots go to test-artifacts/screenshots/ (gitignored); every browser suite imports these from here.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from tests.support.environment import IN_CI
from tests.support.paths import ROOT

CHROMIUM = "/usr/bin/chromium"
SHOTS = ROOT / "test-artifacts" / "screenshots"
PAGES = ("judgments", "panel", "weights", "ranking", "compare", "sensitivity", "uncertainty", "recommendations", "data",
         "export")  # fmt: skip
VIEWPORT = {"width": 1440, "height": 1000}

try:
    from playwright import sync_api as playwright_api
except ImportError:  # pragma: no cover - the dev dependencies hold playwright
    playwright_api = None


def require_chromium() -> None:
    """Playwright and Debian's chromium drive the test; in CI their absence is a failure, on a laptop a skip."""
    problem = None
    if playwright_api is None:
        problem = "the playwright package is missing (uv sync installs the dev dependencies)"
    elif not Path(CHROMIUM).exists():
        problem = f"{CHROMIUM} is missing (make test installs it through infra/scripts/system_deps.sh)"
    if problem is None:
        return
    if IN_CI:
        pytest.fail(problem)
    pytest.skip(problem)


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


def choose(page: object, label: str, option: str) -> None:
    """Pick `option` in the selectbox labelled `label`."""
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text=label).first  # type: ignore[attr-defined]
    wanted = page.locator('[role="option"]').filter(has_text=option).first  # type: ignore[attr-defined]
    for _ in range(3):
        box.click()
        try:
            wanted.wait_for(timeout=5000)
            break
        except playwright_api.TimeoutError:
            page.keyboard.press("Escape")  # type: ignore[attr-defined]
    wanted.click()
    settle(page)


def view(page: object, name: str) -> None:
    """Open one view of a page's view switch."""
    page.get_by_role("radio", name=name, exact=True).click()  # type: ignore[attr-defined]
    settle(page)


def english_left(page: object) -> list[str]:
    """English UI texts on a page that should be all Chinese (data the services hold in English aside)."""
    from frontend.i18n import STRINGS

    english = {en.split("{")[0].strip() for en, zh in STRINGS.values() if en != zh}
    shown = page.locator('[data-testid="stMain"]').inner_text()  # type: ignore[attr-defined]
    shown += page.locator('[data-testid="stSidebar"]').inner_text()  # type: ignore[attr-defined]
    return sorted(text for text in english if len(text) >= 12 and text in shown)


def charts_drawn(page: object) -> int:
    """Plotly charts that have drawn their plot area (not just their container)."""
    return int(page.locator('[data-testid="stPlotlyChart"] .main-svg').count())  # type: ignore[attr-defined]


def english_gone(page: object, timeout: float = 60.0) -> list[str]:
    """`english_left` once the page has redrawn in Chinese: a rerun may still show the elements of the run before it
    for a while after its first Chinese heading, so this waits (at most `timeout`) until no English is left."""
    deadline = time.monotonic() + timeout
    left = english_left(page)
    while left and time.monotonic() < deadline:
        page.wait_for_timeout(500)  # type: ignore[attr-defined]
        left = english_left(page)
    return left
