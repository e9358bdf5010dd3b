"""What every page shares: the signed-in context, names in the chosen language, selectors and chart styling."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeVar, get_args

# pandas is imported with this module, before any chart: plotly looks it up in sys.modules when it checks a
# figure's data, and a script run of another session finding it half imported there fails.
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from frontend import api
from frontend.i18n import lang, relabelled, t
from shared.errors import DomainError
from shared.schemas.analyses import RankingModelRequest
from shared.schemas.indicators import ClusterRead, CriterionNode, IndicatorRead, PlatformState, WhoAmI
from shared.schemas.panels import WeightProfileRead
from shared.schemas.rankings import TIER_RULE_ZH, RankingResponse, RankingResult
from shared.schemas.vocabulary import Category, FixedReferenceMethod, RankingMethod, Reference

T = TypeVar("T")
CHART_FONT = "Noto Sans CJK SC, WenQuanYi Micro Hei, Source Han Sans SC, Microsoft YaHei, sans-serif"
CATEGORY_COLORS = {"basic": "#4C78A8", "strategic": "#F58518", "cutting_edge": "#54A24B"}
TIER_COLORS = {"leading": "#1b7837", "strong": "#7fbf7b", "moderate": "#fdb863", "emerging": "#d6604d"}
# Saaty's 17-point scale, from "the left item is extremely more important" to "the right item is".
SAATY_SCALE: tuple[str, ...] = (
    "9", "8", "7", "6", "5", "4", "3", "2", "1", "1/2", "1/3", "1/4", "1/5", "1/6", "1/7", "1/8", "1/9",
)  # fmt: skip


@dataclass(frozen=True)
class Catalog:
    """Clusters and the indicator tree, with their names in the chosen language."""

    clusters: dict[str, ClusterRead]
    criteria: list[CriterionNode]
    indicators: dict[str, IndicatorRead]
    criterion_of: dict[str, str]

    def cluster_name(self, code: str) -> str:
        cluster = self.clusters.get(code)
        if cluster is None:
            return code
        return cluster.name_zh if lang() == "zh" and cluster.name_zh else cluster.name

    def criterion_name(self, code: str, *, with_code: bool = True) -> str:
        node = next((c for c in self.criteria if c.code == code), None)
        if node is None:
            return t("goal") if code == "goal" else code
        name = node.name_zh if lang() == "zh" and node.name_zh else node.name
        return f"{code} {name}" if with_code else name

    def indicator_name(self, code: str, *, with_code: bool = True) -> str:
        indicator = self.indicators.get(code)
        if indicator is None:
            return code
        name = indicator.name_zh if lang() == "zh" and indicator.name_zh else indicator.name
        return f"{code} {name}" if with_code else name

    def item_name(self, code: str, *, with_code: bool = True) -> str:
        """A criterion or an indicator, whichever the code is."""
        if code in self.indicators:
            return self.indicator_name(code, with_code=with_code)
        return self.criterion_name(code, with_code=with_code)

    def unit(self, code: str) -> str:
        indicator = self.indicators[code]
        return indicator.unit_zh if lang() == "zh" and indicator.unit_zh else indicator.unit

    def province(self, code: str) -> str:
        cluster = self.clusters.get(code)
        if cluster is None:
            return ""
        return cluster.province_zh if lang() == "zh" and cluster.province_zh else cluster.province

    def industry(self, code: str) -> str:
        cluster = self.clusters.get(code)
        if cluster is None:
            return ""
        return cluster.industry_zh if lang() == "zh" and cluster.industry_zh else cluster.industry

    def children(self, node: str) -> list[str]:
        """Codes compared under a node of the tree: the criteria under `goal`, a criterion's indicators else."""
        if node == "goal":
            return [c.code for c in self.criteria]
        return [i.code for c in self.criteria if c.code == node for i in c.children]


@dataclass(frozen=True)
class Context:
    """Who is signed in and what the platform holds right now."""

    api_key: str
    who: WhoAmI
    state: PlatformState
    catalog: Catalog

    def allows(self, needed: str) -> bool:
        return api.role_allows(self.who.role, needed)

    @property
    def latest_year(self) -> int | None:
        years = api.years(self.state)
        return years[-1] if years else None

    def versions(self, year: int) -> tuple[str | None, ...]:
        """Everything a ranking of `year` depends on: that and last year's dataset versions, the default profile."""
        return (
            api.dataset_version(self.state, year),
            api.dataset_version(self.state, year - 1),
            self.state.catalog_version,
            str(self.state.default_profile_id),
        )


def catalog(api_key: str, catalog_version: str) -> Catalog:
    tree = api.indicator_tree(api_key, catalog_version)
    return Catalog(
        clusters={c.code: c for c in api.clusters(api_key, catalog_version)},
        criteria=tree,
        indicators={i.code: i for c in tree for i in c.children},
        criterion_of={i.code: c.code for c in tree for i in c.children},
    )


def page_context() -> Context:
    """The context of a page run; a page without a signed-in key shows why and ends here."""
    key = api.current_key()
    who = st.session_state.get("who")
    if not key or who is None:
        st.info(t("sign_in_first"), icon=":material/key:")
        st.stop()
    with api.shown_errors():
        state = api.platform_state(key)
        return Context(api_key=key, who=who, state=state, catalog=catalog(key, state.catalog_version))


def localized(name: str, name_zh: str | None) -> str:
    """The Chinese name in the Chinese view when there is one, else the English name."""
    return name_zh if lang() == "zh" and name_zh else name


def category_label(category: str | None) -> str:
    return t(f"category_{category}") if category else t("all_categories")


def tier_label(tier: str) -> str:
    return t(f"tier_{tier}")


def method_label(method: str) -> str:
    return t(f"method_{method}")


def saaty_label(value: str, left: str, right: str) -> str:
    """A judgment on the slider: which side is favoured and how strongly, in words ("C1 · 5 strong")."""
    if value == "1":
        return f"1 · {t('saaty_1')}"
    if "/" in value:
        strength, side = value.split("/")[1], right
    else:
        strength, side = value, left
    return f"{side} · {strength} {t('saaty_' + strength)}"


def nearest_scale_value(value: float) -> str:
    """The point of Saaty's scale closest to a judgment on the log scale (judgments are ratios)."""
    return min(SAATY_SCALE, key=lambda option: abs(math.log(scale_number(option)) - math.log(value)))


def scale_number(option: str) -> float:
    if "/" in option:
        numerator, denominator = option.split("/")
        return float(numerator) / float(denominator)
    return float(option)


def remembered_select(
    label: str,
    options: Sequence[T],
    *,
    memory: str,
    page: str,
    format_func: Callable[[T], str] = str,
    default: T | None = None,
    sidebar: bool = False,
    **kwargs: Any,
) -> T:
    """A selectbox whose choice follows the user from page to page (held under `memory` in the session)."""
    if not options:
        raise ValueError(f"no options for {label}")
    remembered = st.session_state.get(memory, default)
    index = list(options).index(remembered) if remembered in options else 0
    widget_key = relabelled(f"{memory}:{page}")

    def remember() -> None:
        st.session_state[memory] = st.session_state[widget_key]

    where = st.sidebar if sidebar else st
    value: T = where.selectbox(
        label, options, index=index, format_func=format_func, key=widget_key, on_change=remember, **kwargs
    )
    st.session_state[memory] = value
    return value


def year_select(ctx: Context, *, page: str, label: str | None = None) -> int:
    years = api.years(ctx.state)
    if not years:
        st.warning(t("no_data_yet"))
        st.stop()
    return remembered_select(label or t("year"), list(reversed(years)), memory="year", page=page, default=years[-1])


def profile_select(ctx: Context, *, page: str) -> int | None:
    """The published weight profiles, the default first; None when none is published yet."""
    with api.shown_errors():
        summaries = api.profiles(ctx.api_key, ctx.state.instance_id, ctx.state.default_profile_id)
    if not summaries:
        st.warning(t("no_profile_yet"))
        return None
    ordered = sorted(summaries, key=lambda p: (not p.is_default, -p.id))
    names = {
        p.id: f"{localized(p.name, p.name_zh)} (#{p.id}{', ' + t('default') if p.is_default else ''})" for p in ordered
    }
    chosen: int = remembered_select(
        t("weight_profile"),
        [p.id for p in ordered],
        memory="profile",
        page=page,
        format_func=lambda pid: names[pid],
        default=ctx.state.default_profile_id,
    )
    return chosen


def year_and_profile(ctx: Context, *, page: str, widths: list[int]) -> tuple[int, int, list[Any]]:
    """The year and weight-profile pickers most pages start with, in the first two of `widths` columns; the
    remaining columns are returned for the page's own pickers. Stops the page when no profile is published."""
    row = st.columns(widths)
    with row[0]:
        year = year_select(ctx, page=page)
    with row[1]:
        profile_id = profile_select(ctx, page=page)
    if profile_id is None:
        st.stop()
    return year, profile_id, list(row[2:])


def method_reference_category(columns: Sequence[Any], *, page: str) -> tuple[RankingMethod, Reference, Category | None]:
    """The method, the reference (only what the method allows) and the category of a ranking, in three of the
    page's columns, each remembered from page to page."""
    with columns[0]:
        method: RankingMethod = remembered_select(
            t("method"), get_args(RankingMethod), memory="method", page=page, format_func=method_label
        )
    has_fixed = method in get_args(FixedReferenceMethod)
    with columns[1]:
        reference: Reference = remembered_select(
            t("reference"),
            get_args(Reference) if has_fixed else ("relative",),
            memory="reference",
            page=f"{page}:{has_fixed}",  # one widget per set of options
            format_func=lambda r: t(f"reference_{r}"),
            help=t("reference_help"),
        )
    with columns[2]:
        # "" for all categories: a selectbox takes None for "nothing chosen" and would show its placeholder.
        category: Category | Literal[""] = remembered_select(
            t("col_category"),
            ("", *get_args(Category)),
            memory="category",
            page=page,
            format_func=lambda c: category_label(c or None),
        )
    return method, reference, category or None


def winsorize_toggle(reference: Reference, *, page: str) -> bool:
    """On the relative reference, whether the model winsorises the outliers the audit flags (off by default); on
    the fixed reference there is nothing to choose: clipping to the reference ranges bounds them."""
    if reference != "relative":
        return False
    chosen: bool = st.toggle(t("winsorize"), key=f"{page}:winsorize", help=t("winsorize_help"))
    return chosen


def ranking_model(ctx: Context, *, page: str, widths: list[int]) -> RankingModelRequest:
    """The model of a published ranking, as the analyses take it: year, profile, method, reference and category
    in the five `widths` columns, and the winsorising toggle under them on the relative reference. Stops the page
    when no profile is published."""
    year, profile_id, row = year_and_profile(ctx, page=page, widths=widths)
    method, reference, category = method_reference_category(row, page=page)
    return RankingModelRequest(
        year=year,
        profile=profile_id,
        method=method,
        reference=reference,
        category=category,
        winsorize=winsorize_toggle(reference, page=page),
    )


def tier_rule_caption(ranking: RankingResponse) -> None:
    """How the tiers shown are decided, in the page's language (the service states the rule in English)."""
    st.caption(TIER_RULE_ZH if lang() == "zh" else ranking.tier_rule)


def rank_ticks(count: int) -> list[int]:
    """Ticks of a rank axis from 1 to `count`: every rank when few, else 1 and every fifth."""
    return list(range(1, count + 1)) if count <= 15 else [1, *range(5, count + 1, 5)]


def styled(fig: go.Figure, *, height: int = 380, legend: bool = True) -> go.Figure:
    fig.update_layout(
        height=height,
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        font={"family": CHART_FONT, "size": 13},
        template="plotly_white",
        showlegend=legend,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
    )
    return fig


def chart(fig: go.Figure, *, key: str | None = None, height: int = 380, legend: bool = True) -> None:
    st.plotly_chart(styled(fig, height=height, legend=legend), width="stretch", key=key, config={"displaylogo": False})


def synthetic_note(api_key: str, state: PlatformState) -> None:
    """The demo data is synthetic: say so on every page, as the data set itself does."""
    years = api.years(state)
    version = api.dataset_version(state, years[-1]) if years else None
    if not years or version is None:
        return
    try:
        synthetic = api.dataset(api_key, years[-1], version).synthetic
    except DomainError:
        return
    if synthetic:
        st.warning(t("synthetic_note"), icon=":material/science:")


def score_text(value: float | None, digits: int = 4) -> str:
    return "—" if value is None or not math.isfinite(value) else f"{value:.{digits}f}"


def rank_change_text(change: int | None) -> str:
    if change is None:
        return "—"
    if change > 0:
        return f"▲ {change}"
    if change < 0:
        return f"▼ {-change}"
    return "="


def criterion_weight_sliders(profile: WeightProfileRead, catalog: Catalog, *, key: str) -> dict[str, float]:
    """A slider per criterion, starting at the profile's weight; the tuned weights come back renormalised to 1."""
    start = {c.code: c.weight for c in profile.criteria}
    keys = {code: f"{key}:{profile.id}:{code}" for code in start}

    def reset() -> None:
        for code, weight in start.items():
            st.session_state[keys[code]] = round(weight, 3)

    for code, weight in start.items():
        if keys[code] not in st.session_state:
            st.session_state[keys[code]] = round(weight, 3)
    raw = {}
    columns = st.columns(2)
    for index, code in enumerate(start):
        with columns[index % 2]:
            raw[code] = st.slider(catalog.criterion_name(code), 0.0, 1.0, step=0.005, key=keys[code], format="%.3f")
    st.button(t("reset_weights"), on_click=reset, key=f"{key}:{profile.id}:reset", icon=":material/restart_alt:")
    if all(raw[code] == round(weight, 3) for code, weight in start.items()):
        return start  # untouched: the profile's own weights, not their rounding on the sliders
    total = sum(raw.values())
    if total <= 0:
        st.warning(t("weights_all_zero"))
        return start
    return {code: value / total for code, value in raw.items()}


def indicator_weights(profile: WeightProfileRead, criterion_weights: dict[str, float]) -> dict[str, float]:
    """Global indicator weights: each criterion's (tuned) weight times the indicator's local weight in the profile."""
    return {i.code: criterion_weights.get(i.criterion, 0.0) * i.local_weight for i in profile.indicators}


def is_tuned(profile: WeightProfileRead, criterion_weights: dict[str, float], tolerance: float = 5e-4) -> bool:
    return any(abs(criterion_weights.get(c.code, 0.0) - c.weight) > tolerance for c in profile.criteria)


def ranking_frame(
    ctx: Context, results: Sequence[RankingResult], *, baseline: dict[str, int] | None = None, overall: bool = False
) -> Any:
    """The ranking as a table in the chosen language; with `baseline` (code → rank) a column of the shift, with
    `overall` the rank among all clusters of the year (for a ranking of one category)."""
    rows = []
    for r in results:
        row: dict[str, Any] = {t("col_rank"): r.rank}
        if overall:
            row[t("col_overall_rank")] = r.overall_rank
        if baseline is not None:
            before = baseline.get(r.cluster_code)
            row[t("col_shift")] = rank_change_text(None if before is None else before - r.rank)
        row |= {
            t("col_cluster"): ctx.catalog.cluster_name(r.cluster_code),
            t("score"): round(r.score, 4),
            t("col_tier"): tier_label(r.tier),
            t("col_category"): category_label(r.category),
            t("col_province"): ctx.catalog.province(r.cluster_code),
            t("col_industry"): ctx.catalog.industry(r.cluster_code),
            t("col_rank_change"): rank_change_text(r.rank_change),
        }
        rows.append(row)
    return pd.DataFrame(rows)


def view_switch(options: Sequence[str], *, key: str) -> str:
    """Tabs that run only the chosen view (the options are i18n keys, stable whatever the language)."""
    value = st.segmented_control(
        t("view"), options, format_func=t, key=key, default=options[0], label_visibility="collapsed"
    )
    return str(value or options[0])


def score_shift_chart(
    ctx: Context, before: Sequence[RankingResult], after: Sequence[RankingResult], *, key: str
) -> None:
    """Each cluster's score under the profile and under the tuned weights, best (tuned) first."""
    previous = {r.cluster_code: r.score for r in before}
    ordered = list(after)[::-1]
    names = [ctx.catalog.cluster_name(r.cluster_code) for r in ordered]
    fig = go.Figure()
    for r, name in zip(ordered, names, strict=True):
        if r.cluster_code in previous:
            fig.add_trace(
                go.Scatter(x=[previous[r.cluster_code], r.score], y=[name, name], mode="lines",
                           line={"color": "#BAB0AC", "width": 2}, showlegend=False, hoverinfo="skip")
            )  # fmt: skip
    fig.add_trace(
        go.Scatter(x=[previous.get(r.cluster_code) for r in ordered], y=names, mode="markers",
                   name=t("score_profile"), marker={"color": "#BAB0AC", "size": 9})
    )  # fmt: skip
    fig.add_trace(
        go.Scatter(x=[r.score for r in ordered], y=names, mode="markers", name=t("score_tuned"),
                   marker={"color": "#4C78A8", "size": 9})
    )  # fmt: skip
    fig.update_xaxes(title=t("score"))
    chart(fig, key=key, height=max(320, 22 * len(ordered) + 90))
