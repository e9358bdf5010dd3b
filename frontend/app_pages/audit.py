"""Audit: the statistical audit of the year's data — coverage, outliers and coherence, as the scoring service
reports them (GET /v1/rankings/audit). The page draws; every statistic comes from the service."""

from __future__ import annotations

from typing import Literal, get_args

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from frontend import api, ui
from frontend.i18n import t
from shared.schemas.vocabulary import Category

PAGE = "audit"
# Box or strip plots drawn when no indicator is flagged: the most skewed ones, by the service's skewness.
MOST_SKEWED = 3

ctx = ui.page_context()
st.title(t("page_audit"))
st.caption(t("audit_intro"))

year, profile_id, row = ui.year_and_profile(ctx, page=PAGE, widths=[1, 3, 2])
with row[0]:
    # "" for all categories (a selectbox shows its placeholder for None), remembered as on the other pages.
    chosen_category: Category | Literal[""] = ui.remembered_select(
        t("col_category"),
        ("", *get_args(Category)),
        memory="category",
        page=PAGE,
        format_func=lambda c: ui.category_label(c or None),
    )
category = chosen_category or None
with api.shown_errors(), st.spinner(t("computing")):
    audit = api.ranking_audit(ctx.api_key, year, profile_id, category, ctx.versions(year))
    data = api.dataset(ctx.api_key, year, api.dataset_version(ctx.state, year) or "")

coverage = audit.coverage
flagged_clusters = [c for c in coverage.clusters if c.criteria_below]
outliers_flagged = [o for o in audit.outliers if o.flagged]
metrics = st.columns(4)
metrics[0].metric(t("audit_clusters_below"), f"{len(flagged_clusters)} / {len(coverage.clusters)}")
metrics[1].metric(t("audit_outliers_flagged"), f"{len(outliers_flagged)} / {len(audit.outliers)}")
metrics[2].metric(t("audit_pairs_flagged"), len(audit.coherence.pairs))
metrics[3].metric(t("audit_threshold"), f"{coverage.threshold:.0%}")

view = ui.view_switch(["audit_coverage", "audit_outliers", "audit_coherence"], key="audit_view")

if view == "audit_coverage":
    # Values present (1) or missing (0) as stored, clusters × indicators, grouped by criterion; the shares and the
    # criteria below the threshold are the service's.
    st.subheader(t("audit_coverage_heatmap"))
    st.caption(t("audit_coverage_help", threshold=f"{coverage.threshold:.0%}"))
    row_of = {code: i for i, code in enumerate(data.clusters)}
    column_of = {code: j for j, code in enumerate(data.indicators)}
    indicators = [i.code for i in coverage.indicators if i.code in column_of]
    clusters = [c for c in coverage.clusters if c.cluster_code in row_of]
    z = [[0 if data.values[row_of[c.cluster_code]][column_of[i]] is None else 1 for i in indicators] for c in clusters]
    criterion_of = {i: code for code in (c.code for c in ctx.catalog.criteria) for i in ctx.catalog.children(code)}
    labels = [
        f"{'⚑ ' if c.criteria_below else ''}{ctx.catalog.cluster_name(c.cluster_code)} ({c.share:.0%})"
        for c in clusters
    ]
    below = f" < {coverage.threshold:.0%}"
    hover = [
        [
            f"{ctx.catalog.cluster_name(c.cluster_code)} · {ctx.catalog.indicator_name(i)}<br>"
            + (t("audit_present") if z[k][m] else t("audit_missing"))
            + (f"<br>⚑ {criterion_of[i]}{below}" if criterion_of.get(i) in c.criteria_below else "")
            for m, i in enumerate(indicators)
        ]
        for k, c in enumerate(clusters)
    ]
    heat = go.Figure(
        go.Heatmap(
            z=z,
            x=indicators,
            y=labels,
            zmin=0,
            zmax=1,
            colorscale=[[0, "#E45756"], [1, "#DCE8F3"]],
            showscale=False,
            xgap=1,
            ygap=1,
            hovertext=hover,
            hovertemplate="%{hovertext}<extra></extra>",
        )
    )
    heat.update_yaxes(autorange="reversed", tickfont={"size": 11})
    heat.update_xaxes(side="top", tickangle=-60, tickfont={"size": 11})
    ui.chart(heat, key="audit_coverage_chart", height=max(420, 19 * len(clusters) + 140), legend=False)
    shares = pd.DataFrame(
        [
            {t("col_indicator"): ctx.catalog.indicator_name(i.code), t("audit_share_present"): i.share}
            for i in coverage.indicators
        ]
    )
    left, right = st.columns(2)
    with left:
        st.markdown(f"**{t('audit_share_by_indicator')}**")
        st.dataframe(
            shares,
            hide_index=True,
            width="stretch",
            column_config={
                t("audit_share_present"): st.column_config.ProgressColumn(
                    t("audit_share_present"), format="percent", min_value=0, max_value=1
                )
            },
            key="audit_indicator_shares",
        )
    with right:
        st.markdown(f"**{t('audit_clusters_below')}**")
        if flagged_clusters:
            st.dataframe(
                pd.DataFrame(
                    [
                        {
                            t("col_cluster"): ctx.catalog.cluster_name(c.cluster_code),
                            t("audit_share_present"): f"{c.share:.0%}",
                            t("audit_criteria_below"): ", ".join(
                                ctx.catalog.criterion_name(code) for code in c.criteria_below
                            ),
                        }
                        for c in flagged_clusters
                    ]
                ),
                hide_index=True,
                width="stretch",
                key="audit_clusters_below_table",
            )
        else:
            st.success(t("audit_no_cluster_below", threshold=f"{coverage.threshold:.0%}"))

elif view == "audit_outliers":
    st.subheader(t("audit_outliers_table"))
    st.caption(t("audit_outliers_help"))
    table = pd.DataFrame(
        [
            {
                t("col_indicator"): ctx.catalog.indicator_name(o.indicator),
                t("audit_skewness"): o.skewness,
                t("audit_kurtosis"): o.kurtosis,
                t("audit_flagged"): "⚑" if o.flagged else "",
                t("audit_beyond_fences"): ", ".join(ctx.catalog.cluster_name(v.cluster_code) for v in o.values),
                t("audit_clipped"): ", ".join(ctx.catalog.cluster_name(v.cluster_code) for v in o.clipped),
                t("audit_note"): o.note or "",
            }
            for o in audit.outliers
        ]
    )
    st.dataframe(
        table.style.format("{:.2f}", subset=[t("audit_skewness"), t("audit_kurtosis")], na_rep="—"),
        hide_index=True,
        width="stretch",
        key="audit_outliers_frame",
    )
    if outliers_flagged:
        drawn = outliers_flagged
        st.subheader(t("audit_flagged_values"))
    else:
        st.info(t("audit_no_outlier"))
        drawn = sorted((o for o in audit.outliers if o.skewness is not None), key=lambda o: -abs(o.skewness or 0.0))[
            :MOST_SKEWED
        ]
        st.subheader(t("audit_most_skewed"))
    column_of = {code: j for j, code in enumerate(data.indicators)}
    columns = st.columns(max(1, min(3, len(drawn))))
    for k, check in enumerate(drawn):
        if check.indicator not in column_of:
            continue
        j = column_of[check.indicator]
        points = [(c, v[j]) for c, v in zip(data.clusters, data.values, strict=True) if v[j] is not None]
        marked = {v.cluster_code for v in check.values}
        box = go.Figure(
            go.Box(
                y=[v for _, v in points],
                text=[ctx.catalog.cluster_name(c) for c, _ in points],
                boxpoints="all",
                jitter=0.4,
                pointpos=0,
                name=check.indicator,
                marker={"color": "#4C78A8", "size": 7},
                line={"color": "#4C78A8"},
                hovertemplate="%{text}: %{y:g}<extra></extra>",
            )
        )
        beyond = [(c, v) for c, v in points if c in marked]
        if beyond:  # the values beyond Tukey's fences the service names, in red on the strip
            box.add_trace(
                go.Scatter(x=[check.indicator] * len(beyond), y=[v for _, v in beyond], mode="markers",
                           marker={"color": "#E45756", "size": 10},
                           text=[ctx.catalog.cluster_name(c) for c, _ in beyond],
                           hovertemplate="%{text}: %{y:g}<extra></extra>")
            )  # fmt: skip
        box.update_layout(
            title={"text": f"{check.indicator} · {t('audit_skewness')} {check.skewness or 0:.2f}", "font": {"size": 14}}
        )
        box.update_yaxes(title=ctx.catalog.unit(check.indicator))
        with columns[k % len(columns)]:
            ui.chart(box, key=f"audit_box:{check.indicator}", height=360, legend=False)
            st.caption(ctx.catalog.indicator_name(check.indicator))

else:
    criteria = audit.coherence.criteria
    st.subheader(t("audit_alpha_pca"))
    st.caption(t("audit_alpha_pca_help"))
    names = [c.criterion for c in criteria]
    bars = go.Figure()
    bars.add_trace(
        go.Bar(x=names, y=[c.alpha for c in criteria], name=t("audit_alpha"), marker_color="#4C78A8",
               text=[None if c.alpha is None else f"{c.alpha:.2f}" for c in criteria], textposition="outside")
    )  # fmt: skip
    bars.add_trace(
        go.Bar(x=names, y=[c.first_component_share for c in criteria], name=t("audit_first_component"),
               marker_color="#F58518", textposition="outside",
               text=[None if c.first_component_share is None else f"{c.first_component_share:.0%}" for c in criteria])
    )  # fmt: skip
    bars.add_hline(y=0.7, line_dash="dot", line_color="#4C78A8", annotation_text="α = 0.7")
    bars.update_layout(barmode="group")
    bars.update_yaxes(range=[0, 1.1])
    ui.chart(bars, key="audit_alpha_chart", height=380)
    st.caption(
        " · ".join(
            f"{ctx.catalog.criterion_name(c.criterion)}: {t('audit_components', count=c.components_over_1)}"
            for c in criteria
            if c.components_over_1 is not None
        )
    )

    st.subheader(t("audit_correlations"))
    st.caption(t("audit_correlations_help"))
    chosen = st.selectbox(
        t("audit_criterion"),
        names,
        format_func=ctx.catalog.criterion_name,
        key="audit_criterion",
    )
    result = next(c for c in criteria if c.criterion == chosen)
    pairs = [p for p in audit.coherence.pairs if p.a in {i.code for i in result.indicators}]
    if result.correlations is None:
        st.info(result.note or t("audit_no_correlations"))
    else:
        codes = [i.code for i in result.indicators]
        flag_of = {(p.a, p.b): p.flag for p in pairs} | {(p.b, p.a): p.flag for p in pairs}
        text = [
            [f"{r:.2f}" + (" ⚑" if (a, b) in flag_of else "") for b, r in zip(codes, line, strict=True)]
            for a, line in zip(codes, result.correlations, strict=True)
        ]
        heat = go.Figure(
            go.Heatmap(
                z=result.correlations,
                x=codes,
                y=codes,
                zmin=-1,
                zmax=1,
                colorscale="RdBu",
                text=text,
                texttemplate="%{text}",
                colorbar={"title": "r"},
                hovertemplate="%{y} · %{x}: %{z:.3f}<extra></extra>",
            )
        )
        heat.update_yaxes(autorange="reversed")
        left, right = st.columns([3, 2])
        with left:
            ui.chart(heat, key="audit_correlation_chart", height=420, legend=False)
        with right:
            st.markdown(
                f"**{t('audit_alpha')}** {result.alpha:.2f} · **{t('audit_first_component')}** "
                f"{result.first_component_share:.0%} · {t('audit_components', count=result.components_over_1)}"
                if result.alpha is not None and result.first_component_share is not None
                else (result.note or "")
            )
            st.caption(t("audit_clusters_used", count=result.clusters))
            st.dataframe(
                pd.DataFrame(
                    [
                        {
                            t("col_indicator"): ctx.catalog.indicator_name(i.code),
                            t("audit_r_criterion"): i.r_criterion,
                            t("audit_r_index"): i.r_index,
                        }
                        for i in result.indicators
                    ]
                ).style.format("{:.2f}", subset=[t("audit_r_criterion"), t("audit_r_index")], na_rep="—"),
                hide_index=True,
                width="stretch",
                key="audit_indicator_r",
            )
    if audit.coherence.pairs:
        st.markdown(f"**{t('audit_flagged_pairs')}**")
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        t("audit_pair"): f"{ctx.catalog.indicator_name(p.a)} · {ctx.catalog.indicator_name(p.b)}",
                        "r": round(p.r, 3),
                        t("audit_flag"): t(f"audit_flag_{p.flag}"),
                    }
                    for p in audit.coherence.pairs
                ]
            ),
            hide_index=True,
            width="stretch",
            key="audit_pairs_table",
        )
    else:
        st.success(t("audit_no_pair"))
