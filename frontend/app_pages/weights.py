"""Weights: a profile's weights on the whole tree, direct tuning, objective and combined weights, live ranking.

The objective and combined weights of a year are the scoring service's (POST /v1/rankings/weights); the page only
draws them and ranks with them.
"""

from __future__ import annotations

from typing import get_args

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from frontend import api, ui
from frontend.i18n import relabelled, t
from shared.errors import DomainError
from shared.schemas.analyses import ModelWeightsRequest
from shared.schemas.panels import CriterionWeight, IndicatorWeight, WeightProfileCreate, WeightProfileRead
from shared.schemas.rankings import RankingPreviewRequest, RankingResponse
from shared.schemas.vocabulary import CombinationMethod, ObjectiveMethod

PAGE = "weights"

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


def ranking_with(weights: dict[str, float] | None, *, key: str) -> None:
    """The year's ranking under `weights` (indicator code → global weight) against the profile's own; None: the
    profile's ranking as published."""
    with api.shown_errors(stop=False):
        baseline = api.ranking(ctx.api_key, year, profile_id, "topsis", "fixed", None, ctx.versions(year))
        preview: RankingResponse | None = baseline
        if weights is not None:
            try:
                body = api.request_body(
                    RankingPreviewRequest, year=year, weights=weights, method="topsis", reference="fixed"
                )
                preview = api.ranking_preview(ctx.api_key, body, ctx.versions(year))
            except DomainError as exc:
                api.show_error(exc, texts={"missing": t("preview_missing")})
                preview = None
        if preview is not None:
            ranks = {r.cluster_code: r.rank for r in baseline.results}
            frame = ui.ranking_frame(ctx, preview.results, baseline=ranks)
            st.dataframe(frame, hide_index=True, width="stretch", height=380, key=f"{key}_table")
            ui.tier_rule_caption(preview)
            if preview is not baseline:
                ui.score_shift_chart(ctx, baseline.results, preview.results, key=f"{key}_shift")


def publish_form(
    profile: WeightProfileRead,
    criteria: list[CriterionWeight],
    indicators: list[IndicatorWeight],
    *,
    suffix: str,
    key: str,
) -> None:
    """For analysts: the weights shown, published as a new profile with the profile's provenance."""
    if not ctx.allows("analyst"):
        return
    with st.expander(t("publish_tuned")):
        with st.form(key):
            name = st.text_input(t("profile_name"), value=f"{profile.name} — {suffix}")
            make_default = st.checkbox(t("make_default"))
            submitted = st.form_submit_button(t("publish"), type="primary", icon=":material/publish:")
        if not submitted:
            return
        try:
            body = api.request_body(
                WeightProfileCreate,
                name=name,
                panel_id=profile.panel_id,
                category=profile.category,
                method=profile.method,
                aggregation=profile.aggregation,
                ri_table=profile.ri_table,
                consensus=profile.consensus,
                criteria=criteria,
                indicators=indicators,
                make_default=make_default,
            )
            published = api.publish_weights(ctx.api_key, body)
        except DomainError as exc:
            api.show_error(exc)
        else:
            api.forget_platform_reads()
            st.success(t("published_ok", name=published.name, id=published.id), icon=":material/check:")


view = ui.view_switch(["tab_profile_weights", "tab_tune", "tab_objective"], key="weights_view")

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
        # The rings show codes, which fit their segments at any weight; the full names are in the hover and the
        # tables beside and below.
        labels = [t("goal")] + [c.code for c in profile.criteria] + [i.code for i in profile.indicators]
        names = [t("goal")] + [catalog.criterion_name(c.code) for c in profile.criteria]
        names += [catalog.indicator_name(i.code) for i in profile.indicators]
        parents = [""] + [t("goal")] * len(profile.criteria) + [i.criterion for i in profile.indicators]
        values = [1.0] + [c.weight for c in profile.criteria] + [i.global_weight for i in profile.indicators]
        sunburst = go.Figure(
            go.Sunburst(
                labels=labels,
                parents=parents,
                values=values,
                hovertext=names,
                branchvalues="total",
                hovertemplate="%{hovertext}<br>%{value:.4f}<extra></extra>",
                insidetextorientation="horizontal",
                textfont={"size": 13},
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

elif view == "tab_tune":
    st.markdown(t("tune_intro"))
    tuned = ui.criterion_weight_sliders(profile, catalog, key="weights_tune")
    names = [c.code for c in profile.criteria]
    fig = go.Figure()
    fig.add_trace(go.Bar(x=names, y=[c.weight for c in profile.criteria], name=t("weights_profile"),
                         marker_color="#BAB0AC"))  # fmt: skip
    fig.add_trace(go.Bar(x=names, y=[tuned[c] for c in names], name=t("weights_tuned"), marker_color="#4C78A8"))
    fig.update_layout(barmode="group")
    fig.update_yaxes(title=t("weight"), rangemode="tozero")
    st.subheader(t("weights_side_by_side"))
    ui.chart(fig, key="weights_compare", height=380)

    st.subheader(t("ranking_with_weights", year=year))
    tuned_weights = ui.indicator_weights(profile, tuned)
    ranking_with(tuned_weights if ui.is_tuned(profile, tuned) else None, key="weights_preview")
    publish_form(
        profile,
        [CriterionWeight(code=code, weight=weight) for code, weight in tuned.items()],
        [
            IndicatorWeight(
                code=i.code, criterion=i.criterion, local_weight=i.local_weight, global_weight=tuned_weights[i.code]
            )
            for i in profile.indicators
        ],
        suffix=t("tuned"),
        key="publish_tuned_form",
    )

else:
    st.markdown(t("objective_intro"))
    controls = st.columns([2, 2, 3])
    objective_method = controls[0].selectbox(
        t("objective_method"), get_args(ObjectiveMethod), format_func=lambda m: t(f"objective_{m}"),
        key=relabelled("objective_method"),
    )  # fmt: skip
    combination = controls[1].selectbox(
        t("combination"), get_args(CombinationMethod), format_func=lambda m: t(f"combination_{m}"),
        key=relabelled("combination"), help=t("combination_help"),
    )  # fmt: skip
    alpha = controls[2].slider(
        t("alpha"), 0.0, 1.0, 0.5, step=0.05, key="combine_alpha", help=t("alpha_help"),
        disabled=combination != "linear",
    )  # fmt: skip
    with api.shown_errors(), st.spinner(t("computing")):
        body = api.request_body(
            ModelWeightsRequest,
            year=year,
            profile=profile_id,
            objective=objective_method,
            combination=combination,
            alpha=alpha,
        )
        weights = api.ranking_weights(ctx.api_key, body, ctx.versions(year))
    for warning in weights.warnings:
        st.caption(f"⚠ {warning}")
    st.caption(t("objective_source", year=weights.model.year, version=weights.model.dataset_version))

    codes = [w.code for w in weights.indicators]
    fig = go.Figure()
    for field, colour in (("subjective", "#BAB0AC"), ("objective", "#F58518"), ("combined", "#54A24B")):
        fig.add_trace(
            go.Bar(
                x=codes,
                y=[getattr(w, field) for w in weights.indicators],
                name=t(f"weights_{field}"),
                marker_color=colour,
                customdata=[catalog.indicator_name(code) for code in codes],
                hovertemplate="%{customdata}: %{y:.4f}<extra>" + t(f"weights_{field}") + "</extra>",
            )
        )
    fig.update_layout(barmode="group", bargap=0.25)
    fig.update_xaxes(tickangle=-60)
    fig.update_yaxes(title=t("global_weight"), rangemode="tozero")
    st.subheader(t("indicator_weights_side_by_side"))
    ui.chart(fig, key="weights_objective_chart", height=420)
    with st.expander(t("indicator_weights_table")):
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        t("col_indicator"): catalog.indicator_name(w.code),
                        t("col_criterion"): w.criterion,
                        t("weights_subjective"): round(w.subjective, 4),
                        t("weights_objective"): round(w.objective, 4),
                        t("weights_combined"): round(w.combined, 4),
                    }
                    for w in weights.indicators
                ]
            ),
            hide_index=True,
            width="stretch",
            key="weights_objective_table",
        )

    st.subheader(t("ranking_with_combined", year=year))
    combined = {w.code: w.combined for w in weights.indicators}
    ranking_with(combined, key="weights_combined")
    # A profile states each criterion's weight and each indicator's share of it: the combined weights regrouped.
    totals = {c.code: sum(w.combined for w in weights.indicators if w.criterion == c.code) for c in profile.criteria}
    publish_form(
        profile,
        [CriterionWeight(code=code, weight=total) for code, total in totals.items()],
        [
            IndicatorWeight(
                code=w.code,
                criterion=w.criterion,
                local_weight=w.combined / totals[w.criterion] if totals[w.criterion] else 0.0,
                global_weight=w.combined,
            )
            for w in weights.indicators
        ],
        suffix=t("combined_suffix", objective=t(f"objective_{objective_method}")),
        key="publish_combined_form",
    )
