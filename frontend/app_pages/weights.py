"""Weights: a profile's weights on the whole tree, direct tuning, objective and combined weights, live ranking."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from frontend import api, ui
from frontend.i18n import t
from shared.errors import DomainError
from shared.schemas.panels import CriterionWeight, IndicatorWeight, WeightProfileCreate
from shared.schemas.rankings import RankingResponse

PAGE = "weights"
OBJECTIVE_METHODS = ["entropy", "critic", "standard_deviation", "merec"]

ctx = ui.page_context()
st.title(t("page_weights"))
st.caption(t("weights_intro"))

top = st.columns([4, 2])
with top[0]:
    profile_id = ui.profile_select(ctx, page=PAGE)
if profile_id is None:
    st.stop()
with top[1]:
    year = ui.year_select(ctx, page=PAGE)
with api.shown_errors():
    profile = api.profile(ctx.api_key, ctx.state.instance_id, profile_id)
catalog = ctx.catalog

view = ui.view_switch(["tab_profile_weights", "tab_tune"], key="weights_view")

if view == "tab_profile_weights":
    st.markdown(
        " · ".join(
            [
                f"**{t('priority_method')}**: {t(f'ahp_{profile.method}')}",
                f"**{t('aggregation')}**: {t(f'group_{profile.aggregation}')}",
                f"**{t('ri_table')}**: {t(f'ri_{profile.ri_table}')}",
                f"**{t('consensus')}**: {ui.score_text(profile.consensus, 3)}",
                f"**{t('published_by')}**: {profile.published_by}, {str(profile.published_at)[:16]}",
            ]
        )
    )
    left, right = st.columns(2)
    with left:
        labels = [t("goal")] + [catalog.criterion_name(c.code) for c in profile.criteria]
        labels += [catalog.indicator_name(i.code) for i in profile.indicators]
        parents = [""] + [t("goal")] * len(profile.criteria)
        parents += [catalog.criterion_name(i.criterion) for i in profile.indicators]
        values = [1.0] + [c.weight for c in profile.criteria] + [i.global_weight for i in profile.indicators]
        sunburst = go.Figure(
            go.Sunburst(
                labels=labels,
                parents=parents,
                values=values,
                branchvalues="total",
                hovertemplate="%{label}<br>%{value:.4f}<extra></extra>",
                insidetextorientation="radial",
            )
        )
        st.subheader(t("weights_tree"))
        ui.chart(sunburst, key="weights_sunburst", height=520, legend=False)
    with right:
        st.subheader(t("criterion_weights"))
        fig = go.Figure(
            go.Bar(
                x=[c.weight for c in profile.criteria],
                y=[catalog.criterion_name(c.code) for c in profile.criteria],
                orientation="h",
                text=[f"{c.weight:.3f}" for c in profile.criteria],
                textposition="auto",
                marker_color="#4C78A8",
            )
        )
        fig.update_yaxes(autorange="reversed")
        fig.update_xaxes(title=t("weight"))
        ui.chart(fig, key="weights_criteria", height=320, legend=False)
        node_rows = [
            {
                t("node"): t("goal") if n.node == "goal" else n.node,
                "CR": f"{n.cr:.4f} {'✓' if n.consistent else '✗'}",
                t("consensus"): ui.score_text(n.consensus, 3),
            }
            for n in profile.nodes
        ]
        if node_rows:
            st.dataframe(pd.DataFrame(node_rows), hide_index=True, width="stretch")
    st.subheader(t("indicator_weights"))
    st.dataframe(
        pd.DataFrame(
            [
                {
                    t("col_indicator"): catalog.indicator_name(i.code),
                    t("col_criterion"): i.criterion,
                    t("local_weight"): round(i.local_weight, 4),
                    t("global_weight"): round(i.global_weight, 4),
                }
                for i in profile.indicators
            ]
        ),
        hide_index=True,
        width="stretch",
    )

else:
    st.markdown(t("tune_intro"))
    tuned_criteria = ui.criterion_weight_sliders(profile, catalog, key="weights_tune")
    subjective = ui.indicator_weights(profile, tuned_criteria)
    codes = list(subjective)

    controls = st.columns([2, 3])
    objective_method = controls[0].selectbox(
        t("objective_method"), OBJECTIVE_METHODS, format_func=lambda m: t(f"objective_{m}"), key="objective_method"
    )
    alpha = controls[1].slider(t("alpha"), 0.0, 1.0, 1.0, step=0.05, key="combine_alpha", help=t("alpha_help"))

    combined = dict(subjective)
    objective: dict[str, float] | None = None
    version = api.dataset_version(ctx.state, year)
    try:
        data = api.dataset(ctx.api_key, year, version or "")
        columns = [data.indicators.index(code) for code in codes]
        complete = [[row[j] for j in columns] for row in data.values if all(row[j] is not None for j in columns)]
        body = {
            "criteria": [{"name": code, "type": catalog.indicators[code].direction} for code in codes],
            "matrix": complete,
            "method": objective_method,
        }
        objective = api.objective_weights(ctx.api_key, api.canonical(body))["weights"]
        if len(complete) < len(data.values):
            st.caption(t("objective_complete_rows", used=len(complete), total=len(data.values)))
        if alpha < 1.0 and objective is not None:
            blend = {
                "subjective": [subjective[c] for c in codes],
                "objective": [objective[c] for c in codes],
                "method": "linear",
                "alpha": alpha,
            }
            combined = dict(zip(codes, api.combined_weights(ctx.api_key, api.canonical(blend))["weights"], strict=True))
    except DomainError as exc:
        api.show_error(exc)

    def by_criterion(weights: dict[str, float]) -> list[float]:
        return [sum(w for code, w in weights.items() if catalog.criterion_of[code] == c.code) for c in profile.criteria]

    names = [c.code for c in profile.criteria]
    fig = go.Figure()
    fig.add_trace(go.Bar(x=names, y=[c.weight for c in profile.criteria], name=t("weights_profile"),
                         marker_color="#BAB0AC"))  # fmt: skip
    fig.add_trace(go.Bar(x=names, y=by_criterion(subjective), name=t("weights_tuned"), marker_color="#4C78A8"))
    if objective is not None:
        fig.add_trace(go.Bar(x=names, y=by_criterion(objective), name=t("weights_objective"), marker_color="#F58518"))
    fig.add_trace(go.Bar(x=names, y=by_criterion(combined), name=t("weights_combined"), marker_color="#54A24B"))
    fig.update_layout(barmode="group")
    fig.update_yaxes(title=t("weight"), rangemode="tozero")
    st.subheader(t("weights_side_by_side"))
    ui.chart(fig, key="weights_compare", height=380)

    st.subheader(t("ranking_with_weights", year=year))
    with api.shown_errors(stop=False):
        baseline = api.ranking(ctx.api_key, year, profile_id, "topsis", "fixed", None, ctx.versions(year))
        baseline_ranks = {r.cluster_code: r.rank for r in baseline.results}
        preview: RankingResponse | None = baseline
        if ui.is_tuned(profile, tuned_criteria) or alpha < 1.0:
            try:
                preview = api.ranking_preview(
                    ctx.api_key, year, api.canonical(combined), "topsis", "fixed", None, ctx.versions(year)
                )
            except DomainError as exc:
                api.show_error(exc, texts={"missing": t("preview_missing")})
                preview = None
        if preview is not None:
            frame = ui.ranking_frame(ctx, preview.results, baseline=baseline_ranks)
            st.dataframe(frame, hide_index=True, width="stretch", height=380, key="weights_preview_table")
            if preview is not baseline:
                ui.score_shift_chart(ctx, baseline.results, preview.results, key="weights_shift")

    if ctx.allows("analyst"):
        with st.expander(t("publish_tuned")):
            with st.form("publish_tuned_form"):
                name = st.text_input(t("profile_name"), value=f"{profile.name} — {t('tuned')}")
                make_default = st.checkbox(t("make_default"))
                submitted = st.form_submit_button(t("publish"), type="primary", icon=":material/publish:")
            if submitted:
                totals = dict(zip([c.code for c in profile.criteria], by_criterion(combined), strict=True))
                total = sum(combined.values())
                new_profile = WeightProfileCreate(
                    name=name,
                    panel_id=profile.panel_id,
                    category=profile.category,
                    method=profile.method,
                    aggregation=profile.aggregation,
                    ri_table=profile.ri_table,
                    consensus=profile.consensus,
                    criteria=[CriterionWeight(code=c, weight=w / total) for c, w in totals.items()],
                    indicators=[
                        IndicatorWeight(
                            code=code,
                            criterion=catalog.criterion_of[code],
                            local_weight=w / (totals[catalog.criterion_of[code]] or 1.0),
                            global_weight=w / total,
                        )
                        for code, w in combined.items()
                    ],
                    make_default=make_default,
                )
                try:
                    published = api.publish_weights(ctx.api_key, new_profile)
                except DomainError as exc:
                    api.show_error(exc)
                else:
                    api.forget_platform_reads()
                    st.success(t("published_ok", name=published.name, id=published.id), icon=":material/check:")
