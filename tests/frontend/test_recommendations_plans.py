"""The Recommendations page's plan (issue 15): a target picked, the plan as the recommendation service answers it
(GET /v1/recommendations/{code}/plan), its before/after radar from the service's criterion scores, in both
languages, and an unreachable target said plainly."""

from __future__ import annotations

import json
from typing import Any

from streamlit.testing.v1 import AppTest

from shared.schemas.indicators import IndicatorRead
from shared.schemas.vocabulary import Lang
from shared.units import quantity
from tests.frontend.support import Platform, open_page

YEAR = 2024


def service_plan(platform: Platform, code: str, target: str, lang: str = "en") -> dict[str, Any]:
    with platform.client("recommendations") as client:
        response = client.get(f"/v1/recommendations/{code}/plan", params={"year": YEAR, "target": target, "lang": lang})
        response.raise_for_status()
        body: dict[str, Any] = response.json()
        return body


def tree(platform: Platform) -> dict[str, IndicatorRead]:
    with platform.client("indicators") as client:
        nodes = client.get("/v1/indicators").json()
    return {i["code"]: IndicatorRead.model_validate(i) for c in nodes for i in c["children"]}


def from_to(change: dict[str, Any], indicators: dict[str, IndicatorRead], lang: Lang) -> str:
    indicator = indicators[change["indicator"]]
    return f"{quantity(change['from'], indicator, lang)} → {quantity(change['to'], indicator, lang)}"


def metric(app: AppTest, label: str) -> str:
    return str(next(m.value for m in app.metric if m.label == label))


def plan_table(app: AppTest, column: str) -> Any:
    return next(d.value for d in app.dataframe if column in d.value.columns)


def radar(app: AppTest) -> dict[str, Any]:
    specs = [json.loads(c.proto.spec) for c in app.get("plotly_chart")]
    spec: dict[str, Any] = next(s for s in specs if s["data"] and s["data"][0]["type"] == "scatterpolar")
    return spec


def test_a_plan_for_the_next_tier_in_english(app: AppTest, platform: Platform) -> None:
    open_page(app, "recommendations")
    app.selectbox(key="cluster:recommendations").set_value("FS-HOME").run()
    assert not app.exception
    assert not app.error, [e.value for e in app.error]
    assert "What it takes" in [s.value for s in app.subheader]
    plan = service_plan(platform, "FS-HOME", "next_tier")
    assert plan["reachable"]
    assert plan["changes"]
    assert metric(app, "Now") == f"rank {plan['current']['rank']} · {plan['current']['tier']}"
    assert metric(app, "With the plan") == f"rank {plan['reached']['rank']} · {plan['reached']['tier']}"
    assert metric(app, "Changes") == str(len(plan["changes"]))
    indicators = tree(platform)
    table = plan_table(app, "From → to")
    assert list(table["Indicator"]) == [f"{c['indicator']} {c['name']}" for c in plan["changes"]]
    assert list(table["From → to"]) == [from_to(c, indicators, "en") for c in plan["changes"]]
    assert list(table["Peer that reached it"]) == [
        f"{c['peer_name']} ({c['peer']['cluster_code']})" for c in plan["changes"]
    ]
    # The radar draws the service's criterion scores, before and after; the page computes none of them.
    traces = radar(app)["data"]
    assert [t["name"] for t in traces] == ["before", "after"]
    assert traces[0]["r"][:-1] == [s["before"] for s in plan["criteria_scores"]]
    assert traces[1]["r"][:-1] == [s["after"] for s in plan["criteria_scores"]]
    assert traces[1]["r"] != traces[0]["r"]


def test_a_rank_target_that_no_plan_reaches_is_said_plainly(app: AppTest, platform: Platform) -> None:
    open_page(app, "recommendations")
    app.selectbox(key="cluster:recommendations").set_value("FS-HOME").run()
    app.segmented_control(key="plan_target").set_value("rank").run()
    app.number_input(key="plan_k").set_value(1).run()
    assert not app.exception
    assert not app.error, [e.value for e in app.error]
    plan = service_plan(platform, "FS-HOME", "rank:1")
    assert plan["reachable"] is False
    assert plan["changes"] == []
    (warning,) = [w.value for w in app.warning if "Not reachable" in w.value]
    assert f"rank {plan['best_possible']['rank']}" in warning
    assert metric(app, "Changes") == "0"


def test_a_plan_in_chinese_shows_chinese_names_and_units(app: AppTest, platform: Platform) -> None:
    open_page(app, "recommendations")
    # Picked in English (the test's format_func runs outside the script, in its default language), then switched.
    app.selectbox(key="cluster:recommendations").set_value("HF-SPEECH").run()
    app.session_state["lang"] = "zh"
    app.run()
    assert not app.exception
    assert not app.error, [e.value for e in app.error]
    plan = service_plan(platform, "HF-SPEECH", "next_tier", lang="zh")
    assert "达成目标需要做什么" in [s.value for s in app.subheader]
    indicators = tree(platform)
    table = plan_table(app, "从 → 到")
    assert list(table["指标"]) == [f"{c['indicator']} {c['name']}" for c in plan["changes"]]
    shown = list(table["从 → 到"])
    assert shown == [from_to(c, indicators, "zh") for c in plan["changes"]]
    english_units = {i.unit for i in indicators.values() if i.unit_zh and i.unit_zh != i.unit}
    assert not any(unit in text for text in shown for unit in english_units if unit not in ("count", "ratio"))
    assert [t["name"] for t in radar(app)["data"]] == ["调整前", "调整后"]
    assert metric(app, "当前").startswith(f"第{plan['current']['rank']}位")


def test_data_gaps_and_learning_partners_as_the_service_gives_them(app: AppTest, platform: Platform) -> None:
    open_page(app, "recommendations")
    app.selectbox(key="cluster:recommendations").set_value("CD-SOFTWARE").run()
    assert not app.exception
    with platform.client("recommendations") as client:
        advice = client.get("/v1/recommendations/CD-SOFTWARE", params={"year": YEAR}).json()
    shown = " ".join(m.value for m in app.markdown) + " ".join(c.value for c in app.caption)
    assert advice["data_gaps"]
    assert "Data gaps" in [s.value for s in app.subheader]
    assert all(gap["text"] in shown for gap in advice["data_gaps"])
    partners = [p for a in advice["recommendations"] for p in a["peer_examples"]]
    assert partners
    assert shown.count("Peers that reach the benchmark") == sum(
        1 for a in advice["recommendations"] if a["peer_examples"]
    )


def test_the_years_portfolio_is_the_services_count(app: AppTest, platform: Platform) -> None:
    open_page(app, "recommendations")
    assert not app.error, [e.value for e in app.error]
    with platform.client("recommendations") as client:
        portfolio = client.get("/v1/recommendations/portfolio", params={"year": YEAR}).json()
    assert f"All clusters of {YEAR}: what recurs" in [s.value for s in app.subheader]
    specs = [json.loads(c.proto.spec) for c in app.get("plotly_chart")]
    bars = next(s for s in specs if any(trace.get("name") == "basic" for trace in s["data"]))
    assert [trace["x"] for trace in bars["data"]] == [
        [p["share"] for p in c["policy_paths"]] for c in portfolio["categories"]
    ]
    paths = plan_table(app, "Policy path")
    assert len(paths) == sum(len(c["policy_paths"]) for c in portfolio["categories"])
    recurring = plan_table(app, "Which clusters")
    assert list(recurring["Action"]) == [a["title"] for c in portfolio["categories"] for a in c["actions"]]
    assert list(recurring["Clusters"]) == [len(a["clusters"]) for c in portfolio["categories"] for a in c["actions"]]


def test_the_export_page_makes_the_plans_for_the_chosen_target(app: AppTest) -> None:
    # The files' plans for the target are checked in tests/api/scoring/test_export_plans_api.py; here the page.
    open_page(app, "export")
    app.selectbox(key="export_plan_target").set_value("top_quartile").run()
    assert not app.exception
    assert not app.error, [e.value for e in app.error]
    buttons = {b.label: b for b in app.get("download_button")}
    assert set(buttons) == {"Download CSV", "Download XLSX", "Download PDF"}
