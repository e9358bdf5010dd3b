"""Ranking: the year's clusters by score, tier and rank change, with filters, what-if weights and method comparison."""

from __future__ import annotations

from typing import get_args

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from frontend import api, ui
from frontend.i18n import relabelled, t
from shared.errors import DomainError
from shared.schemas.analyses import MethodsRequest, RankingModelRequest
from shared.schemas.rankings import RankingPreviewRequest
from shared.schemas.vocabulary import RankingMethod, ScoreMethod, Tier

PAGE = "ranking"

ctx = ui.page_context()
st.title(t("page_ranking"))
st.caption(t("ranking_intro"))

year, profile_id, row = ui.year_and_profile(ctx, page=PAGE, widths=[1, 3, 2, 2, 2])
method, reference, category = ui.method_reference_category(row, page=PAGE)
winsorize = ui.winsorize_toggle(reference, page=PAGE)
model = RankingModelRequest(
    year=year, profile=profile_id, method=method, reference=reference, category=category, winsorize=winsorize
)

with api.shown_errors(), st.spinner(t("loading_ranking")):
    ranking = api.ranking(ctx.api_key, year, profile_id, method, reference, category, ctx.versions(year), winsorize)

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
        get_args(Tier),
        format_func=ui.tier_label,
        key=relabelled("ranking_tiers"),
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

    frame = ui.ranking_frame(ctx, shown, overall=category is not None)
    # ⚑ beside a cluster the service flags for coverage (fewer than the threshold of a criterion's values present).
    if shown:
        frame[t("col_cluster")] = [
            ("⚑ " if r.coverage_flag else "") + str(name)
            for r, name in zip(shown, frame[t("col_cluster")], strict=True)
        ]
    column_config = {}
    if reference == "fixed":
        column_config[t("score")] = st.column_config.ProgressColumn(t("score"), format="%.3f", min_value=0, max_value=1)
    st.dataframe(frame, hide_index=True, width="stretch", column_config=column_config, key="ranking_table")
    ui.tier_rule_caption(ranking)
    low_coverage = [r for r in shown if r.coverage_flag]
    if low_coverage:
        st.caption(
            t("coverage_mark_note", threshold=f"{ranking.coverage_threshold:.0%}")
            + "; ".join(
                f"{ctx.catalog.cluster_name(r.cluster_code)}: "
                + ", ".join(ctx.catalog.criterion_name(c) for c in r.coverage_below)
                for r in low_coverage
            )
        )
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
            preview_body = api.request_body(
                RankingPreviewRequest,
                year=year,
                weights=weights,
                method=method,
                reference=reference,
                category=category,
                winsorize=winsorize,
            )
            preview = api.ranking_preview(ctx.api_key, preview_body, ctx.versions(year))
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
            ui.tier_rule_caption(preview)
            ui.score_shift_chart(ctx, ranking.results, preview.results, key="what_if_chart")

else:
    st.markdown(t("methods_intro"))
    methods: list[ScoreMethod] = st.multiselect(
        t("methods_to_compare"),
        get_args(ScoreMethod),
        default=get_args(RankingMethod),
        format_func=ui.method_label,
        key=relabelled("methods_chosen"),
        placeholder=t("choose_options"),
    )
    if not methods:
        st.info(t("pick_a_method"))
        st.stop()
    with api.shown_errors(), st.spinner(t("computing")):
        body = api.request_body(MethodsRequest, **model.model_dump(), methods=methods)
        compared = api.ranking_methods(ctx.api_key, body, ctx.versions(year))
    for left in compared.left_out:
        # Each value that stopped a method, in words: the indicator and the clusters whose value it cannot take.
        clusters_of: dict[str, list[str]] = {}
        for cell in left.cells:
            clusters_of.setdefault(cell.indicator, []).append(ctx.catalog.cluster_name(cell.cluster_code))
        values = "; ".join(
            f"{ctx.catalog.indicator_name(code)}: {', '.join(names)}" for code, names in clusters_of.items()
        )
        st.warning(
            t("method_left_out", method=ui.method_label(left.method), reason=left.reason)
            + (f"  \n{t('left_out_values')} {values}" if values else ""),
            icon=":material/block:",
        )
    ran = list(compared.results[0].ranks) if compared.results else []
    if len(ran) < 2:
        st.info(t("too_few_methods"))
        st.stop()
    measure = ui.view_switch(["similarity_spearman", "similarity_ws"], key="methods_measure").removeprefix(
        "similarity_"
    )
    similarity = {(m, m): 1.0 for m in ran}
    for pair in compared.correlations:
        value = pair.spearman if measure == "spearman" else pair.ws
        similarity[(pair.a, pair.b)] = similarity[(pair.b, pair.a)] = value
    labels = [ui.method_label(m) for m in ran]
    z = [[similarity.get((a, b)) for b in ran] for a in ran]
    heat = go.Figure(
        go.Heatmap(
            z=z,
            x=labels,
            y=labels,
            zmin=-1 if measure == "spearman" else 0,
            zmax=1,
            colorscale="RdBu",
            text=[["" if v is None else f"{v:.2f}" for v in line] for line in z],
            texttemplate="%{text}",
            colorbar={"title": "ρ" if measure == "spearman" else "WS"},
            hovertemplate="%{y} · %{x}: %{z:.3f}<extra></extra>",
        )
    )
    heat.update_yaxes(autorange="reversed")
    st.subheader(t(f"similarity_heatmap_{measure}"))
    st.caption(t(f"similarity_help_{measure}"))
    ui.chart(heat, key="methods_heat", height=460, legend=False)
    table = pd.DataFrame(
        [
            {t("col_cluster"): ctx.catalog.cluster_name(row.cluster_code)}
            | {ui.method_label(m): row.ranks.get(m) for m in ran}
            for row in compared.results
        ]
    )
    st.subheader(t("ranks_by_method"))
    st.caption(t("ranks_by_method_help", method=ui.method_label(method)))
    st.dataframe(table, hide_index=True, width="stretch", key="methods_table")
