"""Overview: what the platform holds, the latest ranking at a glance, and the steps of a panel round."""

from __future__ import annotations

from collections import Counter
from typing import get_args

import plotly.graph_objects as go
import streamlit as st

from frontend import api, ui
from frontend.i18n import t
from shared.schemas.vocabulary import Category

st.title(t("app_title"))
st.caption(t("app_subtitle"))
if st.session_state.get("who") is None:
    st.info(t("sign_in_first"), icon=":material/key:")
    st.markdown(t("home_intro"))
    st.stop()

ctx = ui.page_context()
st.markdown(t("home_intro"))
year = ctx.latest_year
summaries = []
with api.shown_errors(stop=False):
    summaries = api.profiles(ctx.api_key, ctx.state.instance_id, ctx.state.default_profile_id)
default = next((p for p in summaries if p.is_default), None)

cols = st.columns(4)
cols[0].metric(t("metric_clusters"), len(ctx.catalog.clusters))
cols[1].metric(t("metric_indicators"), len(ctx.catalog.indicators), help=t("metric_indicators_help"))
cols[2].metric(t("metric_years"), f"{api.years(ctx.state)[0]}–{year}" if year else "—")
cols[3].metric(
    t("metric_consensus"),
    ui.score_text(default.consensus, 3) if default else "—",
    help=f"{t('weight_profile')}: {default.name}" if default else t("no_profile_yet"),
)

left, right = st.columns([2, 3])
with left:
    st.subheader(t("clusters_by_category"))
    counts: Counter[str] = Counter(c.category for c in ctx.catalog.clusters.values())
    categories = [c for c in get_args(Category) if counts[c]]
    fig = go.Figure(
        go.Bar(
            x=[ui.category_label(c) for c in categories],
            y=[counts[c] for c in categories],
            marker_color=[ui.CATEGORY_COLORS[c] for c in categories],
            text=[counts[c] for c in categories],
            textposition="outside",
        )
    )
    fig.update_yaxes(title=t("metric_clusters"))
    ui.chart(fig, key="home_categories", height=320, legend=False)
with right:
    if year is not None and default is not None:
        st.subheader(t("top_ten", year=year))
        with api.shown_errors(stop=False), st.spinner(t("loading_ranking")):
            ranking = api.ranking(ctx.api_key, year, None, "topsis", "fixed", None, ctx.versions(year))
            top = ranking.results[:10][::-1]
            fig = go.Figure(
                go.Bar(
                    x=[r.score for r in top],
                    y=[ctx.catalog.cluster_name(r.cluster_code) for r in top],
                    orientation="h",
                    marker_color=[ui.CATEGORY_COLORS[r.category] for r in top],
                    text=[f"{r.score:.3f}" for r in top],
                    textposition="auto",
                )
            )
            fig.update_xaxes(title=t("score"), range=[0, 1])
            ui.chart(fig, key="home_top", height=320, legend=False)

st.subheader(t("panel_round"))
steps = [
    ("app_pages/judgments.py", "expert", "step_judgments"),
    ("app_pages/panel.py", "analyst", "step_panel"),
    ("app_pages/weights.py", "viewer", "step_weights"),
    ("app_pages/ranking.py", "viewer", "step_ranking"),
    ("app_pages/compare.py", "viewer", "step_compare"),
    ("app_pages/sensitivity.py", "viewer", "step_sensitivity"),
    ("app_pages/uncertainty.py", "viewer", "step_uncertainty"),
    ("app_pages/recommendations.py", "viewer", "step_recommendations"),
    ("app_pages/export.py", "analyst", "step_export"),
]
for number, (path, needed, text) in enumerate(steps, start=1):
    if ctx.allows(needed):
        st.page_link(path, label=f"{number}. {t(text)}")
    else:
        st.markdown(f"{number}. {t(text)} — *{t('needs_role', role=t('role_' + needed))}*")
