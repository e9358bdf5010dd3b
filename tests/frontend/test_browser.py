"""End to end in headless Chromium: the real app on the real services, as a newcomer uses it, with screenshots.

Screenshots of every page, in English and in Chinese, go to test-artifacts/screenshots/ (gitignored).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support.browser import (
    PAGES,
    SHOTS,
    VIEWPORT,
    charts_drawn,
    choose,
    english_gone,
    go_to,
    metric_value,
    no_exception_on_page,
    settle,
    shoot,
    view,
)
from tests.support.platform import Platform

pytestmark = [pytest.mark.browser, pytest.mark.e2e]


def test_a_newcomer_runs_a_panel_round_in_the_browser(frontend: str, browser: object) -> None:
    context = browser.new_context(viewport=VIEWPORT, locale="en-US")  # type: ignore[attr-defined]
    page = context.new_page()
    try:
        page.goto(frontend)
        settle(page)
        # Embedded mode: the local admin key is used, so the newcomer lands straight in.
        page.get_by_text("Signed in as").wait_for()
        page.get_by_text("The demo data is synthetic").first.wait_for()
        no_exception_on_page(page)
        shoot(page, "home-en")

        # Three experts of the basic panel each change a judgment on the goal and save it.
        go_to(page, "judgments")
        for number, expert in enumerate(("Expert A (basic panel) (BASIC-E1)", "Expert B (basic panel) (BASIC-E2)",
                                         "Expert C (basic panel) (BASIC-E3)")):  # fmt: skip
            if number:
                choose(page, "Expert", expert)
            before = metric_value(page, "CR")
            shown = pair_states(page)["pair_0_1"][1]
            click_strength(page, "pair_0_1", 3 if shown != 3 else 4)  # one click on a point of Saaty's scale
            after = metric_value(page, "CR")
            assert after != before, f"CR stayed at {before} after {expert} changed a judgment"
            if number == 0:
                shoot(page, "judgments-en")
            page.get_by_role("button", name="Save judgments").first.click()
            settle(page)
            page.get_by_text("Saved (version").first.wait_for()
            no_exception_on_page(page)

        go_to(page, "panel")
        page.get_by_text("Furthest from the group").first.wait_for(timeout=60_000)
        assert page.get_by_text("Furthest from the group").count() == 1
        shoot(page, "panel-en")
        view(page, "All nodes")
        shoot(page, "panel-all-nodes-en")
        view(page, "Publish a profile")
        page.get_by_label("Name of the new profile").fill("Basic panel, browser round")
        if page.get_by_text("publishing is refused unless you give a reason").count():
            page.get_by_role("textbox", name="Publish despite gaps, because").fill("A browser round of the demo")
        page.get_by_role("button", name="Publish", exact=True).click()
        settle(page)
        page.get_by_text("as profile #").wait_for()
        shoot(page, "panel-published-en")

        go_to(page, "weights")
        shoot(page, "weights-en")
        view(page, "Tune")
        slider = page.locator('[data-testid="stSlider"] input[type="range"]').first
        slider.focus()
        for _ in range(40):
            slider.press("ArrowRight")
        settle(page)
        # The tuned ranking is drawn against the profile's once the run with the last weights is over.
        page.locator('[data-testid="stPlotlyChart"]').nth(1).wait_for(timeout=60_000)
        settle(page)
        no_exception_on_page(page)
        shoot(page, "weights-tuned-en")
        view(page, "Objective and combined")
        page.get_by_text("Ranking 2024 with the combined weights").wait_for(timeout=60_000)
        no_exception_on_page(page)
        assert page.locator('[data-testid="stAlertContentError"]').count() == 0
        shoot(page, "weights-objective-en")

        go_to(page, "ranking")
        page.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=60_000)
        shoot(page, "ranking-en")
        view(page, "Method comparison")
        no_exception_on_page(page)
        shoot(page, "ranking-methods-en")

        for slug in ("compare", "sensitivity", "uncertainty", "recommendations", "data", "export"):
            go_to(page, slug)
            no_exception_on_page(page)
            assert page.locator('[data-testid="stAlertContentError"]').count() == 0, slug
            shoot(page, f"{slug}-en")
        page.get_by_role("button", name=re.compile("Download (CSV|XLSX|PDF)")).nth(2).wait_for(timeout=60_000)
        assert page.get_by_role("button", name=re.compile("Download (CSV|XLSX|PDF)")).count() == 3

        page.locator('[data-testid="stSidebar"]').get_by_text("中文", exact=True).click()
        settle(page)
        page.get_by_role("heading", name="导出").first.wait_for()
        for slug in ("", *PAGES):
            if slug:
                go_to(page, slug)
            else:
                page.locator('[data-testid="stSidebarNav"] a').first.click()
                settle(page)
            no_exception_on_page(page)
            assert english_gone(page) == [], slug or "home"
            shoot(page, f"{slug or 'home'}-zh")
    finally:
        context.close()


def test_the_uncertainty_page_in_english_and_chinese(frontend: str, browser: object) -> None:
    context = browser.new_context(viewport=VIEWPORT, locale="en-US")  # type: ignore[attr-defined]
    page = context.new_page()
    try:
        page.goto(frontend)
        settle(page)
        go_to(page, "uncertainty")
        page.get_by_role("heading", name="Rank intervals").wait_for(timeout=60_000)
        for source in ("Panel of experts", "Imputation", "Method"):
            page.locator('[data-testid="stCheckbox"]').filter(has_text=source).first.click()
            settle(page)
        page.get_by_text("What the numbers rest on").wait_for(timeout=60_000)
        no_exception_on_page(page)
        assert page.locator('[data-testid="stAlertContentError"]').count() == 0
        assert charts_drawn(page) >= 2  # the rank intervals and the indices, drawn
        shoot(page, "uncertainty-all-sources-en")

        page.locator('[data-testid="stSidebar"]').get_by_text("中文", exact=True).click()
        settle(page)
        page.get_by_role("heading", name="排名区间").wait_for(timeout=60_000)
        no_exception_on_page(page)
        # The choices made in English are shown again in Chinese, not left in the labels they were picked in.
        assert "逼近理想解法" in page.get_by_role("combobox", name="方法", exact=True).input_value()
        assert page.get_by_role("combobox", name="类型", exact=True).input_value() == "全部类型"
        assert page.locator('[data-testid="stAlertContentError"]').count() == 0
        assert charts_drawn(page) >= 2
        assert english_gone(page) == []
        shoot(page, "uncertainty-all-sources-zh")
    finally:
        context.close()


def test_the_audit_page_in_english_and_chinese(frontend: str, browser: object) -> None:
    context = browser.new_context(viewport=VIEWPORT, locale="en-US")  # type: ignore[attr-defined]
    page = context.new_page()
    try:
        page.goto(frontend)
        settle(page)
        go_to(page, "audit")
        page.get_by_role("heading", name="Values present, cluster by indicator").wait_for(timeout=60_000)
        for name, slug in (("Coverage", "coverage"), ("Outliers", "outliers"), ("Coherence", "coherence")):
            view(page, name)
            no_exception_on_page(page)
            assert page.locator('[data-testid="stAlertContentError"]').count() == 0
            assert charts_drawn(page) >= 1
            shoot(page, f"audit-{slug}-en")

        page.locator('[data-testid="stSidebar"]').get_by_text("中文", exact=True).click()
        settle(page)
        page.get_by_role("heading", name="统计审核").first.wait_for(timeout=60_000)
        for name, slug in (("数据覆盖", "coverage"), ("异常值", "outliers"), ("内部一致性", "coherence")):
            view(page, name)
            no_exception_on_page(page)
            assert charts_drawn(page) >= 1
            assert english_gone(page) == [], slug
            shoot(page, f"audit-{slug}-zh")
    finally:
        context.close()


# --- judgments that no rerun can change (issue 14) --------------------------------------------------------------


def pair_states(page: object) -> dict[str, tuple[int | None, int | None]]:
    """What every pair of the Judgments page shows, by its container: the index of the side chosen (left, right,
    skip) and of the strength chosen (1–9), whatever the language."""
    states = page.evaluate(  # type: ignore[attr-defined]
        """() => Object.fromEntries([...document.querySelectorAll('[class*="st-key-pair_"]')].map((box) => {
            const name = [...box.classList].find((c) => c.startsWith('st-key-pair_')).slice('st-key-'.length);
            const radios = [...box.querySelectorAll('input[type="radio"]')];
            const side = radios.findIndex((r) => r.checked);
            const buttons = [...box.querySelectorAll('[data-testid="stButtonGroup"] button')];
            const strength = buttons.findIndex((b) => b.getAttribute('aria-checked') === 'true');
            return [name, [side < 0 ? null : side, strength < 0 ? null : strength + 1]];
        }))"""
    )
    return {name: (side, strength) for name, (side, strength) in states.items()}


def click_strength(page: object, pair: str, strength: int) -> None:
    box = page.locator(f".st-key-{pair}")  # type: ignore[attr-defined]
    box.locator('[data-testid="stButtonGroup"] button').nth(strength - 1).click()
    settle(page)


def switch_language(page: object, name: str) -> None:
    page.locator('[data-testid="stSidebar"]').get_by_text(name, exact=True).click()  # type: ignore[attr-defined]
    settle(page)


def stored_goal(platform: Platform, expert: str = "BASIC-E1") -> list[list[float | None]]:
    with platform.client("indicators") as client:
        panel = next(p for p in client.get("/v1/panels").json() if p["code"] == "DEMO-BASIC")
        matrix: list[list[float | None]] = client.get(
            f"/v1/panels/{panel['id']}/experts/{expert}/judgments/goal"
        ).json()["matrix"]
        return matrix


def test_language_switches_and_node_switches_never_change_a_judgment(
    frontend: str, browser: object, platform: Platform
) -> None:
    context = browser.new_context(viewport=VIEWPORT, locale="en-US")  # type: ignore[attr-defined]
    page = context.new_page()
    try:
        page.goto(frontend)
        settle(page)
        go_to(page, "judgments")
        stored = stored_goal(platform)
        first = pair_states(page)
        assert len(first) == 21
        click_strength(page, "pair_0_1", 7)
        edited = pair_states(page)
        assert edited["pair_0_1"][1] == 7
        assert {k: v for k, v in edited.items() if k != "pair_0_1"} == {
            k: v for k, v in first.items() if k != "pair_0_1"
        }
        cr = metric_value(page, "CR")

        switch_language(page, "中文")
        no_exception_on_page(page)
        assert pair_states(page) == edited, "the language switch changed what the pairs show"
        assert metric_value(page, "CR") == cr
        shoot(page, "judgments-draft-zh")
        click_strength(page, "pair_2_3", 3)  # a touch in Chinese changes that pair only
        touched = pair_states(page)
        assert {k for k in touched if touched[k] != edited[k]} == {"pair_2_3"}

        switch_language(page, "English")
        no_exception_on_page(page)
        assert page.locator('[data-testid="stAlertContentError"]').count() == 0
        assert pair_states(page) == touched
        switch_language(page, "中文")
        switch_language(page, "English")
        assert pair_states(page) == touched
        assert page.get_by_text("Unsaved changes").count() >= 1

        # Leaving the node keeps its draft, with a warning; coming back shows it as it was.
        choose(page, "Node of the tree", "C1 Innovation")
        page.get_by_text("has unsaved changes").first.wait_for()
        assert len(pair_states(page)) == 6
        shoot(page, "judgments-left-unsaved-en")
        choose(page, "Node of the tree", "Goal")
        assert pair_states(page) == touched

        page.get_by_role("button", name="Save judgments").first.click()
        settle(page)
        page.get_by_text("Saved (version").first.wait_for()
        saved = stored_goal(platform)
        changed = {(i, j) for i in range(7) for j in range(i + 1, 7) if saved[i][j] != stored[i][j]}
        assert changed <= {(0, 1), (2, 3)}, changed
        assert saved[0][1] in (7, 1 / 7)
        assert saved[2][3] in (3, 1 / 3)
        shoot(page, "judgments-saved-en")
    finally:
        context.close()


def test_a_reload_never_shows_another_identity(frontend: str, browser: object, platform: Platform) -> None:
    key_id, key = platform.new_key("Expert reloading", "expert")
    with platform.client("indicators") as client:
        panel = next(p for p in client.get("/v1/panels").json() if p["code"] == "DEMO-BASIC")
        client.patch(f"/v1/panels/{panel['id']}/experts/BASIC-E3", json={"api_key_id": key_id}).raise_for_status()
    context = browser.new_context(viewport=VIEWPORT, locale="en-US")  # type: ignore[attr-defined]
    page = context.new_page()
    try:
        page.goto(frontend)
        settle(page)
        sidebar = page.locator('[data-testid="stSidebar"]')
        assert "env-admin" in sidebar.inner_text()  # the embedded admin key signs a newcomer in
        sidebar.get_by_text("Use another API key").click()
        sidebar.get_by_label("API key").fill(key)
        sidebar.get_by_label("API key").press("Enter")
        settle(page)
        assert "Signed in as Expert reloading" in " ".join(sidebar.inner_text().split())
        go_to(page, "judgments")
        assert page.get_by_role("combobox", name="Expert", exact=True).input_value().endswith("(BASIC-E3)")
        assert all(cookie["value"] != key for cookie in context.cookies())  # the key is never in a cookie

        for _ in range(2):
            page.reload()
            settle(page)
            shown = " ".join(sidebar.inner_text().split())
            assert "env-admin" not in shown, shown
            assert "Signed in as" not in shown, shown  # nobody: the page asks again
            assert "sign in again with yours" in shown
            assert key not in page.url
            no_exception_on_page(page)
        shoot(page, "reload-asks-again-en")
        sidebar.get_by_label("API key", exact=True).fill(key)
        sidebar.get_by_role("button", name="Sign in").click()
        settle(page)
        assert "Signed in as Expert reloading" in " ".join(sidebar.inner_text().split())
    finally:
        context.close()


def add_expert_in_the_ui(page: object, panel: str, code: str, name: str) -> str:
    """Panel page, Members view: add an expert with a minted key; the key shown once is returned."""
    go_to(page, "panel")
    choose(page, "Panel", panel)
    view(page, "Members and defaults")
    page.get_by_label("Code", exact=True).fill(code)  # type: ignore[attr-defined]
    page.get_by_label("Name (English)").fill(name)  # type: ignore[attr-defined]
    page.get_by_role("button", name="Add an expert").click()  # type: ignore[attr-defined]
    settle(page)
    page.get_by_text(f"A new key for {code}").wait_for()  # type: ignore[attr-defined]
    return str(page.locator('[data-testid="stCode"]').first.inner_text()).strip()  # type: ignore[attr-defined]


def test_filling_a_7x7_matrix_takes_one_or_two_clicks_a_pair(
    frontend: str, browser: object, platform: Platform
) -> None:
    context = browser.new_context(viewport=VIEWPORT, locale="en-US")  # type: ignore[attr-defined]
    page = context.new_page()
    try:
        page.goto(frontend)
        settle(page)
        add_expert_in_the_ui(page, "Basic-cluster demo panel", "BASIC-CLICKS", "Click counter")
        shoot(page, "panel-members-key-once-en")
        go_to(page, "judgments")
        choose(page, "Expert", "(BASIC-CLICKS)")
        assert set(pair_states(page).values()) == {(None, None)}  # nothing judged yet
        page.get_by_text("This node: 0 of 21 pairs judged").wait_for()
        priorities = [7, 6, 5, 4, 3, 2, 1]  # the judgments of a consistent expert, rounded to the scale
        clicks = 0
        for i in range(7):
            for j in range(i + 1, 7):
                box = page.locator(f".st-key-pair_{i}_{j}")
                ratio = priorities[i] / priorities[j]
                strength = min(9, round(ratio))
                box.locator('[role="radiogroup"] label').nth(0).click()  # the left item is the more important
                settle(page)
                clicks += 1
                if strength > 1:
                    box.locator('[data-testid="stButtonGroup"] button').nth(strength - 1).click()
                    settle(page)
                    clicks += 1
        page.get_by_text("This node: 21 of 21 pairs judged").wait_for()
        shoot(page, "judgments-filled-by-clicks-en")
        page.get_by_role("button", name="Save judgments").first.click()
        clicks += 1
        settle(page)
        page.get_by_text("Saved (version").first.wait_for()
        stored = stored_goal(platform, expert="BASIC-CLICKS")
        for i in range(7):
            for j in range(i + 1, 7):
                assert stored[i][j] == min(9, round(priorities[i] / priorities[j])), (i, j, stored[i][j])
        print(f"\nclicks to fill and save a 7x7 matrix: {clicks} (21 pairs)")
        (SHOTS / "clicks-7x7.txt").write_text(f"{clicks}\n")
        assert clicks <= 2 * 21 + 1
    finally:
        context.close()


def test_a_facilitator_closes_a_round_an_expert_revises_and_the_gate_names_the_gaps(
    frontend: str, browser: object, platform: Platform
) -> None:
    context = browser.new_context(viewport=VIEWPORT, locale="en-US")  # type: ignore[attr-defined]
    page = context.new_page()
    with platform.client("indicators") as client:
        panel = next(p for p in client.get("/v1/panels").json() if p["category"] == "cutting_edge")
        panel_name = panel["name"]
    try:
        page.goto(frontend)
        settle(page)
        add_expert_in_the_ui(page, panel_name, "EDGE-LATE", "Late expert")

        # The gate: an expert without judgments is named, publishing is refused, then allowed with a reason.
        view(page, "Publish a profile")
        page.get_by_text("publishing is refused unless you give a reason").wait_for()
        assert page.get_by_text("Late expert (EDGE-LATE): not judged").count() == 1
        page.get_by_label("Name of the new profile").fill("Edge panel, refused")
        page.get_by_role("button", name="Publish", exact=True).click()
        settle(page)
        error = page.locator('[data-testid="stAlertContentError"]').first
        error.wait_for()
        assert "EDGE-LATE" in error.inner_text() + page.locator('[data-testid="stMain"]').inner_text()
        shoot(page, "panel-publish-refused-en")
        page.get_by_role("textbox", name="Publish despite gaps, because").fill(
            "The late expert joins in the next review"
        )
        page.get_by_role("button", name="Publish", exact=True).click()
        settle(page)
        page.get_by_text("as profile #").wait_for()
        shoot(page, "panel-publish-with-reason-en")

        # A round closed by the facilitator ...
        view(page, "Rounds")
        before = platform_rounds(platform, panel["id"])
        page.get_by_text("become read-only").click()
        page.get_by_role("button", name="Close the round").click()
        settle(page)
        page.get_by_text("is closed").first.wait_for()
        closed = before[-1]["round"]
        assert platform_rounds(platform, panel["id"])[-1]["round"] == closed + 1
        page.locator('[data-testid="stPlotlyChart"] .main-svg').first.wait_for()
        shoot(page, "panel-rounds-en")

        # ... an expert reads the group's result of it and revises one judgment in the open round ...
        go_to(page, "judgments")
        choose(page, "Panel", panel_name)
        page.get_by_text(f"The group after round {closed}").click()
        settle(page)
        page.get_by_text("Where you differ most from the group").wait_for()
        shoot(page, "judgments-round-feedback-en")
        start = pair_states(page)["pair_0_1"]
        click_strength(page, "pair_0_1", 9 if start[1] != 9 else 8)
        page.get_by_role("button", name="Save judgments").first.click()
        settle(page)
        page.get_by_text("Saved (version").first.wait_for()

        # ... and both rounds read back: the closed one as it was, the open one revised.
        with platform.client("indicators") as client:
            url = f"/v1/panels/{panel['id']}/judgments"
            old = client.get(url, params={"round": closed, "node": "goal"}).json()
            new = client.get(url, params={"round": closed + 1, "node": "goal"}).json()
        expert = next(j["expert_code"] for j in new if j["version"] > 1)
        old_first = next(j for j in old if j["expert_code"] == expert)["matrix"][0][1]
        new_first = next(j for j in new if j["expert_code"] == expert)["matrix"][0][1]
        assert old_first != new_first
        go_to(page, "panel")
        view(page, "Rounds")
        choose(page, "Round", f"{closed} · closed")
        page.get_by_role("button", name="Download the round (CSV)").wait_for()
        with page.expect_download() as download:
            page.get_by_role("button", name="Download the round (CSV)").click()
        text = Path(download.value.path()).read_text()
        assert text.startswith("round,expert,node,first,second,value")
        assert f"{closed},{expert},goal,{old[0]['items'][0]},{old[0]['items'][1]}," in text

        # The same pages in Chinese.
        switch_language(page, "中文")
        for name, slug in (("评判轮次", "rounds"), ("评判进度", "progress"), ("成员与默认方案", "manage"),
                           ("发布权重方案", "publish"), ("当前节点", "node")):  # fmt: skip
            view(page, name)
            no_exception_on_page(page)
            assert english_gone(page) == [], slug
            shoot(page, f"panel-{slug}-zh")
        go_to(page, "judgments")
        no_exception_on_page(page)
        assert english_gone(page) == []
        shoot(page, "judgments-zh")
    finally:
        context.close()


def platform_rounds(platform: Platform, panel_id: int) -> list[dict[str, object]]:
    with platform.client("indicators") as client:
        rounds: list[dict[str, object]] = client.get(f"/v1/panels/{panel_id}/rounds").json()
        return rounds


def test_the_matrix_view_and_the_pairs_are_one_draft(frontend: str, browser: object) -> None:
    context = browser.new_context(viewport=VIEWPORT, locale="en-US")  # type: ignore[attr-defined]
    page = context.new_page()
    try:
        page.goto(frontend)
        settle(page)
        go_to(page, "judgments")
        choose(page, "Node of the tree", "C2 Innovation")
        before = pair_states(page)

        def edit(row: int, col: int, text: str) -> dict[str, tuple[int | None, int | None]]:
            """Type `text` into a cell of the matrix view, then read the pairs back."""
            view(page, "Matrix")
            grid = page.locator('[data-testid="stDataFrame"]').first
            grid.wait_for()
            page.wait_for_timeout(800)  # the editor is rebuilt from the draft after every change
            box = grid.bounding_box()
            # The first cell (the index column is about 50 px wide, the header and each row 35 px high), then the
            # arrow keys to the cell: typing in a selected cell edits it.
            page.mouse.click(box["x"] + 80, box["y"] + 36 + 17)
            page.wait_for_timeout(300)
            for key in ["ArrowRight"] * col + ["ArrowDown"] * row:
                page.keyboard.press(key)
                page.wait_for_timeout(150)
            page.keyboard.type(text)
            page.wait_for_timeout(300)
            page.keyboard.press("Enter")
            settle(page)
            no_exception_on_page(page)
            shoot(page, "judgments-matrix-en")
            view(page, "Pair by pair")
            return pair_states(page)

        after = edit(0, 1, "5")  # row 1 against column 2: the first item strongly more important
        assert after["pair_0_1"] == (0, 5)
        after = edit(2, 0, "1/4")  # below the diagonal: the first item 4 times as important as the third
        assert after["pair_0_2"] == (0, 4)
        assert after["pair_0_1"] == (0, 5)
        assert {k for k in after if after[k] != before[k]} <= {"pair_0_1", "pair_0_2"}
    finally:
        context.close()


def test_a_reload_with_unsaved_judgments_asks_first(frontend: str, browser: object) -> None:
    context = browser.new_context(viewport=VIEWPORT, locale="en-US")  # type: ignore[attr-defined]
    page = context.new_page()
    asked: list[str] = []

    def answer(dialog: object) -> None:
        asked.append(dialog.type)  # type: ignore[attr-defined]
        dialog.dismiss()  # type: ignore[attr-defined]  # stay on the page

    page.on("dialog", answer)
    try:
        page.goto(frontend)
        settle(page)
        go_to(page, "judgments")
        start = pair_states(page)["pair_1_2"]
        click_strength(page, "pair_1_2", 6 if start[1] != 6 else 5)
        edited = pair_states(page)
        page.evaluate("() => setTimeout(() => location.reload(), 0)")
        page.wait_for_timeout(1500)
        assert asked == ["beforeunload"], asked
        assert pair_states(page) == edited  # still the page, still the draft
        page.get_by_role("button", name="Save judgments").first.click()
        settle(page)
        page.get_by_text("Saved (version").first.wait_for()
        page.reload()  # saved: no question
        settle(page)
        assert asked == ["beforeunload"]
    finally:
        context.close()
