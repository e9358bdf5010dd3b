"""Data: browse a year's values, import CSV or XLSX after a dry run that lists every bad row, see the history."""

from __future__ import annotations

import hashlib

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from frontend import api, ui
from frontend.i18n import t
from shared.errors import DomainError

PAGE = "data"
CHECK = "import_check"

ctx = ui.page_context()
st.title(t("page_data"))
st.caption(t("data_intro"))

views = ["tab_browse", "tab_import", "tab_history"] if ctx.allows("analyst") else ["tab_browse", "tab_history"]
view = ui.view_switch(views, key="data_view")

if view == "tab_browse":
    selectors = st.columns([1, 4])
    with selectors[0]:
        year = ui.year_select(ctx, page=PAGE)
    with selectors[1]:
        chosen = st.multiselect(
            t("criteria_shown"),
            [c.code for c in ctx.catalog.criteria],
            format_func=ctx.catalog.criterion_name,
            key="data_criteria",
            placeholder=t("all_criteria"),
        )
    version = api.dataset_version(ctx.state, year)
    with api.shown_errors(), st.spinner(t("loading_data")):
        data = api.dataset(ctx.api_key, year, version or "")
    columns = [
        j for j, code in enumerate(data.indicators) if not chosen or ctx.catalog.criterion_of.get(code) in chosen
    ]
    headers = [data.indicators[j] for j in columns]
    frame = pd.DataFrame(
        [[float("nan") if values[j] is None else values[j] for j in columns] for values in data.values],
        columns=headers,
        index=[ctx.catalog.cluster_name(c) for c in data.clusters],
    )
    # Codes as headers keep 30 columns readable; the name and unit are in each header's tooltip.
    column_config = {
        code: st.column_config.NumberColumn(code, help=f"{ctx.catalog.indicator_name(code)} ({ctx.catalog.unit(code)})")
        for code in headers
        if code in ctx.catalog.indicators
    }
    missing = sum(1 for values in data.values for j in columns if values[j] is None)
    metrics = st.columns(4)
    metrics[0].metric(t("metric_clusters"), len(data.clusters))
    metrics[1].metric(t("metric_indicators"), len(columns))
    metrics[2].metric(t("missing_cells"), missing)
    metrics[3].metric(t("dataset_version"), data.version[:8])
    st.dataframe(
        frame.style.format("{:g}", na_rep="—"),
        width="stretch",
        height=420,
        key="data_table",
        column_config=column_config,
    )
    with st.expander(t("indicator_legend")):
        st.markdown(
            "  \n".join(f"**{code}** {ctx.catalog.indicator_name(code, with_code=False)} ({ctx.catalog.unit(code)})"
                         for code in headers if code in ctx.catalog.indicators)
        )  # fmt: skip

    if ctx.allows("analyst"):  # exports need an analyst key (API.md); viewers read the table above
        with api.shown_errors(stop=False):
            st.download_button(
                t("download_observations", year=year),
                data=api.observations_csv(ctx.api_key, year, version),
                file_name=f"observations-{year}.csv",
                mime="text/csv",
                icon=":material/download:",
                on_click="ignore",
            )

    st.subheader(t("position_in_range"))
    st.caption(t("position_in_range_help"))
    positions: list[list[float | None]] = []
    for values in data.values:
        line: list[float | None] = []
        for j in columns:
            indicator = ctx.catalog.indicators.get(data.indicators[j])
            value = values[j]
            if indicator is None or value is None or indicator.ref_max == indicator.ref_min:
                line.append(None)
                continue
            share = (value - indicator.ref_min) / (indicator.ref_max - indicator.ref_min)
            share = min(max(share, 0.0), 1.0)
            line.append(1 - share if indicator.direction == "cost" else share)
        positions.append(line)
    heat = go.Figure(
        go.Heatmap(
            z=positions,
            x=[data.indicators[j] for j in columns],
            y=list(frame.index),
            colorscale="RdYlGn",
            zmin=0,
            zmax=1,
            colorbar={"title": t("position")},
            hovertemplate="%{y}<br>%{x}: %{z:.2f}<extra></extra>",
        )
    )
    heat.update_yaxes(autorange="reversed")
    ui.chart(heat, key="data_heat", height=max(360, 20 * len(data.clusters) + 100), legend=False)

elif view == "tab_import":
    st.markdown(t("import_intro"))
    upload = st.file_uploader(t("choose_file"), type=["csv", "xlsx"], key="import_file")
    if upload is None:
        st.session_state.pop(CHECK, None)
        st.stop()
    content = upload.getvalue()
    digest = hashlib.sha256(content).hexdigest()
    check = st.session_state.get(CHECK)
    if check is not None and check["digest"] != digest:
        check = None
        st.session_state.pop(CHECK, None)
    buttons = st.columns([2, 2, 6])
    if buttons[0].button(t("dry_run"), icon=":material/fact_check:", key="dry_run"):
        try:
            with st.spinner(t("checking_file")):
                result = api.import_observations(ctx.api_key, upload.name, content, dry_run=True)
        except DomainError as exc:
            check = {"digest": digest, "ok": False, "error": exc}
        else:
            check = {"digest": digest, "ok": True, "result": result}
        st.session_state[CHECK] = check
    if check is not None and not check["ok"]:
        problem = check["error"]
        if problem.errors and all("row" in e for e in problem.errors):
            st.error(t("bad_rows", count=len(problem.errors)), icon=":material/error:")
        api.show_error(problem)
    elif check is not None:
        result = check["result"]
        st.success(
            t("dry_run_ok", rows=result.rows, inserted=result.inserted, updated=result.updated,
              unchanged=result.unchanged, years=", ".join(map(str, result.years))),
            icon=":material/check_circle:",
        )  # fmt: skip
    ready = check is not None and check["ok"]
    if buttons[1].button(t("import_now"), type="primary", disabled=not ready, icon=":material/upload:", key="import"):
        try:
            with st.spinner(t("importing")):
                result = api.import_observations(ctx.api_key, upload.name, content, dry_run=False)
        except DomainError as exc:
            api.show_error(exc)
        else:
            api.forget_platform_reads()
            st.session_state.pop(CHECK, None)
            st.success(t("imported_ok", rows=result.rows, inserted=result.inserted, updated=result.updated))
    if not ready:
        buttons[2].caption(t("import_needs_dry_run"))

else:
    with api.shown_errors(), st.spinner(t("loading_data")):
        history = api.observation_history(ctx.api_key, 200, None, ctx.state.catalog_version + str(ctx.state.datasets))
    if not history:
        st.info(t("no_history"))
    else:
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        t("changed_at"): str(h.changed_at)[:19],
                        t("col_cluster"): ctx.catalog.cluster_name(h.cluster_code),
                        t("col_indicator"): ctx.catalog.indicator_name(h.indicator_code),
                        t("year"): h.year,
                        t("old_value"): h.old_value,
                        t("new_value"): h.new_value,
                        t("actor"): h.actor,
                    }
                    for h in history
                ]
            ),
            hide_index=True,
            width="stretch",
        )
