"""Every page under AppTest against the real services: it renders, shows its key elements, and reacts."""

from __future__ import annotations

import json

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from frontend import api
from shared.schemas.scoring import PrioritiesRequest, PrioritiesResponse
from tests.frontend.support import Platform, open_page

pytestmark = pytest.mark.e2e  # the pages talk to the three services, started as processes

PAGES = ("home", "judgments", "panel", "weights", "ranking", "compare", "sensitivity", "uncertainty", "recommendations",
         "audit", "data", "export")  # fmt: skip


def metric(at: AppTest, label: str) -> str:
    return str(next(m for m in at.metric if m.label == label).value)


def texts(at: AppTest) -> str:
    """Everything the page says in markdown, captions, alerts and headings, as one string to search."""
    parts = [e.value for kind in ("markdown", "caption", "info", "warning", "error", "success") for e in at.get(kind)]
    parts += [e.value for kind in ("title", "header", "subheader") for e in at.get(kind)]
    return "\n".join(str(p) for p in parts)


def table_with(at: AppTest, column: str) -> pd.DataFrame:
    """The first table on the page that has `column`."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def charts(at: AppTest) -> int:
    return len(at.get("plotly_chart"))


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_and_says_the_data_is_synthetic(app: AppTest, page: str) -> None:
    open_page(app, page)
    assert app.title, f"{page} has no title"
    assert not app.error, [e.value for e in app.error]
    assert any("synthetic" in w.value for w in app.warning), f"{page} does not say the demo data is synthetic"


def test_the_embedded_admin_key_signs_a_newcomer_in(app: AppTest) -> None:
    assert app.session_state["who"].role == "admin"
    assert metric(app, "Clusters") == "31"
    assert charts(app) == 2  # clusters by category, top ten


# --- judgments -------------------------------------------------------------------------------------------------


def ident(at: AppTest, node: str = "goal") -> str:
    return f"{at.session_state['panel']}:{at.session_state['expert']}:{node}"


def judgments_of(at: AppTest, node: str = "goal") -> dict[tuple[int, int], float | None]:
    """The page's draft of a node: what the expert has judged, saved or not."""
    return dict(at.session_state["judgment_drafts"][ident(at, node)].values)


def shown(at: AppTest, node: str = "goal") -> dict[tuple[int, int], tuple[object, object]]:
    """What each pair's widgets show: the side chosen and the strength on Saaty's scale."""
    key = ident(at, node)
    return {
        (int(r.key.split(":")[-2]), int(r.key.split(":")[-1])): (
            r.value,
            at.segmented_control(key=r.key.replace("side:", "strength:", 1)).value,
        )
        for r in at.radio
        if str(r.key).startswith(f"side:{key}:")
    }


def strength(at: AppTest, pair: tuple[int, int], value: int, node: str = "goal") -> None:
    at.segmented_control(key=f"strength:{ident(at, node)}:{pair[0]}:{pair[1]}").set_value(value).run()
    assert not at.exception, [e.message for e in at.exception]


def test_a_changed_judgment_changes_weights_and_cr_at_once(app: AppTest) -> None:
    open_page(app, "judgments")
    assert len(shown(app)) == 21  # the goal: 7 criteria, 21 pairs
    before, cr = judgments_of(app), metric(app, "CR")
    strength(app, (0, 1), 9)
    after = judgments_of(app)
    assert after[(0, 1)] == (9 if before[(0, 1)] >= 1 else 1 / 9)  # type: ignore[operator]
    assert {p: v for p, v in after.items() if p != (0, 1)} == {p: v for p, v in before.items() if p != (0, 1)}
    assert metric(app, "CR") != cr
    assert charts(app) == 1  # the live weights chart
    assert any("Unsaved changes" in m.value for m in app.markdown)


def test_the_other_side_and_skip_change_only_their_pair(app: AppTest) -> None:
    open_page(app, "judgments")
    before = judgments_of(app)
    app.radio(key=f"side:{ident(app)}:0:2").set_value(1).run()  # the right item is the more important
    assert judgments_of(app)[(0, 2)] == pytest.approx(1 / before[(0, 2)])  # type: ignore[operator]
    app.radio(key=f"side:{ident(app)}:1:3").set_value(2).run()  # skip
    after = judgments_of(app)
    assert after[(1, 3)] is None
    assert {p for p in after if after[p] != before[p]} == {(0, 2), (1, 3)}
    assert any("20 of 21 pairs judged" in str(p.text) for p in app.get("progress")), texts(app)
    assert app.segmented_control(key=f"strength:{ident(app)}:1:3").disabled


def test_a_language_switch_keeps_every_judgment(app: AppTest) -> None:
    # One way only: AppTest formats the widgets' values outside the script run, in English, so it cannot send
    # a run after a Chinese one (the browser test switches back and forth).
    open_page(app, "judgments")
    strength(app, (0, 1), 7)
    before, widgets = judgments_of(app), shown(app)
    app.segmented_control(key="lang_switch").set_value("zh").run()
    assert not app.exception
    assert judgments_of(app) == before
    assert shown(app) == widgets
    assert app.title[0].value == "两两比较判断"
    assert not app.error, [e.value for e in app.error]


def test_a_node_switch_keeps_the_draft_and_warns(app: AppTest) -> None:
    open_page(app, "judgments")
    strength(app, (0, 1), 8)
    draft = judgments_of(app)
    app.selectbox(key="node_select:judgments").set_value("C1").run()
    assert any("unsaved changes" in w.value for w in app.warning), texts(app)
    assert len(shown(app, "C1")) == 6  # C1 has four indicators
    assert "● " in app.selectbox(key="node_select:judgments").options[0]  # the goal, marked unsaved
    app.selectbox(key="node_select:judgments").set_value("goal").run()
    assert judgments_of(app) == draft
    assert any("Unsaved changes" in m.value for m in app.markdown)


def test_apply_best_value_changes_only_that_pair_and_the_cards_go_when_consistent(app: AppTest) -> None:
    open_page(app, "judgments")
    strength(app, (0, 1), 9)
    app.radio(key=f"side:{ident(app)}:0:1").set_value(1).run()  # C2 extremely more important: inconsistent
    assert any("CR" in w.value and "> 0.10" in w.value for w in app.warning)
    apply_buttons = [b for b in app.button if str(b.key).startswith("apply:")]
    assert 1 <= len(apply_buttons) <= 3
    assert all("Apply" in b.label for b in apply_buttons)
    assert any("the CR would be" in m.value for m in app.markdown)
    i, j = (int(x) for x in str(apply_buttons[0].key).split(":")[-2:])
    before = judgments_of(app)
    apply_buttons[0].click().run()
    after = judgments_of(app)
    assert {p for p in after if after[p] != before[p]} == {(i, j)}
    for _ in range(3):
        buttons = [b for b in app.button if str(b.key).startswith("apply:")]
        if not buttons:
            break
        buttons[0].click().run()
    if any("acceptably consistent" in s.value for s in app.success):
        assert not [b for b in app.button if str(b.key).startswith("apply:")]  # consistent: no cards


def test_save_over_the_threshold_warns_and_a_stale_save_says_reload(app: AppTest, platform: Platform) -> None:
    open_page(app, "judgments")
    app.selectbox(key="node_select:judgments").set_value("C1").run()
    strength(app, (0, 1), 9, node="C1")
    app.radio(key=f"side:{ident(app, 'C1')}:0:1").set_value(0).run()
    strength(app, (1, 2), 9, node="C1")
    app.radio(key=f"side:{ident(app, 'C1')}:1:2").set_value(0).run()
    app.radio(key=f"side:{ident(app, 'C1')}:0:2").set_value(1).run()
    strength(app, (0, 2), 9, node="C1")
    app.button(key="save").click().run()
    assert any("is over 0.10" in w.value for w in app.warning), texts(app)  # saved, with a warning
    panel_id, expert = app.session_state["panel"], app.session_state["expert"]
    with platform.client("indicators") as client:
        path = f"/v1/panels/{panel_id}/experts/{expert}/judgments/C1"
        stored = client.get(path).json()
        assert stored["matrix"][0][1] == 9
        stored["matrix"][0][1], stored["matrix"][1][0] = 5, "1/5"
        client.put(path, json={"items": stored["items"], "matrix": stored["matrix"], "version": stored["version"]})
    strength(app, (0, 1), 3, node="C1")
    app.button(key="save_top").click().run()
    assert not app.exception
    assert any("Someone changed this meanwhile" in e.value for e in app.error), texts(app)
    app.button(key="reload_after_conflict").click().run()
    assert judgments_of(app, "C1")[(0, 1)] == 5  # their version, now shown
    assert shown(app, "C1")[(0, 1)] == (0, 5)


def test_the_completion_setting_goes_to_the_priorities_call(app: AppTest, monkeypatch: pytest.MonkeyPatch) -> None:
    sent: list[str] = []
    original = api.priorities

    def spy(api_key: str, body: PrioritiesRequest) -> PrioritiesResponse:
        sent.append(body.completion)
        return original(api_key, body)

    monkeypatch.setattr(api, "priorities", spy)
    open_page(app, "judgments")
    for pair in ((0, 1), (2, 3), (4, 5)):
        app.radio(key=f"side:{ident(app)}:{pair[0]}:{pair[1]}").set_value(2).run()
    assert any("18 of 21 pairs judged" in str(p.text) for p in app.get("progress"))
    assert set(sent) == {"harker"}
    app.radio(key="ahp_completion").set_value("optimal").run()
    assert not app.exception
    assert sent[-1] == "optimal"
    assert not app.error, [e.value for e in app.error]


# --- panel -----------------------------------------------------------------------------------------------------


def test_panel_shows_experts_group_and_consensus(app: AppTest) -> None:
    open_page(app, "panel")
    for label in ("Group CR", "Consensus", "Experts", "AHP consensus S*"):
        assert metric(app, label)
    assert float(metric(app, "Consensus")) <= 1
    assert float(metric(app, "AHP consensus S*")) <= 1
    assert any(m.value.endswith("consensus]") for m in app.markdown), texts(app)  # the band, in words
    assert "Furthest from the group" in texts(app)
    judged = int(metric(app, "Experts").split("/")[0])
    assert len(app.dataframe[0].value) == judged
    app.segmented_control(key="panel_view").set_value("tab_all_nodes").run()
    overview = app.dataframe[0].value
    assert len(overview) == 8  # the goal and C1..C7
    assert {"AHP consensus S*", "Consensus band", "Not judged by"} <= set(overview.columns)


def test_panel_progress_names_the_missing_experts(app: AppTest, platform: Platform) -> None:
    with platform.client("indicators") as client:
        panel = next(p for p in client.get("/v1/panels").json() if p["code"] == "DEMO-STRATEGIC")
        added = client.post(f"/v1/panels/{panel['id']}/experts", json={"code": "STRATEGIC-LATE", "name": "Late expert"})
        assert added.status_code == 201, added.text
    api.panels.clear()  # the panel list is kept 20 s
    open_page(app, "panel")
    app.selectbox(key="panel:panel").set_value(panel["id"]).run()
    app.segmented_control(key="panel_view").set_value("tab_progress").run()
    assert not app.exception
    table = app.dataframe[0].value
    late = table[table["Expert"] == "Late expert (STRATEGIC-LATE)"].iloc[0]
    assert late["Goal"] == "—"
    assert late["Nodes saved"].startswith("0 / ")
    assert "missing: Late expert (STRATEGIC-LATE)" in texts(app)
    app.segmented_control(key="panel_view").set_value("tab_node").run()
    assert any("Not judged yet by Late expert (STRATEGIC-LATE)" in w.value for w in app.warning), texts(app)


def test_panel_members_an_added_expert_gets_a_key_shown_once(app: AppTest, platform: Platform) -> None:
    open_page(app, "panel")
    app.segmented_control(key="panel_view").set_value("tab_manage").run()
    app.text_input(key="new_expert_code").set_value("BASIC-NEW")
    app.text_input(key="new_expert_name").set_value("New expert")
    app.text_input(key="new_expert_name_zh").set_value("新专家")
    app.number_input(key="new_expert_weight").set_value(2.0)
    app.button(key="add_expert_submit").click().run()
    assert not app.exception
    assert any("A new key for BASIC-NEW" in s.value for s in app.success), texts(app)
    minted = app.get("code")[0].value
    with platform.client("indicators", key=minted) as client:
        who = client.get("/v1/api-keys/me").json()
    assert who["role"] == "expert"
    with platform.client("indicators") as client:
        panel = next(p for p in client.get("/v1/panels").json() if p["code"] == "DEMO-BASIC")
    expert = next(e for e in panel["experts"] if e["code"] == "BASIC-NEW")
    assert expert["weight"] == 2.0
    assert expert["api_key_id"] == who["id"]
    app.run()
    assert not app.get("code")  # shown once
    app.selectbox(key="manage_expert").set_value("BASIC-NEW").run()
    app.number_input(key="weight:BASIC-NEW").set_value(0.5)
    app.button(key="save_expert").click().run()
    assert not app.exception
    with platform.client("indicators") as client:
        panel = next(p for p in client.get("/v1/panels").json() if p["code"] == "DEMO-BASIC")
    assert next(e for e in panel["experts"] if e["code"] == "BASIC-NEW")["weight"] == 0.5


def test_category_defaults_change_in_the_ui(app: AppTest, platform: Platform) -> None:
    open_page(app, "panel")
    app.segmented_control(key="panel_view").set_value("tab_manage").run()
    profile = app.selectbox(key="default_profile").options[-1]
    app.selectbox(key="default_profile").select_index(len(app.selectbox(key="default_profile").options) - 1)
    app.selectbox(key="default_scope").set_value("strategic").run()
    app.button(key="make_default_submit").click().run()
    assert not app.exception
    with platform.client("indicators") as client:
        state = client.get("/v1/state").json()
    chosen = app.session_state["default_profile"]
    assert state["category_defaults"].get("strategic") == chosen, (state, profile)
    table = app.dataframe[-1].value
    assert f"#{chosen})" in table[table["Category"] == "strategic"]["Weight profile"].iloc[0]


def test_rounds_close_and_read_back(app: AppTest, platform: Platform) -> None:
    open_page(app, "panel")
    app.segmented_control(key="panel_view").set_value("tab_rounds").run()
    assert not app.exception
    with platform.client("indicators") as client:
        panel_id = app.session_state["panel"]
        before = client.get(f"/v1/panels/{panel_id}/rounds").json()
    app.checkbox(key="close_round_sure").check()
    app.button(key="close_round_submit").click().run()
    assert not app.exception
    assert any("is closed" in s.value for s in app.success), texts(app)
    with platform.client("indicators") as client:
        after = client.get(f"/v1/panels/{panel_id}/rounds").json()
    assert len(after) == len(before) + 1
    assert charts(app) == 1  # consensus and CR per round
    app.selectbox(key="panel_read_round").set_value(after[-2]["round"]).run()
    assert not app.exception
    table = app.dataframe[-1].value
    assert set(table["Round"]) == {after[-2]["round"]}
    assert {"Expert", "Node of the tree", "First item", "Second item", "Judgment"} <= set(table.columns)
    assert app.get("download_button")


def test_panel_publishes_a_profile(app: AppTest, platform: Platform) -> None:
    open_page(app, "panel")
    app.segmented_control(key="panel_view").set_value("tab_publish").run()
    app.text_input(key="publish_name").set_value("Published from the front-end test")
    app.text_input(key="publish_name_zh").set_value("前端测试发布的方案")
    # Earlier tests may have left an expert's node inconsistent: the gate then needs a reason (or an exclusion).
    app.text_input(key="publish_reason").set_value("front-end test of the publish form")
    app.button(key="publish_submit").click().run()
    assert not app.exception
    assert any("Published" in s.value for s in app.success), texts(app)
    with platform.client("indicators") as client:
        names = {p["name"]: p.get("name_zh") for p in client.get("/v1/weight-profiles").json()}
    assert names["Published from the front-end test"] == "前端测试发布的方案"


def test_panel_publish_without_a_reason_names_the_gaps(app: AppTest, platform: Platform) -> None:
    with platform.client("indicators") as client:
        panel = next(p for p in client.get("/v1/panels").json() if p["category"] == "basic")
        url = f"/v1/panels/{panel['id']}/experts/BASIC-E2/judgments/goal"
        judgment = client.get(url).json()
        matrix = [[1.0] * 7 for _ in range(7)]
        matrix[0][1], matrix[1][0], matrix[1][2], matrix[2][1], matrix[0][2], matrix[2][0] = (
            9,
            1 / 9,
            9,
            1 / 9,
            1 / 9,
            9,
        )
        written = client.put(url, json={"items": judgment["items"], "matrix": matrix, "version": judgment["version"]})
        assert written.status_code == 200, written.text
    open_page(app, "panel")
    app.segmented_control(key="panel_view").set_value("tab_publish").run()
    app.text_input(key="publish_name").set_value("Refused for its gaps")
    app.button(key="publish_submit").click().run()
    assert not app.exception
    assert any("BASIC-E2" in e.value for e in app.error), texts(app)
    assert any(e.value.startswith("Publishing was refused") for e in app.error)


# --- weights and ranking ---------------------------------------------------------------------------------------


def test_weights_show_the_tree_and_tuning_moves_the_ranking(app: AppTest) -> None:
    open_page(app, "weights")
    assert charts(app) == 2  # sunburst and criterion bars
    app.segmented_control(key="weights_view").set_value("tab_tune").run()
    assert len(app.slider) == 7  # one per criterion
    assert charts(app) == 1  # profile and tuned weights side by side; the ranking is the profile's until a change
    profile = app.session_state["profile"]
    app.slider(key=f"weights_tune:{profile}:C4").set_value(0.9).run()
    assert not app.exception
    assert not app.error, [e.value for e in app.error]
    table = table_with(app, "Shift vs profile")
    assert len(table) == 31
    assert any(str(shift).startswith(("▲", "▼")) for shift in table["Shift vs profile"])
    assert charts(app) == 2  # weights side by side, score shift
    assert any(c.value.startswith("Tier by a cluster's score") for c in app.caption)


def test_objective_and_combined_weights_come_from_the_scoring_service(app: AppTest, platform: Platform) -> None:
    open_page(app, "weights")
    app.segmented_control(key="weights_view").set_value("tab_objective").run()
    assert not app.error, [e.value for e in app.error]
    profile = app.session_state["profile"]
    with platform.client("scoring") as client:
        expected = client.post(
            "/v1/rankings/weights", json={"year": 2024, "profile": profile, "objective": "entropy", "alpha": 0.5}
        ).json()
    table = table_with(app, "objective")
    assert len(table) == len(expected["indicators"]) == 30
    assert list(table["objective"]) == [round(w["objective"], 4) for w in expected["indicators"]]
    assert list(table["combined"]) == [round(w["combined"], 4) for w in expected["indicators"]]
    assert len(table_with(app, "Shift vs profile")) == 31  # the ranking under the combined weights
    assert charts(app) == 2  # the indicator weights side by side, the score shift
    app.selectbox(key="objective_method").set_value("critic").run()
    app.selectbox(key="combination").set_value("multiplicative").run()
    assert not app.exception
    assert not app.error, [e.value for e in app.error]
    assert app.slider(key="combine_alpha").disabled  # α only weighs the linear blend
    assert list(table_with(app, "objective")["objective"]) != list(table["objective"])


def test_ranking_table_has_a_row_per_cluster_and_filters(app: AppTest, platform: Platform) -> None:
    with platform.client("indicators") as client:
        clusters = client.get("/v1/clusters").json()
    open_page(app, "ranking")
    table = table_with(app, "Change vs last year")
    assert len(table) == len(clusters)
    assert list(table["Rank"]) == sorted(table["Rank"])
    assert {"Score", "Tier", "Category", "Province", "Industry", "Change vs last year"} <= set(table.columns)
    assert any(c.value.startswith("Tier by a cluster's score relative to the mean") for c in app.caption)
    app.selectbox(key="category:ranking").set_value("basic").run()
    basic = [c for c in clusters if c["category"] == "basic"]
    filtered = table_with(app, "Change vs last year")
    assert len(filtered) == len(basic)
    assert list(filtered["Rank"]) == list(range(1, len(basic) + 1))
    assert list(filtered["Rank among all clusters"]) == sorted(filtered["Rank among all clusters"])
    assert max(filtered["Rank among all clusters"]) > len(basic)


def test_ranking_winsorises_only_on_the_relative_reference(app: AppTest) -> None:
    open_page(app, "ranking")
    assert not [t for t in app.toggle if t.key == "ranking:winsorize"]  # fixed reference: nothing to choose
    app.selectbox(key="reference:ranking:True").set_value("relative").run()
    app.toggle(key="ranking:winsorize").set_value(True).run()
    assert not app.exception, [e.message for e in app.exception]
    assert "winsorised C3.2 of SZ-ICT" in texts(app)  # the demo's deliberate outlier (demo README)
    app.segmented_control(key="ranking_view").set_value("tab_methods").run()
    assert not app.exception, [e.message for e in app.exception]


def test_ranking_what_if_and_method_comparison(app: AppTest) -> None:
    open_page(app, "ranking")
    app.segmented_control(key="ranking_view").set_value("tab_what_if").run()
    assert any("Move a slider" in i.value for i in app.info)
    profile = app.session_state["profile"]
    app.slider(key=f"ranking_tune:{profile}:C7").set_value(0.8).run()
    assert len(table_with(app, "Shift vs profile")) == 31
    app.segmented_control(key="ranking_view").set_value("tab_methods").run()
    assert not app.exception
    methods = table_with(app, "TOPSIS")
    assert len(methods) == 31
    assert len(methods.columns) >= 3
    assert list(methods["TOPSIS"]) == sorted(methods["TOPSIS"])  # the published ranks, in published order
    assert charts(app) == 1  # the Spearman heatmap
    # A method that cannot take the values says which, in words: the indicator's name and the clusters'.
    left_out = [w.value for w in app.warning if "could not run" in w.value]
    assert left_out, texts(app)
    assert all("Values it cannot take" in w and "Manufacturing innovation centres" in w for w in left_out)
    app.segmented_control(key="methods_measure").set_value("similarity_ws").run()
    assert any("(WS)" in s.value for s in app.subheader)


def test_compare_year_over_year_draws_the_waterfall_and_the_rank_change(app: AppTest, platform: Platform) -> None:
    open_page(app, "compare")
    app.segmented_control(key="compare_view").set_value("compare_year_over_year").run()
    assert not app.exception, [e.message for e in app.exception]
    assert charts(app) == 2  # the waterfall and the rank change of the field
    app.selectbox(key="compare_yoy_cluster").set_value("SH-IC").run()
    assert not app.exception
    assert any("Shanghai integrated circuits: score change by criterion" in s.value for s in app.subheader)
    with platform.client("scoring") as client:
        row = next(
            r
            for r in client.get("/v1/rankings/compare", params={"from": 2023, "to": 2024}).json()["results"]
            if r["cluster_code"] == "SH-IC"
        )
    waterfall = next(c for c in app.get("plotly_chart") if '"waterfall"' in c.proto.spec)
    spec = json.loads(waterfall.proto.spec)["data"][0]
    assert spec["measure"][0] == "absolute"
    assert spec["measure"][-1] == "total"
    assert spec["y"][1:-1] == pytest.approx(list(row["contributions"].values()))
    assert spec["y"][-1] == pytest.approx(row["to"]["score"])


def test_year_over_year_under_another_profile_shows_the_weights_part(app: AppTest, platform: Platform) -> None:
    open_page(app, "compare")
    app.segmented_control(key="compare_view").set_value("compare_year_over_year").run()
    choice = app.selectbox(key="compare_from_profile")
    assert choice.options[0] == "The same as the later year"
    profile = int(choice.options[1].rsplit("#", 1)[1].rstrip(")"))  # shown as "name (#id)"
    choice.set_value(profile).run()
    app.selectbox(key="compare_yoy_cluster").set_value("SH-IC").run()
    assert not app.exception, [e.message for e in app.exception]
    assert any("different profiles" in i.value for i in app.info)
    assert any("⚑" in c.value and "not only their own" in c.value for c in app.caption)
    with platform.client("scoring") as client:
        params = {"from": 2023, "to": 2024, "from_profile": profile}
        row = next(
            r
            for r in client.get("/v1/rankings/compare", params=params).json()["results"]
            if r["cluster_code"] == "SH-IC"
        )
    waterfall = next(c for c in app.get("plotly_chart") if '"waterfall"' in c.proto.spec)
    spec = json.loads(waterfall.proto.spec)["data"][0]
    assert spec["x"][-2] == "Weights"
    expected = [*row["contributions"].values(), row["weights_contribution"]]
    assert spec["y"][1:-1] == pytest.approx(expected)
    assert spec["y"][0] + sum(spec["y"][1:-1]) == pytest.approx(spec["y"][-1])


# --- audit ---------------------------------------------------------------------------------------------------------


def test_audit_shows_coverage_outliers_and_coherence(app: AppTest, platform: Platform) -> None:
    open_page(app, "audit")
    assert not app.error, [e.value for e in app.error]
    with platform.client("scoring") as client:
        audit = client.get("/v1/rankings/audit", params={"year": 2024}).json()
    assert metric(app, "Coverage threshold") == "65%"
    assert metric(app, "Flagged indicator pairs") == str(len(audit["coherence"]["pairs"]))
    assert charts(app) == 1  # the coverage heatmap
    app.segmented_control(key="audit_view").set_value("audit_outliers").run()
    assert not app.exception
    table = table_with(app, "Skewness")
    assert len(table) == len(audit["outliers"])
    assert list(table["Skewness"]) == pytest.approx([o["skewness"] for o in audit["outliers"]])
    assert charts(app) >= 1  # a box plot per flagged (or, with none flagged, most skewed) indicator
    app.segmented_control(key="audit_view").set_value("audit_coherence").run()
    assert not app.exception
    assert charts(app) == 2  # alpha and PCA share, the correlation heatmap
    bars = json.loads(app.get("plotly_chart")[0].proto.spec)["data"]
    assert bars[0]["y"] == pytest.approx([c["alpha"] for c in audit["coherence"]["criteria"]])
    app.selectbox(key="audit_criterion").set_value("C5").run()
    heat = json.loads(app.get("plotly_chart")[1].proto.spec)["data"][0]
    expected = audit["coherence"]["criteria"][4]["correlations"]
    assert [v for line in heat["z"] for v in line] == pytest.approx([v for line in expected for v in line])


def test_the_audit_page_in_chinese(app: AppTest) -> None:
    app.session_state["lang"] = "zh"
    open_page(app, "audit")
    assert app.title[0].value == "统计审核"
    assert metric(app, "覆盖率阈值") == "65%"


# --- compare, sensitivity, recommendations ---------------------------------------------------------------------


def test_compare_two_to_five_clusters(app: AppTest) -> None:
    open_page(app, "compare")
    assert charts(app) == 2  # radar, years
    chosen = app.multiselect(key="compare_clusters")
    assert len(chosen.value) == 3
    chosen.set_value(["SH-IC", "HF-SPEECH"]).run()
    table = app.dataframe[-1].value
    assert {"Shanghai integrated circuits", "Hefei intelligent speech"} <= set(table.columns)
    assert any(column.startswith("median of") for column in table.columns)
    assert any(c.value.startswith("Tier by a cluster's score") for c in app.caption)  # beside the tiers shown
    app.multiselect(key="compare_clusters").set_value(["SH-IC"]).run()
    assert any("at least two" in i.value for i in app.info)


def test_sensitivity_shows_acceptability_stability_and_sweep(app: AppTest) -> None:
    open_page(app, "sensitivity")
    assert charts(app) == 3  # acceptability heatmap, stability intervals, sweep
    assert "31 clusters, TOPSIS" in texts(app)
    app.selectbox(key="sens_criterion").set_value("C4").run()
    assert not app.exception
    assert any("C4" in s.value for s in app.subheader)
    intervals = table_with(app, "C4")
    assert len(intervals) == 31
    assert all(" – " in cell for cell in intervals["C4"])
    app.segmented_control(key="sens_sweep_view").set_value("sweep_ranks").run()
    assert charts(app) == 3


def test_sensitivity_offers_only_the_references_a_method_has(app: AppTest) -> None:
    open_page(app, "sensitivity")
    app.selectbox(key="method:sensitivity").set_value("vikor").run()
    assert app.selectbox(key="reference:sensitivity:False").options == ["relative (this year's field)"]
    assert not app.error, [e.value for e in app.error]
    assert "VIKOR, relative" in texts(app)
    assert charts(app) == 3


# --- uncertainty -----------------------------------------------------------------------------------------------


def test_uncertainty_draws_rank_intervals_and_sobol_indices(app: AppTest) -> None:
    open_page(app, "uncertainty")
    assert not app.error, [e.value for e in app.error]
    assert charts(app) == 2  # the rank intervals, the indices
    table = table_with(app, "median rank")
    assert len(table) == 31
    assert list(table["published rank"]) == sorted(table["published rank"])
    assert all(table["5th percentile"] <= table["median rank"])
    assert all(table["median rank"] <= table["95th percentile"])
    for source in ("panel", "imputation"):
        app.checkbox(key=f"unc_source_{source}").check()
    app.run()
    assert not app.exception
    assert not app.error, [e.value for e in app.error]
    assert "panel: 15 experts drawn with replacement" in texts(app)  # the service's notes
    figure = app.get("plotly_chart")[1].proto.spec
    assert all(name in figure for name in ("Criterion weights", "Panel of experts", "Imputation"))
    app.checkbox(key="unc_source_weights").uncheck()
    app.checkbox(key="unc_source_panel").uncheck()
    app.checkbox(key="unc_source_imputation").uncheck().run()
    assert any("at least one source" in i.value for i in app.info)


def test_uncertainty_of_a_profile_without_a_panel_is_a_message_not_a_trace(app: AppTest, platform: Platform) -> None:
    with platform.client("indicators") as client:
        default = client.get("/v1/weight-profiles/default").json()
        body = {name: default[name] for name in ("method", "aggregation", "ri_table", "criteria", "indicators")}
        created = client.post("/v1/weight-profiles", json={**body, "name": "No panel behind it", "panel_id": None})
        created.raise_for_status()
    api.profiles.clear()  # listed within 20 s anyway; a profile published on a page clears the list at once
    open_page(app, "uncertainty")
    app.selectbox(key="profile:uncertainty").set_value(created.json()["id"]).run()
    assert not app.error, [e.value for e in app.error]  # weights alone need no panel
    app.checkbox(key="unc_source_panel").check().run()
    assert not app.exception
    assert any("not published from a panel" in e.value for e in app.error), texts(app)
    assert charts(app) == 0


def test_recommendations_of_a_cluster(app: AppTest) -> None:
    open_page(app, "recommendations")
    headings = [s.value for s in app.subheader]
    assert {"Strengths", "Weaknesses", "Recommended actions"} <= set(headings)
    app.selectbox(key="cluster:recommendations").set_value("HF-SPEECH").run()
    assert not app.exception
    assert not app.error
    assert metric(app, "Category") == "cutting-edge"


# --- data and export -------------------------------------------------------------------------------------------

BAD_CSV = b"""cluster_code,indicator_code,year,value
SH-IC,C1.1,2024,4.5
NOPE,C1.1,2024,3.0
SH-IC,C9.9,2024,3.0
SH-IC,C1.2,2024,lots
SH-IC,C1.3,twenty,5
"""


def dataset_versions(platform: Platform) -> list[dict[str, object]]:
    with platform.client("indicators") as client:
        versions: list[dict[str, object]] = client.get("/v1/state").json()["datasets"]
        return versions


def test_a_dry_run_of_a_bad_csv_shows_every_bad_row_and_writes_nothing(app: AppTest, platform: Platform) -> None:
    before = dataset_versions(platform)
    open_page(app, "data")
    app.segmented_control(key="data_view").set_value("tab_import").run()
    app.file_uploader(key="import_file").set_value(("bad.csv", BAD_CSV, "text/csv")).run()
    app.button(key="dry_run").click().run()
    assert not app.exception
    assert any("4 bad rows — nothing was written" in e.value for e in app.error), texts(app)
    rows = app.dataframe[-1].value
    assert sorted(rows["Row"]) == [3, 4, 5, 6]
    assert app.button(key="import").disabled
    assert dataset_versions(platform) == before


def test_a_valid_file_is_checked_then_imported(app: AppTest, platform: Platform) -> None:
    open_page(app, "data")
    app.segmented_control(key="data_view").set_value("tab_import").run()
    good = b"cluster_code,indicator_code,year,value,source\nSH-IC,C1.4,2021,7.7,front-end test\n"
    app.file_uploader(key="import_file").set_value(("good.csv", good, "text/csv")).run()
    app.button(key="dry_run").click().run()
    assert any("The file is valid" in s.value for s in app.success), texts(app)
    assert not app.button(key="import").disabled
    app.button(key="import").click().run()
    assert any("Imported 1 rows" in s.value for s in app.success), texts(app)
    with platform.client("indicators") as client:
        history = client.get("/v1/observations/history", params={"cluster_code": "SH-IC", "year": 2021}).json()
    assert any(h["indicator_code"] == "C1.4" and h["new_value"] == 7.7 for h in history)


def test_data_browse_shows_the_year(app: AppTest) -> None:
    open_page(app, "data")
    assert metric(app, "Clusters") == "31"
    assert metric(app, "Indicators") == "30"
    assert len(app.get("download_button")) == 1  # the year's observations as CSV


def test_export_offers_csv_xlsx_and_pdf(app: AppTest) -> None:
    open_page(app, "export")
    assert not app.error, [e.value for e in app.error]
    labels = [b.label for b in app.get("download_button")]
    assert labels == ["Download CSV", "Download XLSX", "Download PDF"]


# --- roles, sign-in, language, errors --------------------------------------------------------------------------


def assert_not_offered(at: AppTest, page: str) -> None:
    """The navigation of this role has no such page."""
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(f"app_pages/{page}.py")


def sign_in(at: AppTest, key: str) -> None:
    at.text_input(key="typed_key").set_value(key).run()
    assert not at.exception


def test_a_viewer_sees_no_editing_publishing_or_import(app: AppTest, platform: Platform) -> None:
    _, key = platform.new_key("front-end viewer", "viewer")
    sign_in(app, key)
    assert app.session_state["who"].role == "viewer"
    for page in ("judgments", "panel", "export"):
        assert_not_offered(app, page)
    assert any("needs the expert role" in m.value for m in app.markdown)  # the overview says why
    open_page(app, "data")
    assert app.segmented_control(key="data_view").options == ["Browse", "History"]
    open_page(app, "weights")
    app.segmented_control(key="weights_view").set_value("tab_tune").run()
    assert not any(e.label == "Publish these weights as a profile" for e in app.expander)


def test_an_expert_edits_only_their_own_judgments(app: AppTest, platform: Platform) -> None:
    key_id, key = platform.new_key("front-end expert", "expert")
    with platform.client("indicators") as client:
        panel = next(p for p in client.get("/v1/panels").json() if p["code"] == "DEMO-STRATEGIC")
        linked = client.patch(f"/v1/panels/{panel['id']}/experts/STRATEGIC-E2", json={"api_key_id": key_id})
        linked.raise_for_status()
    sign_in(app, key)
    open_page(app, "judgments")
    assert app.selectbox(key="expert:judgments").options == ["Expert B (strategic panel) (STRATEGIC-E2)"]
    assert len(app.selectbox(key="panel:judgments").options) == 1
    assert_not_offered(app, "panel")
    assert_not_offered(app, "export")


def test_signing_in_with_another_key_marks_the_browser_for_reloads(app: AppTest, platform: Platform) -> None:
    assert "own_key_in_browser" not in app.session_state  # the embedded key: nothing to mark
    _, key = platform.new_key("front-end marked", "viewer")
    sign_in(app, key)
    assert app.session_state["who"].name == "front-end marked"
    assert app.session_state["own_key_in_browser"]  # a reload now asks for a key instead of the embedded one
    assert any("amc_own_key=1" in str(h.proto.body) for h in app.get("html")), "the mark is set in the browser"
    assert all(key not in str(h.proto.body) for h in app.get("html"))  # never the key itself


def test_an_unknown_key_is_refused_with_a_readable_message(app: AppTest) -> None:
    app.button(key="sign_out").click().run()
    assert "who" not in app.session_state
    sign_in(app, "not-a-key")
    app.button(key="sign_in").click().run()
    assert any("unknown or has been revoked" in e.value for e in app.sidebar.error)
    assert any("Sign in with an API key" in i.value for i in app.info)


def test_chinese_switches_labels_and_names(app: AppTest) -> None:
    app.segmented_control(key="lang_switch").set_value("zh").run()
    assert app.title[0].value == "先进制造业集群科技支撑能力评价"
    open_page(app, "ranking")
    table = table_with(app, "排名")
    assert {"排名", "集群", "得分", "梯队", "类型", "省份", "产业领域"} <= set(table.columns)
    assert "上海市集成电路" in set(table["集群"])
    assert set(table["类型"]) <= {"基础型", "战略型", "前沿型"}
    assert any("合成数据" in w.value for w in app.warning)
    assert any(c.value.startswith("梯队按集群得分相对当年全部集群平均分划分") for c in app.caption)


def test_the_uncertainty_page_in_chinese(app: AppTest) -> None:
    # A page of its own: AppTest formats a selectbox's value outside the script run, so in the language the test
    # process has (English) rather than the session's, and a second page after a Chinese one cannot be opened.
    app.segmented_control(key="lang_switch").set_value("zh").run()
    open_page(app, "uncertainty")
    assert app.title[0].value == "不确定性分析"
    assert {"公布排名", "集群", "名次中位数", "第5百分位", "第95百分位"} <= set(table_with(app, "名次中位数").columns)
    assert {"排名区间", "各来源对名次的影响"} <= {s.value for s in app.subheader}
    assert charts(app) == 2


def test_a_service_that_does_not_answer_is_a_message_not_a_trace(
    app: AppTest, platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    st.cache_data.clear()
    monkeypatch.setenv("SCORING_URL", "http://127.0.0.1:9")
    open_page(app, "ranking")
    assert not app.exception
    assert any("A service did not answer" in e.value for e in app.error), texts(app)
    st.cache_data.clear()


def test_the_judgments_page_shows_the_last_closed_round(app: AppTest, platform: Platform) -> None:
    open_page(app, "judgments")
    panel_id = app.session_state["panel"]
    with platform.client("indicators") as client:
        closed = client.post(f"/v1/panels/{panel_id}/rounds")
        assert closed.status_code in (200, 201), closed.text
    api.last_closed_round.clear()
    app.run()
    assert not app.exception
    feedback = [e for e in app.expander if e.label.startswith("The group after round")]
    assert feedback, [e.label for e in app.expander]
    assert "Distance from group" in {m.label for m in app.metric}
    assert any("Where you differ most" in m.value for m in app.markdown), texts(app)
