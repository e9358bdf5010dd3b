"""Issue 14, item 9: profile names in both languages, from publishing to the lists and the exports."""

from __future__ import annotations

import io

import openpyxl
from fastapi.testclient import TestClient

from shared.clients import RecommendationsClient


def test_a_published_profile_keeps_its_chinese_name(scoring_client: TestClient, indicators_client: TestClient) -> None:
    panel = indicators_client.get("/v1/panels").json()[0]
    body = {"name": "Review 2025", "name_zh": "2025年度评审", "override_reason": "names only"}
    published = scoring_client.post(f"/v1/panels/{panel['id']}/publish", json=body)
    assert published.status_code == 201, published.text
    profile = published.json()
    assert (profile["name"], profile["name_zh"]) == ("Review 2025", "2025年度评审")
    listed = {p["id"]: p for p in indicators_client.get("/v1/weight-profiles").json()}
    assert listed[profile["id"]]["name_zh"] == "2025年度评审"
    assert indicators_client.get(f"/v1/weight-profiles/{profile['id']}").json()["name_zh"] == "2025年度评审"


def test_the_demo_profiles_have_chinese_names(indicators_client: TestClient) -> None:
    profiles = indicators_client.get("/v1/weight-profiles").json()
    assert profiles
    assert all(p["name_zh"] for p in profiles)
    default = next(p for p in profiles if p["is_default"])
    assert default["name_zh"] == "全国评审专家组（全部15位专家）"


def test_a_name_too_long_is_refused_at_the_field(scoring_client: TestClient, indicators_client: TestClient) -> None:
    panel = indicators_client.get("/v1/panels").json()[0]
    refused = scoring_client.post(f"/v1/panels/{panel['id']}/publish", json={"name": "x", "name_zh": "长" * 201})
    assert refused.status_code == 422, refused.text
    assert any(error["loc"][-1] == "name_zh" for error in refused.json()["errors"])


def test_the_chinese_export_names_the_profile_in_chinese(
    scoring_client: TestClient, recommendations_client: TestClient
) -> None:
    scoring_client.app.state.recommendations = RecommendationsClient(  # type: ignore[attr-defined]
        "http://recommendations", http=recommendations_client
    )
    cells = {}
    for lang in ("en", "zh"):
        response = scoring_client.get("/v1/rankings/export", params={"year": 2024, "format": "xlsx", "lang": lang})
        assert response.status_code == 200, response.text
        about = openpyxl.load_workbook(io.BytesIO(response.content))["About"]  # sheet names stay English
        cells[lang] = " ".join(str(cell.value) for row in about.iter_rows() for cell in row if cell.value)
    assert "全国评审专家组（全部15位专家）" in cells["zh"]
    assert "National review panel (all 15 experts)" in cells["en"]
    assert "全国评审专家组" not in cells["en"]
