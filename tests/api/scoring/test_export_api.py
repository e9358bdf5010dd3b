"""GET /v1/rankings/export through the scoring service's ASGI app on the demo data, with its advice from the
recommendation service's ASGI app (which reads the scoring app in turn), or with no recommendation service."""

from __future__ import annotations

import codecs
import csv
import io
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

from services.scoring.exports.xlsx_export import SHEETS
from shared.clients import RecommendationsClient

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
    return client.get("/v1/rankings/export", params={"year": 2024, **params})


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


def test_xlsx_opens_with_the_six_sheets_and_the_advice(chain: TestClient, recommendations_client: TestClient) -> None:
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
