"""Judgments: an expert compares each pair of a node's items and sees weights and CR at once.

Nothing a rerun does may change a judgment. The judgments of each node live in a draft in the session (keyed by
panel, expert and node, never by a label), kept across node, page and language switches until saved or reloaded;
the widgets only show the draft (their values are set from it on every run) and change it through their callbacks.
Streamlit keeps a widget's value as its label in the chosen language, so a widget left to itself would lose its
value when the labels change with the language.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, get_args

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from frontend import api, ui
from frontend.i18n import t
from shared.errors import Conflict, DomainError, InvalidInput
from shared.schemas.panels import ExpertProgress, ExpertRead, JudgmentWrite, PanelRead
from shared.schemas.scoring import PrioritiesRequest, PrioritiesResponse
from shared.schemas.vocabulary import Completion, PriorityMethod, RiTable

PAGE = "judgments"
DRAFTS = "judgment_drafts"  # ident -> Draft, for every node opened in this session
FLASH = "judgment_flash"  # (kind, text) shown once at the top of the next run
LAST_IDENT = "judgment_last_ident"
LEFT, RIGHT, SKIP = 0, 1, 2  # the choices of a pair's "more important" radio
STRENGTHS = tuple(range(1, 10))  # Saaty's 1–9
CR_THRESHOLD = 0.1
Pair = tuple[int, int]


@dataclass
class Draft:
    """One expert's judgments of one node as the page holds them: the upper triangle, None where missing."""

    items: list[str]
    values: dict[Pair, float | None]
    saved: dict[Pair, float | None]
    sides: dict[Pair, int] = field(default_factory=dict)  # the side shown for an "equal" (1) judgment
    skipped: set[Pair] = field(default_factory=set)  # missing on purpose ("skip this pair")
    version: int = 0
    updated_by: str | None = None
    updated_at: datetime | None = None
    rev: int = 0  # increases with every change: the matrix editor is rebuilt from the draft

    @property
    def dirty(self) -> bool:
        return self.values != self.saved

    @property
    def judged(self) -> int:
        return sum(1 for v in self.values.values() if v is not None)

    def set(self, pair: Pair, value: float | None) -> None:
        self.values[pair] = value
        self.rev += 1


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

drafts: dict[str, Draft] = st.session_state.setdefault(DRAFTS, {})
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

nodes = ["goal", *(c.code for c in ctx.catalog.criteria)]
with api.shown_errors(stop=False):
    progress: ExpertProgress | None = next(
        (p for p in api.panel_progress(ctx.api_key, panel_id) if p.expert_code == expert_code), None
    )


def ident_of(node_code: str) -> str:
    return f"{panel_id}:{expert_code}:{node_code}"


def node_label(code: str) -> str:
    """The node's name, ✓ when its saved judgments are complete, ● when it has unsaved edits."""
    name = t("goal_node") if code == "goal" else ctx.catalog.criterion_name(code)
    draft = drafts.get(ident_of(code))
    marks = ""
    if progress is not None and code not in progress.missing:
        marks += "✓ "
    if draft is not None and draft.dirty:
        marks += "● "
    return marks + name


def pinned(key: str, memory: str, default: Any) -> str:
    """A widget key whose value is set again on every run from `memory` (the page's own record of the choice):
    its label may change (language, marks) without the widget falling back to its default."""
    st.session_state[key] = st.session_state.get(memory, default)
    return key


def remember(key: str, memory: str) -> None:
    if st.session_state.get(key) is not None:
        st.session_state[memory] = st.session_state[key]


with top[2]:
    node_key = pinned(f"node_select:{PAGE}", "node", "goal")
    if st.session_state[node_key] not in nodes:
        st.session_state[node_key] = st.session_state["node"] = "goal"
    node: str = st.selectbox(
        t("node"), nodes, format_func=node_label, key=node_key, on_change=remember, args=(node_key, "node")
    )

with st.expander(t("ahp_settings")):
    settings = st.columns(3)
    method: PriorityMethod = settings[0].radio(
        t("priority_method"),
        get_args(PriorityMethod),
        format_func=lambda m: t(f"ahp_{m}"),
        horizontal=True,
        key=pinned("ahp_method", "ahp_method:value", "eigenvector"),
        on_change=remember,
        args=("ahp_method", "ahp_method:value"),
    )
    completion: Completion = settings[1].radio(
        t("completion"),
        get_args(Completion),
        format_func=lambda c: t(f"completion_{c}"),
        horizontal=True,
        key=pinned("ahp_completion", "ahp_completion:value", "harker"),
        on_change=remember,
        args=("ahp_completion", "ahp_completion:value"),
        help=t("completion_help"),
        disabled=method != "eigenvector",
    )
    ri_table: RiTable = settings[2].selectbox(
        t("ri_table"),
        get_args(RiTable),
        format_func=lambda r: t(f"ri_{r}"),
        key=pinned("ahp_ri", "ahp_ri:value", "saaty"),
        on_change=remember,
        args=("ahp_ri", "ahp_ri:value"),
    )

ident = ident_of(node)

# Leaving a node (or an expert) with unsaved edits: Streamlit cannot hold the user back, so say so and keep them.
last_ident = st.session_state.get(LAST_IDENT)
if last_ident and last_ident != ident and last_ident in drafts and drafts[last_ident].dirty:
    left_node = last_ident.rsplit(":", 1)[1]
    left_name = t("goal_node") if left_node == "goal" else ctx.catalog.criterion_name(left_node)
    st.warning(t("left_unsaved", node=left_name), icon=":material/edit_note:")
st.session_state[LAST_IDENT] = ident


def load() -> Draft:
    """The draft of this node: the one kept in the session, else the stored judgment (or none yet)."""
    if ident in drafts:
        return drafts[ident]
    stored = api.judgment(ctx.api_key, panel_id, expert_code, node)
    items = stored.items if stored else ctx.catalog.children(node)
    size = len(items)
    values: dict[Pair, float | None] = {}
    for i in range(size):
        for j in range(i + 1, size):
            values[(i, j)] = stored.matrix[i][j] if stored else None
    draft = Draft(
        items=list(items),
        values=values,
        saved=dict(values),
        skipped={p for p, v in values.items() if v is None} if stored else set(),
        version=stored.version if stored else 0,
        updated_by=stored.updated_by if stored else None,
        updated_at=stored.updated_at if stored else None,
    )
    drafts[ident] = draft
    return draft


def reload(key: str) -> None:
    drafts.pop(key, None)


with api.shown_errors():
    draft = load()
items = draft.items
size = len(items)
pairs = [(i, j) for i in range(size) for j in range(i + 1, size)]


# --- what a pair shows ------------------------------------------------------------------------------------------


def side_of(pair: Pair) -> int | None:
    value = draft.values[pair]
    if value is None:
        return SKIP if pair in draft.skipped else None
    if value == 1:
        return draft.sides.get(pair, LEFT)
    return LEFT if value > 1 else RIGHT


def strength_of(value: float | None) -> int | None:
    """The point of the 1–9 scale nearest to a judgment (a value off the scale shows its nearest point)."""
    if value is None:
        return None
    magnitude = max(value, 1 / value)
    return min(STRENGTHS, key=lambda s: abs(math.log(s) - math.log(magnitude)))


def number_text(value: float) -> str:
    """A judgment as the expert would write it: "3", "1/5", or "2.47" off the integer points."""
    if abs(value - round(value)) < 1e-9:
        return str(round(value))
    if abs(1 / value - round(1 / value)) < 1e-9:
        return f"1/{round(1 / value)}"
    return f"{value:.2f}"


def judgment_text(value: float | None, i: int, j: int) -> str:
    """A judgment in words: "C1 · 5 strong", "1 · equal", or "not judged"."""
    if value is None:
        return t("not_judged")
    if abs(value - 1) < 1e-9:
        return f"1 · {t('saaty_1')}"
    side, magnitude = (items[i], value) if value > 1 else (items[j], 1 / value)
    strength = strength_of(magnitude) or 1
    words = t(f"saaty_{strength}") if abs(magnitude - strength) < 1e-9 else ""
    return f"{side} · {number_text(magnitude)} {words}".rstrip()


def side_label(choice: int, *, i: int, j: int) -> str:
    return {LEFT: items[i], RIGHT: items[j], SKIP: t("skip_pair")}[choice]


def side_key(pair: Pair) -> str:
    return f"side:{ident}:{pair[0]}:{pair[1]}"


def strength_key(pair: Pair) -> str:
    return f"strength:{ident}:{pair[0]}:{pair[1]}"


# --- callbacks: the only way a widget changes the draft -----------------------------------------------------------


def on_side(key: str, pair: Pair) -> None:
    target = drafts[key]
    chosen = st.session_state.get(side_key_of(key, pair))
    if chosen is None:
        return
    if chosen == SKIP:
        target.skipped.add(pair)
        target.set(pair, None)
        return
    target.skipped.discard(pair)
    target.sides[pair] = chosen
    value = target.values[pair]
    magnitude = 1.0 if value is None else max(value, 1 / value)
    target.set(pair, magnitude if chosen == LEFT else 1 / magnitude)


def on_strength(key: str, pair: Pair) -> None:
    target = drafts[key]
    chosen = st.session_state.get(strength_key_of(key, pair))
    value = target.values[pair]
    if chosen is None or value is None:  # a click on the chosen point clears it: keep the judgment
        return
    side = target.sides.get(pair, LEFT) if value == 1 else (LEFT if value > 1 else RIGHT)
    target.sides[pair] = side
    target.set(pair, float(chosen) if side == LEFT else 1 / chosen)


def side_key_of(key: str, pair: Pair) -> str:
    return f"side:{key}:{pair[0]}:{pair[1]}"


def strength_key_of(key: str, pair: Pair) -> str:
    return f"strength:{key}:{pair[0]}:{pair[1]}"


def apply_value(key: str, pair: Pair, value: float) -> None:
    target = drafts[key]
    target.skipped.discard(pair)
    target.set(pair, value)


def parse_cell(text: object) -> float | None:
    """A cell of the matrix editor: a number or a fraction such as "1/3"; empty for a missing judgment."""
    if text is None or (isinstance(text, float) and math.isnan(text)) or str(text).strip() in ("", "-", "—"):
        return None
    numerator, slash, denominator = str(text).strip().partition("/")
    value = float(numerator) / float(denominator) if slash else float(numerator)
    if not math.isfinite(value) or not 1 / 9 - 1e-9 <= value <= 9 + 1e-9:
        raise ValueError(text)
    return value


def on_matrix(key: str, editor: str) -> None:
    """Edits of the matrix view into the draft: a cell below the diagonal is the reciprocal of the one above."""
    target = drafts[key]
    edits = st.session_state.get(editor, {}).get("edited_rows", {})
    codes = target.items
    for row, changes in edits.items():
        for column, text in changes.items():
            a, b = int(row), codes.index(str(column))
            if a == b:
                continue
            try:
                value = parse_cell(text)
            except (ValueError, ZeroDivisionError):
                st.session_state[FLASH] = ("error", t("matrix_cell_invalid", cell=f"{codes[a]}/{codes[b]}", value=text))
                continue
            pair, oriented = ((a, b), value) if a < b else ((b, a), None if value is None else 1 / value)
            if oriented is None:
                target.skipped.add(pair)
            else:
                target.skipped.discard(pair)
            target.set(pair, oriented)
    target.rev += 1  # a new editor, built from the draft


def full_matrix(values: dict[Pair, float | None], size: int) -> list[list[float | str | None]]:
    """The reciprocal matrix of the upper-triangle judgments; integer points as exact fractions ("1/3")."""
    matrix: list[list[float | str | None]] = [[1.0] * size for _ in range(size)]
    for (i, j), value in values.items():
        if value is None:
            matrix[i][j] = matrix[j][i] = None
        else:
            matrix[i][j] = number_text(value) if "." not in number_text(value) else value
            matrix[j][i] = number_text(1 / value) if "." not in number_text(1 / value) else 1 / value
    return matrix


def priorities_of(values: dict[Pair, float | None]) -> PrioritiesResponse | None:
    """The weights and consistency of the judgments, None while too few are given to connect the items."""
    if sum(1 for v in values.values() if v is not None) < size - 1:
        return None
    body = api.request_body(
        PrioritiesRequest,
        matrix=full_matrix(values, size),
        labels=items,
        method=method,
        completion=completion,
        ri_table=ri_table,
        cr_threshold=CR_THRESHOLD,
    )
    try:
        return api.priorities(ctx.api_key, body)
    except InvalidInput:
        return None  # the judgments given do not connect every item yet


def save(key: str) -> None:
    """Save one node's draft; a matrix over the CR threshold is saved with a warning, never refused."""
    target = drafts[key]
    panel_of, expert_of, node_of = key.split(":")
    matrix = full_matrix(target.values, len(target.items))
    try:
        change = api.request_body(JudgmentWrite, items=target.items, matrix=matrix, version=target.version)
        saved = api.save_judgment(ctx.api_key, int(panel_of), expert_of, node_of, change)
    except Conflict:
        st.session_state[FLASH] = ("conflict", t("err_conflict"))
        return
    except DomainError as exc:
        st.session_state[FLASH] = ("error", f"{t('err_request')} {exc.detail}")
        return
    target.saved = dict(target.values)
    target.version, target.updated_by, target.updated_at = saved.version, saved.updated_by, saved.updated_at
    api.forget_progress()
    result = priorities_of(target.values)
    if result is not None and not result.consistent:
        st.session_state[FLASH] = ("warning", t("saved_over_threshold", version=saved.version, cr=f"{result.cr:.3f}"))
    else:
        st.session_state[FLASH] = ("success", t("saved_ok", version=saved.version))


# --- the page -----------------------------------------------------------------------------------------------------

with api.shown_errors():
    result = priorities_of(draft.values)
    saved_result = priorities_of(draft.saved) if draft.version else None

# The worst judgments, oriented to the upper triangle, while the matrix is over the threshold.
worst: dict[Pair, tuple[int, float, float]] = {}
if result is not None and not result.consistent:
    for rank, entry in enumerate(result.inconsistencies, start=1):
        a, b, best = entry.row, entry.col, entry.best_value
        if a > b:
            a, b, best = b, a, 1 / best
        worst[(a, b)] = (rank, best, entry.cr_after)

flash = st.session_state.pop(FLASH, None)
if flash:
    kind, text = flash
    if kind == "success":
        st.success(text, icon=":material/check:")
    elif kind == "warning":
        st.warning(text, icon=":material/warning:")
    else:
        st.error(text, icon=":material/sync_problem:" if kind == "conflict" else ":material/error:")
        if kind == "conflict":
            st.button(t("reload_theirs"), on_click=reload, args=(ident,), key="reload_after_conflict")


def save_bar(where: str) -> None:
    """Save and reload, with the unsaved mark and what is stored: at the top and at the bottom of the pairs."""
    bar = st.columns([2, 2, 6], vertical_alignment="center")
    can_save = draft.dirty or (draft.version == 0 and draft.judged > 0)
    bar[0].button(
        t("save_judgments"),
        type="primary",
        disabled=not can_save,
        icon=":material/save:",
        key="save" if where == "bottom" else f"save_{where}",
        on_click=save,
        args=(ident,),
        width="stretch",
    )
    if draft.dirty:
        # Reloading drops the unsaved edits of this node: only on a second, explicit click.
        with bar[1].popover(t("reload"), icon=":material/refresh:", width="stretch"):
            st.caption(t("reload_drops_draft"))
            st.button(t("reload_confirm"), on_click=reload, args=(ident,), key=f"reload_{where}", type="primary")
    else:
        bar[1].button(
            t("reload"),
            on_click=reload,
            args=(ident,),
            icon=":material/refresh:",
            key=f"reload_{where}",
            width="stretch",
        )
    if draft.dirty:
        bar[2].markdown(f":orange-badge[● {t('unsaved_changes')}]")
    elif draft.version:
        bar[2].caption(t("stored_version", version=draft.version, by=draft.updated_by, at=str(draft.updated_at)[:16]))
    else:
        bar[2].caption(t("not_saved_yet"))


def progress_bars() -> None:
    """The node's pairs judged and the tree's nodes done (saved), always in view."""
    share = draft.judged / len(pairs) if pairs else 1.0
    st.progress(share, text=t("pairs_judged", done=draft.judged, total=len(pairs)))
    if progress is not None:
        unsaved = sum(1 for key, d in drafts.items() if key.startswith(f"{panel_id}:{expert_code}:") and d.dirty)
        text = t("nodes_done", done=progress.nodes_done, total=progress.nodes_total)
        if unsaved:
            text += " · " + t("nodes_unsaved", count=unsaved)
        st.progress(progress.nodes_done / max(progress.nodes_total, 1), text=text)


save_bar("top")

# Unsaved drafts live in this session only, which a reload or a closed tab ends: while there are any, the browser
# asks before leaving the page (its own "Leave site?" prompt); once every draft is saved, it no longer does.
unsaved_anywhere = any(d.dirty for d in drafts.values())
st.html(
    "<script>window.onbeforeunload = "
    + ("(e) => { e.preventDefault(); e.returnValue = ''; return ''; };" if unsaved_anywhere else "null;")
    + "</script>",
    unsafe_allow_javascript=True,
    width="content",
)


def round_feedback() -> None:
    """For the last closed round: the group's weights of this node, the expert's distance from them and the
    judgments where the expert differs most (the scoring service's round summary), to revise by."""
    closed = api.last_closed_round(ctx.api_key, panel_id)
    if closed is None:
        return
    summary = api.closed_round_summary(ctx.api_key, panel_id, closed)
    agreement = next((n for r in summary.rounds for n in r.nodes if n.node == node), None)
    if agreement is None:
        return
    mine = next((e for e in agreement.experts if e.expert == expert_code), None)
    with st.expander(t("round_feedback", round=closed), expanded=False, icon=":material/forum:"):
        columns = st.columns([3, 2])
        with columns[0]:
            codes = list(agreement.weights)
            fig = go.Figure(
                go.Bar(x=[agreement.weights[c] for c in codes], y=codes, orientation="h", name=t("group_weights_round"),
                       marker_color="#4C78A8", hovertext=[ctx.catalog.item_name(c) for c in codes])
            )  # fmt: skip
            if mine is not None:
                fig.add_trace(
                    go.Scatter(x=[mine.weights.get(c) for c in codes], y=codes, mode="markers", name=t("your_weights"),
                               marker={"symbol": "diamond", "size": 11, "color": "#F58518"})
                )  # fmt: skip
            fig.update_yaxes(autorange="reversed")
            ui.chart(fig, key="round_feedback_chart", height=80 + 34 * len(codes))
        with columns[1]:
            st.metric(t("ahp_consensus"), f"{agreement.ahp_consensus:.3f}", help=t("ahp_consensus_help"))
            if mine is None:
                st.caption(t("not_in_round"))
            else:
                st.metric(t("distance_from_group"), f"{mine.distance:.3f}", help=t("distance_help"))
                if mine.most_different:
                    st.markdown(f"**{t('differ_most')}**")
                    for difference in mine.most_different:
                        st.markdown(
                            f"- {difference.first} ⟷ {difference.second}: "
                            + t("you_and_group", you=number_text(difference.expert), group=f"{difference.group:.2f}")
                        )


with api.shown_errors(stop=False):
    round_feedback()

# The result column stays in view while the expert scrolls through the pairs.
st.html(
    "<style>[data-testid='stColumn']:has(.st-key-judgment_result)"
    "{position: sticky; top: 3.75rem; align-self: flex-start;}</style>"
)
left, right = st.columns([2, 1], gap="medium")
with left:
    entry_view = st.segmented_control(
        t("view"),
        ("pairs", "matrix"),
        format_func=lambda v: t(f"entry_{v}"),
        key=pinned("judgment_view", "judgment_view:value", "pairs"),
        on_change=remember,
        args=("judgment_view", "judgment_view:value"),
        label_visibility="collapsed",
    )
    if entry_view == "matrix":
        st.subheader(t("matrix_view"))
        st.caption(t("matrix_help"))
        rows = []
        for a in range(size):
            row: dict[str, str] = {}
            for b in range(size):
                if a == b:
                    row[items[b]] = "1"
                else:
                    value = draft.values[(a, b)] if a < b else draft.values[(b, a)]
                    shown = None if value is None else (value if a < b else 1 / value)
                    row[items[b]] = "" if shown is None else number_text(shown)
            rows.append(row)
        frame = pd.DataFrame(rows, index=items)
        editor = f"matrix:{ident}:{draft.rev}"
        st.data_editor(
            frame,
            key=editor,
            on_change=on_matrix,
            args=(ident, editor),
            width="stretch",
            column_config={
                code: st.column_config.TextColumn(code, help=ctx.catalog.item_name(code), width="small")
                for code in items
            },
        )
        for code in items:
            st.caption(ctx.catalog.item_name(code))
    else:
        st.subheader(t("pairwise_comparisons"))
        st.caption(t("pairs_help"))
        for i, j in pairs:
            pair = (i, j)
            mark = worst.get(pair)
            head = f"**{ctx.catalog.item_name(items[i])}**  ⟷  **{ctx.catalog.item_name(items[j])}**"
            if mark:
                head = f":orange[**⚠ {mark[0]}**] {head}"
            with st.container(key=f"pair_{i}_{j}", gap="small"):
                heading, choice = st.columns([3, 2], vertical_alignment="center")
                heading.markdown(head)
                st.session_state[side_key(pair)] = side_of(pair)
                choice.radio(
                    t("more_important"),
                    (LEFT, RIGHT, SKIP),
                    format_func=functools.partial(side_label, i=i, j=j),
                    key=side_key(pair),
                    horizontal=True,
                    on_change=on_side,
                    args=(ident, pair),
                    label_visibility="collapsed",
                )
                st.session_state[strength_key(pair)] = strength_of(draft.values[pair])
                st.segmented_control(
                    t("how_much"),
                    STRENGTHS,
                    format_func=lambda s: t(f"saaty_tick_{s}"),
                    key=strength_key(pair),
                    on_change=on_strength,
                    args=(ident, pair),
                    disabled=draft.values[pair] is None,
                    label_visibility="collapsed",
                )

with right, st.container(key="judgment_result"):
    st.subheader(t("live_result"))
    progress_bars()
    if result is None:
        st.info(t("too_few_judgments", needed=max(size - 1, 1)), icon=":material/pending:")
    else:
        cr = result.cr
        saved_cr = saved_result.cr if saved_result else None
        st.metric(
            "CR",
            f"{cr:.4f}",
            delta=None if saved_cr is None or abs(cr - saved_cr) < 5e-5 else f"{cr - saved_cr:+.4f}",
            delta_color="inverse",
            help=t("cr_help"),
        )
        st.caption(f"λmax = {result.lambda_max:.4f} · CI = {result.ci:.4f}")
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

        if worst:
            st.subheader(t("most_inconsistent"))
            for (i, j), (rank, best, cr_after) in sorted(worst.items(), key=lambda kv: kv[1][0]):
                best = round(best, 2)
                with st.container(border=True):
                    st.markdown(
                        f"**⚠ {rank}. {items[i]} ⟷ {items[j]}** — "
                        + t(
                            "inconsistency_best",
                            now=judgment_text(draft.values[(i, j)], i, j),
                            best=judgment_text(best, i, j),
                            cr=f"{cr_after:.3f}",
                        )
                    )
                    st.button(
                        t("apply_best", value=judgment_text(best, i, j)),
                        key=f"apply:{ident}:{i}:{j}",
                        on_click=apply_value,
                        args=(ident, (i, j), best),
                        icon=":material/auto_fix_high:",
                    )

st.divider()
save_bar("bottom")
