"""The uncertainty and audit annexes of the exports: the workbook's Uncertainty and Audit sheets, the CSV's rank
intervals (only when asked for), and the PDF's annexes, in English and Chinese, on the synthetic demo bundle."""

from __future__ import annotations

import csv
import dataclasses
import io
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from services.scoring.exports import ExportBundle, render_csv, render_pdf, render_xlsx
from services.scoring.exports.labels import label
from services.scoring.exports.xlsx_export import SHEETS
from shared.schemas.vocabulary import Lang
from tests.export_bundle import demo_bundle

LEGACY_HEADER = [
    "year", "rank", "cluster_code", "name", "name_zh", "category", "province", "industry", "score", "tier",
    "rank_change", "previous_year", "previous_rank", "previous_score",
    "score_C1", "score_C2", "score_C3", "score_C4", "score_C5", "score_C6", "score_C7",
    "imputed", "dataset_version", "profile_id", "method", "normalization", "reference", "synthetic_data",
]  # fmt: skip


@pytest.fixture(scope="module", params=["en", "zh"])
def bundle(request: pytest.FixtureRequest) -> ExportBundle:
    return demo_bundle(12, seed=3, lang=request.param)


@pytest.fixture(scope="module")
def workbook(bundle: ExportBundle) -> Any:
    return openpyxl.load_workbook(io.BytesIO(render_xlsx(bundle)))


def _section(sheet: Any, title: str) -> tuple[list[Any], list[list[Any]]]:
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    start = next(k for k, row in enumerate(values) if row[0] == title)
    header = [v for v in values[start + 1] if v is not None]
    rows = []
    for row in values[start + 2 :]:
        if row[0] is None or row[0] == "–":
            break
        rows.append(row[: len(header)])
    return header, rows


def _text(sheet: Any) -> list[Any]:
    return [cell.value for row in sheet.iter_rows() for cell in row if cell.value is not None]


# --- XLSX ----------------------------------------------------------------------------------------


def test_the_workbook_has_uncertainty_and_audit_sheets_before_about(workbook: Any) -> None:
    assert workbook.sheetnames == list(SHEETS)
    assert workbook.sheetnames[-3:] == ["Uncertainty", "Audit", "About"]


def test_uncertainty_sheet_holds_the_run_the_intervals_and_the_indices(workbook: Any, bundle: ExportBundle) -> None:
    lang = bundle.lang
    run = bundle.uncertainty
    assert run is not None
    sheet = workbook["Uncertainty"]
    assert sheet["A1"].value == label("uncertainty_heading", lang)
    block = {row[0].value: row[1].value for row in sheet.iter_rows(max_col=2, max_row=8) if row[0].value}
    assert block[label("samples", lang)] == run.samples
    assert block[label("base_samples", lang)] == run.base_samples
    assert block[label("seed", lang)] == run.seed
    assert block[label("sources_used", lang)] == "; ".join(label(f"src_{s}", lang) for s in run.sources)
    header, rows = _section(sheet, label("rank_intervals", lang))
    assert header == [label(h, lang) for h in ("rank", "code", "name", "median_rank", "rank_p05", "rank_p95")]
    assert [[r[0], r[1], r[3], r[4], r[5]] for r in rows] == [
        [i.rank, i.cluster_code, i.median_rank, i.rank_p05, i.rank_p95] for i in run.intervals
    ]
    assert [r[0] for r in rows] == sorted(r[0] for r in rows)
    header, rows = _section(sheet, label("sensitivity_indices", lang))
    assert header == [label(h, lang) for h in ("source", "first_order", "total_effect")]
    assert rows == [[label(f"src_{i.source}", lang), i.first_order, i.total] for i in run.indices]


def test_audit_sheet_holds_coverage_outliers_coherence_and_the_movers(workbook: Any, bundle: ExportBundle) -> None:
    lang = bundle.lang
    audit = bundle.audit
    assert audit is not None
    sheet = workbook["Audit"]
    assert sheet["A1"].value == label("audit_heading", lang)
    header, rows = _section(sheet, label("coverage_heading", lang))
    assert header == [label(h, lang) for h in ("indicator", "name", "coverage_share")]
    assert [[r[0], r[2]] for r in rows] == [[code, share] for code, share in audit.coverage]
    header, rows = _section(sheet, label("clusters_below", lang))
    assert header == [label(h, lang) for h in ("rank", "code", "name", "coverage_share", "criteria_below")]
    assert [r[1] for r in rows] == [g.cluster_code for g in audit.clusters_below]
    header, rows = _section(sheet, label("outliers_heading", lang))
    assert header == [
        label(h, lang) for h in ("indicator", "name", "skewness", "kurtosis", "flagged", "flagged_values")
    ]
    assert [r[0] for r in rows] == [o.indicator for o in audit.outliers]
    header, rows = _section(sheet, label("coherence_heading", lang))
    assert [r[3] for r in rows] == [c.alpha for c in audit.coherence]
    header, rows = _section(sheet, label("flagged_pairs", lang))
    assert [r[:4] for r in rows] == [[p.a, p.b, p.r, label(p.flag, lang)] for p in audit.pairs]
    header, rows = _section(sheet, label("decomposition_heading", lang))
    assert header[-7:] == [c.code for c in bundle.criteria]
    assert [r[0] for r in rows] == [m.cluster_code for m in audit.movers]
    for row, mover in zip(rows, audit.movers, strict=True):
        # A workbook keeps about 15 significant digits.
        assert row[6:] == pytest.approx([mover.contributions[c.code] for c in bundle.criteria], rel=1e-12)
    assert label("decomposition_note", lang) in _text(sheet)


def test_annex_sheets_say_so_when_the_analyses_are_missing(bundle: ExportBundle) -> None:
    bare = dataclasses.replace(bundle, uncertainty=None, audit=None)
    workbook = openpyxl.load_workbook(io.BytesIO(render_xlsx(bare)))
    for name in ("Uncertainty", "Audit"):
        assert label("not_computed", bundle.lang) in _text(workbook[name])


def test_annex_text_cannot_arrive_as_a_formula(bundle: ExportBundle) -> None:
    run, audit = bundle.uncertainty, bundle.audit
    assert run is not None
    assert audit is not None
    hostile = dataclasses.replace(
        bundle,
        uncertainty=dataclasses.replace(
            run,
            notes=['=HYPERLINK("http://x")'],
            intervals=[dataclasses.replace(i, cluster_code="=" + i.cluster_code) for i in run.intervals],
        ),
        audit=dataclasses.replace(
            audit,
            coverage=[("+" + code, share) for code, share in audit.coverage],
            movers=[dataclasses.replace(m, cluster_code="@" + m.cluster_code) for m in audit.movers],
        ),
    )
    data = render_xlsx(hostile)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/sheet")]
        assert len(sheets) == len(SHEETS)
        for name in sheets:
            assert re.search(rb"<f[\s>/]", archive.read(name)) is None, name
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    for name in ("Uncertainty", "Audit"):
        texts = [v for v in _text(workbook[name]) if isinstance(v, str)]
        assert not any(v[0] in "=+@" for v in texts), name
        assert any(v.lstrip("'").startswith(("=", "+", "@")) for v in texts), name


# --- CSV -----------------------------------------------------------------------------------------


def test_default_csv_is_unchanged_by_the_analyses(bundle: ExportBundle) -> None:
    data = render_csv(bundle)
    bare = dataclasses.replace(bundle, uncertainty=None, audit=None)
    assert data == render_csv(bare) == render_csv(bundle, uncertainty=False)
    header = next(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert header == LEGACY_HEADER


def test_csv_with_uncertainty_adds_the_rank_intervals_as_the_last_columns(bundle: ExportBundle) -> None:
    assert bundle.uncertainty is not None
    plain = list(csv.reader(io.StringIO(render_csv(bundle).decode("utf-8-sig"))))
    table = list(csv.reader(io.StringIO(render_csv(bundle, uncertainty=True).decode("utf-8-sig"))))
    assert table[0] == [*LEGACY_HEADER, "median_rank", "rank_p05", "rank_p95"]
    assert [row[:-3] for row in table] == plain
    assert [[row[2], *row[-3:]] for row in table[1:]] == [
        [i.cluster_code, str(i.median_rank), str(i.rank_p05), str(i.rank_p95)] for i in bundle.uncertainty.intervals
    ]


def test_csv_with_uncertainty_needs_the_analysis(bundle: ExportBundle) -> None:
    with pytest.raises(ValueError, match="uncertainty"):
        render_csv(dataclasses.replace(bundle, uncertainty=None), uncertainty=True)


# --- PDF -----------------------------------------------------------------------------------------


def _pdf_text(pdf: bytes, tmp_path: Path) -> str:
    if shutil.which("pdftotext") is None:
        message = "`pdftotext` is missing: install the Debian package poppler-utils to read PDFs back"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    source = tmp_path / "review.pdf"
    source.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(source), "-"], capture_output=True, check=True)
    return out.stdout.decode("utf-8")


def _headings(lang: Lang) -> list[str]:
    keys = ("uncertainty_annex", "chart_uncertainty", "sensitivity_indices", "sources_used", "audit_annex",
            "coverage_heading", "outliers_heading", "coherence_heading", "decomposition_heading")  # fmt: skip
    return [label(key, lang) for key in keys]


def test_pdf_has_the_annexes_after_the_cluster_pages(bundle: ExportBundle, tmp_path: Path) -> None:
    text = _pdf_text(render_pdf(bundle), tmp_path)
    flat = "".join(text.split())
    for heading in _headings(bundle.lang):
        assert "".join(heading.split()) in flat, heading
    assert flat.index("".join(label("uncertainty_annex", bundle.lang).split())) > flat.index(
        bundle.ranked_rows()[-1].cluster_code
    )
    assert bundle.uncertainty is not None
    assert str(bundle.uncertainty.seed) in text


def test_pdf_annexes_without_analyses_say_not_computed(bundle: ExportBundle, tmp_path: Path) -> None:
    bare = dataclasses.replace(bundle, uncertainty=None, audit=None)
    flat = "".join(_pdf_text(render_pdf(bare), tmp_path).split())
    assert "".join(label("uncertainty_annex", bundle.lang).split()) in flat
    assert "".join(label("not_computed", bundle.lang).split()) in flat
