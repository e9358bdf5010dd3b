"""The annual-review PDF: cover, method, ranking table, charts, one page of advice per cluster, and the annexes
on the uncertainty of the ranks, the statistical audit of the data and each cluster's plan to reach a target."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, get_args
from xml.sax.saxutils import escape

from reportlab.graphics.shapes import Drawing, Line, Rect
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    Image,
    KeepInFrame,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from services.scoring.exports import charts
from services.scoring.exports.fonts import CJKFont, register_cjk_font
from services.scoring.exports.labels import label, method_name, model_line, target_name
from services.scoring.exports.model import ClusterPlanInfo, ExportBundle, IndicatorInfo, RankingRow, Standing
from shared.schemas.vocabulary import Category, Lang, Tier
from shared.units import quantity, share_of_range

_MARGIN = 16 * mm
_NAVY = colors.HexColor("#1F4E79")
_GREY = colors.HexColor("#666666")
_LIGHT = colors.HexColor("#F2F5F9")
_RULE = colors.HexColor("#C9D3DE")
_RED = colors.HexColor("#C00000")
_UP = colors.HexColor("#2E7D32")
_DOWN = colors.HexColor("#C0392B")
_TIER_FILLS = {
    "leading": colors.HexColor("#C6E0B4"),
    "strong": colors.HexColor("#DDEBF7"),
    "moderate": colors.HexColor("#FFF2CC"),
    "emerging": colors.HexColor("#F8CBAD"),
}


@dataclass(frozen=True, slots=True)
class _Styles:
    title: ParagraphStyle
    subtitle: ParagraphStyle
    h1: ParagraphStyle
    cluster_title: ParagraphStyle
    h2: ParagraphStyle
    body: ParagraphStyle
    small: ParagraphStyle
    cell: ParagraphStyle
    cell_right: ParagraphStyle
    notice: ParagraphStyle
    font: str


class _ReviewDoc(SimpleDocTemplate):  # type: ignore[misc]
    """A document that adds a PDF outline entry for every section heading and cluster page."""

    def __init__(self, *args: Any, clusters_label: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clusters_label = clusters_label
        self._entries = 0
        self._in_clusters = False

    def afterFlowable(self, flowable: Flowable) -> None:
        if not isinstance(flowable, Paragraph) or flowable.style.name not in ("H1", "ClusterTitle"):
            return
        key = f"outline-{self._entries}"
        self._entries += 1
        self.canv.bookmarkPage(key)
        if flowable.style.name == "H1":
            self.canv.addOutlineEntry(flowable.getPlainText(), key, level=0)
            return
        if not self._in_clusters:
            self._in_clusters = True
            self.canv.addOutlineEntry(self._clusters_label, key, level=0)
        self.canv.addOutlineEntry(flowable.getPlainText(), key, level=1)


def render_pdf(bundle: ExportBundle) -> bytes:
    """The review as a PDF with Chinese text embedded in a CJK font; raises CJKFontMissing without one."""
    font = register_cjk_font()
    styles = _styles(font.reportlab_name, bundle.lang)
    lang = bundle.lang
    out = io.BytesIO()
    doc = _ReviewDoc(
        out,
        pagesize=A4,
        leftMargin=_MARGIN,
        rightMargin=_MARGIN,
        topMargin=_MARGIN + 4 * mm,
        bottomMargin=_MARGIN + 2 * mm,
        title=f"{label('report_title', lang)} {bundle.year}",
        author=f"amc-platform {bundle.software_version}",
        subject=f"dataset {bundle.dataset_version}; profile {bundle.profile.id}; method {bundle.method}",
        creator=f"amc-platform {bundle.software_version}",
        invariant=True,
        clusters_label=label("cluster", lang),
    )
    story: list[Flowable] = []
    story += _cover(bundle, styles)
    story += _method(bundle, styles)
    story += _ranking(bundle, styles)
    story += _charts(bundle, styles, font, doc.width)
    story += _cluster_pages(bundle, styles, doc.width)
    story += _portfolio(bundle, styles, font, doc.width)
    story += _uncertainty_annex(bundle, styles, font, doc.width)
    story += _audit_annex(bundle, styles, doc.width)
    story += _plans_annex(bundle, styles, doc.width)

    def decorate(canvas: Any, document: Any) -> None:
        _page_furniture(canvas, document, bundle, font.reportlab_name)

    doc.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return out.getvalue()


def _styles(font: str, lang: Lang) -> _Styles:
    wrap = "CJK" if lang == "zh" else None

    def style(name: str, size: float, leading: float, **extra: Any) -> ParagraphStyle:
        return ParagraphStyle(name, fontName=font, fontSize=size, leading=leading, wordWrap=wrap, **extra)

    return _Styles(
        title=style("Title", 24, 32, textColor=_NAVY, spaceAfter=6 * mm),
        subtitle=style("Subtitle", 13, 18, textColor=_GREY, spaceAfter=4 * mm),
        h1=style("H1", 16, 21, textColor=_NAVY, spaceBefore=2 * mm, spaceAfter=3 * mm),
        cluster_title=style("ClusterTitle", 15, 20, textColor=_NAVY, spaceAfter=1 * mm),
        h2=style("H2", 11.5, 15, textColor=_NAVY, spaceBefore=3.5 * mm, spaceAfter=1.5 * mm),
        body=style("Body", 9.5, 14, spaceAfter=2 * mm),
        small=style("Small", 7.5, 10, textColor=_GREY),
        cell=style("Cell", 8, 10),
        cell_right=style("CellRight", 8, 10, alignment=TA_RIGHT),
        notice=style("Notice", 10, 14, textColor=_RED),
        font=font,
    )


def _page_furniture(canvas: Any, doc: Any, bundle: ExportBundle, font: str) -> None:
    """Every page names its sources in the footer and, for synthetic data, says so in the header."""
    width, height = A4
    canvas.saveState()
    canvas.setFont(font, 7)
    canvas.setFillColor(_GREY)
    source = (
        f"{label('dataset_version', bundle.lang)} {bundle.dataset_version} · {bundle.profile.id} · "
        f"{model_line(bundle.method, bundle.normalization, bundle.reference, bundle.lang)} · {bundle.year}"
    )
    canvas.drawString(_MARGIN, 9 * mm, source)
    canvas.drawRightString(width - _MARGIN, 9 * mm, str(canvas.getPageNumber()))
    canvas.setStrokeColor(_RULE)
    canvas.line(_MARGIN, 12 * mm, width - _MARGIN, 12 * mm)
    if bundle.synthetic:
        canvas.setFillColor(_RED)
        canvas.setFont(font, 7.5)
        canvas.drawRightString(width - _MARGIN, height - 10 * mm, label("synthetic_short", bundle.lang))
    canvas.restoreState()


def _cover(bundle: ExportBundle, s: _Styles) -> list[Flowable]:
    lang = bundle.lang
    other = "先进制造业集群科技支撑能力年度评估" if lang == "en" else label("report_title", "en")
    profile = bundle.profile
    facts = [
        (label("year", lang), str(bundle.year)),
        (label("previous_year", lang), str(bundle.previous_year) if bundle.previous_year else "–"),
        (label("dataset_version", lang), bundle.dataset_version),
        (label("profile", lang), f"{profile.name} ({profile.id})"),
        (label("method", lang), method_name(bundle.method, lang)),
        (label("normalization", lang), label(bundle.normalization, lang)),
        (label("reference", lang), label(bundle.reference, lang)),
        (label("clusters", lang), str(len(bundle.rows))),
        (label("generated_at", lang), bundle.generated_at),
        (label("software_version", lang), bundle.software_version),
    ]
    table = Table(
        [[Paragraph(escape(k), s.cell), Paragraph(escape(v), s.cell)] for k, v in facts],
        colWidths=[45 * mm, 110 * mm],
        hAlign="LEFT",
    )
    table.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, _RULE),
                ("TEXTCOLOR", (0, 0), (0, -1), _GREY),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    story: list[Flowable] = [
        Spacer(1, 30 * mm),
        Paragraph(escape(label("report_title", lang)), s.title),
        Paragraph(escape(other), s.subtitle),
        Paragraph(f"{bundle.year}", ParagraphStyle("Year", parent=s.title, fontSize=40, leading=48)),
        Spacer(1, 8 * mm),
        table,
    ]
    if bundle.synthetic:
        box = Table([[Paragraph(escape(label("synthetic_notice", lang)), s.notice)]], colWidths=[155 * mm])
        box.setStyle(
            TableStyle(
                [
                    ("BOX", (0, 0), (-1, -1), 1.2, _RED),
                    ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#FDECEA")),
                    ("TOPPADDING", (0, 0), (-1, -1), 8),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
                ]
            )
        )
        story += [Spacer(1, 10 * mm), box]
    story.append(PageBreak())
    return story


def _method(bundle: ExportBundle, s: _Styles) -> list[Flowable]:
    lang = bundle.lang
    profile = bundle.profile
    consensus = f"{profile.consensus:.3f}" if profile.consensus is not None else "–"
    weights_text = label("weights_text", lang).format(
        profile=profile.name,
        profile_id=profile.id,
        aggregation=label(profile.aggregation, lang),
        ahp_method=label(profile.method, lang),
        ri_table=profile.ri_table,
        consensus=consensus,
    )
    reference_text = label(f"reference_{bundle.reference}_text", lang)
    scores_text = label("scores_text", lang).format(
        method=method_name(bundle.method, lang),
        n_indicators=len(bundle.indicators),
        normalization=label(bundle.normalization, lang),
        reference_text=reference_text,
    )
    mean = sum(row.score for row in bundle.rows) / len(bundle.rows) if bundle.rows else 0.0
    tiers_text = label("tiers_text", lang).format(mean=f"{mean:.3f}")

    head = [label(k, lang) for k in ("code", "criterion", "weight", "cr")] + ["n"]
    count = {c.code: sum(1 for ind in bundle.indicators if ind.criterion == c.code) for c in bundle.criteria}
    rows: list[list[Any]] = [
        [
            "–",
            Paragraph(escape(label("goal", lang)), s.cell),
            "1.000",
            _fmt(profile.criteria_cr.get("goal"), "{:.3f}"),
            str(len(bundle.criteria)),
        ]
    ]
    for c in bundle.criteria:
        rows.append(
            [
                c.code,
                Paragraph(escape(_bilingual(c.name, c.name_zh, lang)), s.cell),
                f"{c.weight:.3f}",
                _fmt(profile.criteria_cr.get(c.code), "{:.3f}"),
                str(count[c.code]),
            ]
        )
    weights_table = _grid([head, *rows], [16 * mm, 100 * mm, 20 * mm, 20 * mm, 12 * mm], s, numeric_from=2)
    return [
        Paragraph(escape(label("method_summary", lang)), s.h1),
        Paragraph(escape(label("weights_heading", lang)), s.h2),
        Paragraph(escape(weights_text), s.body),
        weights_table,
        Paragraph(escape(label("scores_heading", lang)), s.h2),
        Paragraph(escape(scores_text), s.body),
        Paragraph(escape(label("tiers_heading", lang)), s.h2),
        Paragraph(escape(tiers_text), s.body),
        Paragraph(escape(label("ranking_note", lang)), s.body),
        PageBreak(),
    ]


def _ranking(bundle: ExportBundle, s: _Styles) -> list[Flowable]:
    lang = bundle.lang
    head = [label(k, lang) for k in ("rank", "change", "cluster", "category", "province", "score", "tier")]
    data: list[list[Any]] = [head]
    commands: list[tuple[Any, ...]] = []
    for i, row in enumerate(bundle.ranked_rows(), start=1):
        data.append(
            [
                str(row.rank),
                _change_text(row, lang),
                Paragraph(_cluster_cell(row, lang), s.cell),
                label(row.category, lang),
                row.province,
                f"{row.score:.4f}",
                label(row.tier, lang),
            ]
        )
        commands.append(("BACKGROUND", (6, i), (6, i), _TIER_FILLS.get(row.tier, colors.white)))
        if row.rank_change:
            commands.append(("TEXTCOLOR", (1, i), (1, i), _UP if row.rank_change > 0 else _DOWN))
    widths = [12 * mm, 14 * mm, 74 * mm, 22 * mm, 22 * mm, 17 * mm, 17 * mm]
    table = _grid(data, widths, s, numeric_from=None, extra=commands)
    for col in (0, 1, 5):
        table.setStyle(TableStyle([("ALIGN", (col, 1), (col, -1), "RIGHT")]))
    return [
        Paragraph(escape(label("ranking", lang)), s.h1),
        Paragraph(escape(label("ranking_note", lang)), s.small),
        Spacer(1, 2 * mm),
        table,
        PageBreak(),
    ]


def _charts(bundle: ExportBundle, s: _Styles, font: CJKFont, width: float) -> list[Flowable]:
    lang = bundle.lang
    story: list[Flowable] = [Paragraph(escape(label("chart_scores", lang)), s.h1)]
    story.append(_image(charts.score_bars(bundle, font), width, 232 * mm))
    story.append(PageBreak())
    story.append(Paragraph(escape(label("chart_movement", lang)), s.h1))
    movement = charts.rank_movement(bundle, font)
    if movement is None:
        story.append(Paragraph(escape(label("no_previous", lang)), s.body))
    else:
        story.append(_image(movement, width, 232 * mm))
    story.append(PageBreak())
    radar = charts.leader_radars(bundle, font)
    if radar is not None:
        story.append(Paragraph(escape(label("chart_radar", lang)), s.h1))
        story.append(_image(radar, width, 110 * mm))
        story.append(Spacer(1, 4 * mm))
        story.append(_leader_table(bundle, s, width))
        legend = [[c.code, Paragraph(escape(_bilingual(c.name, c.name_zh, lang)), s.cell)] for c in bundle.criteria]
        story.append(Spacer(1, 4 * mm))
        story.append(_grid([[label("code", lang), label("criterion", lang)], *legend], [16 * mm, 120 * mm], s))
        story.append(PageBreak())
    return story


def _leader_table(bundle: ExportBundle, s: _Styles, width: float) -> Table:
    """The criterion scores behind the radars: each category's leader and, below it, the category mean."""
    lang = bundle.lang
    codes = [c.code for c in bundle.criteria]
    rows = bundle.ranked_rows()
    data: list[list[Any]] = [[label("category", lang), label("cluster", lang), *codes]]
    commands: list[tuple[Any, ...]] = []
    for category in get_args(Category):
        members = [row for row in rows if row.category == category]
        if not members:
            continue
        leader = members[0]
        name = leader.name_zh if lang == "zh" else leader.name
        data.append(
            [
                label(category, lang),
                Paragraph(escape(f"{leader.rank}. {name}"), s.cell),
                *(_fmt(leader.criteria_scores.get(code), "{:.3f}") for code in codes),
            ]
        )
        means = [_mean([row.criteria_scores.get(code) for row in members]) for code in codes]
        data.append(["", label("category_mean", lang), *(_fmt(m, "{:.3f}") for m in means)])
        commands.append(("TEXTCOLOR", (1, len(data) - 1), (-1, len(data) - 1), _GREY))
        commands.append(
            (
                "TEXTCOLOR",
                (0, len(data) - 2),
                (0, len(data) - 2),
                colors.HexColor(charts.CATEGORY_COLOURS[category]),
            )
        )
    score_width = 14 * mm
    first = 24 * mm
    return _grid(
        data,
        [first, width - first - score_width * len(codes), *[score_width] * len(codes)],
        s,
        numeric_from=2,
        extra=commands,
    )


def _cluster_pages(bundle: ExportBundle, s: _Styles, width: float) -> list[Flowable]:
    """One page per cluster; its content shrinks to fit the page rather than spill onto a second."""
    lang = bundle.lang
    rows = bundle.ranked_rows()
    means = {
        category: {
            c.code: _mean([row.criteria_scores.get(c.code) for row in rows if row.category == category])
            for c in bundle.criteria
        }
        for category in get_args(Category)
    }
    story: list[Flowable] = []
    for index, row in enumerate(rows):
        title = f"{row.rank}. {row.name_zh if lang == 'zh' else row.name}"
        other = row.name if lang == "zh" else row.name_zh
        body = _cluster_body(bundle, row, s, width, means.get(row.category, {}))
        story.append(Paragraph(escape(title), s.cluster_title))
        story.append(Paragraph(escape(f"{other} · {row.cluster_code}"), s.subtitle))
        story.append(KeepInFrame(0, 0, body, mode="shrink"))
        if index < len(rows) - 1:
            story.append(PageBreak())
    return story


def _cluster_body(
    bundle: ExportBundle, row: RankingRow, s: _Styles, width: float, category_mean: dict[str, float | None]
) -> list[Flowable]:
    lang = bundle.lang
    advice = bundle.recommendations.get(row.cluster_code)
    meta = " · ".join([label(row.category, lang), row.province, row.industry])
    previous = str(row.previous_rank) if row.previous_rank is not None else "–"
    key_head = [label(k, lang) for k in ("score", "tier", "rank", "previous_rank", "change")]
    key_row = [f"{row.score:.4f}", label(row.tier, lang), str(row.rank), previous, _change_text(row, lang)]
    key_table = _grid([key_head, key_row], [width / 5] * 5, s)
    key_table.setStyle(
        TableStyle(
            [
                ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                ("FONTSIZE", (0, 1), (-1, 1), 12),
                ("LEADING", (0, 1), (-1, 1), 15),
                ("BACKGROUND", (1, 1), (1, 1), _TIER_FILLS.get(row.tier, colors.white)),
                ("TEXTCOLOR", (4, 1), (4, 1), _change_colour(row)),
            ]
        )
    )
    story: list[Flowable] = [Paragraph(escape(meta), s.small), Spacer(1, 3 * mm), key_table]
    plan_line = _plan_line(bundle, row)
    if plan_line:
        story += [Spacer(1, 1.5 * mm), Paragraph(escape(plan_line), s.small)]

    crit_head = [
        label("criterion", lang),
        label("weight", lang),
        label("score", lang),
        label("category_mean", lang),
        "",
    ]
    crit_rows: list[list[Any]] = [crit_head]
    bar_width = 48 * mm
    for c in bundle.criteria:
        score = row.criteria_scores.get(c.code)
        mean = category_mean.get(c.code)
        crit_rows.append(
            [
                Paragraph(escape(f"{c.code} {c.name_zh if lang == 'zh' else c.name}"), s.cell),
                f"{c.weight:.3f}",
                _fmt(score, "{:.3f}"),
                _fmt(mean, "{:.3f}"),
                _score_bar(score, mean, bar_width, row.tier),
            ]
        )
    story += [
        Paragraph(escape(label("criterion_scores", lang)), s.h2),
        _grid(
            crit_rows,
            [width - bar_width - 62 * mm, 16 * mm, 16 * mm, 26 * mm, bar_width + 4 * mm],
            s,
            numeric_from=1,
            extra=[("LEFTPADDING", (4, 0), (4, -1), 8)],
        ),
    ]

    story.append(Paragraph(escape(label("strengths", lang)), s.h2))
    strengths = advice.strengths if advice else []
    story += [Paragraph("• " + escape(text), s.body) for text in strengths] or [
        Paragraph(escape(label("none", lang)), s.body)
    ]

    story.append(Paragraph(escape(label("weaknesses", lang)), s.h2))
    weaknesses = advice.weaknesses if advice else []
    if weaknesses:
        indicators = {ind.code: ind for ind in bundle.indicators}
        # The gap's heading is long in both languages: a paragraph that wraps in its column.
        gap_head = Paragraph(escape(label("gap", lang)), ParagraphStyle("GapHead", parent=s.cell_right,
                                                                         textColor=colors.white))  # fmt: skip
        weak_head = [*(label(k, lang) for k in ("indicator", "value", "benchmark")), gap_head]
        weak_rows: list[list[Any]] = [weak_head]
        for w in weaknesses:
            ind = indicators.get(w.indicator)
            name = f"{w.indicator} {ind.name_zh if lang == 'zh' else ind.name}" if ind else w.indicator
            weak_rows.append(
                [
                    Paragraph(escape(name), s.cell),
                    _value_text(w.value, ind, lang),
                    _value_text(w.benchmark, ind, lang),
                    f"{w.gap:.0%}",
                ]
            )
        story.append(_grid(weak_rows, [width - 92 * mm, 34 * mm, 34 * mm, 24 * mm], s, numeric_from=1))
    else:
        story.append(Paragraph(escape(label("none", lang)), s.body))

    story.append(Paragraph(escape(label("actions", lang)), s.h2))
    actions = sorted(advice.actions, key=lambda a: a.priority) if advice else []
    for action in actions:
        story.append(Paragraph(f'<font color="#1F4E79">{action.priority}. {escape(action.title)}</font>', s.body))
        story.append(Paragraph(escape(action.action), ParagraphStyle("Act", parent=s.body, leftIndent=5 * mm)))
        story.append(
            Paragraph(
                escape(f"{label('rationale', lang)}: {action.rationale}"),
                ParagraphStyle("Why", parent=s.small, leftIndent=5 * mm, spaceAfter=2 * mm),
            )
        )
    if not actions:
        story.append(Paragraph(escape(label("none", lang)), s.body))
    if row.imputed:
        story.append(Spacer(1, 2 * mm))
        story.append(Paragraph(escape(f"{label('imputed_note', lang)}: {', '.join(sorted(row.imputed))}"), s.small))
    return story


def _portfolio(bundle: ExportBundle, s: _Styles, font: CJKFont, width: float) -> list[Flowable]:
    """The portfolio of the year's advice: the policy paths' reach by category (chart and table), the recurring
    actions and the indicators behind them; nothing without a portfolio."""
    tallies = bundle.portfolio
    if tallies is None:
        return []
    lang = bundle.lang
    names = {r.cluster_code: (r.name_zh if lang == "zh" else r.name) for r in bundle.rows}
    story: list[Flowable] = [
        PageBreak(),
        Paragraph(escape(label("portfolio_heading", lang)), s.h1),
        Paragraph(escape(label("portfolio_text", lang).format(year=bundle.year)), s.body),
    ]
    chart = charts.portfolio_paths(bundle, font)
    if chart is not None:
        story.append(_image(chart, width, 120 * mm))
    white = ParagraphStyle("PortfolioHead", parent=s.cell_right, textColor=colors.white)
    paths: list[list[Any]] = [
        [label("category", lang), label("policy_path", lang)]
        + [Paragraph(escape(label(k, lang)), white) for k in ("path_clusters", "path_share", "path_actions")]
    ]
    paths += [
        [c.name, Paragraph(escape(p.name), s.cell), f"{p.clusters} / {c.clusters}", f"{p.share:.0%}", str(p.actions)]
        for c in tallies
        for p in c.paths
    ]
    story += [
        Paragraph(escape(label("policy_paths", lang)), _annex_h2(s)),
        _grid(paths, [26 * mm, width - 92 * mm, 24 * mm, 22 * mm, 20 * mm], s, numeric_from=2),
    ]
    actions: list[list[Any]] = [
        [label("category", lang), label("action", lang), Paragraph(escape(label("path_clusters", lang)), white),
         label("clusters_given", lang)]
    ]  # fmt: skip
    actions += [
        [
            c.name,
            Paragraph(escape(f"{a.title}（{a.path_name}）" if lang == "zh" else f"{a.title} ({a.path_name})"), s.cell),
            str(len(a.clusters)),
            Paragraph(escape(("、" if lang == "zh" else ", ").join(names.get(k, k) for k in a.clusters)), s.cell),
        ]
        for c in tallies
        for a in c.actions
    ]
    story += [
        Paragraph(escape(label("recurring_actions", lang)), _annex_h2(s)),
        _grid(actions, [26 * mm, 62 * mm, 18 * mm, width - 106 * mm], s),
    ]
    indicators: list[list[Any]] = [
        [label("category", lang), label("indicator", lang)]
        + [Paragraph(escape(label(k, lang)), white) for k in ("weak_in", "actions_on", "not_reported")]
    ]
    indicators += [
        [c.name, Paragraph(escape(f"{i.code} {i.name}"), s.cell), str(i.weaknesses), str(i.actions), str(i.data_gaps)]
        for c in tallies
        for i in c.indicators
    ]
    story += [
        Paragraph(escape(label("portfolio_indicators", lang)), _annex_h2(s)),
        _grid(indicators, [26 * mm, width - 98 * mm, 24 * mm, 24 * mm, 24 * mm], s, numeric_from=2),
    ]
    return story


def _annex_h2(s: _Styles) -> ParagraphStyle:
    """The section heading that stays with what follows it (the annexes' tables start on the heading's page)."""
    return ParagraphStyle("AnnexH2", parent=s.h2, keepWithNext=1)


def _uncertainty_annex(bundle: ExportBundle, s: _Styles, font: CJKFont, width: float) -> list[Flowable]:
    """Annex A: the rank-interval chart, the intervals, the Sobol indices, and the sources, runs and seed."""
    lang = bundle.lang
    story: list[Flowable] = [PageBreak(), Paragraph(escape(label("uncertainty_annex", lang)), s.h1)]
    run = bundle.uncertainty
    if run is None:
        return [*story, Paragraph(escape(label("not_computed", lang)), s.body)]
    sources = "; ".join(label(f"src_{source}", lang) for source in run.sources)
    text = label("uncertainty_text", lang).format(
        samples=f"{run.samples:,}", base=f"{run.base_samples:,}", seed=run.seed, sources=sources
    )
    story.append(Paragraph(escape(text), s.body))
    chart = charts.rank_intervals(bundle, font)
    if chart is not None:
        story.append(Paragraph(escape(label("chart_uncertainty", lang)), _annex_h2(s)))
        story.append(_image(chart, width, 200 * mm))
    by_code = {row.cluster_code: row for row in bundle.rows}
    white = ParagraphStyle("HeadCell", parent=s.cell_right, textColor=colors.white)
    head: list[Any] = [label("rank", lang), label("cluster", lang)]
    head += [Paragraph(escape(label(k, lang)), white) for k in ("median_rank", "rank_p05", "rank_p95")]
    rows: list[list[Any]] = [head]
    for i in run.intervals:
        row = by_code.get(i.cluster_code)
        name = (row.name_zh if lang == "zh" else row.name) if row else i.cluster_code
        rows.append(
            [str(i.rank), Paragraph(escape(f"{name} ({i.cluster_code})"), s.cell), str(i.median_rank),
             str(i.rank_p05), str(i.rank_p95)]
        )  # fmt: skip
    story += [
        Paragraph(escape(label("rank_intervals", lang)), _annex_h2(s)),
        _grid(rows, [14 * mm, width - 86 * mm, 24 * mm, 24 * mm, 24 * mm], s, numeric_from=2),
        Paragraph(escape(label("sensitivity_indices", lang)), _annex_h2(s)),
        _grid(
            [
                [label(k, lang) for k in ("source", "first_order", "total_effect")],
                *[
                    [
                        Paragraph(escape(label(f"src_{i.source}", lang)), s.cell),
                        f"{i.first_order:.3f}",
                        f"{i.total:.3f}",
                    ]
                    for i in run.indices
                ],
            ],  # fmt: skip
            [width - 60 * mm, 30 * mm, 30 * mm],
            s,
            numeric_from=1,
        ),
        Paragraph(escape(label("sources_used", lang)), _annex_h2(s)),
        _grid(
            [
                [label("item", lang), label("value", lang)],
                [label("sources_used", lang), Paragraph(escape(sources), s.cell)],
                [label("samples", lang), f"{run.samples:,}"],
                [label("base_samples", lang), f"{run.base_samples:,}"],
                [label("seed", lang), str(run.seed)],
                [label("concentration", lang), f"{run.concentration:g}"],
            ],
            [50 * mm, width - 50 * mm],
            s,
        ),
    ]
    story += [Paragraph(escape(note), s.small) for note in run.notes]
    return story


def _audit_annex(bundle: ExportBundle, s: _Styles, width: float) -> list[Flowable]:
    """Annex B: coverage, outliers, coherence and the decomposition of the largest movers."""
    lang = bundle.lang
    story: list[Flowable] = [PageBreak(), Paragraph(escape(label("audit_annex", lang)), s.h1)]
    audit = bundle.audit
    if audit is None:
        return [*story, Paragraph(escape(label("not_computed", lang)), s.body)]
    story.append(Paragraph(escape(label("audit_text", lang).format(year=bundle.year)), s.body))
    indicators = {ind.code: (ind.name_zh if lang == "zh" else ind.name) for ind in bundle.indicators}
    criteria = {c.code: (c.name_zh if lang == "zh" else c.name) for c in bundle.criteria}
    clusters = {row.cluster_code: row for row in bundle.rows}

    def cluster(code: str) -> Paragraph:
        row = clusters.get(code)
        name = (row.name_zh if lang == "zh" else row.name) if row else ""
        return Paragraph(escape(f"{name} ({code})" if name else code), s.cell)

    def none_or(table: list[list[Any]], widths: Sequence[float], numeric_from: int | None = None) -> Flowable:
        if len(table) == 1:
            return Paragraph(escape(label("none", lang)), s.body)
        return _grid(table, widths, s, numeric_from=numeric_from)

    story.append(Paragraph(escape(label("coverage_heading", lang)), _annex_h2(s)))
    story.append(Paragraph(escape(f"{label('coverage_threshold', lang)}: {audit.threshold:.0%}"), s.body))
    coverage = [[label("indicator", lang), label("name", lang), label("coverage_share", lang)]]
    coverage += [[code, Paragraph(escape(indicators.get(code, "")), s.cell), f"{share:.1%}"]
                 for code, share in audit.coverage]  # fmt: skip
    story.append(none_or(coverage, [18 * mm, width - 58 * mm, 40 * mm], numeric_from=2))
    story.append(Paragraph(escape(label("clusters_below", lang)), _annex_h2(s)))
    below: list[list[Any]] = [[label(k, lang) for k in ("cluster", "coverage_share", "criteria_below")]]
    below += [[cluster(g.cluster_code), f"{g.share:.1%}", ", ".join(g.criteria_below)] for g in audit.clusters_below]
    story.append(none_or(below, [width - 90 * mm, 30 * mm, 60 * mm]))

    story.append(Paragraph(escape(label("outliers_heading", lang)), _annex_h2(s)))
    outliers: list[list[Any]] = [
        [label(k, lang) for k in ("indicator", "skewness", "kurtosis", "flagged", "flagged_values")]
    ]
    for o in audit.outliers:
        values = "; ".join(f"{code}: {value:g}" for code, value in o.values)
        outliers.append(
            [o.indicator, _fmt(o.skewness, "{:.2f}"), _fmt(o.kurtosis, "{:.2f}"),
             label("yes" if o.flagged else "no", lang), Paragraph(escape(values or "–"), s.cell)]
        )  # fmt: skip
    story.append(none_or(outliers, [18 * mm, 22 * mm, 22 * mm, 16 * mm, width - 78 * mm]))

    story.append(Paragraph(escape(label("coherence_heading", lang)), _annex_h2(s)))
    coherence: list[list[Any]] = [
        [label(k, lang) for k in ("criterion", "clusters_used", "alpha", "first_component_share",
                                  "components_over_1")]
    ]  # fmt: skip
    for c in audit.coherence:
        coherence.append(
            [Paragraph(escape(f"{c.criterion} {criteria.get(c.criterion, '')}"), s.cell), str(c.clusters),
             _fmt(c.alpha, "{:.3f}"), _fmt(c.first_component_share, "{:.3f}"),
             "–" if c.components_over_1 is None else str(c.components_over_1)]
        )  # fmt: skip
    story.append(none_or(coherence, [width - 112 * mm, 22 * mm, 22 * mm, 34 * mm, 34 * mm], numeric_from=1))
    story.append(Paragraph(escape(label("flagged_pairs", lang)), _annex_h2(s)))
    pairs: list[list[Any]] = [[label(k, lang) for k in ("indicator_a", "indicator_b", "correlation", "flag")]]
    pairs += [[p.a, p.b, f"{p.r:.3f}", label(p.flag, lang)] for p in audit.pairs]
    story.append(none_or(pairs, [24 * mm, 24 * mm, 24 * mm, 50 * mm]))

    story.append(Paragraph(escape(label("decomposition_heading", lang)), _annex_h2(s)))
    if not audit.movers:
        story.append(Paragraph(escape(label("no_previous", lang)), s.body))
        return story
    codes = [c.code for c in bundle.criteria]
    movers: list[list[Any]] = [[label("cluster", lang), label("change", lang), label("score_change", lang), *codes]]
    for m in audit.movers:
        ranks = f"{m.previous_rank}→{m.rank} ({m.rank_change:+d})"
        movers.append(
            [cluster(m.cluster_code), ranks, _fmt(m.score_change, "{:+.4f}"),
             *(_fmt(m.contributions.get(code), "{:+.3f}") for code in codes)]
        )  # fmt: skip
    part = 13 * mm
    story.append(
        _grid(movers, [width - 48 * mm - part * len(codes), 28 * mm, 20 * mm, *[part] * len(codes)], s,
              numeric_from=1)
    )  # fmt: skip
    story.append(Paragraph(escape(label("decomposition_note", lang)), s.small))
    return story


def _plan_line(bundle: ExportBundle, row: RankingRow) -> str:
    """One line on the cluster's page pointing to its plan in Annex C; empty without plans."""
    plans = bundle.plans
    plan = next((p for p in plans.plans if p.cluster_code == row.cluster_code), None) if plans else None
    if plans is None or plan is None:
        return ""
    lang = bundle.lang
    target = target_name(plans.target, lang)
    if not plan.changes:
        outcome = label("plan_met_line" if plan.reachable else "plan_none_line", lang)
    else:
        tier = label(plan.reached.tier, lang)
        outcome = label("plan_changes_line", lang).format(n=len(plan.changes), rank=plan.reached.rank, tier=tier)
    return label("plan_line", lang).format(target=target, outcome=outcome)


def _plans_annex(bundle: ExportBundle, s: _Styles, width: float) -> list[Flowable]:
    """Annex C: each cluster's plan for the export's target, in the ranking's order, one block kept together."""
    lang = bundle.lang
    plans = bundle.plans
    target = target_name(plans.target if plans else "next_tier", lang)
    story: list[Flowable] = [PageBreak(), Paragraph(escape(label("plans_annex", lang).format(target=target)), s.h1)]
    if plans is None:
        reason = "plans_fixed_only" if bundle.reference != "fixed" else "not_computed"
        return [*story, Paragraph(escape(label(reason, lang)), s.body)]
    story.append(Paragraph(escape(label("plans_text", lang).format(target=target)), s.body))
    rows = {row.cluster_code: row for row in bundle.rows}
    for plan in plans.plans:
        story.append(KeepTogether(_plan_block(bundle, plan, rows.get(plan.cluster_code), s, width)))
    return story


def _plan_block(
    bundle: ExportBundle, plan: ClusterPlanInfo, row: RankingRow | None, s: _Styles, width: float
) -> list[Flowable]:
    """A cluster's plan: where it stands and where the plan takes it, then the changes or why there are none."""
    lang = bundle.lang
    name = (row.name_zh if lang == "zh" else row.name) if row else plan.cluster_code
    names = {r.cluster_code: (r.name_zh if lang == "zh" else r.name) for r in bundle.rows}
    indicators = {ind.code: ind for ind in bundle.indicators}

    def standing(at: Standing) -> str:
        return label("standing", lang).format(rank=at.rank, tier=label(at.tier, lang))

    head = ParagraphStyle("PlanHead", parent=s.h2, keepWithNext=1, spaceBefore=5 * mm)
    facts = (
        f"{label('now', lang)}: {standing(plan.current)} → {label('with_plan', lang)}: {standing(plan.reached)}"
        f" · {label('total_effort', lang)}: {share_of_range(plan.effort)}"
    )
    block: list[Flowable] = [
        Paragraph(escape(f"{plan.current.rank}. {name} ({plan.cluster_code})"), head),
        Paragraph(escape(facts), s.small),
        Spacer(1, 1.5 * mm),
    ]
    if not plan.changes:
        best = plan.best_possible
        text = (
            label("plan_met", lang)
            if plan.reachable
            else label("plan_unreachable", lang).format(rank=best.rank, tier=label(best.tier, lang))
        )
        block.append(Paragraph(escape(text), s.body))
        return block
    table: list[list[Any]] = [
        ["", label("indicator", lang), label("from_to", lang), label("peer", lang), label("effort", lang)]
    ]
    for step, change in enumerate(plan.changes, start=1):
        indicator = indicators.get(change.indicator)
        title = _bilingual_first(indicator, lang) if indicator else change.indicator
        moved = f"{_value_text(change.value_from, indicator, lang)} → {_value_text(change.value_to, indicator, lang)}"
        table.append(
            [
                str(step),
                Paragraph(escape(f"{change.indicator} {title}" + (" *" if change.imputed else "")), s.cell),
                Paragraph(escape(moved), s.cell),
                Paragraph(escape(f"{names.get(change.peer, change.peer)} ({change.peer})"), s.cell),
                share_of_range(change.effort),
            ]
        )
    block.append(_grid(table, [8 * mm, width - 120 * mm, 40 * mm, 52 * mm, 20 * mm], s, numeric_from=4))
    moved_criteria = [(c, before, after) for c, before, after in plan.criteria_scores if after != before]
    if moved_criteria:
        scores = " · ".join(f"{c} {before:.3f} → {after:.3f}" for c, before, after in moved_criteria)
        block.append(Paragraph(escape(f"{label('criteria_before_after', lang)}: {scores}"), s.small))
    if any(change.imputed for change in plan.changes):
        block.append(Paragraph(escape(label("plan_imputed", lang)), s.small))
    return block


def _bilingual_first(indicator: IndicatorInfo, lang: Lang) -> str:
    return indicator.name_zh if lang == "zh" and indicator.name_zh else indicator.name


def _grid(
    data: Sequence[Sequence[Any]],
    widths: Sequence[float],
    s: _Styles,
    *,
    numeric_from: int | None = None,
    extra: Sequence[tuple[Any, ...]] = (),
) -> Table:
    """A table in the house style: navy header repeated on each page, zebra rows, right-aligned numbers."""
    table = Table([list(row) for row in data], colWidths=list(widths), repeatRows=1, hAlign="LEFT")
    commands: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), s.font),
        ("FONTSIZE", (0, 0), (-1, -1), 8),
        ("LEADING", (0, 0), (-1, -1), 10),
        ("BACKGROUND", (0, 0), (-1, 0), _NAVY),
        ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, _LIGHT]),
        ("LINEBELOW", (0, 0), (-1, -1), 0.3, _RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]
    if numeric_from is not None:
        commands.append(("ALIGN", (numeric_from, 0), (-1, -1), "RIGHT"))
    table.setStyle(TableStyle([*commands, *extra]))
    return table


def _image(png: bytes, max_width: float, max_height: float) -> Image:
    """The chart scaled to fit the box, keeping its aspect ratio."""
    image = Image(io.BytesIO(png))
    scale = min(max_width / image.imageWidth, max_height / image.imageHeight)
    image.drawWidth = image.imageWidth * scale
    image.drawHeight = image.imageHeight * scale
    image.hAlign = "CENTER"
    return image


def _score_bar(score: float | None, mean: float | None, width: float, tier: Tier) -> Drawing:
    """A small bar of the criterion score (0–1) with a tick at the category mean."""
    height = 8.0
    drawing = Drawing(width, height)
    drawing.add(Rect(0, 0, width, height, fillColor=colors.HexColor("#E6E9EE"), strokeColor=None))
    if score is not None:
        fill = colors.HexColor(charts.TIER_COLOURS.get(tier, "#888888"))
        drawing.add(Rect(0, 0, width * min(max(score, 0.0), 1.0), height, fillColor=fill, strokeColor=None))
    if mean is not None:
        x = width * min(max(mean, 0.0), 1.0)
        drawing.add(Line(x, -1, x, height + 1, strokeColor=colors.black, strokeWidth=1.2))
    return drawing


def _cluster_cell(row: RankingRow, lang: Lang) -> str:
    first, second = (row.name_zh, row.name) if lang == "zh" else (row.name, row.name_zh)
    return f'{escape(first)}<br/><font size="6.5" color="#666666">{escape(second)}</font>'


def _change_text(row: RankingRow, lang: Lang) -> str:
    if row.rank_change is None:
        return label("new_entry", lang) if row.previous_rank is None else "–"
    if row.rank_change > 0:
        return f"▲{row.rank_change}"
    if row.rank_change < 0:
        return f"▼{-row.rank_change}"
    return "="


def _change_colour(row: RankingRow) -> colors.Color:
    if not row.rank_change:
        return colors.black
    return _UP if row.rank_change > 0 else _DOWN


def _value_text(value: float | None, indicator: IndicatorInfo | None, lang: Lang) -> str:
    """The value with its unit in `lang` at the unit's precision (shared/units.py); a bare number without the
    indicator."""
    if indicator is None:
        return "–" if value is None else f"{value:,.2f}"
    return quantity(value, indicator, lang)


def _bilingual(name: str, name_zh: str, lang: Lang) -> str:
    first, second = (name_zh, name) if lang == "zh" else (name, name_zh)
    return f"{first}  {second}" if second and second != first else first


def _fmt(value: float | None, pattern: str) -> str:
    return "–" if value is None else pattern.format(value)


def _mean(values: Sequence[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None
