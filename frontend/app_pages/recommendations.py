"""Recommendations: a cluster's strengths and weaknesses against its category's peers, the actions they call for,
and what it takes to reach a target (the scoring service's plan, drawn here as it answers)."""

from __future__ import annotations

from typing import cast

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from frontend import api, ui
from frontend.i18n import lang, t
from shared.schemas.plans import NAMED_TARGETS
from shared.schemas.vocabulary import Lang
from shared.units import quantity, share_of_range

PAGE = "recommendations"
RANK_TARGET = "rank"

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
        language = cast(Lang, lang())
        table = pd.DataFrame(
            [
                {
                    t("col_indicator"): ctx.catalog.indicator_name(w.indicator),
                    t("value"): quantity(w.value, ctx.catalog.indicators[w.indicator], language)
                    + (" *" if w.imputed else ""),
                    t("benchmark"): quantity(w.benchmark, ctx.catalog.indicators[w.indicator], language),
                    t("gap"): f"{w.gap:.1%}",
                }
                for w in advice.weaknesses
            ]
        )
        st.dataframe(table, hide_index=True, width="stretch")
        if any(w.imputed for w in advice.weaknesses):
            st.caption(t("imputed_star"))
        largest_first = sorted(advice.weaknesses, key=lambda w: -w.gap)
        fig = go.Figure(
            go.Bar(
                x=[w.gap for w in largest_first],
                y=[w.indicator for w in largest_first],
                orientation="h",
                marker_color="#E45756",
                hovertext=[ctx.catalog.indicator_name(w.indicator) for w in largest_first],
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
        if action.peer_examples:
            unit_of = ctx.catalog.indicators[action.indicator]
            partners = ", ".join(
                f"{ctx.catalog.cluster_name(p.cluster_code)} ({quantity(p.value, unit_of, cast(Lang, lang()))})"
                for p in action.peer_examples
            )
            head.caption(f"{t('peer_examples')}: {partners}")
        # Closing one gap alone rarely moves a rank among 30 indicators; the score it adds is what orders the actions,
        # and the plan below says what would move the rank.
        outcome.metric(
            t("score_gain"),
            f"+{action.score_gain:.3f}",
            delta=action.expected_gain or None,
            help=t("score_gain_help", rank=action.expected_rank),
        )

if advice.data_gaps:
    st.subheader(t("data_gaps"))
    st.caption(t("data_gaps_intro"))
    for gap in advice.data_gaps:
        st.markdown(f"- **{gap.indicator} {gap.name}**: {gap.text}")


# --- what it takes: the plan for a target ------------------------------------------------------------------------

st.subheader(t("plan_heading"))
st.caption(t("plan_intro"))
pick, k_column = st.columns([3, 1])
with pick:
    choice = st.segmented_control(
        t("plan_target"),
        [*NAMED_TARGETS, RANK_TARGET],
        format_func=lambda kind: t(f"target_{kind}"),
        default=NAMED_TARGETS[0],
        key="plan_target",
    )
kind = choice or NAMED_TARGETS[0]
target: str = kind
if kind == RANK_TARGET:
    with k_column:
        k = st.number_input(
            t("plan_rank_k"), min_value=1, max_value=len(codes), value=max(1, advice.rank - 1), step=1, key="plan_k"
        )
    target = f"rank:{int(k)}"
with api.shown_errors(), st.spinner(t("loading_recommendations")):
    plan = api.cluster_plan(ctx.api_key, code, year, profile_id, target, lang(), ctx.versions(year))


def standing(rank: int, tier: str) -> str:
    return t("plan_standing", rank=rank, tier=t(f"tier_{tier}"))


figures = st.columns(4)
figures[0].metric(t("plan_now"), standing(plan.current.rank, plan.current.tier))
figures[1].metric(
    t("plan_reached"),
    standing(plan.reached.rank, plan.reached.tier) if plan.reachable else "—",
    delta=(plan.current.rank - plan.reached.rank) or None,
)
figures[2].metric(t("plan_changes"), len(plan.changes))
figures[3].metric(t("plan_effort"), share_of_range(plan.effort), help=t("plan_effort_help"))
# The service words the summary in the chosen language; its rule in numbers is English only, so shown in English.
summary = plan.summary if plan.changes else ""
st.caption(summary if lang() == "zh" else f"{summary} {t('plan_rule', rule=plan.target_rule)}".strip())
if not plan.reachable:
    best = plan.best_possible
    st.warning(
        t("plan_unreachable", name=plan.name, rank=best.rank, tier=t(f"tier_{best.tier}")), icon=":material/block:"
    )
elif not plan.changes:
    st.success(t("plan_met"), icon=":material/check_circle:")
else:
    language = cast(Lang, lang())
    steps = pd.DataFrame(
        [
            {
                t("col_indicator"): f"{c.indicator} {c.name}" + (" *" if c.imputed else ""),
                t("col_from_to"): " → ".join(
                    quantity(value, ctx.catalog.indicators[c.indicator], language)
                    for value in (c.value_from, c.value_to)
                ),
                t("col_peer"): f"{c.peer_name} ({c.peer.cluster_code})",
                t("col_effort"): share_of_range(c.effort),
            }
            for c in plan.changes
        ]
    )
    st.dataframe(steps, hide_index=True, width="stretch")
    if any(c.imputed for c in plan.changes):
        st.caption(t("plan_imputed"))
if plan.changes and plan.criteria_scores:
    names = [ctx.catalog.criterion_name(s.criterion) for s in plan.criteria_scores]
    radar = go.Figure()
    for label, values, colour in (
        (t("plan_before"), [s.before for s in plan.criteria_scores], "#9AA5B1"),
        (t("plan_after"), [s.after for s in plan.criteria_scores], "#4C78A8"),
    ):
        radar.add_trace(
            go.Scatterpolar(
                r=[*values, values[0]],
                theta=[*names, names[0]],
                name=label,
                line={"color": colour},
                fill="toself",
                opacity=0.55,
            )
        )
    st.markdown(f"**{t('plan_radar')}**")
    figure = ui.styled(radar, height=460)
    # The criteria's names sit outside the circle: room for them on every side, the legend below.
    figure.update_layout(
        polar={"radialaxis": {"range": [0, 1]}},
        margin={"l": 80, "r": 80, "t": 40, "b": 60},
        legend={"orientation": "h", "yanchor": "top", "y": -0.08, "x": 0.5, "xanchor": "center"},
    )
    st.plotly_chart(figure, width="stretch", key="plan_radar", config={"displaylogo": False})


# --- the year's portfolio: what recurs across all clusters, by category ------------------------------------------

st.subheader(t("portfolio_heading", year=year))
st.caption(t("portfolio_intro"))
with api.shown_errors(stop=False), st.spinner(t("loading_recommendations")):
    portfolio = api.portfolio(ctx.api_key, year, profile_id, lang(), ctx.versions(year))
    paths = [(c, p) for c in portfolio.categories for p in c.policy_paths]
    # Best-reached paths at the top of each category's block, the categories in vocabulary order.
    bars = go.Figure()
    for category in portfolio.categories:
        bars.add_trace(
            go.Bar(
                x=[p.share for p in category.policy_paths],
                y=[f"{p.name} · {category.name}" for p in category.policy_paths],
                orientation="h",
                name=category.name,
                marker_color=ui.CATEGORY_COLORS.get(category.category, "#888888"),
                text=[t("portfolio_bar", clusters=p.clusters, of=category.clusters) for p in category.policy_paths],
                textposition="auto",
                hovertemplate="%{y}: %{x:.0%}<extra></extra>",
            )
        )
    bars.update_yaxes(autorange="reversed")
    bars.update_xaxes(title=t("portfolio_share_axis"), tickformat=".0%", range=[0, 1])
    ui.chart(bars, key="portfolio_paths", height=110 + 34 * len(paths))
    st.dataframe(
        pd.DataFrame(
            [
                {
                    t("col_category"): category.name,
                    t("portfolio_path"): path.name,
                    t("portfolio_clusters"): f"{path.clusters} / {category.clusters}",
                    t("portfolio_actions"): path.actions,
                }
                for category, path in paths
            ]
        ),
        hide_index=True,
        width="stretch",
    )
    st.markdown(f"**{t('portfolio_recurring')}**")
    st.dataframe(
        pd.DataFrame(
            [
                {
                    t("col_category"): category.name,
                    t("portfolio_action"): action.title,
                    t("portfolio_path"): next(
                        (p.name for p in category.policy_paths if p.policy_path == action.policy_path),
                        action.policy_path,
                    ),
                    t("portfolio_clusters"): len(action.clusters),
                    t("portfolio_which"): ("、" if lang() == "zh" else ", ").join(
                        ctx.catalog.cluster_name(c) for c in action.clusters
                    ),
                }
                for category in portfolio.categories
                for action in category.actions
            ]
        ),
        hide_index=True,
        width="stretch",
    )
