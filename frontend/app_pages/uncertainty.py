"""Uncertainty: each cluster's rank interval over Monte Carlo runs of a published ranking, and which source of
uncertainty (weights, panel, imputation, method) moves the ranks most.

Everything shown is the scoring service's answer about the ranking's own model (POST /v1/rankings/uncertainty).
"""

from __future__ import annotations

from typing import get_args

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from frontend import api, ui
from frontend.i18n import t
from shared.schemas.analyses import UncertaintyRequest, UncertaintySource

PAGE = "uncertainty"
SOURCES: tuple[UncertaintySource, ...] = get_args(UncertaintySource)
INTERVAL_COLOR, MEDIAN_COLOR, PUBLISHED_COLOR = "#9ecae1", "#08306b", "#E45756"
INDEX_COLORS = {"first_order": "#4C78A8", "total": "#F58518"}

ctx = ui.page_context()
st.title(t("page_uncertainty"))
st.caption(t("uncertainty_intro"))

model = ui.ranking_model(ctx, page=PAGE, widths=[1, 3, 2, 2, 2])
st.markdown(f"**{t('sources')}**")
boxes = st.columns(len(SOURCES))
sources = [
    source
    for box, source in zip(boxes, SOURCES, strict=True)
    if box.checkbox(
        t(f"source_{source}"), value=source == "weights", key=f"unc_source_{source}", help=t(f"source_{source}_help")
    )
]
settings = st.columns(3)
samples = settings[0].select_slider(
    t("model_runs"), [1000, 2000, 5000, 10000, 20000], value=5000, key="unc_samples", help=t("model_runs_help")
)
concentration = settings[1].select_slider(
    t("concentration"), [5, 10, 20, 50, 100, 200, 500], value=50, key="unc_conc", help=t("concentration_help")
)
seed = settings[2].number_input(t("seed"), min_value=0, value=42, step=1, key="unc_seed", help=t("seed_help"))
if not sources:
    st.info(t("pick_a_source"))
    st.stop()

# Uncertainty of imputation looks back at every earlier year's values, so all dataset versions key the answer.
versions = (*ctx.versions(model.year), *(d.version for d in ctx.state.datasets))
with api.shown_errors(), st.spinner(t("running_uncertainty", samples=samples)):
    body = api.request_body(
        UncertaintyRequest,
        **model.model_dump(),
        samples=samples,
        seed=int(seed),
        concentration=concentration,
        sources=sources,
    )
    result = api.ranking_uncertainty(ctx.api_key, body, versions)
rows = result.results  # in published order
if not rows:
    st.info(t("too_few_clusters"))
    st.stop()
st.caption(
    t(
        "analysis_of",
        clusters=len(rows),
        method=ui.method_label(result.model.method),
        reference=t(f"reference_{result.model.reference}"),
        profile=result.model.profile,
        year=result.model.year,
        version=result.model.dataset_version,
    )
    + " · "
    + t("runs_done", runs=result.samples, base=result.base_samples, seed=result.seed)
)
labels = [f"{r.rank}. {ctx.catalog.cluster_name(r.cluster_code)}" for r in rows]

st.subheader(t("rank_intervals"))
st.caption(t("rank_intervals_help"))
intervals = go.Figure()
# One trace of segments (None breaks the line between clusters): a bar from the 5th to the 95th percentile.
intervals.add_trace(
    go.Scatter(
        x=[x for r in rows for x in (r.rank_p05, r.rank_p95, None)],
        y=[y for label in labels for y in (label, label, None)],
        mode="lines",
        line={"color": INTERVAL_COLOR, "width": 9},
        name=t("interval_p05_p95"),
        hoverinfo="skip",
    )
)
intervals.add_trace(
    go.Scatter(
        x=[r.median_rank for r in rows],
        y=labels,
        mode="markers",
        name=t("median_rank"),
        marker={"color": MEDIAN_COLOR, "size": 10},
        customdata=[[r.rank_p05, r.rank_p95] for r in rows],
        hovertemplate="%{y}<br>"
        + t("median_rank")
        + ": %{x}<br>"
        + t("interval_p05_p95")
        + ": %{customdata[0]} – %{customdata[1]}<extra></extra>",
    )
)
intervals.add_trace(
    go.Scatter(
        x=[r.rank for r in rows],
        y=labels,
        mode="markers",
        name=t("published_rank"),
        marker={"color": PUBLISHED_COLOR, "size": 14, "symbol": "line-ns-open", "line": {"width": 3}},
        hovertemplate="%{y}<br>" + t("published_rank") + ": %{x}<extra></extra>",
    )
)
intervals.update_yaxes(autorange="reversed")
intervals.update_xaxes(title=t("col_rank"), range=[0.5, len(rows) + 0.5], tickvals=ui.rank_ticks(len(rows)))
ui.chart(intervals, key="unc_intervals", height=max(380, 22 * len(rows) + 120))

st.subheader(t("sensitivity_indices"))
left, right = st.columns([3, 2])
with left:
    indices = result.sensitivity_indices
    bars = go.Figure()
    for measure in ("first_order", "total"):
        values = [getattr(i, measure) for i in indices]
        bars.add_trace(
            go.Bar(
                x=[t(f"source_{i.source}") for i in indices],
                y=values,
                name=t(f"index_{measure}"),
                marker_color=INDEX_COLORS[measure],
                text=[f"{v:.2f}" for v in values],
                textposition="outside",
                hovertemplate="%{x}: %{y:.3f}<extra>" + t(f"index_{measure}") + "</extra>",
            )
        )
    bars.update_layout(barmode="group")
    bars.update_yaxes(title=t("share_of_rank_variance"), rangemode="tozero")
    ui.chart(bars, key="unc_indices", height=360)
with right:
    st.caption(t("sensitivity_indices_help"))
    if result.notes:
        st.markdown(f"**{t('uncertainty_notes')}**")
        st.markdown("\n".join(f"- {note}" for note in result.notes))

st.subheader(t("rank_interval_table"))
table = pd.DataFrame(
    [
        {
            t("published_rank"): r.rank,
            t("col_cluster"): ctx.catalog.cluster_name(r.cluster_code),
            t("median_rank"): r.median_rank,
            t("rank_p05"): r.rank_p05,
            t("rank_p95"): r.rank_p95,
            t("rank_kept"): r.by_rank[r.rank - 1] if 0 < r.rank <= len(r.by_rank) else None,
        }
        for r in rows
    ]
)
st.dataframe(
    table,
    hide_index=True,
    width="stretch",
    key="unc_table",
    column_config={t("rank_kept"): st.column_config.NumberColumn(t("rank_kept"), format="percent")},
)
