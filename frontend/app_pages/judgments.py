"""Judgments: an expert compares each pair of a node's items on Saaty's scale and sees weights and CR at once."""

from __future__ import annotations

import functools
from typing import Any, get_args

import plotly.graph_objects as go
import streamlit as st

from frontend import api, ui
from frontend.i18n import t
from shared.errors import Conflict, DomainError
from shared.schemas.panels import ExpertRead, JudgmentWrite, PanelRead
from shared.schemas.scoring import PrioritiesRequest, PrioritiesResponse
from shared.schemas.vocabulary import PriorityMethod, RiTable

PAGE = "judgments"
STORE = "judgment_store"  # what was loaded and what the sliders say, kept across page switches

ctx = ui.page_context()
st.title(t("page_judgments"))
st.caption(t("judgments_intro"))

with api.shown_errors():
    all_panels = api.panels(ctx.api_key, ctx.state.instance_id)


def editable_experts(panel: PanelRead) -> list[ExpertRead]:
    """Analysts and admins may enter any expert's judgments; an expert's key only those of its own expert."""
    if ctx.allows("analyst"):
        return list(panel.experts)
    return [e for e in panel.experts if e.api_key_id is not None and e.api_key_id == ctx.who.id]


panels = [p for p in all_panels if editable_experts(p)]
if not panels:
    st.info(t("no_linked_expert") if not ctx.allows("analyst") else t("no_panels"), icon=":material/person_off:")
    st.stop()

by_id = {p.id: p for p in panels}
top = st.columns([3, 3, 3])
with top[0]:
    panel_id = ui.remembered_select(
        t("panel"),
        list(by_id),
        memory="panel",
        page=PAGE,
        format_func=lambda pid: ui.localized(by_id[pid].name, by_id[pid].name_zh),
    )
panel = by_id[panel_id]
experts = {e.code: e for e in editable_experts(panel)}
with top[1]:
    expert_code = ui.remembered_select(
        t("expert"),
        list(experts),
        memory="expert",
        page=PAGE,
        format_func=lambda code: f"{ui.localized(experts[code].name, experts[code].name_zh)} ({code})",
    )
with top[2]:
    node = ui.remembered_select(
        t("node"),
        ["goal", *(c.code for c in ctx.catalog.criteria)],
        memory="node",
        page=PAGE,
        format_func=lambda code: t("goal_node") if code == "goal" else ctx.catalog.criterion_name(code),
    )

with st.expander(t("ahp_settings")):
    settings = st.columns(2)
    method = settings[0].radio(
        t("priority_method"),
        list(get_args(PriorityMethod)),
        format_func=lambda m: t(f"ahp_{m}"),
        horizontal=True,
        key="ahp_method",
    )
    ri_table = settings[1].selectbox(
        t("ri_table"),
        list(get_args(RiTable)),
        format_func=lambda r: t(f"ri_{r}"),
        key="ahp_ri",
    )

ident = f"{panel_id}:{expert_code}:{node}"


def slider_key(i: int, j: int) -> str:
    return f"pair:{ident}:{i}:{j}"


def load(force: bool = False) -> dict[str, Any]:
    """The stored judgment (or an all-equal start when there is none), with the sliders set to it."""
    store: dict[str, Any] | None = st.session_state.get(STORE)
    if store is not None and store["ident"] == ident and not force:
        return store
    stored = api.judgment(ctx.api_key, panel_id, expert_code, node)
    items = stored.items if stored else ctx.catalog.children(node)
    size = len(items)
    matrix = stored.matrix if stored else [[1.0] * size for _ in range(size)]
    values = {}
    for i in range(size):
        for j in range(i + 1, size):
            judged = matrix[i][j]
            values[(i, j)] = "1" if judged is None else ui.nearest_scale_value(judged)
    store = {
        "ident": ident,
        "items": items,
        "saved": dict(values),
        "values": dict(values),
        "version": stored.version if stored else 0,
        "updated_by": stored.updated_by if stored else None,
        "updated_at": stored.updated_at if stored else None,
    }
    for (i, j), value in values.items():
        st.session_state[slider_key(i, j)] = value
    st.session_state[STORE] = store
    return store


def reload() -> None:
    st.session_state.pop(STORE, None)


def apply_suggestion(i: int, j: int, value: str) -> None:
    st.session_state[slider_key(i, j)] = value
    st.session_state[STORE]["values"][(i, j)] = value


def full_matrix(values: dict[tuple[int, int], str], size: int) -> list[list[str]]:
    """The reciprocal matrix of the upper-triangle judgments, as exact fractions ("1/3")."""
    matrix = [["1"] * size for _ in range(size)]
    for (i, j), value in values.items():
        matrix[i][j] = value
        matrix[j][i] = value.split("/")[1] if "/" in value else ("1" if value == "1" else f"1/{value}")
    return matrix


def priorities_of(values: dict[tuple[int, int], str], items: list[str]) -> PrioritiesResponse:
    body = api.request_body(
        PrioritiesRequest,
        matrix=full_matrix(values, len(items)),
        labels=items,
        method=method,
        ri_table=ri_table,
        cr_threshold=0.1,
    )
    return api.priorities(ctx.api_key, body)


with api.shown_errors():
    store = load()
items: list[str] = store["items"]
size = len(items)
pairs = [(i, j) for i in range(size) for j in range(i + 1, size)]
for pair in pairs:
    # A slider not on the page in the last run (another page was open) lost its state: restore it.
    if slider_key(*pair) not in st.session_state:
        st.session_state[slider_key(*pair)] = store["values"][pair]
    store["values"][pair] = st.session_state[slider_key(*pair)]

with api.shown_errors():
    result = priorities_of(store["values"], items)
    saved_result = priorities_of(store["saved"], items) if store["version"] else None

suggestions: dict[tuple[int, int], tuple[int, float, str]] = {}
for rank, entry in enumerate(result.inconsistencies, start=1):
    i, j, suggested = entry.row, entry.col, entry.suggested
    if i > j:
        i, j, suggested = j, i, 1 / suggested
    current = store["values"][(i, j)]
    option = ui.nearest_scale_value(suggested)
    if option == current:
        # The nearest point is where the slider is: one step towards the consistent value is the useful move.
        index = ui.SAATY_SCALE.index(current)
        step = -1 if suggested > ui.scale_number(current) else 1
        option = ui.SAATY_SCALE[min(max(index + step, 0), len(ui.SAATY_SCALE) - 1)]
    suggestions[(i, j)] = (rank, suggested, option)

# The result column stays in view while the expert scrolls through the pairs.
st.html(
    "<style>[data-testid='stColumn']:has(.st-key-judgment_result)"
    "{position: sticky; top: 3.75rem; align-self: flex-start;}</style>"
)
left, right = st.columns([3, 2], gap="large")
with left:
    st.subheader(t("pairwise_comparisons"))
    st.caption(t("slider_help"))
    for i, j in pairs:
        name_i, name_j = ctx.catalog.item_name(items[i]), ctx.catalog.item_name(items[j])
        flag = suggestions.get((i, j))
        label = f"{name_i}  ⟷  {name_j}"
        if flag:
            label = f":orange[**⚠ {flag[0]}**] {label}"
        st.select_slider(
            label,
            options=ui.SAATY_SCALE,
            format_func=functools.partial(ui.saaty_label, left=items[i], right=items[j]),
            key=slider_key(i, j),
        )

with right, st.container(key="judgment_result"):
    st.subheader(t("live_result"))
    if st.session_state.get("judgment_flash"):
        st.success(st.session_state.pop("judgment_flash"), icon=":material/check:")
    metrics = st.columns(3)
    cr = result.cr
    saved_cr = saved_result.cr if saved_result else None
    metrics[0].metric("λmax", f"{result.lambda_max:.4f}")
    metrics[1].metric("CI", f"{result.ci:.4f}")
    metrics[2].metric(
        "CR",
        f"{cr:.4f}",
        delta=None if saved_cr is None or abs(cr - saved_cr) < 5e-5 else f"{cr - saved_cr:+.4f}",
        delta_color="inverse",
        help=t("cr_help"),
    )
    if result.consistent:
        st.success(t("consistent_ok", cr=f"{cr:.3f}"), icon=":material/check_circle:")
    else:
        st.warning(t("consistent_no", cr=f"{cr:.3f}"), icon=":material/warning:")

    names = [ctx.catalog.item_name(code) for code in items]
    fig = go.Figure(
        go.Bar(
            x=result.weights,
            y=items,
            orientation="h",
            name=t("weights_now"),
            marker_color="#4C78A8",
            text=[f"{w:.3f}" for w in result.weights],
            textposition="auto",
            hovertext=names,
            hovertemplate="%{hovertext}: %{x:.4f}<extra></extra>",
        )
    )
    if saved_result is not None:
        fig.add_trace(
            go.Scatter(
                x=saved_result.weights,
                y=items,
                mode="markers",
                name=t("weights_saved"),
                marker={"symbol": "line-ns-open", "size": 22, "color": "#333", "line": {"width": 3}},
                hovertext=names,
                hovertemplate="%{hovertext}: %{x:.4f}<extra></extra>",
            )
        )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title=t("weight"), rangemode="tozero")
    ui.chart(fig, key="judgment_weights", height=90 + 38 * size)

    st.subheader(t("most_inconsistent"))
    if not suggestions:
        st.caption(t("no_inconsistency"))
    for (i, j), (rank, suggested, option) in sorted(suggestions.items(), key=lambda kv: kv[1][0]):
        current = store["values"][(i, j)]
        with st.container(border=True):
            st.markdown(
                f"**⚠ {rank}. {items[i]} ⟷ {items[j]}** — "
                + t(
                    "inconsistency_line",
                    now=ui.saaty_label(current, items[i], items[j]),
                    consistent=f"{suggested:.2f}",
                    suggested=ui.saaty_label(option, items[i], items[j]),
                )
            )
            st.button(
                t("apply_suggestion"),
                key=f"apply:{ident}:{i}:{j}",
                on_click=apply_suggestion,
                args=(i, j, option),
                icon=":material/auto_fix_high:",
            )

st.divider()
changed = store["values"] != store["saved"] or store["version"] == 0
footer = st.columns([2, 2, 6])
if store["version"]:
    footer[2].caption(
        t("stored_version", version=store["version"], by=store["updated_by"], at=str(store["updated_at"])[:16])
    )
else:
    footer[2].caption(t("not_saved_yet"))
footer[1].button(t("reload"), on_click=reload, icon=":material/refresh:", key="reload_judgment")
if footer[0].button(t("save_judgments"), type="primary", disabled=not changed, icon=":material/save:", key="save"):
    matrix = full_matrix(store["values"], size)
    try:
        change = api.request_body(JudgmentWrite, items=items, matrix=matrix, version=store["version"])
        saved = api.save_judgment(ctx.api_key, panel_id, expert_code, node, change)
    except Conflict:
        st.error(t("err_conflict"), icon=":material/sync_problem:")
        st.button(t("reload_theirs"), on_click=reload, key="reload_after_conflict")
    except DomainError as exc:
        api.show_error(exc)
    else:
        store.update(
            saved=dict(store["values"]),
            version=saved.version,
            updated_by=saved.updated_by,
            updated_at=saved.updated_at,
        )
        st.session_state["judgment_flash"] = t("saved_ok", version=saved.version)
        st.rerun()
