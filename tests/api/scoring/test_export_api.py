"""GET /v1/rankings/export through the scoring service's ASGI app, on the demo data, with the recommendation
service answering in the shape of API.md (or not answering at all)."""

from __future__ import annotations

import codecs
import csv
import io
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import openpyxl
import pytest
from fastapi.testclient import TestClient

from services.scoring.exports.xlsx_export import SHEETS
from shared.clients import RecommendationsClient

ACTION_TITLE = {"en": "Raise the R&D intensity of above-scale firms", "zh": "提高规上企业研发投入强度"}
Handler = Callable[[httpx.Request], httpx.Response]


def recommendations_over(handler: Handler) -> RecommendationsClient:
    http = httpx.Client(transport=httpx.MockTransport(handler), base_url="http://recommendations")
    return RecommendationsClient("http://recommendations", http=http, read_retries=0)


@pytest.fixture
def recommendation_calls(scoring_client: TestClient, indicators_client: TestClient) -> Iterator[list[httpx.Request]]:
    """The scoring app's recommendation client answers every cluster as API.md says; yields the requests made."""
    clusters = indicators_client.get("/v1/clusters").json()
    calls: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        assert request.url.path == "/v1/recommendations"
        lang = request.url.params.get("lang", "en")
        year = int(request.url.params["year"])
        body: list[dict[str, Any]] = [
            {
                "cluster_code": c["code"],
                "year": year,
                "category": c["category"],
                "rank": rank,
                "score": 0.5,
                "strengths": ["C2"],
                "weaknesses": [{"criterion": "C1", "indicator": "C1.1", "value": 2.1, "benchmark": 3.4, "gap": 0.26}],
                "recommendations": [
                    {
                        "priority": 1,
                        "criterion": "C1",
                        "title": ACTION_TITLE[lang],
                        "action": "Co-fund enterprise R&D centres." if lang == "en" else "共建企业研发中心。",
                        "rationale": "C1.1 is 2.1 % against a peer benchmark of 3.4 % (26 % behind).",
                    }
                ],
            }
            for rank, c in enumerate(clusters, start=1)
        ]
        return httpx.Response(200, json=body)

    client = recommendations_over(answer)
    scoring_client.app.state.recommendations = client  # type: ignore[attr-defined]
    yield calls
    client.close()


def export(client: TestClient, **params: Any) -> httpx.Response:
    return client.get("/v1/rankings/export", params={"year": 2024, **params})


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler's pdftotext is not installed")
    source = tmp_path / "review.pdf"
    source.write_bytes(pdf)
    result = subprocess.run(["pdftotext", "-enc", "UTF-8", str(source), "-"], capture_output=True, check=True)
    return result.stdout.decode("utf-8")


def test_csv_has_a_bom_one_row_per_cluster_and_its_sources(
    scoring_client: TestClient, recommendation_calls: list[httpx.Request]
) -> None:
    ranking = scoring_client.get("/v1/rankings", params={"year": 2024}).json()
    response = export(scoring_client, format="csv")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == (
        f'attachment; filename="amc-ranking-2024-p{ranking["profile"]}.csv"'
    )
    assert response.content.startswith(codecs.BOM_UTF8)
    rows = list(csv.DictReader(io.StringIO(response.content[len(codecs.BOM_UTF8) :].decode("utf-8"))))
    assert len(rows) == len(ranking["results"])
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
    # The advice comes for the profile the ranking used, in the export's language, with the caller's key.
    (call,) = recommendation_calls
    assert call.url.params["profile"] == str(ranking["profile"])
    assert call.url.params["lang"] == "en"
    assert call.headers["X-API-Key"] == scoring_client.headers["X-API-Key"]


def test_the_same_inputs_give_the_same_csv_bytes(
    scoring_client: TestClient, recommendation_calls: list[httpx.Request]
) -> None:
    first = export(scoring_client, format="csv")
    second = export(scoring_client, format="csv")
    assert first.status_code == second.status_code == 200
    assert first.content == second.content


def test_method_reference_and_language_are_named_in_the_file_name(
    scoring_client: TestClient, recommendation_calls: list[httpx.Request]
) -> None:
    response = export(scoring_client, format="csv", method="vikor", reference="relative", lang="zh")
    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"].endswith('-vikor-relative-zh.csv"')
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert {r["method"] for r in rows} == {"vikor"}
    assert {r["reference"] for r in rows} == {"relative"}


def test_xlsx_opens_with_the_six_sheets(scoring_client: TestClient, recommendation_calls: list[httpx.Request]) -> None:
    response = export(scoring_client, format="xlsx")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response.headers["content-disposition"].startswith('attachment; filename="amc-ranking-2024-p')
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert tuple(workbook.sheetnames) == SHEETS
    ranking = scoring_client.get("/v1/rankings", params={"year": 2024}).json()
    codes = {cell.value for row in workbook["Ranking"].iter_rows() for cell in row}
    assert {r["cluster_code"] for r in ranking["results"]} <= codes
    advice = {cell.value for row in workbook["Recommendations"].iter_rows() for cell in row}
    assert ACTION_TITLE["en"] in advice
    about = {cell.value for row in workbook["About"].iter_rows() for cell in row}
    assert ranking["dataset_version"] in about


def test_pdf_in_chinese_reads_back_with_names_and_dataset_version(
    scoring_client: TestClient, recommendation_calls: list[httpx.Request], tmp_path: Path
) -> None:
    ranking = scoring_client.get("/v1/rankings", params={"year": 2024}).json()
    response = export(scoring_client, format="pdf", lang="zh")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].endswith('-zh.pdf"')
    assert response.content.startswith(b"%PDF")
    text = "".join(pdf_text(response.content, tmp_path).split())
    assert "".join(ranking["results"][0]["name_zh"].split()) in text
    assert ranking["dataset_version"] in text
    assert ACTION_TITLE["zh"] in text


def test_unknown_format_is_a_422(scoring_client: TestClient, recommendation_calls: list[httpx.Request]) -> None:
    response = export(scoring_client, format="docx")
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["errors"][0]["loc"] == ["query", "format"]
    assert export(scoring_client, format="csv", lang="fr").status_code == 422
    assert recommendation_calls == []


def test_unknown_year_or_profile_is_a_404(
    scoring_client: TestClient, recommendation_calls: list[httpx.Request]
) -> None:
    for params in ({"year": 1999}, {"profile": 999}):
        response = export(scoring_client, format="csv", **params)
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("application/problem+json")
    assert recommendation_calls == []


def test_a_viewer_may_not_export(
    scoring_client: TestClient, indicators_client: TestClient, recommendation_calls: list[httpx.Request]
) -> None:
    key = indicators_client.post("/v1/api-keys", json={"name": "reader", "role": "viewer"}).json()["key"]
    response = scoring_client.get(
        "/v1/rankings/export", params={"year": 2024, "format": "csv"}, headers={"X-API-Key": key}
    )
    assert response.status_code == 403


@pytest.mark.parametrize(
    "failure",
    [
        pytest.param(lambda request: (_ for _ in ()).throw(httpx.ConnectError("refused", request=request)), id="down"),
        pytest.param(lambda request: httpx.Response(500, json={"detail": "boom"}), id="server-error"),
    ],
)
def test_without_the_recommendation_service_the_export_is_a_503(scoring_client: TestClient, failure: Handler) -> None:
    scoring_client.app.state.recommendations = recommendations_over(failure)  # type: ignore[attr-defined]
    response = export(scoring_client, format="xlsx")
    assert response.status_code == 503
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "recommendations service" in response.json()["detail"]
