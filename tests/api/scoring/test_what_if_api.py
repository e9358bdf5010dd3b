"""POST /v1/rankings/what-if through the scoring service's ASGI app: rescored rows and the ranks they would reach."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

HEADER = "cluster_code,indicator_code,year,value,source\n"
# A ratio with no missing cell in the demo data: changing it moves no other cluster's imputed value.
INDICATOR = "C4.2"


def ranking(scoring_client: TestClient, year: int = 2024) -> dict[str, dict[str, Any]]:
    body = scoring_client.get("/v1/rankings", params={"year": year}).json()
    return {r["cluster_code"]: r for r in body["results"]}


def what_if(scoring_client: TestClient, body: dict[str, Any]) -> list[dict[str, Any]]:
    response = scoring_client.post("/v1/rankings/what-if", json=body)
    assert response.status_code == 200, response.text
    results: list[dict[str, Any]] = response.json()["results"]
    return results


def value_of(indicators_client: TestClient, cluster: str, indicator: str, year: int = 2024) -> float:
    dataset = indicators_client.get(f"/v1/datasets/{year}").json()
    value: float = dataset["values"][dataset["clusters"].index(cluster)][dataset["indicators"].index(indicator)]
    return value


def test_the_current_value_changes_nothing(scoring_client: TestClient, indicators_client: TestClient) -> None:
    now = ranking(scoring_client)
    code = sorted(now, key=lambda c: now[c]["rank"])[len(now) // 2]
    current = value_of(indicators_client, code, INDICATOR)
    [result] = what_if(
        scoring_client, {"year": 2024, "cluster_code": code, "candidates": [{"indicator": INDICATOR, "value": current}]}
    )
    assert result["current_value"] == current
    assert result["current_score"] == pytest.approx(now[code]["score"], abs=1e-12)
    assert result["current_rank"] == now[code]["rank"]
    assert result["score"] == pytest.approx(result["current_score"], abs=1e-12)
    assert result["rank"] == result["current_rank"]
    assert result["rank_gain"] == 0
    assert result["clipped"] is False


def test_candidates_of_many_clusters_in_one_request_keep_their_order(scoring_client: TestClient) -> None:
    now = ranking(scoring_client)
    codes = sorted(now, key=lambda c: now[c]["rank"], reverse=True)[:4]
    candidates = [{"cluster_code": c, "indicator": i, "value": 5.0} for c in codes for i in ("C4.2", "C1.1")]
    results = what_if(scoring_client, {"year": 2024, "candidates": candidates})
    assert [(r["cluster_code"], r["indicator"]) for r in results] == [
        (c["cluster_code"], c["indicator"]) for c in candidates
    ]
    for r in results:
        assert r["current_rank"] == now[r["cluster_code"]]["rank"]
        assert r["rank_gain"] == r["current_rank"] - r["rank"]
        assert r["score_gain"] == pytest.approx(r["score"] - r["current_score"], abs=1e-15)
        assert r["score"] >= r["current_score"], "raising a benefit indicator never lowers the score"


def test_the_what_if_rank_equals_an_independent_re_ranking(
    scoring_client: TestClient, indicators_client: TestClient
) -> None:
    now = ranking(scoring_client)
    code = max(now, key=lambda c: now[c]["rank"])  # the last: most room to climb
    [result] = what_if(
        scoring_client, {"year": 2024, "candidates": [{"cluster_code": code, "indicator": INDICATOR, "value": 4.8}]}
    )
    assert result["rank"] < result["current_rank"]
    imported = indicators_client.post(
        "/v1/observations/import", files={"file": ("w.csv", f"{HEADER}{code},{INDICATOR},2024,4.8,test\n".encode())}
    )
    assert imported.status_code == 200, imported.text
    after = ranking(scoring_client)
    assert after[code]["rank"] == result["rank"]
    assert after[code]["score"] == pytest.approx(result["score"], abs=1e-12)
    others = {c: r["score"] for c, r in now.items() if c != code}
    assert {c: after[c]["score"] for c in others} == others, "a fixed reference leaves the others' scores alone"


def test_a_value_beyond_the_reference_range_is_clipped(scoring_client: TestClient) -> None:
    body = {"year": 2024, "cluster_code": "XZ-MACHINERY", "candidates": [{"indicator": INDICATOR, "value": 5.0}]}
    [at_top] = what_if(scoring_client, body)
    body["candidates"] = [{"indicator": INDICATOR, "value": 50.0}]
    [beyond] = what_if(scoring_client, body)
    assert beyond["clipped"] is True
    assert at_top["clipped"] is False
    assert beyond["score"] == at_top["score"]


def test_wsm_scores_on_the_fixed_reference_too(scoring_client: TestClient) -> None:
    body = {
        "year": 2024,
        "method": "wsm",
        "cluster_code": "XZ-MACHINERY",
        "candidates": [{"indicator": "C4.2", "value": 5}],
    }
    [result] = what_if(scoring_client, body)
    assert 0 <= result["current_score"] <= result["score"] <= 1


def test_unknown_clusters_are_404_naming_them(scoring_client: TestClient, indicators_client: TestClient) -> None:
    newcomer = {
        "code": "NO-DATA", "name": "No data yet", "name_zh": "暂无数据", "province": "Anhui", "industry": "materials",
        "category": "strategic",
    }  # fmt: skip
    assert indicators_client.post("/v1/clusters", json=newcomer).status_code == 201
    candidates = [
        {"cluster_code": "XZ-MACHINERY", "indicator": "C4.2", "value": 3},
        {"cluster_code": "NOPE", "indicator": "C4.2", "value": 3},
        {"cluster_code": "NO-DATA", "indicator": "C4.2", "value": 3},
    ]
    response = scoring_client.post("/v1/rankings/what-if", json={"year": 2024, "candidates": candidates})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert "NOPE (no such cluster)" in problem["detail"]
    assert "NO-DATA (no observations in 2024)" in problem["detail"]
    assert [e["loc"] for e in problem["errors"]] == [
        ["body", "candidates", 1, "cluster_code"],
        ["body", "candidates", 2, "cluster_code"],
    ]


def test_unknown_indicators_are_422_located(scoring_client: TestClient) -> None:
    body = {"year": 2024, "cluster_code": "XZ-MACHINERY", "candidates": [{"indicator": "C9.9", "value": 1}]}
    response = scoring_client.post("/v1/rankings/what-if", json=body)
    assert response.status_code == 422
    assert "C9.9" in response.json()["detail"]
    assert response.json()["errors"][0]["loc"] == ["body", "candidates", 0, "indicator"]


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"year": 1999}, 404),
        ({"profile": 999}, 404),
        ({"cluster_code": None}, 422),
        ({"candidates": []}, 422),
        ({"reference": "relative"}, 422),
        ({"method": "vikor"}, 422),
        ({"candidates": [{"indicator": "C4.2", "value": "a lot"}]}, 422),
    ],
)
def test_bad_requests(scoring_client: TestClient, change: dict[str, Any], status: int) -> None:
    body = {"year": 2024, "cluster_code": "XZ-MACHINERY", "candidates": [{"indicator": "C4.2", "value": 3}], **change}
    response = scoring_client.post("/v1/rankings/what-if", json=body)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
