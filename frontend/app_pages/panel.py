"""Panel: the facilitator's view of a panel — each expert's weights and CR, the group by AIJ and AIP, consensus S and
S*, progress per expert and node, Delphi rounds, the panel's members and keys, category defaults, publishing."""

from __future__ import annotations

import io
from datetime import date
from typing import Any, get_args

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from frontend import api, ui
from frontend.i18n import lang, relabelled, t
from shared.errors import DomainError, InvalidInput
from shared.schemas.indicators import ApiKeyCreate
from shared.schemas.panels import (
    DefaultScope,
    ExpertCreate,
    ExpertProgress,
    ExpertUpdate,
    JudgmentRead,
    PanelRead,
    RoundRead,
    RoundsSummaryRequest,
)
from shared.schemas.scoring import GroupRequest, GroupResponse
from shared.schemas.vocabulary import Aggregation, Category, ConsensusBand, PriorityMethod, RiTable
from shared.spreadsheet import safe_text

PAGE = "panel"
BAND_COLORS: dict[ConsensusBand, str] = {
    "very_low": "red", "low": "orange", "moderate": "yellow", "high": "green", "very_high": "green",
}  # fmt: skip
NEW_KEY = "panel_new_key"  # (expert, key) just minted: shown once, then forgotten

ctx = ui.page_context()
st.title(t("page_panel"))
st.caption(t("panel_intro"))


def pinned(key: str, memory: str, default: Any) -> str:
    """A widget key set again on every run from `memory`: its labels may change with the language without the
    widget falling back to its default (Streamlit keeps a choice as its label)."""
    st.session_state[key] = st.session_state.get(memory, default)
    return key


def remember(key: str, memory: str) -> None:
    if st.session_state.get(key) is not None:
        st.session_state[memory] = st.session_state[key]


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
nodes = ["goal", *(c.code for c in ctx.catalog.criteria)]
with top[1]:
    node = ui.remembered_select(
        t("node"),
        nodes,
        memory="node",
        page=PAGE,
        format_func=lambda code: t("goal_node") if code == "goal" else ctx.catalog.criterion_name(code),
    )
with top[2]:
    ri_table: RiTable = st.selectbox(
        t("ri_table"),
        get_args(RiTable),
        format_func=lambda r: t(f"ri_{r}"),
        key=pinned("panel_ri", "panel_ri:value", "saaty"),
        on_change=remember,
        args=("panel_ri", "panel_ri:value"),
    )

with api.shown_errors(), st.spinner(t("loading_judgments")):
    judgments = api.panel_judgments(ctx.api_key, panel_id)
    progress: dict[str, ExpertProgress] = {p.expert_code: p for p in api.panel_progress(ctx.api_key, panel_id)}
expert_names = {e.code: ui.localized(e.name, e.name_zh) for e in panel.experts}
expert_weights = {e.code: e.weight for e in panel.experts}


def node_name(code: str) -> str:
    return t("goal_node") if code == "goal" else ctx.catalog.criterion_name(code)


def names_of(codes: list[str]) -> str:
    shown = [f"{expert_names.get(c, c)} ({c})" for c in codes]
    return "、".join(shown) if lang() == "zh" else ", ".join(shown)


def missing_at(node_code: str) -> list[str]:
    """The experts who have not judged this node (in the open round)."""
    return [code for code, p in progress.items() if node_code in p.missing]


def band_badge(band: ConsensusBand) -> str:
    return f":{BAND_COLORS[band]}-badge[{t('band_' + band)}]"


def group_body(of_round: list[JudgmentRead], node_code: str, aggregation: str) -> tuple[list[str], GroupRequest] | None:
    """The /v1/ahp/group request of a node: every expert's matrix, reordered to the tree's order of items."""
    of_node = sorted((j for j in of_round if j.node == node_code), key=lambda j: j.expert_code)
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
    request = group_body(judgments, node_code, aggregation)
    if request is None:
        return None
    items, body = request
    return items, api.group(ctx.api_key, body)


VIEWS = ["tab_node", "tab_all_nodes", "tab_progress", "tab_rounds", "tab_manage", "tab_publish"]
view = (
    st.segmented_control(
        t("view"),
        VIEWS,
        format_func=t,
        key=pinned("panel_view", "panel_view:value", VIEWS[0]),
        on_change=remember,
        args=("panel_view", "panel_view:value"),
        label_visibility="collapsed",
    )
    or VIEWS[0]
)

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
            metrics = st.columns(5)
            metrics[0].metric(t("experts"), f"{len(result.experts)} / {len(panel.experts)}")
            metrics[1].metric(t("group_cr"), f"{result.cr:.4f}", help=t("group_cr_help"))
            metrics[2].metric(t("consensus"), f"{result.consensus:.3f}", help=t("consensus_help"))
            with metrics[3]:
                st.metric(t("ahp_consensus"), f"{result.ahp_consensus:.3f}", help=t("ahp_consensus_help"))
                st.markdown(band_badge(result.consensus_band))
            consistent_count = sum(1 for e in result.experts if e.consistent)
            metrics[4].metric(t("consistent_experts"), f"{consistent_count} / {len(result.experts)}")
            absent = missing_at(node)
            if absent:
                st.warning(t("not_judged_by", names=names_of(absent)), icon=":material/person_alert:")

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
            st.dataframe(
                table,
                hide_index=True,
                width="stretch",
                column_config={
                    t("distance_from_group"): st.column_config.NumberColumn(help=t("distance_help"), format="%.4f")
                },
            )

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
        for code in nodes:
            outcome = group_result(code, "aij")
            if outcome is None:
                continue
            _, result = outcome
            rows.append(
                {
                    t("node"): node_name(code),
                    t("group_cr"): round(result.cr, 4),
                    t("consistent"): "✓" if result.consistent else "✗",
                    t("consensus"): round(result.consensus, 3),
                    t("ahp_consensus"): round(result.ahp_consensus, 3),
                    t("consensus_band"): t("band_" + result.consensus_band),
                    t("inconsistent_experts"): sum(1 for e in result.experts if not e.consistent),
                    t("not_judged_col"): names_of(missing_at(code)) or "—",
                }
            )
    if rows:
        overview = pd.DataFrame(rows)
        st.dataframe(
            overview,
            hide_index=True,
            width="stretch",
            column_config={
                t("consensus"): st.column_config.NumberColumn(help=t("consensus_help")),
                t("ahp_consensus"): st.column_config.NumberColumn(help=t("ahp_consensus_help")),
            },
        )
        fig = go.Figure()
        fig.add_trace(go.Bar(x=overview[t("node")], y=overview[t("consensus")], name="S", marker_color="#54A24B"))
        fig.add_trace(go.Bar(x=overview[t("node")], y=overview[t("ahp_consensus")], name="S*", marker_color="#F58518"))
        fig.update_layout(barmode="group")
        fig.update_yaxes(title=t("consensus"), range=[0, 1])
        ui.chart(fig, key="panel_consensus", height=340)
    else:
        st.info(t("no_judgments_for_panel"))

elif view == "tab_progress":
    st.caption(t("progress_intro"))
    if not progress:
        st.info(t("no_panels"))
    else:
        rows = []
        for code, expert_progress in progress.items():
            row: dict[str, Any] = {
                t("expert"): f"{expert_names.get(code, code)} ({code})",
                t("nodes_saved"): f"{expert_progress.nodes_done} / {expert_progress.nodes_total}",
            }
            for node_code in nodes:
                column = t("goal") if node_code == "goal" else node_code
                if node_code in expert_progress.missing:
                    row[column] = "—"
                elif node_code in expert_progress.inconsistent:
                    row[column] = "⚠"
                else:
                    row[column] = "✓"
            rows.append(row)
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
        st.caption(t("progress_legend"))
        st.subheader(t("missing_by_node"))
        for node_code in nodes:
            absent = missing_at(node_code)
            inconsistent = [c for c, p in progress.items() if node_code in p.inconsistent]
            line = f"**{node_name(node_code)}** — "
            line += t("missing_names", names=names_of(absent)) if absent else t("nobody_missing")
            if inconsistent:
                line += " · " + t("inconsistent_names", names=names_of(inconsistent))
            st.markdown(line)

elif view == "tab_rounds":
    try:
        rounds: list[RoundRead] | None = api.panel_rounds(ctx.api_key, panel_id)
    except DomainError as exc:
        if not api.endpoint_missing(exc):
            api.show_error(exc)
            st.stop()
        rounds = None
    if rounds is None:
        st.info(t("rounds_missing"))
        st.stop()
    open_round = next((r for r in rounds if r.status == "open"), None)
    st.markdown(
        t("rounds_now", count=len(rounds), open=open_round.round if open_round else "—") + " " + t("rounds_intro")
    )
    if st.session_state.get("panel_flash"):
        st.success(st.session_state.pop("panel_flash"), icon=":material/check:")
    if ctx.allows("analyst") and open_round is not None:
        with st.form("close_round_form"):
            st.markdown(t("close_round_intro", round=open_round.round))
            sure = st.checkbox(t("close_round_confirm", round=open_round.round), key="close_round_sure")
            if st.form_submit_button(t("close_round"), icon=":material/lock:", key="close_round_submit"):
                if not sure:
                    st.warning(t("close_round_tick"))
                else:
                    try:
                        opened = api.close_round(ctx.api_key, panel_id)
                    except DomainError as exc:
                        api.show_error(exc)
                    else:
                        st.session_state["panel_flash"] = t(
                            "round_closed_ok", closed=opened.round - 1, opened=opened.round
                        )
                        st.session_state.pop("panel_read_round:value", None)
                        st.rerun()

    with api.shown_errors(stop=False), st.spinner(t("computing")):
        summary = api.rounds_summary(ctx.api_key, panel_id, RoundsSummaryRequest(ri_table=ri_table))
        per_round = []
        for entry in summary.rounds:
            agreement = next((n for n in entry.nodes if n.node == node), None)
            if agreement is not None:
                per_round.append((entry.round, agreement))
        if per_round:
            st.subheader(t("rounds_chart", node=node_name(node)))
            fig = go.Figure()
            x = [number for number, _ in per_round]
            fig.add_trace(go.Scatter(x=x, y=[a.ahp_consensus for _, a in per_round], name="S*", mode="lines+markers"))
            fig.add_trace(go.Scatter(x=x, y=[a.consensus for _, a in per_round], name="S", mode="lines+markers"))
            fig.add_trace(go.Scatter(x=x, y=[a.cr for _, a in per_round], name=t("group_cr"), mode="lines+markers"))
            fig.update_xaxes(title=t("round"), tickmode="array", tickvals=x)
            fig.update_yaxes(rangemode="tozero")
            ui.chart(fig, key="panel_rounds_chart", height=340)
            st.dataframe(
                pd.DataFrame(
                    [
                        {
                            t("round"): number,
                            t("group_cr"): round(a.cr, 4),
                            t("consensus"): round(a.consensus, 3),
                            t("ahp_consensus"): round(a.ahp_consensus, 3),
                            t("consensus_band"): t("band_" + a.consensus_band),
                            t("experts"): len(a.experts),
                        }
                        for number, a in per_round
                    ]
                ),
                hide_index=True,
                width="stretch",
            )

    st.subheader(t("read_round"))
    numbers = [r.round for r in rounds]
    statuses = {r.round: r.status for r in rounds}
    chosen_round = int(
        st.selectbox(
            t("round"),
            numbers,
            format_func=lambda n: f"{n} · {t('round_' + statuses[n])}",
            key=pinned("panel_read_round", "panel_read_round:value", numbers[-1]),
            on_change=remember,
            args=("panel_read_round", "panel_read_round:value"),
        )
        or numbers[-1]
    )
    with api.shown_errors(stop=False):
        read = api.panel_judgments(ctx.api_key, panel_id, round_number=chosen_round)
        lines = []
        for judgment in sorted(read, key=lambda j: (j.expert_code, nodes.index(j.node) if j.node in nodes else 99)):
            for a in range(len(judgment.items)):
                for b in range(a + 1, len(judgment.items)):
                    lines.append(
                        {
                            "round": chosen_round,
                            "expert": judgment.expert_code,
                            "node": judgment.node,
                            "first": judgment.items[a],
                            "second": judgment.items[b],
                            "value": judgment.matrix[a][b],
                            "version": judgment.version,
                            "updated_by": judgment.updated_by,
                        }
                    )
        frame = pd.DataFrame(lines)
        st.caption(t("round_judgments", count=len(read), round=chosen_round))
        shown_columns = {"round": t("round"), "expert": t("expert"), "node": t("node"), "first": t("col_first"),
                         "second": t("col_second"), "value": t("col_value"), "version": t("col_version"),
                         "updated_by": t("col_updated_by")}  # fmt: skip
        st.dataframe(frame.rename(columns=shown_columns), hide_index=True, width="stretch", height=280)
        safe = frame.map(lambda v: safe_text(v) if isinstance(v, str) else v) if len(frame) else frame
        buffer = io.StringIO()
        safe.to_csv(buffer, index=False)
        st.download_button(
            t("download_round_csv"),
            buffer.getvalue().encode("utf-8"),
            file_name=f"panel-{panel.code}-round-{chosen_round}.csv",
            mime="text/csv",
            icon=":material/download:",
            key="download_round",
        )

elif view == "tab_manage":
    st.subheader(t("members"))
    st.dataframe(
        pd.DataFrame(
            [
                {
                    t("col_code"): e.code,
                    t("expert"): ui.localized(e.name, e.name_zh),
                    t("expert_weight"): e.weight,
                    t("linked_key"): f"#{e.api_key_id}" if e.api_key_id is not None else "—",
                }
                for e in panel.experts
            ]
        ),
        hide_index=True,
        width="stretch",
    )
    minted = st.session_state.pop(NEW_KEY, None)
    if minted:
        st.success(t("key_minted", expert=minted[0]), icon=":material/key:")
        st.code(minted[1], language=None)
        st.caption(t("key_shown_once"))

    if not ctx.allows("admin"):
        st.info(t("needs_role", role=t("role_admin")))
    else:
        left, right = st.columns(2, gap="large")
        with left, st.form("add_expert_form", clear_on_submit=True):
            st.markdown(f"**{t('add_expert')}**")
            code = st.text_input(t("col_code"), key="new_expert_code", placeholder=f"{panel.code}-E9")
            name = st.text_input(t("name_en"), key="new_expert_name")
            name_zh = st.text_input(t("name_zh"), key="new_expert_name_zh")
            weight = st.number_input(t("expert_weight"), min_value=0.01, value=1.0, step=0.1, key="new_expert_weight")
            mint = st.checkbox(t("mint_key_for_new"), value=True, key="new_expert_mint")
            if st.form_submit_button(t("add_expert"), icon=":material/person_add:", key="add_expert_submit"):
                try:
                    body = api.request_body(
                        ExpertCreate, code=code.strip(), name=name.strip(), name_zh=name_zh.strip(), weight=weight
                    )
                    added = api.add_expert(ctx.api_key, panel_id, body)
                    if mint:
                        created = api.create_api_key(
                            ctx.api_key, ApiKeyCreate(name=f"{added.name} ({added.code})", role="expert")
                        )
                        api.update_expert(ctx.api_key, panel_id, added.code, ExpertUpdate(api_key_id=created.id))
                        st.session_state[NEW_KEY] = (added.code, created.key)
                except DomainError as exc:
                    api.show_error(exc)
                else:
                    api.forget_platform_reads()
                    api.forget_progress()
                    st.rerun()
        with right:
            st.markdown(f"**{t('edit_expert')}**")
            members = {e.code: e for e in panel.experts}
            chosen: str = st.selectbox(
                t("expert"),
                list(members),
                format_func=lambda c: f"{ui.localized(members[c].name, members[c].name_zh)} ({c})",
                key=relabelled("manage_expert"),
            )
            member = members[chosen]
            new_weight = st.number_input(
                t("expert_weight"), min_value=0.01, value=float(member.weight), step=0.1, key=f"weight:{chosen}"
            )
            with api.shown_errors(stop=False):
                keys = [k for k in api.api_keys(ctx.api_key) if k.role == "expert"]
            key_ids = [None, *(k.id for k in keys)]
            key_names = {k.id: f"#{k.id} {k.name}" for k in keys}
            link = st.selectbox(
                t("link_key"),
                key_ids,
                index=key_ids.index(member.api_key_id) if member.api_key_id in key_ids else 0,
                format_func=lambda k: t("no_key") if k is None else key_names[k],
                key=f"link:{chosen}",
            )
            buttons = st.columns(2)
            if buttons[0].button(t("save_expert"), type="primary", key="save_expert", icon=":material/save:"):
                try:
                    api.update_expert(ctx.api_key, panel_id, chosen, ExpertUpdate(weight=new_weight, api_key_id=link))
                except DomainError as exc:
                    api.show_error(exc)
                else:
                    api.forget_platform_reads()
                    st.rerun()
            if buttons[1].button(t("mint_key"), key="mint_key", icon=":material/key:"):
                try:
                    created = api.create_api_key(
                        ctx.api_key, ApiKeyCreate(name=f"{member.name} ({member.code})", role="expert")
                    )
                    api.update_expert(ctx.api_key, panel_id, chosen, ExpertUpdate(api_key_id=created.id))
                except DomainError as exc:
                    api.show_error(exc)
                else:
                    st.session_state[NEW_KEY] = (chosen, created.key)
                    api.forget_platform_reads()
                    st.rerun()

    st.divider()
    st.subheader(t("category_defaults"))
    with api.shown_errors(stop=False):
        summaries = api.profiles(ctx.api_key, ctx.state.instance_id, ctx.state.default_profile_id)
        profile_names = {p.id: f"{ui.localized(p.name, p.name_zh)} (#{p.id})" for p in summaries}
        current = [
            {
                t("col_category"): t("all_categories"),
                t("weight_profile"): profile_names.get(ctx.state.default_profile_id or -1, "—"),
            },
            *(
                {
                    t("col_category"): ui.category_label(category),
                    t("weight_profile"): profile_names.get(
                        ctx.state.category_defaults.get(category, -1), t("uses_default")
                    ),
                }
                for category in get_args(Category)
            ),
        ]
        st.dataframe(pd.DataFrame(current), hide_index=True, width="stretch")
        if not ctx.allows("analyst"):
            st.info(t("needs_role", role=t("role_analyst")))
        elif summaries:
            default_row = st.columns([4, 3, 2], vertical_alignment="bottom")
            profile_choice = default_row[0].selectbox(
                t("weight_profile"),
                [p.id for p in summaries],
                format_func=lambda p: profile_names[p],
                key="default_profile",
            )
            scope: DefaultScope = default_row[1].selectbox(
                t("default_of"),
                ("all", *get_args(Category)),
                format_func=lambda s: t("all_categories") if s == "all" else ui.category_label(s),
                key=relabelled("default_scope"),
            )
            if default_row[2].button(t("make_default_button"), key="make_default_submit", icon=":material/star:"):
                try:
                    api.set_default_profile(ctx.api_key, profile_choice, None if scope == "all" else scope)
                except DomainError as exc:
                    api.show_error(exc)
                else:
                    st.rerun()

else:
    if not ctx.allows("analyst"):
        st.info(t("needs_role", role=t("role_analyst")))
    else:
        st.markdown(t("publish_intro"))
        exclude = st.multiselect(
            t("exclude_experts"),
            [e.code for e in panel.experts],
            format_func=lambda c: f"{expert_names.get(c, c)} ({c})",
            key=relabelled("publish_exclude"),
            help=t("exclude_help"),
        )
        gaps = [(code, p) for code, p in progress.items() if code not in exclude and (p.missing or p.inconsistent)]
        if gaps:
            st.warning(t("publish_gaps_preview"), icon=":material/rule:")
            for code, p in gaps:
                parts = []
                if p.missing:
                    parts.append(t("gap_missing", nodes=", ".join(p.missing)))
                if p.inconsistent:
                    parts.append(t("gap_inconsistent", nodes=", ".join(p.inconsistent)))
                st.markdown(f"- {expert_names.get(code, code)} ({code}): " + "; ".join(parts))
        else:
            st.success(t("publish_no_gaps", count=len(panel.experts) - len(exclude)), icon=":material/check:")
        with st.form("publish_form"):
            name = st.text_input(
                t("profile_name"), value=f"{panel.name} — {date.today().isoformat()}", key="publish_name"
            )
            name_zh = st.text_input(
                t("profile_name_zh"),
                value=f"{panel.name_zh} — {date.today().isoformat()}" if panel.name_zh else "",
                key="publish_name_zh",
            )
            columns = st.columns(4)
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
            scopes: list[str] = ["", "all", *get_args(Category)]
            default_for = columns[3].selectbox(
                t("default_of"),
                scopes,
                format_func=lambda s: t("not_default") if not s else t("all_categories") if s == "all"
                else ui.category_label(s),
                help=t("default_of_help"),
                key="publish_default_for",
            )  # fmt: skip
            reason = st.text_input(t("override_reason"), key="publish_reason", help=t("override_reason_help"))
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
                        name_zh=name_zh.strip(),
                        method=method,
                        aggregation=aggregation,
                        ri_table=publish_ri,
                        default_for=default_for or None,
                        exclude_experts=exclude,
                        override_reason=reason.strip() or None,
                    )
            except DomainError as exc:
                if isinstance(exc, InvalidInput) and exc.errors:
                    st.error(t("publish_refused"), icon=":material/block:")
                api.show_error(exc, texts={"missing": t("publish_missing")})
            else:
                api.forget_platform_reads()
                st.success(t("published_ok", name=published.name, id=published.id), icon=":material/check:")
                st.page_link("app_pages/weights.py", label=t("see_weights"), icon=":material/tune:")
