"""Annual-review exports: CSV bytes, the workbook read back with openpyxl, the PDF read back with poppler."""

from __future__ import annotations

import codecs
import csv
import dataclasses
import io
import os
import shutil
import subprocess
from pathlib import Path

import matplotlib
import openpyxl
import pytest

from services.scoring.exports import (
    Action,
    ClusterAdvice,
    ExportBundle,
    render_csv,
    render_pdf,
    render_xlsx,
    tier_of,
)
from services.scoring.exports.fonts import ENV_OVERRIDE, CJKFontMissing, find_cjk_font
from services.scoring.exports.xlsx_export import SHEETS
from tests.export_bundle import demo_bundle


@pytest.fixture(scope="module")
def bundle() -> ExportBundle:
    return demo_bundle(12, seed=3)


@pytest.fixture(scope="module")
def bundle_zh() -> ExportBundle:
    return demo_bundle(12, seed=3, lang="zh")


# --- tiers ---------------------------------------------------------------------------------------


def test_tiers_sit_on_the_upper_side_of_each_boundary() -> None:
    # mean 1.0: exactly 120 %, 90 % and 50 % of the mean belong to the upper tier
    assert tier_of([1.2, 0.9, 0.5, 0.49, 1.91]) == ["leading", "strong", "moderate", "emerging", "leading"]


def test_tiers_just_below_each_boundary_fall_to_the_lower_tier() -> None:
    assert tier_of([1.19, 0.89, 0.49, 1.43]) == ["strong", "moderate", "emerging", "leading"]


def test_tiers_of_equal_or_no_scores() -> None:
    assert tier_of([]) == []
    assert tier_of([0.4, 0.4]) == ["strong", "strong"]
    assert tier_of([0.0, 0.0]) == ["strong", "strong"]


def test_tiers_refuse_negative_scores() -> None:
    with pytest.raises(ValueError, match="non-negative"):
        tier_of([0.5, -0.1])


def test_demo_tiers_follow_tier_of(bundle: ExportBundle) -> None:
    assert [row.tier for row in bundle.rows] == tier_of([row.score for row in bundle.rows])


# --- CSV -----------------------------------------------------------------------------------------


def _csv_rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_csv_is_utf8_with_bom_one_row_per_cluster_in_rank_order(bundle: ExportBundle) -> None:
    data = render_csv(bundle)
    assert data.startswith(codecs.BOM_UTF8)
    rows = _csv_rows(data)
    assert len(rows) == len(bundle.rows)
    ranks = [int(row["rank"]) for row in rows]
    assert ranks == sorted(ranks)
    assert ranks[0] == 1
    assert {row["cluster_code"] for row in rows} == {row.cluster_code for row in bundle.rows}


def test_csv_carries_names_scores_and_its_source(bundle: ExportBundle) -> None:
    rows = _csv_rows(render_csv(bundle))
    first = bundle.ranked_rows()[0]
    assert rows[0]["name_zh"] == first.name_zh
    assert any("市" in row["name_zh"] for row in rows)
    assert rows[0]["score"] == f"{first.score:.6f}"
    assert rows[0]["score_C1"] == f"{first.criteria_scores['C1']:.6f}"
    for row in rows:
        assert row["dataset_version"] == bundle.dataset_version
        assert row["profile_id"] == bundle.profile.id
        assert row["method"] == bundle.method
        assert row["reference"] == bundle.reference
        assert row["synthetic_data"] == "true"


def test_csv_is_byte_identical_for_the_same_inputs(bundle: ExportBundle) -> None:
    again = demo_bundle(12, seed=3)
    later = dataclasses.replace(again, generated_at="2030-01-01T00:00:00+00:00")
    assert render_csv(bundle) == render_csv(bundle) == render_csv(again) == render_csv(later)


# --- XLSX ----------------------------------------------------------------------------------------


def test_xlsx_opens_with_its_sheets_and_frozen_headers(bundle: ExportBundle) -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(render_xlsx(bundle)))
    assert workbook.sheetnames == list(SHEETS)
    for name in SHEETS:
        assert workbook[name].freeze_panes is not None, name
    ranking = workbook["Ranking"]
    assert ranking.freeze_panes == "E2"
    assert ranking.max_row == len(bundle.rows) + 1
    assert ranking["A2"].value == 1
    assert ranking["I2"].number_format == "0.0000"
    codes = {ranking.cell(row=r, column=3).value for r in range(2, ranking.max_row + 1)}
    assert codes == {row.cluster_code for row in bundle.rows}


def test_xlsx_colours_rank_change_by_conditional_formatting(bundle: ExportBundle) -> None:
    ranking = openpyxl.load_workbook(io.BytesIO(render_xlsx(bundle)))["Ranking"]
    rules = {
        rule.operator: (str(ranges.sqref), rule.dxf.fill.fgColor.rgb if rule.dxf.fill else None)
        for ranges in ranking.conditional_formatting
        for rule in ranges.rules
    }
    assert set(rules) >= {"greaterThan", "lessThan"}
    assert rules["greaterThan"][0] == rules["lessThan"][0] == f"B2:B{len(bundle.rows) + 1}"


def test_xlsx_about_names_its_sources_and_the_synthetic_notice(bundle: ExportBundle) -> None:
    about = openpyxl.load_workbook(io.BytesIO(render_xlsx(bundle)))["About"]
    text = "\n".join(str(cell.value) for row in about.iter_rows() for cell in row if cell.value is not None)
    for expected in (
        bundle.dataset_version,
        bundle.profile.id,
        "TOPSIS",
        bundle.software_version,
        "Synthetic",
    ):
        assert expected in text
    observed = dataclasses.replace(bundle, synthetic=False)
    about = openpyxl.load_workbook(io.BytesIO(render_xlsx(observed)))["About"]
    text = "\n".join(str(cell.value) for row in about.iter_rows() for cell in row if cell.value is not None)
    assert "Synthetic" not in text


def test_xlsx_indicators_hold_raw_values_and_mark_imputed_cells(bundle: ExportBundle) -> None:
    row = next(r for r in bundle.ranked_rows() if r.imputed)
    column = 5 + [ind.code for ind in bundle.indicators].index(row.imputed[0])
    sheet = openpyxl.load_workbook(io.BytesIO(render_xlsx(bundle)))["Indicators"]
    cell = sheet.cell(row=row.rank + 1, column=column)
    assert sheet.cell(row=row.rank + 1, column=2).value == row.cluster_code
    assert cell.value == row.values[row.imputed[0]]
    assert cell.font.i
    assert cell.comment is not None
    assert "(%" in str(sheet.cell(row=1, column=5).value)


def test_xlsx_weights_and_recommendations(bundle_zh: ExportBundle) -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(render_xlsx(bundle_zh)))
    weights = [[c.value for c in row] for row in workbook["Weights"].iter_rows()]
    codes = [row[1] for row in weights]
    assert "C1" in codes
    assert "C7.4" in codes
    advice = [[c.value for c in row] for row in workbook["Recommendations"].iter_rows(min_row=2)]
    first = bundle_zh.ranked_rows()[0]
    actions = bundle_zh.recommendations[first.cluster_code].actions
    assert any(row[1] == first.cluster_code and row[10] == actions[0].title for row in advice)


def test_xlsx_holds_80_clusters() -> None:
    data = render_xlsx(demo_bundle(80))
    assert openpyxl.load_workbook(io.BytesIO(data))["Ranking"].max_row == 81


# --- PDF -----------------------------------------------------------------------------------------


def _poppler(tool: str) -> str:
    """The poppler tool's path; without it the test fails on CI and is skipped elsewhere."""
    path = shutil.which(tool)
    if path is None:
        message = f"`{tool}` is missing: install the Debian package poppler-utils to read PDFs back"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


def _pdf_pages(pdf: bytes, tmp_path: Path) -> list[str]:
    """The PDF's text page by page, as pdftotext extracts it, checked against pdfinfo's page count."""
    source = tmp_path / "review.pdf"
    source.write_bytes(pdf)
    text = subprocess.run(
        [_poppler("pdftotext"), "-enc", "UTF-8", str(source), "-"], capture_output=True, check=True
    ).stdout.decode("utf-8")
    info = subprocess.run([_poppler("pdfinfo"), str(source)], capture_output=True, check=True, text=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    extracted = text.split("\f")
    if extracted and not extracted[-1].strip():
        extracted.pop()
    assert len(extracted) == pages
    return extracted


@pytest.fixture(scope="module")
def pdf_zh(bundle_zh: ExportBundle) -> bytes:
    return render_pdf(bundle_zh)


def test_pdf_is_a_pdf(pdf_zh: bytes) -> None:
    assert pdf_zh.startswith(b"%PDF-")
    assert pdf_zh.rstrip().endswith(b"%%EOF")


def test_pdf_chinese_text_comes_back_out(pdf_zh: bytes, bundle_zh: ExportBundle, tmp_path: Path) -> None:
    text = "\n".join(_pdf_pages(pdf_zh, tmp_path))
    for heading in ("先进制造业集群科技支撑能力年度评估", "方法说明", "综合排名", "建议举措"):
        assert heading in text
    assert bundle_zh.ranked_rows()[0].name_zh in text
    assert bundle_zh.dataset_version in text
    assert bundle_zh.profile.id in text
    assert "合成演示数据" in text


def test_pdf_has_one_page_per_cluster_in_rank_order_before_the_annexes(
    pdf_zh: bytes, bundle_zh: ExportBundle, tmp_path: Path
) -> None:
    pages = _pdf_pages(pdf_zh, tmp_path)
    rows = bundle_zh.ranked_rows()
    annex = next(k for k, page in enumerate(pages) if "附录A：排名不确定性分析" in page)
    cluster_pages = pages[annex - len(rows) : annex]
    for page, row in zip(cluster_pages, rows, strict=True):
        assert f"{row.rank}. {row.name_zh}" in page
        assert row.cluster_code in page
    others = pages[: annex - len(rows)] + pages[annex:]
    assert not any(f"· {row.cluster_code}" in page for page in others for row in rows)


def test_pdf_in_english_keeps_chinese_names(bundle: ExportBundle, tmp_path: Path) -> None:
    pages = _pdf_pages(render_pdf(bundle), tmp_path)
    text = "\n".join(pages)
    assert "Method summary" in text
    assert "Ranking" in text
    first = bundle.ranked_rows()[0]
    assert first.name_zh in text
    assert "Synthetic demo data" in text


def test_pdf_keeps_a_long_advice_on_one_page(bundle: ExportBundle, tmp_path: Path) -> None:
    first = bundle.ranked_rows()[0]
    long_text = "Expand shared pilot-test capacity and open it to every supplier of the cluster. " * 4
    actions = [Action(i, "C2", f"Action {i}", long_text, long_text) for i in range(1, 13)]
    advice = ClusterAdvice(strengths=["A strength"] * 6, weaknesses=[], actions=actions)
    crowded = dataclasses.replace(bundle, recommendations={**bundle.recommendations, first.cluster_code: advice})
    plain = _pdf_pages(render_pdf(bundle), tmp_path)
    assert len(_pdf_pages(render_pdf(crowded), tmp_path)) == len(plain)


def test_pdf_without_a_previous_year(bundle: ExportBundle, tmp_path: Path) -> None:
    rows = [dataclasses.replace(row, previous_rank=None, previous_score=None, rank_change=None) for row in bundle.rows]
    first_year = dataclasses.replace(bundle, previous_year=None, rows=rows)
    text = "\n".join(_pdf_pages(render_pdf(first_year), tmp_path))
    assert "No previous year to compare with." in text


# --- fonts ---------------------------------------------------------------------------------------


def test_font_override_must_exist(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_OVERRIDE, "/nonexistent/font.ttf")
    with pytest.raises(CJKFontMissing, match="no such file"):
        find_cjk_font()


def test_font_override_must_have_chinese_glyphs(monkeypatch: pytest.MonkeyPatch) -> None:
    latin_only = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
    monkeypatch.setenv(ENV_OVERRIDE, str(latin_only))
    with pytest.raises(CJKFontMissing, match="no glyphs"):
        find_cjk_font()


def test_a_cjk_font_is_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_OVERRIDE, raising=False)
    assert find_cjk_font().is_file()
