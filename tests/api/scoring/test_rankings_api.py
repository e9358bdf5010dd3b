"""Rankings of the stored demo data through the scoring service's ASGI app, reading the indicator service."""

from __future__ import annotations

import numpy as np
from fastapi.testclient import TestClient

HEADER = "cluster_code,indicator_code,year,value,source\n"


def test_default_ranking_of_2024(scoring_client: TestClient) -> None:
    response = scoring_client.get("/v1/rankings", params={"year": 2024})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["reference"] == "fixed"
    assert body["method"] == "topsis"
    assert body["synthetic"] is True
    assert body["previous_year"] == 2023
    results = body["results"]
    assert len(results) >= 30
    assert [r["rank"] for r in results] == sorted(r["rank"] for r in results)
    assert results[0]["rank"] == 1
    scores = [r["score"] for r in results]
    assert scores == sorted(scores, reverse=True)
    assert all(0 <= s <= 1 for s in scores)
    assert set(results[0]["criteria_scores"]) == {f"C{i}" for i in range(1, 8)}
    assert all(r["rank_change"] == r["previous_rank"] - r["rank"] for r in results)
    imputed = {r["cluster_code"]: r["imputed"] for r in results if r["imputed"]}
    assert imputed == {"CD-SOFTWARE": ["C7.2"], "NB-MAGNET": ["C3.2"], "ZZ-RAIL": ["C5.4"]}


def test_fixed_reference_score_matches_an_independent_computation(
    scoring_client: TestClient, indicators_client: TestClient
) -> None:
    ranking = scoring_client.get("/v1/rankings", params={"year": 2022}).json()
    profile = indicators_client.get(f"/v1/weight-profiles/{ranking['profile']}").json()
    tree = indicators_client.get("/v1/indicators").json()
    dataset = indicators_client.get("/v1/datasets/2022").json()
    weights = {w["code"]: w["global_weight"] for w in profile["indicators"]}
    row = dataset["clusters"].index("SH-IC")
    d_plus = d_minus = 0.0
    for criterion in tree:
        for indicator in criterion["children"]:
            x = dataset["values"][row][dataset["indicators"].index(indicator["code"])]
            lo, hi = indicator["ref_min"], indicator["ref_max"]
            r = (min(max(x, lo), hi) - lo) / (hi - lo)
            if indicator["direction"] == "cost":
                r = 1 - r
            w = weights[indicator["code"]]
            d_plus += (w * (1 - r)) ** 2
            d_minus += (w * r) ** 2
    expected = np.sqrt(d_minus) / (np.sqrt(d_plus) + np.sqrt(d_minus))
    got = next(r["score"] for r in ranking["results"] if r["cluster_code"] == "SH-IC")
    assert abs(got - expected) < 1e-12


def test_category_filter_keeps_fixed_scores(scoring_client: TestClient) -> None:
    everyone = {r["cluster_code"]: r["score"] for r in scoring_client.get("/v1/rankings?year=2024").json()["results"]}
    basic = scoring_client.get("/v1/rankings", params={"year": 2024, "category": "basic"}).json()["results"]
    assert basic
    assert all(r["category"] == "basic" for r in basic)
    assert all(abs(r["score"] - everyone[r["cluster_code"]]) < 1e-12 for r in basic)
    assert [r["rank"] for r in basic] == list(range(1, len(basic) + 1))


def test_relative_reference_uses_the_years_field(scoring_client: TestClient) -> None:
    body = scoring_client.get("/v1/rankings", params={"year": 2024, "reference": "relative"}).json()
    assert body["reference"] == "relative"
    assert body["normalization"] == "vector"
    other = scoring_client.get("/v1/rankings", params={"year": 2024, "reference": "relative", "method": "vikor"})
    assert other.status_code == 200
    assert other.json()["results"][0]["rank"] == 1


def test_fixed_reference_with_a_relative_method_is_a_422(scoring_client: TestClient) -> None:
    response = scoring_client.get("/v1/rankings", params={"year": 2024, "method": "vikor"})
    assert response.status_code == 422
    assert "reference=relative" in response.json()["detail"]


def test_unknown_year_and_profile_are_404(scoring_client: TestClient) -> None:
    assert scoring_client.get("/v1/rankings", params={"year": 1999}).status_code == 404
    missing = scoring_client.get("/v1/rankings", params={"year": 2024, "profile": 999})
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")


def test_bad_query_is_a_422(scoring_client: TestClient) -> None:
    assert scoring_client.get("/v1/rankings").status_code == 422
    assert scoring_client.get("/v1/rankings", params={"year": 2024, "method": "magic"}).status_code == 422


def test_a_data_change_is_never_served_stale(scoring_client: TestClient, indicators_client: TestClient) -> None:
    before = scoring_client.get("/v1/rankings", params={"year": 2024}).json()
    last = before["results"][-1]["cluster_code"]
    top_values = "\n".join(
        f"{last},{i['code']},2024,{i['ref_max'] if i['direction'] == 'benefit' else i['ref_min']},test"
        for c in indicators_client.get("/v1/indicators").json()
        for i in c["children"]
    )
    imported = indicators_client.post(
        "/v1/observations/import", files={"file": ("d.csv", (HEADER + top_values + "\n").encode())}
    )
    assert imported.status_code == 200, imported.text
    after = scoring_client.get("/v1/rankings", params={"year": 2024}).json()
    assert after["dataset_version"] != before["dataset_version"]
    assert after["results"][0]["cluster_code"] == last
    assert after["results"][0]["score"] == 1.0


def test_compare_two_years(scoring_client: TestClient) -> None:
    response = scoring_client.get("/v1/rankings/compare", params={"from": 2023, "to": 2024})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["reference"] == "fixed"
    row = body["results"][0]
    assert row["to"]["rank"] == 1
    assert row["rank_change"] == row["from"]["rank"] - row["to"]["rank"]
    assert abs(row["score_change"] - (row["to"]["score"] - row["from"]["score"])) < 1e-12
    ranking = scoring_client.get("/v1/rankings", params={"year": 2024}).json()
    assert {r["cluster_code"]: r["score"] for r in ranking["results"]} == {
        r["cluster_code"]: r["to"]["score"] for r in body["results"]
    }


def test_adding_a_cluster_changes_no_other_fixed_score(
    scoring_client: TestClient, indicators_client: TestClient
) -> None:
    ranking = scoring_client.get("/v1/rankings?year=2024").json()["results"]
    # A cluster with an imputed cell takes its category's median there, which a newcomer may move; every other
    # cluster's score depends only on its own values and the weights.
    before = {r["cluster_code"]: r["score"] for r in ranking if not r["imputed"]}
    assert len(before) >= len(ranking) - 3
    newcomer = {
        "code": "NEW-ONE", "name": "Newcomer", "name_zh": "新集群", "province": "Anhui", "industry": "new materials",
        "category": "strategic",
    }  # fmt: skip
    assert indicators_client.post("/v1/clusters", json=newcomer).status_code == 201
    rows = "\n".join(
        f"NEW-ONE,{i['code']},2024,{i['ref_max']},test"
        for c in indicators_client.get("/v1/indicators").json()
        for i in c["children"]
    )
    assert (
        indicators_client.post(
            "/v1/observations/import", files={"file": ("n.csv", (HEADER + rows).encode())}
        ).status_code
        == 200
    )
    after = {r["cluster_code"]: r["score"] for r in scoring_client.get("/v1/rankings?year=2024").json()["results"]}
    assert set(after) == {r["cluster_code"] for r in ranking} | {"NEW-ONE"}
    assert {code: after[code] for code in before} == before
    relative_before = scoring_client.get("/v1/rankings?year=2024&reference=relative").json()["results"]
    assert len(relative_before) == len(after)


def test_preview_with_the_profile_weights_equals_the_ranking(
    scoring_client: TestClient, indicators_client: TestClient
) -> None:
    ranking = scoring_client.get("/v1/rankings", params={"year": 2024}).json()
    profile = indicators_client.get(f"/v1/weight-profiles/{ranking['profile']}").json()
    weights = {w["code"]: w["global_weight"] * 10 for w in profile["indicators"]}
    preview = scoring_client.post("/v1/rankings/preview", json={"year": 2024, "weights": weights})
    assert preview.status_code == 200, preview.text
    assert [(r["cluster_code"], round(r["score"], 12)) for r in preview.json()["results"]] == [
        (r["cluster_code"], round(r["score"], 12)) for r in ranking["results"]
    ]


def test_preview_weight_on_one_indicator_ranks_by_it(scoring_client: TestClient, indicators_client: TestClient) -> None:
    codes = [i["code"] for c in indicators_client.get("/v1/indicators").json() for i in c["children"]]
    weights = {code: (1.0 if code == "C4.1" else 0.0) for code in codes}
    results = scoring_client.post("/v1/rankings/preview", json={"year": 2023, "weights": weights}).json()["results"]
    dataset = indicators_client.get("/v1/datasets/2023").json()
    column = dataset["indicators"].index("C4.1")
    best = max(dataset["clusters"], key=lambda c: dataset["values"][dataset["clusters"].index(c)][column])
    assert results[0]["cluster_code"] == best


def test_preview_rejects_bad_weights(scoring_client: TestClient) -> None:
    assert scoring_client.post("/v1/rankings/preview", json={"year": 2024, "weights": {"C1.1": -1}}).status_code == 422
    assert scoring_client.post("/v1/rankings/preview", json={"year": 2024, "weights": {"C1.1": 0}}).status_code == 422
    partial = scoring_client.post("/v1/rankings/preview", json={"year": 2024, "weights": {"C1.1": 1}})
    assert partial.status_code == 422
    assert partial.json()["errors"][0]["loc"] == ["weights", "C1.2"]
    unknown = scoring_client.post("/v1/rankings/preview", json={"year": 2024, "weights": {"C1.1": 1, "X": 1}})
    assert unknown.status_code == 422
