"""The Recommendations page's plan and the year's portfolio in headless Chromium, in English and in Chinese, with
screenshots (test-artifacts/screenshots/recommendations-plan-*.png)."""

from __future__ import annotations

import pytest

from tests.support import browser as chromium

pytestmark = [pytest.mark.browser, pytest.mark.e2e]


def test_a_plan_on_the_recommendations_page_in_english_and_chinese(frontend: str, browser: object) -> None:
    context = browser.new_context(viewport=chromium.VIEWPORT, locale="en-US")  # type: ignore[attr-defined]
    page = context.new_page()
    try:
        page.goto(frontend)
        chromium.settle(page)
        chromium.go_to(page, "recommendations")
        chromium.choose(page, "Cluster", "(FS-HOME)")
        page.get_by_role("heading", name="What it takes").wait_for(timeout=60_000)
        # The grid draws on a canvas; its header cells stay in the page, hidden, for assistive technology.
        page.locator("th", has_text="From → to").first.wait_for(state="attached", timeout=60_000)
        chromium.no_exception_on_page(page)
        assert page.locator('[data-testid="stAlertContentError"]').count() == 0
        assert chromium.charts_drawn(page) >= 3  # criterion scores, gaps, the plan's before/after radar
        assert chromium.metric_value(page, "With the plan").startswith("rank ")
        page.get_by_role("heading", name="All clusters of 2024: what recurs").wait_for(timeout=60_000)
        chromium.shoot(page, "recommendations-plan-en")

        page.locator('[data-testid="stButtonGroup"] button').filter(has_text="Rank K or better").first.click()
        chromium.settle(page)
        field = page.get_by_label("Rank to reach (K)")
        field.fill("1")
        field.press("Enter")
        chromium.settle(page)
        page.get_by_text("Not reachable.").first.wait_for(timeout=60_000)
        chromium.no_exception_on_page(page)
        chromium.shoot(page, "recommendations-plan-unreachable-en")

        page.locator('[data-testid="stButtonGroup"] button').filter(has_text="Next tier").first.click()
        chromium.settle(page)
        page.locator('[data-testid="stSidebar"]').get_by_text("中文", exact=True).click()
        chromium.settle(page)
        page.get_by_role("heading", name="达成目标需要做什么").wait_for(timeout=60_000)
        # The grid draws on a canvas; its header cells stay in the page, hidden, for assistive technology.
        page.locator("th", has_text="从 → 到").first.wait_for(state="attached", timeout=60_000)
        chromium.no_exception_on_page(page)
        assert page.locator('[data-testid="stAlertContentError"]').count() == 0
        assert chromium.charts_drawn(page) >= 3
        assert chromium.metric_value(page, "实施方案后").startswith("第")
        assert chromium.english_gone(page) == []
        page.get_by_role("heading", name="2024年全部集群：反复出现的对策").wait_for(timeout=60_000)
        assert chromium.charts_drawn(page) >= 4  # and the portfolio's paths
        chromium.shoot(page, "recommendations-plan-zh")
    finally:
        context.close()
