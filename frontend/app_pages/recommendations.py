"""Recommendations: a cluster's strengths and weaknesses against its category's peers, and the actions they call for."""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from frontend import api, ui
from frontend.i18n import lang, t
from shared.errors import DomainError

PAGE = "recommendations"
LABELS = {
    "criterion": "col_criterion",
    "indicator": "col_indicator",
    "value": "value",
    "benchmark": "benchmark",
    "gap": "gap",
}

ctx = ui.page_context()
st.title(t("page_recommendations"))
st.caption(t("recommendations_intro"))

row = st.columns([1, 3, 3])
with row[0]:
    year = ui.year_select(ctx, page=PAGE)
with row[1]:
    profile_id = ui.profile_select(ctx, page=PAGE)
if profile_id is None:
    st.stop()
with api.shown_errors():
    ranking = api.ranking(ctx.api_key, year, profile_id, "topsis", "fixed", None, ctx.versions(year))
codes = [r.cluster_code for r in ranking.results]
with row[2]:
    code = ui.remembered_select(
        t("cluster"), codes, memory="cluster", page=PAGE, format_func=lambda c: ctx.catalog.cluster_name(c)
    )

try:
    with st.spinner(t("loading_recommendations")):
        advice = api.recommendation(ctx.api_key, code, year, profile_id, lang(), ctx.versions(year))
except DomainError as exc:
    api.show_error(exc, texts={"missing": t("recommendations_missing")})
    st.stop()


def named(entry: dict[str, Any]) -> dict[str, Any]:
    """A strength or weakness as a table row: codes turned into names, the known fields labelled."""
    row: dict[str, Any] = {}
    for field, value in entry.items():
        if field == "criterion" and isinstance(value, str):
            value = ctx.catalog.criterion_name(value)
        elif field == "indicator" and isinstance(value, str):
            value = ctx.catalog.indicator_name(value)
        elif isinstance(value, float):
            value = round(value, 4)
        elif isinstance(value, list | dict):
            continue
        row[t(LABELS[field]) if field in LABELS else field] = value
    return row


cluster = ctx.catalog.clusters.get(code)
metrics = st.columns(4)
metrics[0].metric(t("col_rank"), advice.get("rank", "—"))
metrics[1].metric(t("score"), ui.score_text(advice.get("score"), 3))
metrics[2].metric(
    t("col_category"), ui.category_label(advice.get("category") or (cluster.category if cluster else None))
)
metrics[3].metric(t("col_province"), ctx.catalog.province(code))
if cluster is not None:
    reason = cluster.category_reason_zh if lang() == "zh" and cluster.category_reason_zh else cluster.category_reason
    if reason:
        st.caption(f"{t('why_category')}: {reason}")

left, right = st.columns(2)
with left:
    st.subheader(t("strengths"))
    strengths = advice.get("strengths") or []
    if not strengths:
        st.caption(t("none_found"))
    elif all(isinstance(s, dict) for s in strengths):
        st.dataframe(pd.DataFrame([named(s) for s in strengths]), hide_index=True, width="stretch")
    else:
        for item in strengths:
            st.markdown(f"- {item}")
with right:
    st.subheader(t("weaknesses"))
    weaknesses = advice.get("weaknesses") or []
    if not weaknesses:
        st.caption(t("none_found"))
    else:
        st.dataframe(pd.DataFrame([named(w) for w in weaknesses]), hide_index=True, width="stretch")
        with_gaps = [w for w in weaknesses if isinstance(w.get("gap"), int | float) and w.get("indicator")]
        if with_gaps:
            fig = go.Figure(
                go.Bar(
                    x=[w["gap"] for w in with_gaps],
                    y=[ctx.catalog.indicator_name(w["indicator"]) for w in with_gaps],
                    orientation="h",
                    marker_color="#E45756",
                )
            )
            fig.update_yaxes(autorange="reversed")
            fig.update_xaxes(title=t("gap"))
            ui.chart(fig, key="rec_gaps", height=80 + 34 * len(with_gaps), legend=False)

st.subheader(t("actions"))
actions = sorted(advice.get("recommendations") or [], key=lambda a: a.get("priority", 99))
if not actions:
    st.caption(t("none_found"))
for action in actions:
    with st.container(border=True):
        criterion = action.get("criterion")
        heading = f"**{action.get('priority', '')}. {action.get('title', '')}**"
        if criterion:
            heading += f"  ·  {ctx.catalog.item_name(criterion)}"
        st.markdown(heading)
        if action.get("action"):
            st.markdown(action["action"])
        if action.get("rationale"):
            st.caption(action["rationale"])
