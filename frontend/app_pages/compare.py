"""Compare: two to five clusters side by side — criterion radar, indicator values against medians, years."""

from __future__ import annotations

import statistics

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from frontend import api, ui
from frontend.i18n import t

PAGE = "compare"
PALETTE = ["#4C78A8", "#F58518", "#54A24B", "#E45756", "#B279A2"]

ctx = ui.page_context()
st.title(t("page_compare"))
st.caption(t("compare_intro"))

year, profile_id, _ = ui.year_and_profile(ctx, page=PAGE, widths=[1, 3])
view = ui.view_switch(["compare_side_by_side", "compare_year_over_year"], key="compare_view")

if view == "compare_year_over_year":
    earlier = [y for y in api.years(ctx.state) if y < year]
    if not earlier:
        st.info(t("yoy_no_earlier", year=year))
        st.stop()
    year_column, profile_column = st.columns([1, 3])
    from_year = year_column.selectbox(t("yoy_from"), earlier[::-1], key="compare_from_year")
    with api.shown_errors():
        summaries = api.profiles(ctx.api_key, ctx.state.instance_id, ctx.state.default_profile_id)
    others = {p.id: f"{p.name} (#{p.id})" for p in sorted(summaries, key=lambda p: -p.id) if p.id != profile_id}
    from_profile_id: int | None = profile_column.selectbox(
        t("yoy_from_profile"),
        [None, *others],
        format_func=lambda pid: t("yoy_same_profile") if pid is None else others[pid],
        help=t("yoy_from_profile_help"),
        key="compare_from_profile",
    )
    with api.shown_errors(), st.spinner(t("loading_ranking")):
        versions = (*ctx.versions(year), api.dataset_version(ctx.state, from_year))
        comparison = api.ranking_comparison(ctx.api_key, from_year, year, profile_id, versions, from_profile_id)
    st.caption(t("yoy_intro", before=from_year, after=year))
    flagged = [entry for entry in comparison.results if entry.flags]
    if flagged:
        st.caption(t("yoy_flagged_count", count=len(flagged), total=len(comparison.results)))
    both = [entry for entry in comparison.results if entry.contributions is not None and entry.score_change is not None]
    if not both:
        st.info(t("yoy_no_cluster"))
        st.stop()
    codes_both = [entry.cluster_code for entry in both]
    cluster = st.selectbox(
        t("yoy_cluster"), codes_both, format_func=ctx.catalog.cluster_name, key="compare_yoy_cluster"
    )
    chosen_row = next(entry for entry in both if entry.cluster_code == cluster)
    parts = {ctx.catalog.criterion_name(c): v for c, v in (chosen_row.contributions or {}).items()}
    if chosen_row.weights_contribution is not None:
        parts[t("yoy_weights_part")] = chosen_row.weights_contribution
    if "revised_data" in chosen_row.flags:
        revised = ", ".join(ctx.catalog.indicator_name(code) for code in chosen_row.revised)
        st.warning(t("yoy_flag_revised_data", year=from_year, indicators=revised))
    if "profile_changed" in chosen_row.flags:
        st.info(t("yoy_flag_profile_changed"))
    before_score = chosen_row.from_.score or 0.0
    after_score = chosen_row.to.score or 0.0
    st.subheader(t("yoy_waterfall", cluster=ctx.catalog.cluster_name(cluster)))
    waterfall = go.Figure(
        go.Waterfall(
            x=[str(from_year), *parts, str(year)],
            measure=["absolute", *["relative"] * len(parts), "total"],
            y=[before_score, *parts.values(), after_score],
            text=[f"{before_score:.4f}", *[f"{v:+.4f}" for v in parts.values()], f"{after_score:.4f}"],
            textposition="outside",
            increasing={"marker": {"color": "#54A24B"}},
            decreasing={"marker": {"color": "#E45756"}},
            totals={"marker": {"color": "#4C78A8"}},
            connector={"line": {"color": "#BAB0AC", "dash": "dot"}},
            hovertemplate="%{x}: %{text}<extra></extra>",
        )
    )
    low = min(before_score, after_score, *(before_score + v for v in parts.values()))
    high = max(before_score, after_score, *(before_score + v for v in parts.values()))
    pad = max(high - low, 0.01) * 0.6
    waterfall.update_yaxes(title=t("score"), range=[max(0.0, low - pad), high + pad])
    ui.chart(waterfall, key="compare_waterfall", height=440, legend=False)
    st.caption(
        t(
            "yoy_waterfall_help",
            change=ui.score_text(chosen_row.score_change),
            rank_before=chosen_row.from_.rank,
            rank_after=chosen_row.to.rank,
        )
    )

    st.subheader(t("yoy_rank_change", before=from_year, after=year))
    ranked = sorted(both, key=lambda entry: entry.to.rank or 0, reverse=True)
    names = [ctx.catalog.cluster_name(entry.cluster_code) + (" ⚑" if entry.flags else "") for entry in ranked]
    dumbbell = go.Figure()
    for entry, name in zip(ranked, names, strict=True):
        moved = entry.rank_change or 0
        colour = "#54A24B" if moved > 0 else "#E45756" if moved < 0 else "#BAB0AC"
        dumbbell.add_trace(
            go.Scatter(x=[entry.from_.rank, entry.to.rank], y=[name, name], mode="lines", showlegend=False,
                       hoverinfo="skip", line={"color": colour, "width": 3})
        )  # fmt: skip
    dumbbell.add_trace(
        go.Scatter(x=[entry.from_.rank for entry in ranked], y=names, mode="markers", name=str(from_year),
                   marker={"color": "#BAB0AC", "size": 9}, hovertemplate="%{y}: #%{x}<extra></extra>")
    )  # fmt: skip
    dumbbell.add_trace(
        go.Scatter(x=[entry.to.rank for entry in ranked], y=names, mode="markers", name=str(year),
                   marker={"color": "#4C78A8", "size": 9},
                   text=[ui.rank_change_text(entry.rank_change) for entry in ranked],
                   hovertemplate="%{y}: #%{x} (%{text})<extra></extra>")
    )  # fmt: skip
    dumbbell.update_xaxes(title=t("col_rank"), autorange="reversed", tickvals=ui.rank_ticks(len(ranked)))
    ui.chart(dumbbell, key="compare_rank_change", height=max(360, 22 * len(ranked) + 100))
    st.caption(t("yoy_rank_change_help"))
    st.stop()
with api.shown_errors(), st.spinner(t("loading_ranking")):
    ranking = api.ranking(ctx.api_key, year, profile_id, "topsis", "fixed", None, ctx.versions(year))
by_code = {r.cluster_code: r for r in ranking.results}
codes = list(by_code)
if "compare_clusters" not in st.session_state:
    st.session_state["compare_clusters"] = codes[:3]
chosen: list[str] = st.multiselect(
    t("clusters_to_compare"),
    codes,
    format_func=ctx.catalog.cluster_name,
    max_selections=5,
    key="compare_clusters",
    placeholder=t("choose_options"),
)
if len(chosen) < 2:
    st.info(t("pick_two"))
    st.stop()

left, right = st.columns(2)
with left:
    st.subheader(t("criterion_profile"))
    criteria = [c.code for c in ctx.catalog.criteria]
    names = [ctx.catalog.criterion_name(c) for c in criteria]
    radar = go.Figure()
    for colour, code in zip(PALETTE, chosen, strict=False):
        scores = [by_code[code].criteria_scores.get(c, 0.0) for c in criteria]
        radar.add_trace(
            go.Scatterpolar(
                r=[*scores, scores[0]],
                theta=[*criteria, criteria[0]],
                name=ctx.catalog.cluster_name(code),
                line={"color": colour},
                fill="toself",
                opacity=0.55,
                hovertext=[*names, names[0]],
                hovertemplate="%{hovertext}: %{r:.3f}<extra></extra>",
            )
        )
    radar.update_layout(polar={"radialaxis": {"range": [0, 1]}})
    ui.chart(radar, key="compare_radar", height=460)
    st.caption(" · ".join(names))
with right:
    st.subheader(t("standing"))
    standing = ui.ranking_frame(ctx, [by_code[c] for c in chosen])
    st.dataframe(
        standing[[t("col_rank"), t("col_cluster"), t("score"), t("col_tier"), t("col_rank_change")]],
        hide_index=True,
        width="stretch",
    )
    ui.tier_rule_caption(ranking)

    st.subheader(t("over_the_years"))
    history: dict[str, dict[int, float]] = {code: {} for code in chosen}
    ranks: dict[str, dict[int, int]] = {code: {} for code in chosen}
    with api.shown_errors(stop=False), st.spinner(t("loading_ranking")):
        for each_year in api.years(ctx.state):
            past = api.ranking(ctx.api_key, each_year, profile_id, "topsis", "fixed", None, ctx.versions(each_year))
            for r in past.results:
                if r.cluster_code in history:
                    history[r.cluster_code][each_year] = r.score
                    ranks[r.cluster_code][each_year] = r.rank
    lines = go.Figure()
    for colour, code in zip(PALETTE, chosen, strict=False):
        points = sorted(history[code].items())
        lines.add_trace(
            go.Scatter(
                x=[y for y, _ in points],
                y=[s for _, s in points],
                mode="lines+markers",
                name=ctx.catalog.cluster_name(code),
                line={"color": colour},
                customdata=[ranks[code][y] for y, _ in points],
                hovertemplate="%{x}: %{y:.4f} (#%{customdata})<extra></extra>",
            )
        )
    lines.update_xaxes(title=t("year"), dtick=1)
    lines.update_yaxes(title=t("score"))
    ui.chart(lines, key="compare_lines", height=300)

st.subheader(t("indicator_values"))
version = api.dataset_version(ctx.state, year)
with api.shown_errors():
    data = api.dataset(ctx.api_key, year, version or "")
row_of = {code: i for i, code in enumerate(data.clusters)}
categories = sorted({ctx.catalog.clusters[c].category for c in chosen if c in ctx.catalog.clusters})
rows = []
for j, code in enumerate(data.indicators):
    indicator = ctx.catalog.indicators.get(code)
    if indicator is None:
        continue
    line: dict[str, object] = {
        t("col_indicator"): ctx.catalog.indicator_name(code),
        t("unit"): ctx.catalog.unit(code),
        t("direction"): t(f"direction_{indicator.direction}"),
    }
    for cluster in chosen:
        value = data.values[row_of[cluster]][j] if cluster in row_of else None
        line[ctx.catalog.cluster_name(cluster)] = float("nan") if value is None else value
    for category in categories:
        peers = [
            value
            for i, c in enumerate(data.clusters)
            if (value := data.values[i][j]) is not None
            and c in ctx.catalog.clusters
            and ctx.catalog.clusters[c].category == category
        ]
        line[t("median_of", category=ui.category_label(category))] = statistics.median(peers) if peers else float("nan")
    rows.append(line)
table = pd.DataFrame(rows)
numbers = list(table.columns[3:])
st.dataframe(
    table.style.format("{:g}", subset=numbers, na_rep="—"),
    hide_index=True,
    width="stretch",
    height=min(36 * (len(rows) + 1) + 4, 760),
)
