"""Recommendations: a cluster's strengths and weaknesses against its category's peers, and the actions they call for."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from frontend import api, ui
from frontend.i18n import lang, t

PAGE = "recommendations"

ctx = ui.page_context()
st.title(t("page_recommendations"))
st.caption(t("recommendations_intro"))

year, profile_id, row = ui.year_and_profile(ctx, page=PAGE, widths=[1, 3, 3])
with api.shown_errors():
    ranking = api.ranking(ctx.api_key, year, profile_id, "topsis", "fixed", None, ctx.versions(year))
codes = [r.cluster_code for r in ranking.results]
with row[0]:
    code = ui.remembered_select(
        t("cluster"), codes, memory="cluster", page=PAGE, format_func=lambda c: f"{ctx.catalog.cluster_name(c)} ({c})"
    )

with api.shown_errors(texts={"missing": t("recommendations_missing")}), st.spinner(t("loading_recommendations")):
    advice = api.recommendation(ctx.api_key, code, year, profile_id, lang(), ctx.versions(year))

metrics = st.columns(4)
metrics[0].metric(t("col_rank"), f"{advice.rank} / {len(codes)}")
metrics[1].metric(t("score"), ui.score_text(advice.score, 3))
metrics[2].metric(t("col_category"), ui.category_label(advice.category))
metrics[3].metric(t("peers"), advice.peer_count, help=t("peers_help"))
check = advice.category_check
if check.looks_wrong:
    st.warning(f"{t('category_looks_wrong', nearest=ui.category_label(check.nearest))} {check.evidence}")
else:
    st.caption(f"{t('category_check')}: {check.evidence}")

left, right = st.columns(2)
with left:
    st.subheader(t("strengths"))
    if not advice.strengths:
        st.caption(t("none_found"))
    for strength in advice.strengths:
        st.markdown(f"- {strength.text}")
    standings = {r.cluster_code: r for r in ranking.results}
    if code in standings:
        criteria = [c.code for c in ctx.catalog.criteria]
        peers = [r for r in ranking.results if r.category == advice.category]
        medians = [float(pd.Series([p.criteria_scores.get(c, 0.0) for p in peers]).median()) for c in criteria]
        fig = go.Figure()
        fig.add_trace(
            go.Bar(
                x=criteria,
                y=[standings[code].criteria_scores.get(c, 0.0) for c in criteria],
                name=ctx.catalog.cluster_name(code),
                marker_color="#4C78A8",
                hovertext=[ctx.catalog.criterion_name(c) for c in criteria],
            )
        )
        fig.add_trace(
            go.Scatter(
                x=criteria,
                y=medians,
                mode="markers",
                name=t("median_of", category=ui.category_label(advice.category)),
                marker={"symbol": "line-ew-open", "size": 26, "color": "#E45756", "line": {"width": 3}},
            )
        )
        fig.update_yaxes(title=t("score"), range=[0, 1])
        ui.chart(fig, key="rec_criteria", height=320)
with right:
    st.subheader(t("weaknesses"))
    if not advice.weaknesses:
        st.caption(t("none_found"))
    else:
        table = pd.DataFrame(
            [
                {
                    t("col_indicator"): ctx.catalog.indicator_name(w.indicator),
                    t("value"): f"{w.value:g} {ctx.catalog.unit(w.indicator)}" + (" *" if w.imputed else ""),
                    t("benchmark"): f"{w.benchmark:g} {ctx.catalog.unit(w.indicator)}",
                    t("gap"): f"{w.gap:.1%}",
                }
                for w in advice.weaknesses
            ]
        )
        st.dataframe(table, hide_index=True, width="stretch")
        if any(w.imputed for w in advice.weaknesses):
            st.caption(t("imputed_star"))
        fig = go.Figure(
            go.Bar(
                x=[w.gap for w in advice.weaknesses],
                y=[w.indicator for w in advice.weaknesses],
                orientation="h",
                marker_color="#E45756",
                hovertext=[ctx.catalog.indicator_name(w.indicator) for w in advice.weaknesses],
                hovertemplate="%{hovertext}: %{x:.1%}<extra></extra>",
            )
        )
        fig.update_yaxes(autorange="reversed")
        fig.update_xaxes(title=t("gap_axis"), tickformat=".0%")
        ui.chart(fig, key="rec_gaps", height=90 + 30 * len(advice.weaknesses), legend=False)

st.subheader(t("actions"))
if not advice.recommendations:
    st.caption(t("none_found"))
for action in sorted(advice.recommendations, key=lambda a: a.priority):
    with st.container(border=True):
        head, outcome = st.columns([5, 1])
        head.markdown(f"**{action.priority}. {action.title}**  \n{action.policy_path_name} · {action.indicator}")
        head.markdown(action.action)
        head.caption(action.rationale)
        outcome.metric(
            t("expected_rank"),
            action.expected_rank,
            delta=action.expected_gain or None,
            help=t("expected_rank_help"),
        )
