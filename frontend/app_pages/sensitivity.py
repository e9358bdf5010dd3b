"""Sensitivity: how far the ranking depends on its criterion weights — acceptability, stability, a sweep."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from frontend import api, ui
from frontend.i18n import t

PAGE = "sensitivity"
METHODS = ["topsis", "wsm", "vikor", "promethee_ii", "waspas", "edas", "mabac"]

ctx = ui.page_context()
st.title(t("page_sensitivity"))
st.caption(t("sensitivity_intro"))

year, profile_id, row = ui.year_and_profile(ctx, page=PAGE, widths=[1, 3, 2])
with row[0]:
    category = st.selectbox(
        t("col_category"), [None, "basic", "strategic", "cutting_edge"], format_func=ui.category_label, key="sens_cat"
    )
criteria = [c.code for c in ctx.catalog.criteria]
settings = st.columns(4)
method = settings[0].selectbox(t("method"), METHODS, format_func=ui.method_label, key="sens_method")
# TOPSIS scores every sample in one vectorised pass; the other methods run once per sample, so fewer are offered.
sample_options = [1000, 2000, 5000, 10000, 20000] if method == "topsis" else [200, 500, 1000, 2000]
samples = settings[1].select_slider(
    t("samples"), sample_options, value=sample_options[2], key=f"sens_samples_{method == 'topsis'}"
)
concentration = settings[2].select_slider(
    t("concentration"), [5, 10, 20, 50, 100, 200, 500], value=50, key="sens_conc", help=t("concentration_help")
)
sweep_criterion = settings[3].selectbox(
    t("sweep_criterion"), criteria, format_func=ctx.catalog.criterion_name, key="sens_sweep"
)

with api.shown_errors(), st.spinner(t("loading_ranking")):
    ranking = api.ranking(ctx.api_key, year, profile_id, "topsis", "fixed", category, ctx.versions(year))
    profile = api.profile(ctx.api_key, ctx.state.instance_id, profile_id)
results = ranking.results
if len(results) < 2:
    st.info(t("too_few_clusters"))
    st.stop()
weights = {c.code: c.weight for c in profile.criteria}
body = {
    "alternatives": [r.cluster_code for r in results],
    "criteria": [{"name": c, "type": "benefit", "weight": weights.get(c, 0.0)} for c in criteria],
    "matrix": [[r.criteria_scores.get(c, 0.0) for c in criteria] for r in results],
    "method": method,
    "samples": samples,
    "seed": 42,
    "concentration": concentration,
    "sweep_criterion": sweep_criterion,
    "sweep_points": 21,
}
st.caption(t("sensitivity_problem", n=len(results), k=len(criteria)))
with api.shown_errors(), st.spinner(t("running_sensitivity", samples=samples)):
    result = api.sensitivity(ctx.api_key, api.canonical(body))
for warning in result.get("warnings", []):
    st.caption(f"⚠ {warning}")

acceptability = result["rank_acceptability"]
expected = {a["alternative"]: sum((r + 1) * p for r, p in enumerate(a["by_rank"])) for a in acceptability}
ordered = sorted(acceptability, key=lambda a: expected[a["alternative"]])
st.subheader(t("rank_acceptability"))
st.caption(t("rank_acceptability_help"))
heat = go.Figure(
    go.Heatmap(
        z=[a["by_rank"] for a in ordered],
        x=[str(r + 1) for r in range(len(ordered[0]["by_rank"]))],
        y=[ctx.catalog.cluster_name(a["alternative"]) for a in ordered],
        colorscale="Blues",
        zmin=0,
        zmax=1,
        colorbar={"title": t("share")},
        hovertemplate="%{y}<br>" + t("col_rank") + " %{x}: %{z:.1%}<extra></extra>",
    )
)
heat.update_yaxes(autorange="reversed")
heat.update_xaxes(title=t("col_rank"))
ui.chart(heat, key="sens_heat", height=max(360, 22 * len(ordered) + 100), legend=False)

left, right = st.columns(2)
with left:
    st.subheader(t("weight_stability"))
    st.caption(t("weight_stability_help"))
    stability = result["weight_stability"]
    names = [ctx.catalog.criterion_name(s["criterion"]) for s in stability]
    bars = go.Figure()
    bars.add_trace(
        go.Bar(
            y=names,
            x=[s["max"] - s["min"] for s in stability],
            base=[s["min"] for s in stability],
            orientation="h",
            name=t("stable_interval"),
            marker_color="#9ecae1",
            hovertemplate="%{y}: %{base:.3f} – %{x:.3f}<extra></extra>",
        )
    )
    bars.add_trace(
        go.Scatter(
            y=names,
            x=[s["weight"] for s in stability],
            mode="markers",
            name=t("current_weight"),
            marker={"color": "#08306b", "size": 11, "symbol": "line-ns-open", "line": {"width": 3}},
        )
    )
    bars.update_yaxes(autorange="reversed")
    bars.update_xaxes(title=t("weight"), range=[0, min(1.0, 1.25 * max(s["max"] for s in stability))])
    ui.chart(bars, key="sens_stability", height=360)
with right:
    sweep = result.get("sweep")
    st.subheader(t("sweep_title", criterion=ctx.catalog.criterion_name(sweep_criterion)))
    if sweep:
        show_all = st.toggle(t("show_all_clusters"), key="sens_show_all")
        top = [a["alternative"] for a in ordered] if show_all else [a["alternative"] for a in ordered[:8]]
        lines = go.Figure()
        for code in top:
            lines.add_trace(
                go.Scatter(
                    x=sweep["weights"], y=sweep["scores"][code], mode="lines", name=ctx.catalog.cluster_name(code)
                )
            )
        lines.add_vline(x=weights.get(sweep_criterion, 0.0), line_dash="dash", line_color="#666")
        lines.update_xaxes(title=t("weight_of", criterion=sweep_criterion), range=[0, 1])
        lines.update_yaxes(title=t("score"))
        ui.chart(lines, key="sens_sweep_chart", height=360)
