"""The ranking as an Excel workbook: ranking, criterion scores, raw values, weights, advice, provenance."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule, ColorScaleRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from services.scoring.exports.labels import label, method_name, model_line, target_name
from services.scoring.exports.model import ExportBundle, IndicatorInfo, Standing
from shared.schemas.vocabulary import Lang
from shared.spreadsheet import safe_text
from shared.units import PERCENT, unit_in

SHEETS: tuple[str, ...] = (
    "Ranking",
    "Criterion scores",
    "Indicators",
    "Weights",
    "Recommendations",
    "Plans",
    "Portfolio",
    "Uncertainty",
    "Audit",
    "About",
)

_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", start_color="1F4E79", end_color="1F4E79")
_HEADER_ALIGN = Alignment(wrap_text=True, vertical="center", horizontal="center")
_WRAP = Alignment(wrap_text=True, vertical="top")
_IMPUTED_FONT = Font(italic=True, color="808080")
_NOTICE_FONT = Font(bold=True, color="C00000")
_TIER_FILLS: dict[str, PatternFill] = {
    tier: PatternFill("solid", start_color=colour, end_color=colour)
    for tier, colour in (
        ("leading", "C6E0B4"),
        ("strong", "DDEBF7"),
        ("moderate", "FFF2CC"),
        ("emerging", "F8CBAD"),
    )
}
_UP_FILL = PatternFill("solid", start_color="C6EFCE", end_color="C6EFCE")
_DOWN_FILL = PatternFill("solid", start_color="FFC7CE", end_color="FFC7CE")
_SIGN = {"benefit": "+", "cost": "−"}
_SCORE = "0.0000"
_CHANGE = "+0;-0;0"


def render_xlsx(bundle: ExportBundle) -> bytes:
    """Ten sheets with frozen headers, number formats and green/red rank change; Plans, Uncertainty and Audit hold
    the scoring service's analyses of the ranking, Portfolio the recommendation service's count of the year's advice;
    About names the sources."""
    workbook = Workbook()
    ranking = workbook.active
    ranking.title = SHEETS[0]
    _ranking_sheet(ranking, bundle)
    _criterion_sheet(workbook.create_sheet(SHEETS[1]), bundle)
    _indicator_sheet(workbook.create_sheet(SHEETS[2]), bundle)
    _weights_sheet(workbook.create_sheet(SHEETS[3]), bundle)
    _recommendation_sheet(workbook.create_sheet(SHEETS[4]), bundle)
    _plans_sheet(workbook.create_sheet(SHEETS[5]), bundle)
    _portfolio_sheet(workbook.create_sheet(SHEETS[6]), bundle)
    _uncertainty_sheet(workbook.create_sheet(SHEETS[7]), bundle)
    _audit_sheet(workbook.create_sheet(SHEETS[8]), bundle)
    _about_sheet(workbook.create_sheet(SHEETS[9]), bundle)

    model = model_line(bundle.method, bundle.normalization, bundle.reference, bundle.lang)
    footer = f"{bundle.dataset_version} · {bundle.profile.id} · {model}"
    if bundle.synthetic:
        footer += " · " + label("synthetic_short", bundle.lang)
    for sheet in workbook.worksheets:
        sheet.oddFooter.left.text = footer
        sheet.oddFooter.right.text = "&P / &N"
    workbook.properties.title = label("report_title", bundle.lang)
    workbook.properties.creator = f"amc-platform {bundle.software_version}"
    workbook.properties.description = f"dataset {bundle.dataset_version}, profile {bundle.profile.id}"
    with contextlib.suppress(ValueError):
        workbook.properties.created = datetime.fromisoformat(bundle.generated_at).replace(tzinfo=None)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _ranking_sheet(ws: Worksheet, bundle: ExportBundle) -> None:
    lang = bundle.lang
    headers = [
        "rank", "change", "code", "name", "name_zh", "category", "province", "industry",
        "score", "tier", "previous_rank", "previous_score",
    ]  # fmt: skip
    rows = [
        [
            row.rank,
            row.rank_change,
            row.cluster_code,
            row.name,
            row.name_zh,
            label(row.category, lang),
            row.province,
            row.industry,
            row.score,
            label(row.tier, lang),
            row.previous_rank,
            row.previous_score,
        ]  # fmt: skip
        for row in bundle.ranked_rows()
    ]
    formats = {2: _CHANGE, 9: _SCORE, 12: _SCORE}
    _write_table(ws, [label(h, lang) for h in headers], rows, formats)
    _set_widths(ws, [7, 8, 10, 44, 26, 13, 14, 24, 9, 11, 9, 9])
    for offset, row in enumerate(bundle.ranked_rows(), start=2):
        ws.cell(row=offset, column=10).fill = _TIER_FILLS.get(row.tier, PatternFill())
    _rank_change_colours(ws, column=2, n_rows=len(rows))
    ws.freeze_panes = "E2"


def _criterion_sheet(ws: Worksheet, bundle: ExportBundle) -> None:
    lang = bundle.lang
    headers = [label(h, lang) for h in ("rank", "code", "name", "name_zh", "category", "score")]
    headers += [f"{c.code}\n{_name(c.name, c.name_zh, lang)}" for c in bundle.criteria]
    rows = [
        [row.rank, row.cluster_code, row.name, row.name_zh, label(row.category, lang), row.score]
        + [row.criteria_scores.get(c.code) for c in bundle.criteria]
        for row in bundle.ranked_rows()
    ]
    formats = {col: _SCORE for col in range(6, len(headers) + 1)}
    _write_table(ws, headers, rows, formats)
    ws.row_dimensions[1].height = 48
    _set_widths(ws, [7, 10, 44, 26, 13, 9] + [14] * len(bundle.criteria))
    if rows and bundle.criteria:
        first, last = get_column_letter(7), get_column_letter(6 + len(bundle.criteria))
        ws.conditional_formatting.add(
            f"{first}2:{last}{len(rows) + 1}",
            ColorScaleRule(
                start_type="num",
                start_value=0,
                start_color="F8696B",
                mid_type="num",
                mid_value=0.5,
                mid_color="FFEB84",
                end_type="num",
                end_value=1,
                end_color="63BE7B",
            ),  # fmt: skip
        )
    ws.freeze_panes = "D2"


def _indicator_sheet(ws: Worksheet, bundle: ExportBundle) -> None:
    lang = bundle.lang
    headers = [label(h, lang) for h in ("rank", "code", "name", "name_zh")]
    headers += [
        f"{ind.code}\n{_name(ind.name, ind.name_zh, lang)}\n({unit_in(ind, lang)}, {_SIGN[ind.direction]})"
        for ind in bundle.indicators
    ]
    ranked = bundle.ranked_rows()
    rows = [
        [row.rank, row.cluster_code, row.name, row.name_zh] + [row.values.get(ind.code) for ind in bundle.indicators]
        for row in ranked
    ]
    formats = {col: _value_format(ind) for col, ind in enumerate(bundle.indicators, start=5)}
    _write_table(ws, headers, rows, formats)
    ws.row_dimensions[1].height = 90
    _set_widths(ws, [7, 10, 44, 26] + [14] * len(bundle.indicators))
    column_of = {ind.code: col for col, ind in enumerate(bundle.indicators, start=5)}
    note = label("imputed_comment", lang)
    for offset, row in enumerate(ranked, start=2):
        for code in row.imputed:
            if code in column_of:
                cell = ws.cell(row=offset, column=column_of[code])
                cell.font = _IMPUTED_FONT
                cell.comment = Comment(note, "amc-platform", width=220, height=40)
    ws.freeze_panes = "E2"


def _weights_sheet(ws: Worksheet, bundle: ExportBundle) -> None:
    lang = bundle.lang
    profile = bundle.profile
    block: list[tuple[str, Any]] = [
        (label("profile", lang), f"{profile.name} ({profile.id})"),
        (label("profile_published", lang), profile.published_at or ""),
        (label("ahp_method", lang), label(profile.method, lang)),
        (label("ri_table", lang), profile.ri_table),
        (label("aggregation", lang), label(profile.aggregation, lang)),
        (label("consensus", lang), profile.consensus),
    ]
    for r, (key, value) in enumerate(block, start=1):
        _put(ws, r, 1, key).font = Font(bold=True)
        cell = _put(ws, r, 2, value)
        if isinstance(value, float):
            cell.number_format = "0.000"
            cell.alignment = Alignment(horizontal="left")
    header_row = len(block) + 2
    headers = [
        label(h, lang)
        for h in ("level", "code", "parent", "name", "name_zh", "unit", "direction", "local_weight",
                  "global_weight", "cr")
    ]  # fmt: skip
    weight_of = {c.code: c.weight for c in bundle.criteria}
    rows: list[list[Any]] = [
        [label("goal", lang), "goal", "", "", "", "", "", 1.0, 1.0, profile.criteria_cr.get("goal")]
    ]
    for c in bundle.criteria:
        rows.append(
            [label("criterion", lang), c.code, "goal", c.name, c.name_zh, "", "", c.weight, c.weight,
             profile.criteria_cr.get(c.code)]
        )  # fmt: skip
    for ind in bundle.indicators:
        parent_weight = weight_of.get(ind.criterion, 0.0)
        local = ind.weight / parent_weight if parent_weight else None
        rows.append(
            [label("indicator", lang), ind.code, ind.criterion, ind.name, ind.name_zh, unit_in(ind, lang),
             label(ind.direction, lang), local, ind.weight, None]
        )  # fmt: skip
    _write_table(ws, headers, rows, {8: _SCORE, 9: _SCORE, 10: "0.000"}, header_row=header_row)
    _set_widths(ws, [22, 30, 8, 44, 26, 11, 14, 12, 12, 10])
    ws.freeze_panes = f"A{header_row + 1}"


def _recommendation_sheet(ws: Worksheet, bundle: ExportBundle) -> None:
    lang = bundle.lang
    headers = [
        label(h, lang)
        for h in ("rank", "code", "cluster", "kind", "priority", "criterion", "indicator", "value",
                  "benchmark", "gap", "title", "text", "rationale", "unit")
    ]  # fmt: skip
    indicator_name = {ind.code: f"{ind.code} {_name(ind.name, ind.name_zh, lang)}" for ind in bundle.indicators}
    indicators = {ind.code: ind for ind in bundle.indicators}
    value_formats: dict[int, str] = {}
    rows: list[list[Any]] = []
    for row in bundle.ranked_rows():
        advice = bundle.recommendations.get(row.cluster_code)
        if advice is None:
            continue
        who = [row.rank, row.cluster_code, _name(row.name, row.name_zh, lang)]
        for strength in advice.strengths:
            rows.append([*who, label("strength", lang), None, None, None, None, None, None, None, strength, None])
        for weakness in advice.weaknesses:
            indicator = indicator_name.get(weakness.indicator, weakness.indicator)
            info = indicators.get(weakness.indicator)
            rows.append(
                [*who, label("weakness", lang), None, weakness.criterion, indicator, weakness.value,
                 weakness.benchmark, weakness.gap, None, None, None, unit_in(info, lang) if info else None]
            )  # fmt: skip
            if info is not None:
                value_formats[len(rows) + 1] = _value_format(info)
        for action in advice.actions:
            rows.append(
                [*who, label("action", lang), action.priority, action.criterion, None, None, None, None,
                 action.title, action.action, action.rationale]
            )  # fmt: skip
    _write_table(ws, headers, rows, {8: "#,##0.00", 9: "#,##0.00", 10: "0.0%"})
    for r, number_format in value_formats.items():
        for col in (8, 9):
            if ws.cell(row=r, column=col).value is not None:
                ws.cell(row=r, column=col).number_format = number_format
    _set_widths(ws, [7, 10, 34, 10, 8, 9, 34, 11, 11, 8, 32, 60, 60, 10])
    for r in range(2, len(rows) + 2):
        for col in (3, 7, 11, 12, 13):
            ws.cell(row=r, column=col).alignment = _WRAP
    ws.freeze_panes = "D2"


def _plans_sheet(ws: Worksheet, bundle: ExportBundle) -> None:
    """One row per change per cluster, in the ranking's order; a cluster with no change has one row saying why
    (the target met already, or out of reach within its peers' values)."""
    lang = bundle.lang
    plans = bundle.plans
    ws.freeze_panes = "A2"
    if plans is None:
        _put(ws, 1, 1, label("plans_fixed_only" if bundle.reference != "fixed" else "not_computed", lang))
        return
    headers = [
        label(h, lang)
        for h in ("rank", "code", "cluster", "target", "reachable", "now", "with_plan", "total_effort", "step",
                  "indicator", "name", "unit", "from", "to", "peer_code", "peer", "effort", "notes")
    ]  # fmt: skip
    target = target_name(plans.target, lang)
    rows_by_code = {r.cluster_code: r for r in bundle.rows}
    indicators = {ind.code: ind for ind in bundle.indicators}

    def cluster_name(code: str) -> str:
        row = rows_by_code.get(code)
        return _name(row.name, row.name_zh, lang) if row else code

    def standing(s: Standing) -> str:
        return label("standing", lang).format(rank=s.rank, tier=label(s.tier, lang))

    rows: list[list[Any]] = []
    value_formats: list[tuple[str, str] | None] = []
    for plan in plans.plans:
        who = [
            plan.current.rank, plan.cluster_code, cluster_name(plan.cluster_code), target,
            label("yes" if plan.reachable else "no", lang), standing(plan.current), standing(plan.reached),
            plan.effort,
        ]  # fmt: skip
        if not plan.changes:
            best = plan.best_possible
            note = (
                label("plan_met", lang)
                if plan.reachable
                else label("plan_unreachable", lang).format(rank=best.rank, tier=label(best.tier, lang))
            )
            rows.append([*who, None, None, None, None, None, None, None, None, None, note])
            value_formats.append(None)
            continue
        for step, change in enumerate(plan.changes, start=1):
            indicator = indicators.get(change.indicator)
            rows.append(
                [*who, step, change.indicator,
                 _name(indicator.name, indicator.name_zh, lang) if indicator else "",
                 unit_in(indicator, lang) if indicator else "", change.value_from, change.value_to, change.peer,
                 cluster_name(change.peer), change.effort, label("plan_imputed", lang) if change.imputed else None]
            )  # fmt: skip
            # An imputed count (a category median) may fall between two counts: its cell keeps the half.
            number_format = _value_format(indicator) if indicator else "#,##0.00"
            from_format = "#,##0.0" if change.imputed and number_format == "#,##0" else number_format
            value_formats.append((from_format, number_format))
    _write_table(ws, headers, rows, {8: "0.0%", 17: "0.0%"})
    for offset, formats in enumerate(value_formats, start=2):
        ws.cell(row=offset, column=18).alignment = _WRAP
        if formats is not None:
            ws.cell(row=offset, column=13).number_format, ws.cell(row=offset, column=14).number_format = formats
    _set_widths(ws, [7, 12, 30, 16, 9, 16, 16, 10, 6, 9, 34, 10, 12, 12, 12, 30, 10, 50])
    ws.freeze_panes = "D2"


def _portfolio_sheet(ws: Worksheet, bundle: ExportBundle) -> None:
    """Policy paths, recurring actions and the indicators behind them, each a section with the category in front."""
    lang = bundle.lang
    _put(ws, 1, 1, label("portfolio_heading", lang)).font = Font(bold=True, size=14)
    ws.freeze_panes = "A2"
    tallies = bundle.portfolio
    if tallies is None:
        _put(ws, 3, 1, label("not_computed", lang))
        return
    _put(ws, 2, 1, label("portfolio_text", lang).format(year=bundle.year)).alignment = _WRAP
    ws.row_dimensions[2].height = 48
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=6)
    names = {r.cluster_code: _name(r.name, r.name_zh, lang) for r in bundle.rows}
    row = _section(
        ws,
        4,
        label("policy_paths", lang),
        [label(h, lang) for h in ("category", "policy_path", "path_clusters", "category_clusters", "path_share",
                                  "path_actions")],
        [[c.name, p.name, p.clusters, c.clusters, p.share, p.actions] for c in tallies for p in c.paths],
        {5: "0%"},
    )  # fmt: skip
    row = _section(
        ws,
        row + 1,
        label("recurring_actions", lang),
        [label(h, lang) for h in ("category", "action", "policy_path", "path_clusters", "clusters_given")],
        [
            [c.name, a.title, a.path_name, len(a.clusters), "; ".join(f"{names.get(k, k)} ({k})" for k in a.clusters)]
            for c in tallies
            for a in c.actions
        ],
        {},
    )
    _section(
        ws,
        row + 1,
        label("portfolio_indicators", lang),
        [label(h, lang) for h in ("category", "indicator", "name", "weak_in", "actions_on", "not_reported")],
        [[c.name, i.code, i.name, i.weaknesses, i.actions, i.data_gaps] for c in tallies for i in c.indicators],
        {},
    )
    _set_widths(ws, [18, 44, 30, 14, 60, 10])
    for cells in ws.iter_rows(min_row=5):
        for cell in cells:
            if not cell.font.bold:  # the headers keep their centred style
                cell.alignment = _WRAP


def _about_sheet(ws: Worksheet, bundle: ExportBundle) -> None:
    lang = bundle.lang
    profile = bundle.profile
    _put(ws, 1, 1, label("report_title", lang)).font = Font(bold=True, size=14)
    notice = label("synthetic_notice" if bundle.synthetic else "observed_notice", lang)
    mean = sum(row.score for row in bundle.rows) / len(bundle.rows) if bundle.rows else 0.0
    items: list[tuple[str, Any]] = [
        (label("year", lang), bundle.year),
        (label("previous_year", lang), bundle.previous_year if bundle.previous_year is not None else ""),
        (label("dataset_version", lang), bundle.dataset_version),
        (label("profile", lang), f"{profile.name} ({profile.id})"),
        (label("method", lang), method_name(bundle.method, lang)),
        (label("normalization", lang), label(bundle.normalization, lang)),
        (label("reference", lang), label(bundle.reference, lang)),
        (label("ahp_method", lang), label(profile.method, lang)),
        (label("aggregation", lang), label(profile.aggregation, lang)),
        (label("ri_table", lang), profile.ri_table),
        (label("consensus", lang), profile.consensus),
        (label("clusters", lang), len(bundle.rows)),
        (label("software_version", lang), bundle.software_version),
        (label("generated_at", lang), bundle.generated_at),
        (label("data_notice", lang), notice),
        (label("tiers_heading", lang), label("tiers_text", lang).format(mean=f"{mean:.4f}")),
        (label("change", lang), label("ranking_note", lang)),
        (label("imputed_note", lang), label("imputed_comment", lang)),
    ]
    for r, (key, value) in enumerate(items, start=3):
        _put(ws, r, 1, key).font = Font(bold=True)
        cell = _put(ws, r, 2, value)
        cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal="left")
        if isinstance(value, float):
            cell.number_format = "0.000"
        if key == label("data_notice", lang) and bundle.synthetic:
            cell.font = _NOTICE_FONT
    _set_widths(ws, [24, 100])
    ws.freeze_panes = "A3"


def _uncertainty_sheet(ws: Worksheet, bundle: ExportBundle) -> None:
    """The run's settings, then the rank intervals in published order, then the Sobol indices per source."""
    lang = bundle.lang
    _put(ws, 1, 1, label("uncertainty_heading", lang)).font = Font(bold=True, size=14)
    ws.freeze_panes = "A2"
    run = bundle.uncertainty
    if run is None:
        _put(ws, 3, 1, label("not_computed", lang))
        return
    block: list[tuple[str, Any]] = [
        (label("sources_used", lang), "; ".join(label(f"src_{source}", lang) for source in run.sources)),
        (label("samples", lang), run.samples),
        (label("base_samples", lang), run.base_samples),
        (label("seed", lang), run.seed),
        (label("concentration", lang), run.concentration),
        (label("notes", lang), "\n".join(run.notes)),
    ]
    row = _block(ws, 3, block)
    names = {r.cluster_code: _name(r.name, r.name_zh, lang) for r in bundle.rows}
    row = _section(
        ws,
        row + 1,
        label("rank_intervals", lang),
        [label(h, lang) for h in ("rank", "code", "name", "median_rank", "rank_p05", "rank_p95")],
        [
            [i.rank, i.cluster_code, names.get(i.cluster_code, ""), i.median_rank, i.rank_p05, i.rank_p95]
            for i in run.intervals
        ],
        {},
    )
    _section(
        ws,
        row + 1,
        label("sensitivity_indices", lang),
        [label(h, lang) for h in ("source", "first_order", "total_effect")],
        [[label(f"src_{i.source}", lang), i.first_order, i.total] for i in run.indices],
        {2: _SCORE, 3: _SCORE},
    )
    _set_widths(ws, [44, 12, 44, 14, 14, 14])


def _audit_sheet(ws: Worksheet, bundle: ExportBundle) -> None:
    """Coverage, outliers, coherence and the decomposition of the largest movers, one section after another."""
    lang = bundle.lang
    _put(ws, 1, 1, label("audit_heading", lang)).font = Font(bold=True, size=14)
    ws.freeze_panes = "A2"
    audit = bundle.audit
    if audit is None:
        _put(ws, 3, 1, label("not_computed", lang))
        return
    indicator_name = {ind.code: _name(ind.name, ind.name_zh, lang) for ind in bundle.indicators}
    criterion_name = {c.code: _name(c.name, c.name_zh, lang) for c in bundle.criteria}
    by_code = {r.cluster_code: r for r in bundle.rows}

    def cluster_name(code: str) -> str:
        found = by_code.get(code)
        return _name(found.name, found.name_zh, lang) if found else ""

    row = _block(ws, 3, [(label("coverage_threshold", lang), audit.threshold)], number_format="0%")
    row = _section(
        ws,
        row + 1,
        label("coverage_heading", lang),
        [label(h, lang) for h in ("indicator", "name", "coverage_share")],
        [[code, indicator_name.get(code, ""), share] for code, share in audit.coverage],
        {3: "0.0%"},
    )
    row = _section(
        ws,
        row + 1,
        label("clusters_below", lang),
        [label(h, lang) for h in ("rank", "code", "name", "coverage_share", "criteria_below")],
        [
            [
                by_code[g.cluster_code].rank if g.cluster_code in by_code else None,
                g.cluster_code,
                cluster_name(g.cluster_code),
                g.share,
                ", ".join(g.criteria_below),
            ]
            for g in audit.clusters_below
        ],  # fmt: skip
        {4: "0.0%"},
    )
    row = _section(
        ws,
        row + 1,
        label("outliers_heading", lang),
        [label(h, lang) for h in ("indicator", "name", "skewness", "kurtosis", "flagged", "flagged_values")],
        [
            [
                o.indicator,
                indicator_name.get(o.indicator, ""),
                o.skewness,
                o.kurtosis,
                label("yes" if o.flagged else "no", lang),
                "; ".join(f"{c}: {v:g}" for c, v in o.values),
            ]
            for o in audit.outliers
        ],  # fmt: skip
        {3: "0.000", 4: "0.000"},
    )
    row = _section(
        ws,
        row + 1,
        label("coherence_heading", lang),
        [
            label(h, lang)
            for h in ("criterion", "name", "clusters_used", "alpha", "first_component_share", "components_over_1")
        ],  # fmt: skip
        [
            [
                c.criterion,
                criterion_name.get(c.criterion, ""),
                c.clusters,
                c.alpha,
                c.first_component_share,
                c.components_over_1,
            ]
            for c in audit.coherence
        ],  # fmt: skip
        {4: "0.000", 5: "0.000"},
    )
    row = _section(
        ws,
        row + 1,
        label("flagged_pairs", lang),
        [label(h, lang) for h in ("indicator_a", "indicator_b", "correlation", "flag")],
        [[p.a, p.b, p.r, label(p.flag, lang)] for p in audit.pairs],
        {3: "0.000"},
    )
    if audit.movers:
        codes = [c.code for c in bundle.criteria]
        row = _section(
            ws,
            row + 1,
            label("decomposition_heading", lang),
            [label(h, lang) for h in ("code", "name", "previous_rank", "rank", "change", "score_change")] + codes,
            [
                [
                    m.cluster_code,
                    cluster_name(m.cluster_code),
                    m.previous_rank,
                    m.rank,
                    m.rank_change,
                    m.score_change,
                    *(m.contributions.get(code) for code in codes),
                ]
                for m in audit.movers
            ],  # fmt: skip
            {5: _CHANGE, **{col: "+0.0000;-0.0000;0.0000" for col in range(6, 7 + len(codes))}},
        )
        _put(ws, row + 1, 1, label("decomposition_note", lang)).font = Font(italic=True, color="666666")
    _set_widths(ws, [14, 40, 14, 14, 14, 60, 12, 12, 12, 12, 12, 12, 12])


def _block(ws: Worksheet, start: int, items: Sequence[tuple[str, Any]], *, number_format: str = "0.###") -> int:
    """Key–value lines from row `start`; the row after the last."""
    for r, (key, value) in enumerate(items, start=start):
        _put(ws, r, 1, key).font = Font(bold=True)
        cell = _put(ws, r, 2, value)
        cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal="left")
        if isinstance(value, float):
            cell.number_format = number_format
    return start + len(items)


def _section(
    ws: Worksheet,
    start: int,
    title: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    formats: dict[int, str],
) -> int:
    """A titled table from row `start` (title, header, rows, or a `none` line); the row after it."""
    _put(ws, start, 1, title).font = Font(bold=True, size=12, color="1F4E79")
    _write_table(ws, headers, rows, formats, header_row=start + 1, with_filter=False)
    if not rows:
        _put(ws, start + 2, 1, "–")
        return start + 3
    return start + 2 + len(rows)


def _write_table(
    ws: Worksheet,
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    formats: dict[int, str],
    *,
    header_row: int = 1,
    with_filter: bool = True,
) -> None:
    """Header with the house style, then the rows with a number format per 1-based column, then a filter."""
    for col, text in enumerate(headers, start=1):
        cell = _put(ws, header_row, col, text)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = _HEADER_ALIGN
    for r, values in enumerate(rows, start=header_row + 1):
        for col, value in enumerate(values, start=1):
            cell = _put(ws, r, col, value)
            number_format = formats.get(col)
            if number_format and value is not None:
                cell.number_format = number_format
    if not with_filter:
        return
    last = get_column_letter(len(headers))
    ws.auto_filter.ref = f"A{header_row}:{last}{header_row + max(len(rows), 1)}"


def _put(ws: Worksheet, row: int, column: int, value: Any) -> Cell:
    """Every value of the workbook goes in here, so that no name or text can arrive as a live formula."""
    return ws.cell(row=row, column=column, value=safe_text(value))


def _rank_change_colours(ws: Worksheet, *, column: int, n_rows: int) -> None:
    """Green when a cluster moved up, red when it moved down, as conditional formats Excel re-evaluates."""
    letter = get_column_letter(column)
    cells = f"{letter}2:{letter}{max(n_rows, 1) + 1}"
    ws.conditional_formatting.add(
        cells, CellIsRule(operator="greaterThan", formula=["0"], font=Font(color="006100"), fill=_UP_FILL)
    )
    ws.conditional_formatting.add(
        cells, CellIsRule(operator="lessThan", formula=["0"], font=Font(color="9C0006"), fill=_DOWN_FILL)
    )


def _set_widths(ws: Worksheet, widths: Sequence[float]) -> None:
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width


def _value_format(indicator: IndicatorInfo) -> str:
    """The number format of an indicator's values, as shared/units.py prints them: counts whole, shares to 0.1."""
    if indicator.integer:
        return "#,##0"
    return "0.0" if indicator.unit == PERCENT else "#,##0.00"


def _name(name: str, name_zh: str, lang: Lang) -> str:
    return name_zh if lang == "zh" and name_zh else name
