"""Plans and the portfolio in the annual-review exports (issue 15): the XLSX Plans sheet and the PDF's plans annex,
in English and in Chinese, hold the very figures POST /v1/rankings/plan answers for the same model, with units in the
file's language and no live formula anywhere; the Portfolio sheet and page hold GET /v1/recommendations/portfolio's
counts."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import httpx
import openpyxl
import pytest
from fastapi.testclient import TestClient

from services.scoring.exports.labels import label
from shared.clients import RecommendationsClient
from shared.schemas.indicators import IndicatorRead
from shared.schemas.vocabulary import Lang
from shared.units import quantity, unit_in

YEAR = 2024
TARGET = "next_tier"
LANGS: tuple[Lang, ...] = ("en", "zh")


@pytest.fixture
def chain(scoring_client: TestClient, recommendations_client: TestClient) -> TestClient:
    """The scoring app with its advice from the recommendation app, which itself reads the scoring app."""
    scoring_client.app.state.recommendations = RecommendationsClient(  # type: ignore[attr-defined]
        "http://recommendations", http=recommendations_client
    )
    return scoring_client


def exported(client: TestClient, fmt: str, lang: Lang) -> bytes:
    response: httpx.Response = client.get("/v1/rankings/export", params={"year": YEAR, "format": fmt, "lang": lang})
    assert response.status_code == 200, response.text
    return response.content


def plans_by_endpoint(client: TestClient) -> list[dict[str, Any]]:
    """POST /v1/rankings/plan for every ranked cluster, in the ranking's order."""
    ranking = client.get("/v1/rankings", params={"year": YEAR}).json()
    out = []
    for row in ranking["results"]:
        body = {"year": YEAR, "profile": ranking["profile"], "cluster_code": row["cluster_code"], "target": TARGET}
        response = client.post("/v1/rankings/plan", json=body)
        assert response.status_code == 200, response.text
        out.append(response.json())
    return out


def indicator_tree(client: TestClient) -> dict[str, IndicatorRead]:
    nodes = client.get("/v1/indicators").json()
    return {i["code"]: IndicatorRead.model_validate(i) for c in nodes for i in c["children"]}


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    """The PDF's text by poppler's pdftotext, every run of whitespace removed (lines wrap anywhere)."""
    assert shutil.which("pdftotext"), "poppler's pdftotext is needed (make test installs poppler-utils)"
    source = tmp_path / "review.pdf"
    source.write_bytes(pdf)
    result = subprocess.run(["pdftotext", "-enc", "UTF-8", str(source), "-"], capture_output=True, check=True)
    return "".join(result.stdout.decode("utf-8").split())


@pytest.mark.parametrize("lang", LANGS)
def test_the_plans_sheet_holds_the_plan_endpoints_figures(
    chain: TestClient, indicators_client: TestClient, lang: Lang
) -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(exported(chain, "xlsx", lang)))
    sheet = workbook["Plans"]
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header, rows = values[0], values[1:]
    names = ("code", "step", "indicator", "unit", "from", "to", "peer_code", "effort", "reachable", "notes")
    column = {name: header.index(label(name, lang)) for name in names}
    plans = plans_by_endpoint(chain)
    expected = []
    for plan in plans:
        if not plan["changes"]:
            expected.append((plan["cluster_code"], None, None, None, None, None, None))
        for step, c in enumerate(plan["changes"], start=1):
            expected.append(
                (plan["cluster_code"], step, c["indicator"], c["from"], c["to"], c["peer"]["cluster_code"], c["effort"])
            )
    shown = [
        tuple(row[column[name]] for name in ("code", "step", "indicator", "from", "to", "peer_code", "effort"))
        for row in rows
    ]
    # The same numbers (to the 15 significant digits a workbook keeps): one function behind the endpoint and the file.
    assert [row[:3] + row[5:6] for row in shown] == [row[:3] + row[5:6] for row in expected]
    numbers = [value for row in shown for value in (row[3], row[4], row[6]) if value is not None]
    assert numbers == pytest.approx(
        [v for row in expected for v in (row[3], row[4], row[6]) if v is not None], rel=1e-13
    )
    assert any(plan["changes"] for plan in plans)
    reachable = {row[column["code"]]: row[column["reachable"]] for row in rows}
    assert reachable == {p["cluster_code"]: label("yes" if p["reachable"] else "no", lang) for p in plans}
    met = [row for row in rows if row[column["step"]] is None]
    assert all(row[column["notes"]] for row in met)  # a cluster without changes says why
    # Units in the file's language: Chinese units in the Chinese file, and none of the English ones.
    tree = indicator_tree(indicators_client)
    units = {row[column["unit"]] for row in rows if row[column["step"]] is not None}
    assert units == {unit_in(tree[row[column["indicator"]]], lang) for row in rows if row[column["step"]] is not None}
    if lang == "zh":
        english = {i.unit for i in tree.values() if i.unit_zh and i.unit_zh != i.unit}
        assert not units & english
        assert units & {"个", "家", "件", "项", "亿元", "人", "人年", "吨标准煤", "所", "台套"}
        headers = {cell.value for cell in next(workbook["Indicators"].iter_rows())}
        assert not any(f"({unit}," in str(h) for h in headers for unit in english)
        advice = [[cell.value for cell in row] for row in workbook["Recommendations"].iter_rows()]
        advice_units = {row[advice[0].index(label("unit", lang))] for row in advice[1:]} - {None}
        assert advice_units
        assert not advice_units & english


def test_no_sheet_has_a_formula(chain: TestClient) -> None:
    for lang in LANGS:
        with zipfile.ZipFile(io.BytesIO(exported(chain, "xlsx", lang))) as archive:
            sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
            assert len(sheets) == len(openpyxl.load_workbook(io.BytesIO(exported(chain, "xlsx", lang))).sheetnames)
            for name in sheets:
                assert not re.search(rb"<f[ >]", archive.read(name)), f"{lang} {name} holds a formula"


@pytest.mark.parametrize("lang", LANGS)
def test_the_pdf_plans_annex_reads_back_with_the_endpoints_figures(
    chain: TestClient, indicators_client: TestClient, lang: Lang, tmp_path: Path
) -> None:
    text = pdf_text(exported(chain, "pdf", lang), tmp_path)
    assert "".join(label("plans_annex", lang).format(target=label("target_next_tier", lang)).split()) in text
    tree = indicator_tree(indicators_client)
    plans = plans_by_endpoint(chain)
    for plan in plans:
        assert f"({plan['cluster_code']})" in text
        for c in plan["changes"]:
            indicator = tree[c["indicator"]]
            moved = f"{quantity(c['from'], indicator, lang)}→{quantity(c['to'], indicator, lang)}"
            assert "".join(moved.split()) in text, (plan["cluster_code"], moved)
    # Each cluster's page points to its plan in the annex.
    assert text.count("（见附录C）" if lang == "zh" else "(AnnexC).") == len(plans)
    # The footer names the model in the file's language, never as the code's words.
    assert "(minmax,fixed)" not in text
    if lang == "zh":
        assert "逼近理想解排序法（TOPSIS）·极差标准化·固定参照" in text
        english = {i.unit for i in tree.values() if i.unit_zh and i.unit_zh != i.unit} - {"count", "ratio"}
        assert not [unit for unit in english if re.search(rf"\d{re.escape(unit)}", text)]
        assert "亿元" in text
    else:
        assert "TOPSIS·min–max·fixedreference" in text


@pytest.mark.parametrize("lang", LANGS)
def test_the_portfolio_sheet_and_page_hold_the_services_counts(
    chain: TestClient, recommendations_client: TestClient, lang: Lang, tmp_path: Path
) -> None:
    portfolio = recommendations_client.get("/v1/recommendations/portfolio", params={"year": YEAR, "lang": lang}).json()
    sheet = openpyxl.load_workbook(io.BytesIO(exported(chain, "xlsx", lang)))["Portfolio"]
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    categories = portfolio["categories"]

    def section(title: str, length: int) -> list[list[Any]]:
        start = next(k for k, row in enumerate(values) if row[0] == label(title, lang)) + 2
        return values[start : start + length]

    paths = [tuple(row[:6]) for row in section("policy_paths", sum(len(c["policy_paths"]) for c in categories))]
    assert paths == [
        (c["name"], p["name"], p["clusters"], c["clusters"], pytest.approx(p["share"]), p["actions"])
        for c in categories
        for p in c["policy_paths"]
    ]
    actions = [(row[1], row[3]) for row in section("recurring_actions", sum(len(c["actions"]) for c in categories))]
    assert actions == [(a["title"], len(a["clusters"])) for c in categories for a in c["actions"]]

    text = pdf_text(exported(chain, "pdf", lang), tmp_path)
    assert "".join(label("portfolio_heading", lang).split()) in text
    for category in portfolio["categories"]:
        for path in category["policy_paths"]:
            assert "".join(f"{path['clusters']} / {category['clusters']}".split()) in text


def test_another_plan_target_is_named_in_the_sheet_and_the_file_name(chain: TestClient) -> None:
    response = chain.get("/v1/rankings/export", params={"year": YEAR, "format": "xlsx", "plan_target": "rank:5"})
    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"].endswith('-rank5.xlsx"')
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["Plans"]
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header, rows = values[0], values[1:]
    code, step, indicator = (header.index(label(name, "en")) for name in ("code", "step", "indicator"))
    assert {row[header.index(label("target", "en"))] for row in rows} == {"rank 5 or better"}
    for cluster in ("FS-HOME", "SH-IC"):
        plan = chain.post("/v1/rankings/plan", json={"year": YEAR, "cluster_code": cluster, "target": "rank:5"}).json()
        shown = [(row[step], row[indicator]) for row in rows if row[code] == cluster]
        wanted = [(k, c["indicator"]) for k, c in enumerate(plan["changes"], start=1)] or [(None, None)]
        assert shown == wanted


@pytest.mark.parametrize("target", ["tier_up", "rank:0", "rank:999"])
def test_a_plan_target_not_of_the_forms_or_out_of_range_is_a_422(chain: TestClient, target: str) -> None:
    response = chain.get("/v1/rankings/export", params={"year": YEAR, "format": "xlsx", "plan_target": target})
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["loc"] == ["query", "plan_target"]
