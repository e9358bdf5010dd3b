"""Panel: the facilitator's view of a panel — each expert's weights and CR, the group by AIJ and AIP, consensus."""

from __future__ import annotations

from datetime import date
from typing import get_args

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from frontend import api, ui
from frontend.i18n import lang, t
from shared.errors import DomainError
from shared.schemas.panels import JudgmentRead, PanelRead
from shared.schemas.scoring import GroupRequest, GroupResponse
from shared.schemas.vocabulary import Aggregation, PriorityMethod, RiTable

PAGE = "panel"

ctx = ui.page_context()
st.title(t("page_panel"))
st.caption(t("panel_intro"))

with api.shown_errors():
    all_panels = api.panels(ctx.api_key, ctx.state.instance_id)
if not all_panels:
    st.info(t("no_panels"))
    st.stop()
by_id: dict[int, PanelRead] = {p.id: p for p in all_panels}
top = st.columns([3, 3, 2])
with top[0]:
    panel_id = ui.remembered_select(
        t("panel"),
        list(by_id),
        memory="panel",
        page=PAGE,
        format_func=lambda p: ui.localized(by_id[p].name, by_id[p].name_zh),
    )
panel = by_id[panel_id]
with top[1]:
    node = ui.remembered_select(
        t("node"),
        ["goal", *(c.code for c in ctx.catalog.criteria)],
        memory="node",
        page=PAGE,
        format_func=lambda code: t("goal_node") if code == "goal" else ctx.catalog.criterion_name(code),
    )
with top[2]:
    ri_table = st.selectbox(
        t("ri_table"),
        list(get_args(RiTable)),
        format_func=lambda r: t(f"ri_{r}"),
        key="panel_ri",
    )

with api.shown_errors(), st.spinner(t("loading_judgments")):
    judgments = api.panel_judgments(ctx.api_key, panel_id)
expert_names = {e.code: ui.localized(e.name, e.name_zh) for e in panel.experts}
expert_weights = {e.code: e.weight for e in panel.experts}


def group_body(node_code: str, aggregation: str) -> tuple[list[str], GroupRequest] | None:
    """The /v1/ahp/group request of a node: every expert's matrix, reordered to the tree's order of items."""
    of_node: list[JudgmentRead] = sorted((j for j in judgments if j.node == node_code), key=lambda j: j.expert_code)
    if not of_node:
        return None
    items = ctx.catalog.children(node_code) or of_node[0].items
    entries = []
    for judgment in of_node:
        if sorted(judgment.items) != sorted(items):
            continue
        index = [judgment.items.index(code) for code in items]
        matrix = [[judgment.matrix[a][b] for b in index] for a in index]
        entries.append({"expert": judgment.expert_code, "weight": expert_weights.get(judgment.expert_code, 1.0),
                        "matrix": matrix})  # fmt: skip
    if not entries:
        return None
    body = api.request_body(
        GroupRequest, judgments=entries, aggregation=aggregation, method="eigenvector", ri_table=ri_table
    )
    return items, body


def group_result(node_code: str, aggregation: str) -> tuple[list[str], GroupResponse] | None:
    request = group_body(node_code, aggregation)
    if request is None:
        return None
    items, body = request
    return items, api.group(ctx.api_key, body)


view = ui.view_switch(["tab_node", "tab_all_nodes", "tab_publish"], key="panel_view")

if view == "tab_node":
    with api.shown_errors(stop=False), st.spinner(t("computing")):
        aij = group_result(node, "aij")
        aip = group_result(node, "aip")
        if aij is None or aip is None:
            st.info(t("no_judgments_for_node"))
        else:
            items, result = aij
            _, result_aip = aip
            names = [ctx.catalog.item_name(code) for code in items]
            metrics = st.columns(4)
            metrics[0].metric(t("experts"), len(result.experts))
            metrics[1].metric(t("group_cr"), f"{result.cr:.4f}", help=t("group_cr_help"))
            metrics[2].metric(t("consensus"), f"{result.consensus:.3f}", help=t("consensus_help"))
            consistent_count = sum(1 for e in result.experts if e.consistent)
            metrics[3].metric(t("consistent_experts"), f"{consistent_count} / {len(result.experts)}")

            fig = go.Figure()
            fig.add_trace(go.Bar(x=names, y=result.weights, name=t("group_aij"), marker_color="#4C78A8"))
            fig.add_trace(go.Bar(x=names, y=result_aip.weights, name=t("group_aip"), marker_color="#72B7B2"))
            for expert in result.experts:
                fig.add_trace(
                    go.Scatter(
                        x=names,
                        y=expert.weights,
                        mode="markers",
                        name=expert_names.get(expert.expert, expert.expert),
                        marker={"size": 9, "symbol": "diamond", "opacity": 0.75},
                    )
                )
            fig.update_layout(barmode="group")
            fig.update_yaxes(title=t("weight"), rangemode="tozero")
            st.subheader(t("group_weights"))
            ui.chart(fig, key="panel_group", height=420)

            group_weights = result.weights
            rows = []
            for expert in result.experts:
                distance = sum(abs(a - b) for a, b in zip(expert.weights, group_weights, strict=True)) / 2
                rows.append(
                    {
                        t("expert"): expert_names.get(expert.expert, expert.expert),
                        "CR": round(expert.cr, 4),
                        t("consistent"): "✓" if expert.consistent else "✗",
                        t("distance_from_group"): round(distance, 4),
                        **{code: round(w, 4) for code, w in zip(items, expert.weights, strict=True)},
                    }
                )
            table = pd.DataFrame(rows).sort_values(t("distance_from_group"), ascending=False)
            st.subheader(t("experts_and_group"))
            furthest = table.head(2)[t("expert")].tolist()
            st.markdown(t("furthest_experts", names="、".join(furthest) if lang() == "zh" else ", ".join(furthest)))
            st.dataframe(table, hide_index=True, width="stretch")

            heat = go.Figure(
                go.Heatmap(
                    z=[e.weights for e in result.experts],
                    x=names,
                    y=[expert_names.get(e.expert, e.expert) for e in result.experts],
                    colorscale="Blues",
                    text=[[f"{w:.3f}" for w in e.weights] for e in result.experts],
                    texttemplate="%{text}",
                    colorbar={"title": t("weight")},
                )
            )
            st.subheader(t("weights_heatmap"))
            ui.chart(heat, key="panel_heat", height=120 + 36 * len(result.experts), legend=False)

elif view == "tab_all_nodes":
    rows = []
    with api.shown_errors(stop=False), st.spinner(t("computing")):
        for code in ["goal", *(c.code for c in ctx.catalog.criteria)]:
            outcome = group_result(code, "aij")
            if outcome is None:
                continue
            _, result = outcome
            rows.append(
                {
                    t("node"): t("goal_node") if code == "goal" else ctx.catalog.criterion_name(code),
                    t("group_cr"): round(result.cr, 4),
                    t("consistent"): "✓" if result.consistent else "✗",
                    t("consensus"): round(result.consensus, 3),
                    t("inconsistent_experts"): sum(1 for e in result.experts if not e.consistent),
                }
            )
    if rows:
        overview = pd.DataFrame(rows)
        st.dataframe(overview, hide_index=True, width="stretch")
        fig = go.Figure(go.Bar(x=overview[t("node")], y=overview[t("consensus")], marker_color="#54A24B"))
        fig.update_yaxes(title=t("consensus"), range=[0, 1])
        ui.chart(fig, key="panel_consensus", height=320, legend=False)
    else:
        st.info(t("no_judgments_for_panel"))

else:
    if not ctx.allows("analyst"):
        st.info(t("needs_role", role=t("role_analyst")))
    else:
        st.markdown(t("publish_intro"))
        with st.form("publish_form"):
            name = st.text_input(
                t("profile_name"), value=f"{panel.name} — {date.today().isoformat()}", key="publish_name"
            )
            columns = st.columns(3)
            method = columns[0].selectbox(
                t("priority_method"), list(get_args(PriorityMethod)), format_func=lambda m: t(f"ahp_{m}")
            )
            aggregation = columns[1].selectbox(
                t("aggregation"), list(get_args(Aggregation)), format_func=lambda a: t(f"group_{a}")
            )
            publish_ri = columns[2].selectbox(
                t("ri_table"),
                list(get_args(RiTable)),
                format_func=lambda r: t(f"ri_{r}"),
            )
            exclude = st.multiselect(
                t("exclude_experts"), [e.code for e in panel.experts], key="publish_exclude", help=t("exclude_help")
            )
            reason = st.text_input(t("override_reason"), key="publish_reason", help=t("override_reason_help"))
            make_default = st.checkbox(t("make_default"))
            submitted = st.form_submit_button(
                t("publish"), type="primary", icon=":material/publish:", key="publish_submit"
            )
        if submitted:
            try:
                with st.spinner(t("publishing")):
                    published = api.publish_panel(
                        ctx.api_key,
                        panel_id,
                        name=name,
                        method=method,
                        aggregation=aggregation,
                        ri_table=publish_ri,
                        make_default=make_default,
                        exclude_experts=exclude,
                        override_reason=reason.strip() or None,
                    )
            except DomainError as exc:
                api.show_error(exc, texts={"missing": t("publish_missing")})
            else:
                api.forget_platform_reads()
                st.success(t("published_ok", name=published.name, id=published.id), icon=":material/check:")
                st.page_link("app_pages/weights.py", label=t("see_weights"), icon=":material/tune:")
