"""Sensitivity: how far a published ranking holds as its criterion weights move — acceptability, stability, a sweep.

Everything shown is the scoring service's answer about the ranking's own model (POST /v1/rankings/sensitivity).
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from frontend import api, ui
from frontend.i18n import relabelled, t
from shared.schemas.analyses import RankingSensitivityRequest

PAGE = "sensitivity"
SWEEP_POINTS = 21
TOP_LINES = 8  # clusters drawn in the sweep unless every one is asked for

ctx = ui.page_context()
st.title(t("page_sensitivity"))
st.caption(t("sensitivity_intro"))

model = ui.ranking_model(ctx, page=PAGE, widths=[1, 3, 2, 2, 2])
criteria = [c.code for c in ctx.catalog.criteria]
settings = st.columns(4)
# TOPSIS scores every sample in one vectorised pass; the other methods run once per sample, so fewer are offered.
sample_options = [1000, 2000, 5000, 10000, 20000] if model.method == "topsis" else [200, 500, 1000, 2000, 5000]
samples = settings[0].select_slider(
    t("samples"), sample_options, value=sample_options[2], key=f"sens_samples_{model.method == 'topsis'}"
)
concentration = settings[1].select_slider(
    t("concentration"), [5, 10, 20, 50, 100, 200, 500], value=50, key="sens_conc", help=t("concentration_help")
)
seed = settings[2].number_input(t("seed"), min_value=0, value=42, step=1, key="sens_seed", help=t("seed_help"))
criterion = settings[3].selectbox(
    t("criterion_to_study"), criteria, format_func=ctx.catalog.criterion_name, key=relabelled("sens_criterion")
)

with api.shown_errors(), st.spinner(t("running_sensitivity", samples=samples)):
    body = api.request_body(
        RankingSensitivityRequest,
        **model.model_dump(),
        samples=samples,
        seed=int(seed),
        concentration=concentration,
        sweep_criterion=criterion,
        sweep_points=SWEEP_POINTS,
    )
    result = api.ranking_sensitivity(ctx.api_key, body, ctx.versions(model.year))
acceptability = result.rank_acceptability  # in published order
if len(acceptability) < 2:
    st.info(t("too_few_clusters"))
    st.stop()
st.caption(
    t(
        "analysis_of",
        clusters=len(acceptability),
        method=ui.method_label(result.model.method),
        reference=t(f"reference_{result.model.reference}"),
        profile=result.model.profile,
        year=result.model.year,
        version=result.model.dataset_version,
    )
)
names = {a.cluster_code: ctx.catalog.cluster_name(a.cluster_code) for a in acceptability}
labels = [f"{a.rank}. {names[a.cluster_code]}" for a in acceptability]

st.subheader(t("rank_acceptability"))
st.caption(t("rank_acceptability_help", samples=result.samples))
heat = go.Figure(
    go.Heatmap(
        z=[a.by_rank for a in acceptability],
        x=list(range(1, len(acceptability[0].by_rank) + 1)),
        y=labels,
        colorscale="Blues",
        zmin=0,
        zmax=1,
        colorbar={"title": t("share")},
        hovertemplate="%{y}<br>" + t("col_rank") + " %{x}: %{z:.1%}<extra></extra>",
    )
)
heat.add_trace(
    go.Scatter(
        x=[a.rank for a in acceptability],
        y=labels,
        mode="markers",
        name=t("published_rank"),
        marker={"symbol": "square-open", "size": 14, "color": "#E45756", "line": {"width": 2}},
        hovertemplate="%{y}<br>" + t("published_rank") + ": %{x}<extra></extra>",
    )
)
heat.update_yaxes(autorange="reversed")
heat.update_xaxes(title=t("col_rank"), tickvals=ui.rank_ticks(len(acceptability)), tickangle=0)
ui.chart(heat, key="sens_heat", height=max(380, 22 * len(acceptability) + 120))

stability = next(s for s in result.weight_stability if s.criterion == criterion)
interval_of = {c.cluster_code: c for c in stability.clusters}
intervals = [interval_of[a.cluster_code] for a in acceptability]
height = max(380, 22 * len(intervals) + 120)
st.subheader(t("weight_stability_of", criterion=ctx.catalog.criterion_name(criterion)))
st.caption(t("weight_stability_help"))
bars = go.Figure()
bars.add_trace(
    go.Bar(
        y=labels,
        x=[c.max - c.min for c in intervals],
        base=[c.min for c in intervals],
        orientation="h",
        name=t("stable_interval"),
        marker_color="#9ecae1",
        customdata=[[c.min, c.max] for c in intervals],
        hovertemplate="%{y}: %{customdata[0]:.3f} – %{customdata[1]:.3f}<extra></extra>",
    )
)
bars.add_trace(
    go.Scatter(
        y=labels,
        x=[stability.weight] * len(labels),
        mode="markers",
        name=t("current_weight"),
        marker={"color": "#08306b", "size": 12, "symbol": "line-ns-open", "line": {"width": 3}},
        hovertemplate=t("current_weight") + ": %{x:.3f}<extra></extra>",
    )
)
bars.update_yaxes(autorange="reversed")
# The weights that matter: up to a little past the widest interval, not the whole of 0 to 1.
bars.update_xaxes(
    title=t("weight_of", criterion=criterion), range=[0, min(1.0, 1.15 * max(c.max for c in intervals) + 0.01)]
)
ui.chart(bars, key="sens_stability", height=height)

sweep = result.sweep
st.subheader(t("sweep_title", criterion=ctx.catalog.criterion_name(criterion)))
st.caption(t("sweep_help"))
if sweep is not None:
    controls = st.columns([2, 3])
    with controls[0]:
        shown = ui.view_switch(["sweep_scores", "sweep_ranks"], key="sens_sweep_view")
    show_all = controls[1].toggle(t("show_all_clusters"), key="sens_show_all")
    codes = [a.cluster_code for a in acceptability]
    lines = go.Figure()
    for code in codes if show_all else codes[:TOP_LINES]:
        values = sweep.scores[code] if shown == "sweep_scores" else sweep.ranks[code]
        lines.add_trace(go.Scatter(x=sweep.weights, y=values, mode="lines", name=names[code]))
    lines.add_vline(x=stability.weight, line_dash="dash", line_color="#666")
    lines.update_xaxes(title=t("weight_of", criterion=criterion), range=[0, 1])
    if shown == "sweep_scores":
        lines.update_yaxes(title=t("score"))
    else:
        lines.update_yaxes(title=t("col_rank"), autorange="reversed")
    ui.chart(lines, key="sens_sweep_chart", height=520 if show_all else 440)

with st.expander(t("stability_table")):
    st.caption(t("stability_table_help"))
    interval = {
        (s.criterion, c.cluster_code): f"{c.min:.3f} – {c.max:.3f}" for s in result.weight_stability for c in s.clusters
    }
    table = pd.DataFrame(
        [
            {t("col_rank"): a.rank, t("col_cluster"): names[a.cluster_code]}
            | {s.criterion: interval.get((s.criterion, a.cluster_code), "—") for s in result.weight_stability}
            for a in acceptability
        ]
    )
    st.dataframe(table, hide_index=True, width="stretch", key="sens_stability_table")
    st.caption(" · ".join(f"{s.criterion} {t('current_weight')} {s.weight:.3f}" for s in result.weight_stability))
