"""The PDF's charts as PNG bytes: score bars by tier, rank movement, radars of the category leaders, rank
intervals."""

from __future__ import annotations

import io
import math
import textwrap
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import cast, get_args

import numpy as np
from matplotlib import rc_context
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.projections.polar import PolarAxes

from services.scoring.exports.fonts import CJKFont
from services.scoring.exports.labels import label
from services.scoring.exports.model import TIER_THRESHOLDS, ExportBundle, RankingRow
from shared.schemas.vocabulary import Category, Lang, Tier

TIER_COLOURS: dict[Tier, str] = {
    "leading": "#2E7D32",
    "strong": "#1F77B4",
    "moderate": "#E8A317",
    "emerging": "#C0392B",
}
CATEGORY_COLOURS: dict[Category, str] = {"basic": "#4E79A7", "strategic": "#F28E2B", "cutting_edge": "#59A14F"}
DPI = 160
_UP, _DOWN = "#2E7D32", "#C0392B"
_RC_LOCK = threading.Lock()


def short_name(row: RankingRow, lang: Lang, width: int = 30) -> str:
    """The cluster's name in `lang`, cut to `width` characters for axis labels."""
    name = row.name_zh if lang == "zh" and row.name_zh else row.name
    return name if len(name) <= width else name[: width - 1].rstrip() + "…"


def score_bars(bundle: ExportBundle, font: CJKFont) -> bytes:
    """Horizontal score bars best first, coloured by tier, with the mean and the tier boundaries marked."""
    lang = bundle.lang
    rows = bundle.ranked_rows()
    panels = 1 if len(rows) <= 40 else 2
    per_panel = math.ceil(len(rows) / panels)
    height = min(9.4, 1.4 + 0.2 * per_panel)
    mean = float(np.mean([row.score for row in rows])) if rows else 0.0
    top = max((row.score for row in rows), default=1.0) * 1.1 or 1.0
    with _chart_style(font):
        fig = Figure(figsize=(7.2, height))
        axes = fig.subplots(1, panels, squeeze=False)[0]
        for index, ax in enumerate(axes):
            chunk = rows[index * per_panel : (index + 1) * per_panel]
            y = np.arange(len(chunk))
            ax.barh(y, [row.score for row in chunk], color=[TIER_COLOURS.get(row.tier, "#888") for row in chunk])
            ax.set_yticks(y, [f"{row.rank}. {short_name(row, lang, 32)}" for row in chunk], fontsize=6.3)
            ax.set_ylim(per_panel - 0.5, -0.5)
            ax.set_xlim(0, top)
            ax.axvline(mean, color="#333333", linewidth=0.9)
            for _, share in TIER_THRESHOLDS:
                ax.axvline(mean * share, color="#777777", linewidth=0.6, linestyle="--")
            ax.tick_params(axis="x", labelsize=7)
            ax.tick_params(axis="y", length=0)
            ax.set_xlabel(label("score", lang), fontsize=8)
            ax.spines[["top", "right"]].set_visible(False)
        handles: list[Artist] = [Patch(color=TIER_COLOURS[t], label=label(t, lang)) for t in get_args(Tier)]
        handles.append(Line2D([], [], color="#333333", linewidth=0.9, label=f"{label('mean', lang)} {mean:.3f}"))
        handles.append(Line2D([], [], color="#777777", linewidth=0.6, linestyle="--", label="50% / 90% / 120%"))
        fig.legend(handles=handles, loc="upper center", ncol=len(handles), fontsize=7, frameon=False)
        fig.tight_layout(rect=(0, 0, 1, 1 - 0.3 / height))
        return _png(fig)


def rank_movement(bundle: ExportBundle, font: CJKFont) -> bytes | None:
    """Previous against current rank of every cluster and the biggest movers; None without a previous year."""
    lang = bundle.lang
    rows = [row for row in bundle.ranked_rows() if row.previous_rank is not None and row.rank_change is not None]
    if bundle.previous_year is None or not rows:
        return None
    n = max(max(row.rank for row in rows), max(row.previous_rank or 0 for row in rows))
    with _chart_style(font):
        fig = Figure(figsize=(7.2, 9.2))
        top, bottom = fig.subplots(2, 1, gridspec_kw={"height_ratios": [1.0, 1.05]})
        _rank_scatter(top, rows, n, bundle, lang)
        _movers(bottom, rows, lang)
        fig.tight_layout(h_pad=2.0)
        return _png(fig)


def leader_radars(bundle: ExportBundle, font: CJKFont) -> bytes | None:
    """For each category, its best-ranked cluster's criterion scores against the category mean."""
    lang = bundle.lang
    codes = [criterion.code for criterion in bundle.criteria]
    by_category = {c: [row for row in bundle.ranked_rows() if row.category == c] for c in get_args(Category)}
    present = [(category, rows) for category, rows in by_category.items() if rows]
    if not present or len(codes) < 3:
        return None
    angles = np.linspace(0, 2 * np.pi, len(codes), endpoint=False)
    closed = np.append(angles, angles[0])
    with _chart_style(font):
        fig = Figure(figsize=(7.2, 3.5))
        for index, (category, rows) in enumerate(present, start=1):
            ax = cast(PolarAxes, fig.add_subplot(1, len(present), index, projection="polar"))
            leader = rows[0]
            mean = np.array([np.mean([row.criteria_scores.get(code, 0.0) for row in rows]) for code in codes])
            lead = np.array([leader.criteria_scores.get(code, 0.0) for code in codes])
            colour = CATEGORY_COLOURS[category]
            ax.plot(closed, np.append(lead, lead[0]), color=colour, linewidth=1.6)
            ax.fill(closed, np.append(lead, lead[0]), color=colour, alpha=0.25)
            ax.plot(closed, np.append(mean, mean[0]), color="#555555", linewidth=1.0, linestyle="--")
            ax.set_theta_offset(np.pi / 2)
            ax.set_theta_direction(-1)
            ax.set_xticks(angles, codes, fontsize=7.5)
            ax.set_ylim(0, 1)
            ax.set_yticks([0.25, 0.5, 0.75, 1.0], ["", "0.5", "", "1.0"], fontsize=6, color="#666666")
            ax.set_rlabel_position(180 / len(codes))
            ax.tick_params(axis="x", pad=1)
            title = f"{label(category, lang)} · #{leader.rank}\n" + "\n".join(
                textwrap.wrap(short_name(leader, lang, 60), 26 if lang == "en" else 13)[:2]
            )
            ax.set_title(title, fontsize=8, pad=12, color=colour)
        handles = [
            Line2D([], [], color="#333333", linewidth=1.6, label=label("category_leader", lang)),
            Line2D([], [], color="#555555", linewidth=1.0, linestyle="--", label=label("category_mean", lang)),
        ]
        fig.legend(handles=handles, loc="lower center", ncol=2, fontsize=7.5, frameon=False)
        fig.tight_layout(rect=(0, 0.06, 1, 1))
        return _png(fig)


def rank_intervals(bundle: ExportBundle, font: CJKFont) -> bytes | None:
    """Each cluster's rank interval in published order: bar from the 5th to the 95th percentile, dot at the median
    rank, diamond at the published rank; None without an uncertainty analysis."""
    run = bundle.uncertainty
    if run is None or not run.intervals:
        return None
    lang = bundle.lang
    by_code = {row.cluster_code: row for row in bundle.rows}
    intervals = run.intervals
    panels = 1 if len(intervals) <= 40 else 2
    per_panel = math.ceil(len(intervals) / panels)
    height = min(9.4, 1.4 + 0.2 * per_panel)
    n = max(max(i.rank_p95 for i in intervals), max(i.rank for i in intervals), len(intervals))
    with _chart_style(font):
        fig = Figure(figsize=(7.2, height))
        axes = fig.subplots(1, panels, squeeze=False)[0]
        for index, ax in enumerate(axes):
            chunk = intervals[index * per_panel : (index + 1) * per_panel]
            y = np.arange(len(chunk))
            colours = [
                TIER_COLOURS.get(by_code[i.cluster_code].tier, "#888") if i.cluster_code in by_code else "#888"
                for i in chunk
            ]
            ax.hlines(y, [i.rank_p05 for i in chunk], [i.rank_p95 for i in chunk], colors=colours, linewidth=3.2,
                      alpha=0.55)  # fmt: skip
            ax.scatter([i.median_rank for i in chunk], y, s=16, color=colours, zorder=3)
            ax.scatter([i.rank for i in chunk], y, s=18, marker="D", facecolors="none", edgecolors="#222222",
                       linewidths=0.8, zorder=4)  # fmt: skip
            names = [
                f"{i.rank}. {short_name(by_code[i.cluster_code], lang, 30)}" if i.cluster_code in by_code
                else f"{i.rank}. {i.cluster_code}"
                for i in chunk
            ]  # fmt: skip
            ax.set_yticks(y, names, fontsize=6.3)
            ax.set_ylim(per_panel - 0.5, -0.5)
            ax.set_xlim(0.5, n + 0.5)
            ax.tick_params(axis="x", labelsize=7)
            ax.tick_params(axis="y", length=0)
            ax.set_xlabel(label("rank", lang), fontsize=8)
            ax.grid(axis="x", color="#DDDDDD", linewidth=0.5)
            ax.spines[["top", "right"]].set_visible(False)
        handles: list[Artist] = [
            Line2D([], [], color="#777777", linewidth=3.2, alpha=0.55, label=label("interval_bar", lang)),
            Line2D([], [], color="#777777", marker="o", linestyle="none", markersize=4,
                   label=label("median_dot", lang)),
            Line2D([], [], color="#222222", marker="D", linestyle="none", markersize=4, markerfacecolor="none",
                   label=label("published_marker", lang)),
        ]  # fmt: skip
        fig.legend(handles=handles, loc="upper center", ncol=len(handles), fontsize=7, frameon=False)
        fig.tight_layout(rect=(0, 0, 1, 1 - 0.3 / height))
        return _png(fig)


def portfolio_paths(bundle: ExportBundle, font: CJKFont) -> bytes | None:
    """Each category's policy paths by the share of its clusters given an action on them, the category's colour;
    None without a portfolio."""
    tallies = bundle.portfolio
    if not tallies:
        return None
    bars = [(c, p) for c in tallies for p in c.paths]
    height = 1.0 + 0.34 * len(bars)
    with _chart_style(font):
        fig = Figure(figsize=(7.2, height))
        ax = fig.subplots()
        y = np.arange(len(bars))
        ax.barh(y, [p.share for _, p in bars], color=[CATEGORY_COLOURS.get(c.category, "#888") for c, _ in bars])
        for k, (c, p) in enumerate(bars):
            ax.text(p.share + 0.01, k, f"{p.clusters}/{c.clusters}", va="center", fontsize=6.5, color="#333333")
        names = [textwrap.shorten(f"{p.name} · {c.name}", 56, placeholder="…") for c, p in bars]
        ax.set_yticks(y, [textwrap.fill(name, 30) for name in names], fontsize=6.6)
        ax.set_ylim(len(bars) - 0.5, -0.5)
        ax.set_xlim(0, 1.08)
        ax.xaxis.set_major_formatter(lambda value, _: f"{value:.0%}")
        ax.tick_params(axis="x", labelsize=7)
        ax.tick_params(axis="y", length=0)
        ax.set_xlabel(label("path_share", bundle.lang), fontsize=8)
        ax.spines[["top", "right"]].set_visible(False)
        fig.tight_layout()
        return _png(fig)


def _rank_scatter(ax: Axes, rows: list[RankingRow], n: int, bundle: ExportBundle, lang: Lang) -> None:
    """Each cluster at (previous rank, current rank); above the diagonal it moved up."""
    for category in get_args(Category):
        members = [row for row in rows if row.category == category]
        if members:
            ax.scatter(
                [row.previous_rank or 0 for row in members],
                [row.rank for row in members],
                s=14,
                color=CATEGORY_COLOURS[category],
                label=label(category, lang),
                alpha=0.85,
                edgecolors="white",
                linewidths=0.4,
            )
    ax.plot([1, n], [1, n], color="#999999", linewidth=0.8, linestyle="--")
    ax.set_xlim(0, n + 1)
    ax.set_ylim(n + 1, 0)
    ax.set_xlabel(label("previous_rank_axis", lang).format(year=bundle.previous_year), fontsize=8)
    ax.set_ylabel(label("current_rank_axis", lang).format(year=bundle.year), fontsize=8)
    ax.tick_params(labelsize=7)
    ax.text(0.98, 0.97, "▲ " + label("moved_up", lang), transform=ax.transAxes, color=_UP, fontsize=8,
            ha="right", va="top")  # fmt: skip
    ax.text(0.02, 0.03, "▼ " + label("moved_down", lang), transform=ax.transAxes, color=_DOWN, fontsize=8,
            ha="left", va="bottom")  # fmt: skip
    ax.legend(fontsize=7.5, frameon=False, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=len(get_args(Category)))
    ax.spines[["top", "right"]].set_visible(False)


def _movers(ax: Axes, rows: list[RankingRow], lang: Lang, per_side: int = 10) -> None:
    """The clusters that gained and lost the most ranks, as diverging bars."""
    changes = sorted(rows, key=lambda row: (-(row.rank_change or 0), row.rank))
    risers = [row for row in changes if (row.rank_change or 0) > 0][:per_side]
    fallers = [row for row in reversed(changes) if (row.rank_change or 0) < 0][:per_side][::-1]
    shown = risers + fallers
    ax.set_title(label("biggest_movers", lang), fontsize=9)
    if not shown:
        ax.set_axis_off()
        return
    y = np.arange(len(shown))
    values = [row.rank_change or 0 for row in shown]
    ax.barh(y, values, color=[_UP if v > 0 else _DOWN for v in values], height=0.7)
    ax.set_yticks(y, [f"{short_name(row, lang, 34)}  ({row.previous_rank}→{row.rank})" for row in shown], fontsize=6.8)
    ax.set_ylim(len(shown) - 0.5, -0.5)
    ax.axvline(0, color="#333333", linewidth=0.8)
    for yi, value in enumerate(values):
        ax.text(
            value + (0.3 if value > 0 else -0.3),
            yi,
            f"{value:+d}",
            va="center",
            ha="left" if value > 0 else "right",
            fontsize=6.5,
        )
    limit = max(abs(v) for v in values) * 1.2 + 1
    ax.set_xlim(-limit, limit)
    ax.tick_params(axis="x", labelsize=7)
    ax.tick_params(axis="y", length=0)
    ax.spines[["top", "right"]].set_visible(False)


@contextmanager
def _chart_style(font: CJKFont) -> Iterator[None]:
    """The CJK font first, DejaVu Sans for anything it lacks; a plain minus sign the CJK font has.

    rcParams are process-wide, so charts are drawn one at a time even when exports run in threads.
    """
    with (
        _RC_LOCK,
        rc_context(
            {
                "font.family": "sans-serif",
                "font.sans-serif": [font.matplotlib_family, "DejaVu Sans"],
                "axes.unicode_minus": False,
                "axes.titlesize": 9,
                "svg.fonttype": "none",
            }
        ),
    ):
        yield


def _png(fig: Figure) -> bytes:
    out = io.BytesIO()
    FigureCanvasAgg(fig)
    fig.savefig(out, format="png", dpi=DPI, metadata={"Software": None})
    return out.getvalue()
