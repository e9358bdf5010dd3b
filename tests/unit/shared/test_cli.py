"""The `amc` command line against the services' ASGI apps (demo data): output, files and exit codes."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import openpyxl
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from shared import cli
from shared.clients import IndicatorsClient, RecommendationsClient, ScoringClient, ServiceClient
from tests.conftest import ADMIN_KEY

HEADER = "cluster_code,indicator_code,year,value,source\n"
ACTION_TITLE = {"en": "Raise the R&D intensity of above-scale firms", "zh": "提高规上企业研发投入强度"}
# Wide enough that rich never wraps a name, so the output can be searched for whole names.
ENV = {"AMC_API_KEY": ADMIN_KEY, "COLUMNS": "240"}


def advice(code: str, lang: str) -> dict[str, Any]:
    """A recommendation object in the shape of API.md."""
    return {
        "cluster_code": code,
        "year": 2024,
        "category": "strategic",
        "rank": 3,
        "score": 0.61,
        "strengths": ["C2"],
        "weaknesses": [{"criterion": "C1", "indicator": "C1.1", "value": 2.1, "benchmark": 3.4, "gap": 0.26}],
        "recommendations": [
            {
                "priority": 1,
                "criterion": "C1",
                "title": ACTION_TITLE[lang],
                "action": "Co-fund enterprise R&D centres.",
                "rationale": "C1.1 is 2.1 % against a peer benchmark of 3.4 % (26 % behind).",
            }
        ],
    }


@pytest.fixture
def recommendations_http(indicators_client: TestClient) -> Iterator[httpx.Client]:
    """A stand-in recommendation service: every known cluster has advice, an unknown one is a 404 problem."""
    codes = [c["code"] for c in indicators_client.get("/v1/clusters").json()]

    def answer(request: httpx.Request) -> httpx.Response:
        lang = request.url.params.get("lang", "en")
        if request.url.path == "/v1/recommendations":
            return httpx.Response(200, json=[advice(code, lang) for code in codes])
        code = request.url.path.rsplit("/", 1)[-1]
        if code not in codes:
            problem = {"type": "about:blank", "title": "Not found", "status": 404, "detail": f"no cluster {code}"}
            return httpx.Response(404, json=problem, headers={"content-type": "application/problem+json"})
        return httpx.Response(200, json=advice(code, lang))

    with httpx.Client(transport=httpx.MockTransport(answer), base_url="http://recommendations") as client:
        yield client


@pytest.fixture
def runner(
    monkeypatch: pytest.MonkeyPatch,
    indicators_client: TestClient,
    scoring_client: TestClient,
    recommendations_http: httpx.Client,
) -> CliRunner:
    """A runner whose commands reach the ASGI apps; the scoring app gets its advice from the stand-in too."""
    scoring_client.app.state.recommendations = RecommendationsClient(  # type: ignore[attr-defined]
        "http://recommendations", http=recommendations_http, read_retries=0
    )
    transports: dict[type[ServiceClient], httpx.Client] = {
        IndicatorsClient: indicators_client,
        ScoringClient: scoring_client,
        RecommendationsClient: recommendations_http,
    }

    def make_client(kind: type[ServiceClient], base_url: str, api_key: str | None) -> ServiceClient:
        client = kind(base_url, api_key=api_key, http=transports[kind], read_retries=0)
        monkeypatch.setattr(client, "close", lambda: None)  # the fixtures own the transports
        return client

    monkeypatch.setattr(cli, "make_client", make_client)
    return CliRunner()


def test_import_writes_a_good_file_and_a_dry_run_does_not(runner: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "observations.csv"
    source.write_text(HEADER + "SH-IC,C1.1,2024,4.25,cli test\n", encoding="utf-8")
    checked = runner.invoke(cli.app, ["import", str(source), "--dry-run"], env=ENV)
    assert checked.exit_code == 0, checked.output
    assert "Checked 1 rows (years 2024): 0 new, 1 updated" in checked.output
    assert "Nothing was written" in checked.output
    imported = runner.invoke(cli.app, ["import", str(source)], env=ENV)
    assert imported.exit_code == 0, imported.output
    assert "Imported 1 rows (years 2024): 0 new, 1 updated, 0 unchanged." in imported.output


def test_a_rejected_import_prints_every_bad_row_and_exits_3(runner: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "bad.csv"
    source.write_text(HEADER + "SH-IC,C1.1,2024,4.25,ok\nNO-SUCH,C1.1,2024,1,x\nSH-IC,C1.2,2024,lots,x\n")
    result = runner.invoke(cli.app, ["import", str(source)], env=ENV)
    assert result.exit_code == cli.EXIT_REJECTED, result.output
    assert "Error: Invalid input" in result.output
    assert "row 3, column cluster_code" in result.output
    assert "row 4, column value" in result.output
    assert "Traceback" not in result.output


def test_a_missing_file_is_a_usage_error(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli.app, ["import", str(tmp_path / "nowhere.csv")], env=ENV)
    assert result.exit_code == cli.EXIT_USAGE


def test_rank_prints_the_table(runner: CliRunner, scoring_client: TestClient) -> None:
    ranking = scoring_client.get("/v1/rankings", params={"year": 2024}).json()
    result = runner.invoke(cli.app, ["rank", "--year", "2024"], env=ENV)
    assert result.exit_code == 0, result.output
    for column in ("Rank", "Change", "Code", "Name", "Category", "Score", "Tier"):
        assert column in result.output
    top = ranking["results"][0]
    assert top["cluster_code"] in result.output
    assert top["name"] in result.output
    assert f"{top['score']:.4f}" in result.output
    assert ranking["dataset_version"] in result.output
    assert "Synthetic demo data" in result.output


def test_rank_of_a_category_in_chinese(runner: CliRunner, scoring_client: TestClient) -> None:
    basic = scoring_client.get("/v1/rankings", params={"year": 2024, "category": "basic"}).json()["results"]
    result = runner.invoke(cli.app, ["rank", "--year", "2024", "--category", "basic", "--lang", "zh"], env=ENV)
    assert result.exit_code == 0, result.output
    assert basic[0]["name_zh"] in result.output
    assert "strategic" not in result.output


def test_rank_of_an_unknown_year_exits_4_with_the_problem(runner: CliRunner) -> None:
    result = runner.invoke(cli.app, ["rank", "--year", "1999"], env=ENV)
    assert result.exit_code == cli.EXIT_NOT_FOUND
    assert "Error: Not found" in result.output
    assert "1999" in result.output
    assert "Traceback" not in result.output


def test_a_bad_option_is_a_usage_error(runner: CliRunner) -> None:
    assert runner.invoke(cli.app, ["rank"], env=ENV).exit_code == cli.EXIT_USAGE
    assert runner.invoke(cli.app, ["rank", "--year", "2024", "--method", "magic"], env=ENV).exit_code == 2


def test_a_rejected_combination_exits_3(runner: CliRunner) -> None:
    result = runner.invoke(cli.app, ["rank", "--year", "2024", "--method", "vikor"], env=ENV)
    assert result.exit_code == cli.EXIT_REJECTED
    assert "reference=relative" in result.output


def test_export_writes_the_workbook(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "review.xlsx"
    result = runner.invoke(cli.app, ["export", "--year", "2024", "--format", "xlsx", "-o", str(target)], env=ENV)
    assert result.exit_code == 0, result.output
    assert f"Wrote {target}" in result.output
    workbook = openpyxl.load_workbook(io.BytesIO(target.read_bytes()))
    assert workbook.sheetnames[0] == "Ranking"
    assert len(workbook.sheetnames) == 6


def test_export_of_an_unknown_profile_exits_4_and_writes_nothing(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "review.csv"
    args = ["export", "--year", "2024", "--profile", "999", "--format", "csv", "-o", str(target)]
    result = runner.invoke(cli.app, args, env=ENV)
    assert result.exit_code == cli.EXIT_NOT_FOUND
    assert not target.exists()


def test_recommend_prints_the_advice(runner: CliRunner) -> None:
    result = runner.invoke(cli.app, ["recommend", "SH-IC", "--year", "2024", "--lang", "zh"], env=ENV)
    assert result.exit_code == 0, result.output
    assert "SH-IC" in result.output
    assert ACTION_TITLE["zh"] in result.output
    assert "C1.1" in result.output
    assert "26%" in result.output


def test_recommend_for_an_unknown_cluster_exits_4(runner: CliRunner) -> None:
    result = runner.invoke(cli.app, ["recommend", "NO-SUCH", "--year", "2024"], env=ENV)
    assert result.exit_code == cli.EXIT_NOT_FOUND
    assert "no cluster NO-SUCH" in result.output


def test_an_unreachable_service_exits_5(monkeypatch: pytest.MonkeyPatch) -> None:
    # The real client factory, pointed at a port nothing listens on.
    monkeypatch.setattr(ServiceClient, "__init__", _without_retries(ServiceClient.__init__))
    result = CliRunner().invoke(cli.app, ["--scoring-url", "http://127.0.0.1:9", "rank", "--year", "2024"], env=ENV)
    assert result.exit_code == cli.EXIT_UNAVAILABLE
    assert "the scoring service did not answer" in result.output
    assert "Traceback" not in result.output


def _without_retries(init: Any) -> Any:
    def patched(self: ServiceClient, base_url: str, **kwargs: Any) -> None:
        init(self, base_url, **{**kwargs, "read_retries": 0})

    return patched
