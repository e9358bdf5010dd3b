"""GET /v1/recommendations/portfolio: the year's recommendations counted by category, checked against them."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

from services.recommendations.rules import DEFAULT_RULES_PATH
from shared.clients import RecommendationsClient

YEAR = 2024
CJK = re.compile(r"[\u4e00-\u9fff]")


def get(client: TestClient, path: str, **params: Any) -> Any:
    response = client.get(path, params={"year": YEAR, **params})
    assert response.status_code == 200, response.text
    return response.json()


def test_the_portfolio_counts_the_years_recommendations(recommendations_client: TestClient) -> None:
    answers = get(recommendations_client, "/v1/recommendations")
    portfolio = get(recommendations_client, "/v1/recommendations/portfolio")
    declared = yaml.safe_load(DEFAULT_RULES_PATH.read_text(encoding="utf-8"))["policy_paths"]
    assert portfolio["clusters"] == len(answers)
    assert [c["category"] for c in portfolio["categories"]] == ["basic", "strategic", "cutting_edge"]
    assert portfolio["dataset_version"] == answers[0]["dataset_version"]
    for entry in portfolio["categories"]:
        members = [a for a in answers if a["category"] == entry["category"]]
        assert entry["clusters"] == len(members)
        # Every declared path of the category, those without an action with zeros, most clusters first.
        assert {p["policy_path"] for p in entry["policy_paths"]} == set(declared[entry["category"]])
        assert [p["clusters"] for p in entry["policy_paths"]] == sorted(
            (p["clusters"] for p in entry["policy_paths"]), reverse=True
        )
        recs = [(a["cluster_code"], r) for a in members for r in a["recommendations"]]
        by_path = Counter(r["policy_path"] for _, r in recs)
        for path in entry["policy_paths"]:
            assert path["actions"] == by_path[path["policy_path"]]
            reached = {code for code, r in recs if r["policy_path"] == path["policy_path"]}
            assert path["clusters"] == len(reached)
            assert path["share"] == pytest.approx(len(reached) / len(members))
        assert sum(len(a["clusters"]) for a in entry["actions"]) == len(recs)
        for action in entry["actions"]:
            given = [code for code, r in recs if r["rule_id"] == action["rule_id"]]
            assert action["clusters"] == given
        acted = Counter(r["indicator"] for _, r in recs)
        weak = Counter(w["indicator"] for a in members for w in a["weaknesses"])
        gaps = Counter(g["indicator"] for a in members for g in a["data_gaps"])
        assert {i["indicator"]: (i["actions"], i["weaknesses"], i["data_gaps"]) for i in entry["indicators"]} == {
            code: (acted[code], weak[code], gaps[code]) for code in set(acted) | set(weak) | set(gaps)
        }


def test_the_portfolio_in_chinese(recommendations_client: TestClient) -> None:
    portfolio = get(recommendations_client, "/v1/recommendations/portfolio", lang="zh")
    assert portfolio["lang"] == "zh"
    for entry in portfolio["categories"]:
        assert CJK.search(entry["name"])
        assert all(CJK.search(p["name"]) for p in entry["policy_paths"])
        assert all(CJK.search(a["title"]) for a in entry["actions"])


@pytest.mark.parametrize(("params", "status"), [({"year": 1999}, 404), ({"profile": 999}, 404), ({"lang": "fr"}, 422)])
def test_bad_input(recommendations_client: TestClient, params: dict[str, Any], status: int) -> None:
    response = recommendations_client.get("/v1/recommendations/portfolio", params={"year": YEAR, **params})
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")


def test_the_typed_clients_read_the_portfolio_and_a_years_plans(recommendations_client: TestClient) -> None:
    client = RecommendationsClient("http://recommendations", http=recommendations_client)
    portfolio = client.portfolio(YEAR, lang="zh")
    assert portfolio.model_dump(mode="json") == get(recommendations_client, "/v1/recommendations/portfolio", lang="zh")
    plans = client.year_plans(YEAR, "top_quartile")
    assert [p.cluster_code for p in plans] == [
        a["cluster_code"] for a in get(recommendations_client, "/v1/recommendations")
    ]
    assert all(p.target == "top_quartile" for p in plans)
