"""The `amc` command line against the services' ASGI apps (demo data): output, files and exit codes."""

from __future__ import annotations

import io
from pathlib import Path

import httpx
import openpyxl
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from services.scoring.exports.xlsx_export import SHEETS
from shared import cli
from shared.clients import IndicatorsClient, RecommendationsClient, ScoringClient, ServiceClient
from tests.support.environment import ADMIN_KEY

HEADER = "cluster_code,indicator_code,year,value,source\n"
# Wide enough that rich never wraps a name, so the output can be searched for whole names.
ENV = {"AMC_API_KEY": ADMIN_KEY, "COLUMNS": "240"}


@pytest.fixture
def runner(
    monkeypatch: pytest.MonkeyPatch,
    indicators_client: TestClient,
    scoring_client: TestClient,
    recommendations_client: TestClient,
) -> CliRunner:
    """A runner whose commands reach the ASGI apps; the scoring app gets its advice from the recommendation app."""
    scoring_client.app.state.recommendations = RecommendationsClient(  # type: ignore[attr-defined]
        "http://recommendations", http=recommendations_client
    )
    transports: dict[type[ServiceClient], httpx.Client] = {
        IndicatorsClient: indicators_client,
        ScoringClient: scoring_client,
        RecommendationsClient: recommendations_client,
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
    assert workbook.sheetnames == list(SHEETS)


def test_export_of_an_unknown_profile_exits_4_and_writes_nothing(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "review.csv"
    args = ["export", "--year", "2024", "--profile", "999", "--format", "csv", "-o", str(target)]
    result = runner.invoke(cli.app, args, env=ENV)
    assert result.exit_code == cli.EXIT_NOT_FOUND
    assert not target.exists()


def test_recommend_prints_the_advice(runner: CliRunner, recommendations_client: TestClient) -> None:
    advice = recommendations_client.get("/v1/recommendations/SH-IC", params={"year": 2024, "lang": "zh"}).json()
    result = runner.invoke(cli.app, ["recommend", "SH-IC", "--year", "2024", "--lang", "zh"], env=ENV)
    assert result.exit_code == 0, result.output
    assert advice["name"] in result.output
    assert f"rank {advice['rank']}" in result.output
    assert all(s["text"] in result.output for s in advice["strengths"])
    assert all(w["indicator"] in result.output for w in advice["weaknesses"])
    assert all(a["title"] in result.output for a in advice["recommendations"])


def test_recommend_for_an_unknown_cluster_exits_4(runner: CliRunner) -> None:
    result = runner.invoke(cli.app, ["recommend", "NO-SUCH", "--year", "2024"], env=ENV)
    assert result.exit_code == cli.EXIT_NOT_FOUND
    assert "Error: Not found" in result.output
    assert "NO-SUCH" in result.output


def test_an_unreachable_service_exits_5() -> None:
    # The real client factory, pointed at a port nothing listens on.
    result = CliRunner().invoke(cli.app, ["--scoring-url", "http://127.0.0.1:9", "rank", "--year", "2024"], env=ENV)
    assert result.exit_code == cli.EXIT_UNAVAILABLE
    assert "Error: Upstream unavailable" in result.output
    assert "the scoring service did not answer" in result.output
    assert "Traceback" not in result.output


def test_export_makes_the_plans_for_the_target_asked(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "review.xlsx"
    args = ["export", "--year", "2024", "--plan-target", "top_quartile", "-o", str(target)]
    result = runner.invoke(cli.app, args, env=ENV)
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(io.BytesIO(target.read_bytes()))["Plans"]
    plans = [[c.value for c in row] for row in sheet.iter_rows()]
    column = plans[0].index("Target")
    assert {row[column] for row in plans[1:]} == {"the top quartile of the category"}
    refused = tmp_path / "refused.xlsx"
    bad = runner.invoke(cli.app, ["export", "--year", "2024", "--plan-target", "tier_up", "-o", str(refused)], env=ENV)
    assert bad.exit_code == cli.EXIT_REJECTED
    assert not refused.exists()
