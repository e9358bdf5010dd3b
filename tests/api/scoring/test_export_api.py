"""GET /v1/rankings/export through the scoring service's ASGI app on the demo data, with its advice from the
recommendation service's ASGI app (which reads the scoring app in turn), or with no recommendation service."""

from __future__ import annotations

import codecs
import csv
import io
import math
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import openpyxl
import pytest
from fastapi.testclient import TestClient

from services.scoring.exports.labels import label
from services.scoring.exports.xlsx_export import SHEETS
from shared.clients import RecommendationsClient
from shared.schemas.vocabulary import Lang

Handler = Callable[[httpx.Request], httpx.Response]


def recommendations_over(handler: Handler) -> RecommendationsClient:
    http = httpx.Client(transport=httpx.MockTransport(handler), base_url="http://recommendations")
    return RecommendationsClient("http://recommendations", http=http, read_retries=0)


@pytest.fixture
def advice_requests(recommendations_client: TestClient) -> list[httpx.Request]:
    """The requests the recommendation app receives."""
    requests: list[httpx.Request] = []
    recommendations_client.event_hooks["request"].append(requests.append)
    return requests


@pytest.fixture
def chain(scoring_client: TestClient, recommendations_client: TestClient) -> TestClient:
    """The scoring app with its advice from the recommendation app, which itself reads the scoring app."""
    scoring_client.app.state.recommendations = RecommendationsClient(  # type: ignore[attr-defined]
        "http://recommendations", http=recommendations_client
    )
    return scoring_client


def export(client: TestClient, **params: Any) -> httpx.Response:
    response: httpx.Response = client.get("/v1/rankings/export", params={"year": 2024, **params})
    return response


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    if shutil.which("pdftotext") is None:
        message = "poppler's pdftotext is not installed (make test installs poppler-utils)"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message)
        pytest.skip(message)
    source = tmp_path / "review.pdf"
    source.write_bytes(pdf)
    result = subprocess.run(["pdftotext", "-enc", "UTF-8", str(source), "-"], capture_output=True, check=True)
    return result.stdout.decode("utf-8")


def test_csv_has_a_bom_one_row_per_cluster_and_its_sources(
    chain: TestClient, advice_requests: list[httpx.Request]
) -> None:
    ranking = chain.get("/v1/rankings", params={"year": 2024}).json()
    response = export(chain, format="csv")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == (
        f'attachment; filename="amc-ranking-2024-p{ranking["profile"]}.csv"'
    )
    assert response.content.startswith(codecs.BOM_UTF8)
    rows = list(csv.DictReader(io.StringIO(response.content[len(codecs.BOM_UTF8) :].decode("utf-8"))))
    assert [r["cluster_code"] for r in rows] == [r["cluster_code"] for r in ranking["results"]]
    first = rows[0]
    assert first["rank"] == "1"
    assert first["name_zh"] == ranking["results"][0]["name_zh"]
    assert {f"score_C{i}" for i in range(1, 8)} <= set(first)
    assert {r["dataset_version"] for r in rows} == {ranking["dataset_version"]}
    assert {r["profile_id"] for r in rows} == {str(ranking["profile"])}
    assert {r["method"] for r in rows} == {"topsis"}
    assert {r["synthetic_data"] for r in rows} == {"true"}
    assert {r["previous_year"] for r in rows} == {"2023"}
    # The advice is asked for the profile the ranking used, in the export's language, with the caller's key.
    (asked,) = [r for r in advice_requests if r.url.path == "/v1/recommendations"]
    assert asked.url.params["profile"] == str(ranking["profile"])
    assert asked.url.params["lang"] == "en"
    assert asked.headers["X-API-Key"] == chain.headers["X-API-Key"]


def test_the_same_inputs_give_the_same_csv_bytes(chain: TestClient) -> None:
    first = export(chain, format="csv")
    second = export(chain, format="csv")
    assert first.status_code == second.status_code == 200
    assert first.content == second.content


def test_method_reference_and_language_are_named_in_the_file_name(chain: TestClient) -> None:
    response = export(chain, format="csv", method="vikor", reference="relative", lang="zh")
    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"].endswith('-vikor-relative-zh.csv"')
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert {r["method"] for r in rows} == {"vikor"}
    assert {r["reference"] for r in rows} == {"relative"}


def test_xlsx_opens_with_its_sheets_and_the_advice(chain: TestClient, recommendations_client: TestClient) -> None:
    response = export(chain, format="xlsx")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response.headers["content-disposition"].startswith('attachment; filename="amc-ranking-2024-p')
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert tuple(workbook.sheetnames) == SHEETS
    ranking = chain.get("/v1/rankings", params={"year": 2024}).json()
    codes = {cell.value for row in workbook["Ranking"].iter_rows() for cell in row}
    assert {r["cluster_code"] for r in ranking["results"]} <= codes
    about = {cell.value for row in workbook["About"].iter_rows() for cell in row}
    assert ranking["dataset_version"] in about
    advice = recommendations_client.get("/v1/recommendations", params={"year": 2024}).json()
    titles = {a["title"] for item in advice for a in item["recommendations"]}
    strengths = {s["text"] for item in advice for s in item["strengths"]}
    cells = {cell.value for row in workbook["Recommendations"].iter_rows() for cell in row}
    assert titles
    assert titles <= cells
    assert strengths <= cells


def test_pdf_in_chinese_reads_back_with_names_advice_and_dataset_version(
    chain: TestClient, recommendations_client: TestClient, tmp_path: Path
) -> None:
    ranking = chain.get("/v1/rankings", params={"year": 2024}).json()
    response = export(chain, format="pdf", lang="zh")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].endswith('-zh.pdf"')
    assert response.content.startswith(b"%PDF")
    text = "".join(pdf_text(response.content, tmp_path).split())
    assert "".join(ranking["results"][0]["name_zh"].split()) in text
    assert ranking["dataset_version"] in text
    advice = recommendations_client.get("/v1/recommendations", params={"year": 2024, "lang": "zh"}).json()
    title = next(a["title"] for item in advice for a in item["recommendations"])
    assert "".join(title.split()) in text


def test_unknown_format_or_language_is_a_422(chain: TestClient, advice_requests: list[httpx.Request]) -> None:
    response = export(chain, format="docx")
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["errors"][0]["loc"] == ["query", "format"]
    assert export(chain, format="csv", lang="fr").status_code == 422
    assert advice_requests == []


def test_unknown_year_or_profile_is_a_404(chain: TestClient, advice_requests: list[httpx.Request]) -> None:
    for params in ({"year": 1999}, {"profile": 999}):
        response = export(chain, format="csv", **params)
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("application/problem+json")
    assert advice_requests == []


def test_a_viewer_may_not_export(chain: TestClient, indicators_client: TestClient) -> None:
    key = indicators_client.post("/v1/api-keys", json={"name": "reader", "role": "viewer"}).json()["key"]
    response = chain.get("/v1/rankings/export", params={"year": 2024, "format": "csv"}, headers={"X-API-Key": key})
    assert response.status_code == 403


def _refused(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("connection refused", request=request)


@pytest.mark.parametrize(
    "failure",
    [
        pytest.param(_refused, id="down"),
        pytest.param(lambda request: httpx.Response(500, json={"detail": "boom"}), id="server-error"),
        pytest.param(lambda request: httpx.Response(200, json=[{"cluster_code": "SH-IC"}]), id="wrong-shape"),
    ],
)
def test_without_the_recommendation_service_the_export_is_a_503(scoring_client: TestClient, failure: Handler) -> None:
    scoring_client.app.state.recommendations = recommendations_over(failure)  # type: ignore[attr-defined]
    response = export(scoring_client, format="xlsx")
    assert response.status_code == 503
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "recommendations service" in response.json()["detail"]


# --- uncertainty and audit annexes ---------------------------------------------------------------


def _section(sheet: Any, title: str) -> tuple[list[Any], list[list[Any]]]:
    """The header and rows of the titled table of an annex sheet (column A holds the title, then the header)."""
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    start = next(k for k, row in enumerate(values) if row[0] == title)
    header = [v for v in values[start + 1] if v is not None]
    rows = []
    for row in values[start + 2 :]:
        if row[0] is None or row[0] == "–":
            break
        rows.append(row[: len(header)])
    return header, rows


def _same(actual: list[list[Any]], expected: list[list[Any]]) -> bool:
    """Equal cell by cell; floats to 1e-12 relative, as a workbook keeps about 15 significant digits."""

    def close(a: Any, b: Any) -> bool:
        if isinstance(a, float) or isinstance(b, float):
            return a is not None and b is not None and math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-15)
        return bool(a == b)

    return len(actual) == len(expected) and all(
        len(x) == len(y) and all(close(a, b) for a, b in zip(x, y, strict=True))
        for x, y in zip(actual, expected, strict=True)
    )


def _block(sheet: Any) -> dict[str, Any]:
    return {row[0].value: row[1].value for row in sheet.iter_rows(max_col=2) if row[0].value is not None}


def _uncertainty(client: TestClient, sources: list[str]) -> dict[str, Any]:
    body = {"year": 2024, "samples": 5000, "seed": 42, "sources": sources}
    response = client.post("/v1/rankings/uncertainty", json=body)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def _sources_of(client: TestClient) -> list[str]:
    """The export's sources: weights and imputation, and the panel when the default profile has one."""
    ranking = client.get("/v1/rankings", params={"year": 2024}).json()
    profile = client.app.state.indicators.weight_profile(ranking["profile"])  # type: ignore[attr-defined]
    return ["weights", "panel", "imputation"] if profile.judgments else ["weights", "imputation"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_xlsx_uncertainty_sheet_equals_the_uncertainty_endpoint(chain: TestClient, lang: Lang) -> None:
    response = export(chain, format="xlsx", lang=lang)
    assert response.status_code == 200, response.text
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook["Uncertainty"]
    assert sheet["A1"].value == label("uncertainty_heading", lang)
    sources = _sources_of(chain)
    expected = _uncertainty(chain, sources)
    block = _block(sheet)
    assert block[label("samples", lang)] == expected["samples"]
    assert block[label("base_samples", lang)] == expected["base_samples"]
    assert block[label("seed", lang)] == 42
    assert block[label("sources_used", lang)] == "; ".join(label(f"src_{s}", lang) for s in sources)
    header, rows = _section(sheet, label("rank_intervals", lang))
    assert header == [label(h, lang) for h in ("rank", "code", "name", "median_rank", "rank_p05", "rank_p95")]
    assert [[r[0], r[1], r[3], r[4], r[5]] for r in rows] == [
        [e["rank"], e["cluster_code"], e["median_rank"], e["rank_p05"], e["rank_p95"]] for e in expected["results"]
    ]
    header, rows = _section(sheet, label("sensitivity_indices", lang))
    assert header == [label(h, lang) for h in ("source", "first_order", "total_effect")]
    assert _same(
        [[r[0], r[1], r[2]] for r in rows],
        [[label(f"src_{i['source']}", lang), i["first_order"], i["total"]] for i in expected["sensitivity_indices"]],
    )


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_xlsx_audit_sheet_equals_the_audit_and_compare_endpoints(chain: TestClient, lang: Lang) -> None:
    def t(key: str) -> str:
        return label(key, lang)

    response = export(chain, format="xlsx", lang=lang)
    assert response.status_code == 200, response.text
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["Audit"]
    assert sheet["A1"].value == t("audit_heading")
    audit = chain.get("/v1/rankings/audit", params={"year": 2024}).json()
    assert _block(sheet)[t("coverage_threshold")] == audit["coverage"]["threshold"]

    header, rows = _section(sheet, t("coverage_heading"))
    assert header == [t("indicator"), t("name"), t("coverage_share")]
    assert _same([[r[0], r[2]] for r in rows], [[i["code"], i["share"]] for i in audit["coverage"]["indicators"]])

    header, rows = _section(sheet, t("clusters_below"))
    assert header == [t(h) for h in ("rank", "code", "name", "coverage_share", "criteria_below")]
    below = [c for c in audit["coverage"]["clusters"] if c["criteria_below"]]
    assert _same(
        [[r[1], r[3], r[4]] for r in rows],
        [[c["cluster_code"], c["share"], ", ".join(c["criteria_below"])] for c in below],
    )

    header, rows = _section(sheet, t("outliers_heading"))
    assert header == [t(h) for h in ("indicator", "name", "skewness", "kurtosis", "flagged", "flagged_values")]
    assert _same(
        [[r[0], r[2], r[3], r[4]] for r in rows],
        [[o["indicator"], o["skewness"], o["kurtosis"], t("yes" if o["flagged"] else "no")] for o in audit["outliers"]],
    )
    for row, outlier in zip(rows, audit["outliers"], strict=True):
        for value in outlier["values"]:
            assert f"{value['cluster_code']}: {value['value']:g}" in (row[5] or "")

    header, rows = _section(sheet, t("coherence_heading"))
    assert header == [
        t(h) for h in ("criterion", "name", "clusters_used", "alpha", "first_component_share", "components_over_1")
    ]
    assert _same(
        [[r[0], r[2], r[3], r[4], r[5]] for r in rows],
        [
            [c["criterion"], c["clusters"], c["alpha"], c["first_component_share"], c["components_over_1"]]
            for c in audit["coherence"]["criteria"]
        ],
    )
    pairs = audit["coherence"]["pairs"]
    header, rows = _section(sheet, t("flagged_pairs"))
    assert header == [t(h) for h in ("indicator_a", "indicator_b", "correlation", "flag")]
    assert _same([r[:4] for r in rows], [[p["a"], p["b"], p["r"], t(p["flag"])] for p in pairs])

    compare = chain.get("/v1/rankings/compare", params={"from": 2023, "to": 2024}).json()
    by_code = {r["cluster_code"]: r for r in compare["results"]}
    criteria = [f"C{i}" for i in range(1, 8)]
    header, rows = _section(sheet, t("decomposition_heading"))
    assert header == [t(h) for h in ("code", "name", "previous_rank", "rank", "change", "score_change")] + criteria
    assert rows
    moved = [r for r in compare["results"] if r["rank_change"] and r["contributions"] is not None]
    biggest = max(abs(r["rank_change"]) for r in moved)
    assert biggest in {abs(row[4]) for row in rows}
    for row in rows:
        expected = by_code[row[0]]
        wanted = [expected["from"]["rank"], expected["to"]["rank"], expected["rank_change"], expected["score_change"]]
        assert _same([row[2:]], [wanted + [expected["contributions"][c] for c in criteria]])


def test_csv_rank_intervals_only_with_uncertainty_true(chain: TestClient) -> None:
    plain = export(chain, format="csv")
    assert plain.status_code == 200, plain.text
    header = next(csv.reader(io.StringIO(plain.content.decode("utf-8-sig"))))
    assert header[-1] == "synthetic_data"
    assert not {"median_rank", "rank_p05", "rank_p95"} & set(header)
    assert export(chain, format="csv", uncertainty="false").content == plain.content

    extended = export(chain, format="csv", uncertainty="true")
    assert extended.status_code == 200, extended.text
    table = list(csv.reader(io.StringIO(extended.content.decode("utf-8-sig"))))
    assert table[0] == [*header, "median_rank", "rank_p05", "rank_p95"]
    # The same file with three more columns at the end; the rows and their order are unchanged.
    base = list(csv.reader(io.StringIO(plain.content.decode("utf-8-sig"))))
    assert [row[:-3] for row in table] == base
    expected = _uncertainty(chain, _sources_of(chain))["results"]
    assert [row[2:3] + row[-3:] for row in table[1:]] == [
        [e["cluster_code"], str(e["median_rank"]), str(e["rank_p05"]), str(e["rank_p95"])] for e in expected
    ]
    # Asking for the intervals leaves the default CSV as it was.
    assert export(chain, format="csv").content == plain.content


@pytest.mark.parametrize(
    ("lang", "headings"),
    [
        ("en", ("Annex A: uncertainty of the ranks", "Annex B: statistical audit of the data", "Rank intervals")),
        ("zh", ("附录A：排名不确定性分析", "附录B：数据统计审计", "排名区间")),
    ],
)
def test_pdf_has_the_uncertainty_and_audit_annexes(
    chain: TestClient, tmp_path: Path, lang: str, headings: tuple[str, ...]
) -> None:
    response = export(chain, format="pdf", lang=lang)
    assert response.status_code == 200, response.text
    text = "".join(pdf_text(response.content, tmp_path).split())
    for heading in headings:
        assert "".join(heading.split()) in text
    assert "42" in text


def test_xlsx_of_a_relative_ranking_has_its_own_uncertainty_run(chain: TestClient) -> None:
    response = export(chain, format="xlsx", method="vikor", reference="relative")
    assert response.status_code == 200, response.text
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    ranking = chain.get("/v1/rankings", params={"year": 2024, "method": "vikor", "reference": "relative"}).json()
    _, rows = _section(workbook["Uncertainty"], label("rank_intervals", "en"))
    assert [[r[0], r[1]] for r in rows] == [[r["rank"], r["cluster_code"]] for r in ranking["results"]]
