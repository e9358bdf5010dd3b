"""Ranking: the year's clusters by score, tier and rank change, with filters, what-if weights and method comparison."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from frontend import api, ui
from frontend.i18n import t
from shared.errors import DomainError, InvalidInput

PAGE = "ranking"
METHODS = ["topsis", "wsm", "vikor", "promethee_ii", "waspas", "edas", "mabac"]
FIXED_METHODS = ("topsis", "wsm")

ctx = ui.page_context()
st.title(t("page_ranking"))
st.caption(t("ranking_intro"))

year, profile_id, row = ui.year_and_profile(ctx, page=PAGE, widths=[1, 3, 2, 2, 2])
with row[0]:
    method = st.selectbox(t("method"), METHODS, format_func=ui.method_label, key="ranking_method")
with row[1]:
    reference = st.selectbox(
        t("reference"),
        ["fixed", "relative"] if method in FIXED_METHODS else ["relative"],
        format_func=lambda r: t(f"reference_{r}"),
        key=f"ranking_reference_{method in FIXED_METHODS}",
        help=t("reference_help"),
    )
with row[2]:
    category = st.selectbox(
        t("col_category"),
        [None, "basic", "strategic", "cutting_edge"],
        format_func=ui.category_label,
        key="ranking_cat",
    )

with api.shown_errors(), st.spinner(t("loading_ranking")):
    ranking = api.ranking(ctx.api_key, year, profile_id, method, reference, category, ctx.versions(year))

view = ui.view_switch(["tab_ranking", "tab_what_if", "tab_methods"], key="ranking_view")

if view == "tab_ranking":
    results = ranking.results
    filters = st.columns(4)
    provinces = sorted({ctx.catalog.province(r.cluster_code) for r in results})
    industries = sorted({ctx.catalog.industry(r.cluster_code) for r in results})
    chosen_provinces = filters[0].multiselect(
        t("col_province"), provinces, key="ranking_provinces", placeholder=t("choose_options")
    )
    chosen_industries = filters[1].multiselect(
        t("col_industry"), industries, key="ranking_industries", placeholder=t("choose_options")
    )
    chosen_tiers = filters[2].multiselect(
        t("col_tier"),
        ["leading", "strong", "moderate", "emerging"],
        format_func=ui.tier_label,
        key="ranking_tiers",
        placeholder=t("choose_options"),
    )
    search = filters[3].text_input(t("search"), key="ranking_search", placeholder=t("search_placeholder"))
    shown = [
        r
        for r in results
        if (not chosen_provinces or ctx.catalog.province(r.cluster_code) in chosen_provinces)
        and (not chosen_industries or ctx.catalog.industry(r.cluster_code) in chosen_industries)
        and (not chosen_tiers or r.tier in chosen_tiers)
        and (not search or search.lower() in (ctx.catalog.cluster_name(r.cluster_code) + r.cluster_code).lower())
    ]
    metrics = st.columns(4)
    metrics[0].metric(t("metric_clusters"), f"{len(shown)} / {len(results)}")
    metrics[1].metric(
        t("mean_score"), ui.score_text(sum(r.score for r in results) / len(results), 3) if results else "—"
    )
    metrics[2].metric(t("leading_count"), sum(1 for r in results if r.tier == "leading"))
    metrics[3].metric(t("compared_with"), str(ranking.previous_year or "—"))

    frame = ui.ranking_frame(ctx, shown)
    column_config = {}
    if reference == "fixed":
        column_config[t("score")] = st.column_config.ProgressColumn(t("score"), format="%.3f", min_value=0, max_value=1)
    st.dataframe(frame, hide_index=True, width="stretch", column_config=column_config, key="ranking_table")
    imputed = [r for r in shown if r.imputed]
    if imputed:
        st.caption(
            t("imputed_note")
            + "; ".join(f"{ctx.catalog.cluster_name(r.cluster_code)}: {', '.join(r.imputed)}" for r in imputed)
        )
    for warning in ranking.warnings:
        st.caption(f"⚠ {warning}")

    if shown:
        ordered = shown[::-1]
        fig = go.Figure(
            go.Bar(
                x=[r.score for r in ordered],
                y=[ctx.catalog.cluster_name(r.cluster_code) for r in ordered],
                orientation="h",
                marker_color=[ui.TIER_COLORS[r.tier] for r in ordered],
                text=[f"#{r.rank} · {ui.tier_label(r.tier)}" for r in ordered],
                textposition="auto",
                hovertemplate="%{y}<br>%{x:.4f}<extra></extra>",
            )
        )
        fig.update_xaxes(title=t("score"))
        st.subheader(t("scores_chart"))
        ui.chart(fig, key="ranking_bars", height=max(320, 24 * len(ordered) + 80), legend=False)

elif view == "tab_what_if":
    st.markdown(t("what_if_intro"))
    with api.shown_errors():
        profile = api.profile(ctx.api_key, ctx.state.instance_id, profile_id)
    tuned = ui.criterion_weight_sliders(profile, ctx.catalog, key="ranking_tune")
    if not ui.is_tuned(profile, tuned):
        st.info(t("move_a_slider"))
    else:
        weights = ui.indicator_weights(profile, tuned)
        try:
            preview = api.ranking_preview(
                ctx.api_key, year, api.canonical(weights), method, reference, category, ctx.versions(year)
            )
        except DomainError as exc:
            api.show_error(exc, texts={"missing": t("preview_missing")})
        else:
            baseline = {r.cluster_code: r.rank for r in ranking.results}
            st.dataframe(
                ui.ranking_frame(ctx, preview.results, baseline=baseline),
                hide_index=True,
                width="stretch",
                key="what_if_table",
            )
            ui.score_shift_chart(ctx, ranking.results, preview.results, key="what_if_chart")

else:
    st.markdown(t("methods_intro"))
    ranks: dict[str, dict[str, int]] = {}
    left_out: list[str] = []
    with st.spinner(t("computing")):
        for name in METHODS:
            try:
                result = api.ranking(ctx.api_key, year, profile_id, name, "relative", category, ctx.versions(year))
            except InvalidInput as exc:
                # A method whose normalisation cannot take these values (zeros, say) is left out, with its reason.
                left_out.append(f"{ui.method_label(name)}: {exc.detail}")
                continue
            except DomainError as exc:
                api.show_error(exc)
                st.stop()
            ranks[name] = {r.cluster_code: r.rank for r in result.results}
    if left_out:
        st.caption(t("methods_left_out") + "; ".join(left_out))
    if len(ranks) < 2:
        st.stop()
    table = pd.DataFrame(ranks)
    table.columns = [ui.method_label(m) for m in ranks]
    correlation = table.corr(method="spearman")
    heat = go.Figure(
        go.Heatmap(
            z=correlation.values,
            x=list(correlation.columns),
            y=list(correlation.index),
            zmin=-1,
            zmax=1,
            colorscale="RdBu",
            text=[[f"{v:.2f}" for v in line] for line in correlation.values],
            texttemplate="%{text}",
            colorbar={"title": "ρ"},
        )
    )
    st.subheader(t("spearman_heatmap"))
    ui.chart(heat, key="methods_heat", height=460, legend=False)
    table.insert(0, t("col_cluster"), [ctx.catalog.cluster_name(code) for code in table.index])
    table = table.sort_values(ui.method_label("topsis"))
    st.subheader(t("ranks_by_method"))
    st.dataframe(table, hide_index=True, width="stretch", key="methods_table")
