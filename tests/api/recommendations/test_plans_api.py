"""Plans (GET /v1/recommendations/{cluster_code}/plan, computed by POST /v1/rankings/plan), re-scored in the test.

Every plan of every demo cluster of 2024 and every target form is re-scored here with an independent NumPy TOPSIS
(tests/support/plans.py) from the stored values and the profile: it reaches its target, each `to` is a stored value
of the named same-category peer, dropping any change misses the target, and for small plans no smaller or cheaper
plan exists (brute force over every candidate value).
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

from tests.support.plans import TIER_ORDER, YearData, meets, rank_of, tier_of

YEAR = 2024


@pytest.fixture
def year_data(indicators_client: TestClient, scoring_client: TestClient) -> YearData:
    profile_id = scoring_client.get("/v1/rankings", params={"year": YEAR}).json()["profile"]
    return YearData.of(
        indicators_client.get(f"/v1/datasets/{YEAR}").json(),
        indicators_client.get("/v1/clusters").json(),
        indicators_client.get("/v1/indicators").json(),
        indicators_client.get(f"/v1/weight-profiles/{profile_id}").json(),
    )


def get_plan(client: TestClient, code: str, target: str, **params: Any) -> dict[str, Any]:
    response = client.get(f"/v1/recommendations/{code}/plan", params={"year": YEAR, "target": target, **params})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def candidates(data: YearData, code: str, j: int) -> list[tuple[float, float, str]]:
    """(value, effort, peer) of every stored value of another same-category cluster better than the cluster's."""
    i = data.row(code)
    own = data.scaled(data.values[i])[j]
    out = []
    for k in np.flatnonzero(data.same_category(code)):
        if k == i or np.isnan(data.raw[k, j]):
            continue
        row = data.values[i].copy()
        row[j] = data.raw[k, j]
        if data.scaled(row)[j] > own:
            effort = abs(data.raw[k, j] - data.values[i, j]) / (data.upper[j] - data.lower[j])
            out.append((float(data.raw[k, j]), float(effort), data.codes[k]))
    return out


def goal_tier(data: YearData, code: str) -> str:
    current = tier_of(data.field(), data.row(code))
    return TIER_ORDER[max(TIER_ORDER.index(current) - 1, 0)]


def check_plan(data: YearData, code: str, target: str, plan: dict[str, Any]) -> None:
    """Re-score the plan independently and check everything the contract promises of it."""
    i = data.row(code)
    field = data.field()
    same = data.same_category(code)
    goal = goal_tier(data, code)
    assert plan["current"]["score"] == pytest.approx(field[i], abs=1e-12)
    assert plan["current"]["rank"] == rank_of(field, i)
    assert plan["current"]["tier"] == tier_of(field, i)

    def reaches(changes: list[tuple[int, float]]) -> bool:
        row = data.values[i].copy()
        for j, value in changes:
            row[j] = value
        changed = field.copy()
        changed[i] = data.score(row)[0]
        return meets(target, changed, i, same, goal)

    changes = [(data.indicators.index(c["indicator"]), c["to"]) for c in plan["changes"]]
    if meets(target, field, i, same, goal):
        assert plan["reachable"] is True
        assert plan["changes"] == []
        assert plan["reached"] == plan["current"]
        return
    if not plan["reachable"]:
        assert plan["changes"] == []
        # Each indicator at the best value a peer reached (the highest on the scale, i.e. the lowest for a cost).
        best = [(j, max(c, key=lambda x: (-1 if data.cost[j] else 1) * x[0])[0])
                for j in range(len(data.indicators)) if (c := candidates(data, code, j))]  # fmt: skip
        assert not reaches(best), f"{code} {target}: every peer's best together reaches it"
        return
    assert changes, f"{code} {target}: reachable but not met, yet no changes"
    assert reaches(changes), f"{code} {target}: the plan does not reach its target"
    row = data.values[i].copy()
    for j, value in changes:
        row[j] = value
    changed = field.copy()
    changed[i] = data.score(row)[0]
    assert plan["reached"]["score"] == pytest.approx(changed[i], abs=1e-12)
    assert plan["reached"]["rank"] == rank_of(changed, i)
    assert plan["reached"]["tier"] == tier_of(changed, i)
    assert len({j for j, _ in changes}) == len(changes)
    for change, (j, value) in zip(plan["changes"], changes, strict=True):
        peer = data.row(change["peer"]["cluster_code"])
        assert same[peer]
        assert peer != i
        assert change["peer"]["value"] == value == data.raw[peer, j], "`to` is not the peer's stored value"
        assert change["from"] == data.values[i, j]
        assert change["imputed"] == bool(np.isnan(data.raw[i, j]))
        assert (value, change["effort"]) in [(v, pytest.approx(e)) for v, e, _ in candidates(data, code, j)]
    assert plan["effort"] == pytest.approx(sum(c["effort"] for c in plan["changes"]))
    for dropped in range(len(changes)):
        assert not reaches(changes[:dropped] + changes[dropped + 1 :]), f"{code} {target}: change {dropped} is idle"
    if len(changes) <= 3:
        brute_force_minimal(data, code, changes, plan["effort"], reaches)


def brute_force_minimal(data: YearData, code: str, changes: list[tuple[int, float]], effort: float,
                        reaches: Any) -> None:  # fmt: skip
    """No plan with fewer changes reaches the target, and none of the same size is cheaper (every value tried)."""
    options = [(j, value, e) for j in range(len(data.indicators)) for value, e, _ in candidates(data, code, j)]
    size = len(changes)
    for smaller in range(size):
        for combo in itertools.combinations(options, smaller):
            if len({j for j, _, _ in combo}) == smaller:
                assert not reaches([(j, v) for j, v, _ in combo]), f"{code}: {combo} is a smaller plan"
    if size <= 2:
        for combo in itertools.combinations(options, size):
            if len({j for j, _, _ in combo}) == size and sum(e for _, _, e in combo) < effort - 1e-9:
                assert not reaches([(j, v) for j, v, _ in combo]), f"{code}: {combo} is a cheaper plan"


def test_every_plan_of_every_cluster_reaches_its_target_and_is_minimal(
    recommendations_client: TestClient, year_data: YearData
) -> None:
    counts = {"met": 0, "planned": 0, "unreachable": 0}
    for code in year_data.codes:
        rank = rank_of(year_data.field(), year_data.row(code))
        for target in ("next_tier", "top_quartile", "rank:1", f"rank:{max(1, rank - 3)}"):
            plan = get_plan(recommendations_client, code, target)
            assert plan["cluster_code"] == code
            assert plan["target"] == target
            assert plan["model"]["method"] == "topsis"
            assert plan["model"]["reference"] == "fixed"
            check_plan(year_data, code, target, plan)
            kind = "unreachable" if not plan["reachable"] else "planned" if plan["changes"] else "met"
            counts[kind] += 1
    # The demo year exercises every outcome.
    assert all(counts.values()), counts


def test_a_met_target_needs_no_change(recommendations_client: TestClient, scoring_client: TestClient) -> None:
    leader = scoring_client.get("/v1/rankings", params={"year": YEAR}).json()["results"][0]
    for target in ("next_tier", "top_quartile", "rank:1", f"rank:{leader['rank']}"):
        plan = get_plan(recommendations_client, leader["cluster_code"], target)
        assert (plan["reachable"], plan["changes"], plan["effort"]) == (True, [], 0)
        assert plan["reached"] == plan["current"]
        assert "already" in plan["summary"]


def test_an_unreachable_target_says_so_plainly(recommendations_client: TestClient, year_data: YearData) -> None:
    field = year_data.field()
    # The best cluster of a category other than the overall leader's can take no value from a better peer.
    leader = int(np.argmax(field))
    other = next(
        i
        for i in np.argsort(-field)
        if year_data.categories[i] != year_data.categories[leader] and rank_of(field, int(i)) > 1
    )
    code = year_data.codes[int(other)]
    plan = get_plan(recommendations_client, code, "rank:1")
    check_plan(year_data, code, "rank:1", plan)
    if not plan["reachable"]:
        assert plan["changes"] == []
        assert plan["best_possible"]["rank"] > 1
        assert "No set of changes" in plan["summary"]


def test_names_and_summary_in_both_languages(recommendations_client: TestClient) -> None:
    english = get_plan(recommendations_client, "FS-HOME", "rank:3")
    chinese = get_plan(recommendations_client, "FS-HOME", "rank:3", lang="zh")
    assert [c["indicator"] for c in english["changes"]] == [c["indicator"] for c in chinese["changes"]]
    assert english["changes"], english
    for en, zh in zip(english["changes"], chinese["changes"], strict=True):
        assert en["name"] != zh["name"]
        assert en["peer_name"] != zh["peer_name"]
    assert "change" in english["summary"]
    assert "第" in chinese["summary"]


def test_imputed_values_may_be_planned_and_are_marked(
    recommendations_client: TestClient, scoring_client: TestClient, year_data: YearData
) -> None:
    ranking = scoring_client.get("/v1/rankings", params={"year": YEAR}).json()["results"]
    imputed = [r for r in ranking if r["imputed"]]
    assert imputed, "the demo year has missing values"
    for row in imputed:
        plan = get_plan(recommendations_client, row["cluster_code"], "rank:1")
        check_plan(year_data, row["cluster_code"], "rank:1", plan)
        assert all(c["imputed"] == (c["indicator"] in row["imputed"]) for c in plan["changes"])
        assert any("imputed" in note for note in plan["notes"])


@pytest.mark.parametrize(
    ("code", "params", "status", "says"),
    [
        ("NOPE", {"target": "next_tier"}, 404, "NOPE"),
        ("FS-HOME", {"target": "next_tier", "year": 1999}, 404, "1999"),
        ("FS-HOME", {"target": "next_tier", "profile": 999}, 404, "999"),
        ("FS-HOME", {"target": "best"}, 422, "next_tier, top_quartile or rank:K"),
        ("FS-HOME", {"target": "rank:"}, 422, "next_tier, top_quartile or rank:K"),
        ("FS-HOME", {"target": "rank:0"}, 422, "out of range"),
        ("FS-HOME", {"target": "rank:999"}, 422, "out of range"),
        ("FS-HOME", {"target": "rank:-2"}, 422, "next_tier, top_quartile or rank:K"),
    ],
)
def test_bad_input(
    recommendations_client: TestClient, code: str, params: dict[str, Any], status: int, says: str
) -> None:
    response = recommendations_client.get(f"/v1/recommendations/{code}/plan", params={"year": YEAR, **params})
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert says in body["detail"]
    if status == 422:
        assert [e["loc"] for e in body["errors"]] == [["query", "target"]]


def test_a_missing_target_is_a_422(recommendations_client: TestClient) -> None:
    response = recommendations_client.get("/v1/recommendations/FS-HOME/plan", params={"year": YEAR})
    assert response.status_code == 422


def test_the_scoring_endpoint_answers_on_the_ranking_model(scoring_client: TestClient) -> None:
    body = {"year": YEAR, "cluster_code": "FS-HOME", "target": "next_tier"}
    first = scoring_client.post("/v1/rankings/plan", json=body)
    assert first.status_code == 200, first.text
    assert scoring_client.post("/v1/rankings/plan", json=body).json() == first.json()
    ranking = scoring_client.get("/v1/rankings", params={"year": YEAR}).json()
    row = next(r for r in ranking["results"] if r["cluster_code"] == "FS-HOME")
    plan = first.json()
    assert plan["model"]["dataset_version"] == ranking["dataset_version"]
    assert plan["model"]["profile"] == ranking["profile"]
    assert (plan["current"]["rank"], plan["current"]["tier"]) == (row["rank"], row["tier"])
    assert plan["current"]["score"] == pytest.approx(row["score"], abs=1e-12)
    relative = scoring_client.post("/v1/rankings/plan", json={**body, "reference": "relative", "method": "vikor"})
    assert relative.status_code == 422
    assert math.isfinite(plan["effort"])


def test_a_year_of_plans_in_one_request_equals_the_plans_one_by_one(
    recommendations_client: TestClient, scoring_client: TestClient
) -> None:
    ranking = scoring_client.get("/v1/rankings", params={"year": YEAR}).json()["results"]
    response = recommendations_client.get("/v1/recommendations/plans", params={"year": YEAR, "target": "rank:5"})
    assert response.status_code == 200, response.text
    plans = response.json()
    assert [p["cluster_code"] for p in plans] == [r["cluster_code"] for r in ranking]
    for plan in plans[::7]:
        assert plan == get_plan(recommendations_client, plan["cluster_code"], "rank:5")
    chosen = ["SH-IC", "FS-HOME"]
    some = scoring_client.post("/v1/rankings/plans", json={"year": YEAR, "target": "rank:5", "cluster_codes": chosen})
    assert some.status_code == 200, some.text
    assert [p["cluster_code"] for p in some.json()["plans"]] == chosen
    for params, status in (({"target": "best"}, 422), ({"target": "rank:999"}, 422), ({"target": "next_tier",
                           "year": 1999}, 404)):  # fmt: skip
        bad = recommendations_client.get("/v1/recommendations/plans", params={"year": YEAR, **params})
        assert bad.status_code == status, bad.text
        if status == 422:
            assert [e["loc"] for e in bad.json()["errors"]] == [["query", "target"]]
    unknown = scoring_client.post(
        "/v1/rankings/plans", json={"year": YEAR, "target": "rank:5", "cluster_codes": ["NOPE"]}
    )
    assert unknown.status_code == 404
    twice = scoring_client.post(
        "/v1/rankings/plans", json={"year": YEAR, "target": "rank:5", "cluster_codes": chosen * 2}
    )
    assert twice.status_code == 422


def test_a_category_model_plans_ranks_within_the_category(scoring_client: TestClient, year_data: YearData) -> None:
    ranking = scoring_client.get("/v1/rankings", params={"year": YEAR, "category": "basic"}).json()
    last = ranking["results"][-1]
    body = {"year": YEAR, "category": "basic", "cluster_code": last["cluster_code"], "target": "rank:2"}
    plan = scoring_client.post("/v1/rankings/plan", json=body).json()
    assert plan["model"]["category"] == "basic"
    assert plan["current"]["rank"] == last["rank"] == len(ranking["results"])
    if plan["reachable"]:
        i = year_data.row(last["cluster_code"])
        row = year_data.values[i].copy()
        for change in plan["changes"]:
            row[year_data.indicators.index(change["indicator"])] = change["to"]
        field = year_data.field()
        field[i] = year_data.score(row)[0]
        assert rank_of(field, i, year_data.same_category(last["cluster_code"])) == plan["reached"]["rank"] <= 2
    elsewhere = scoring_client.post("/v1/rankings/plan", json={**body, "cluster_code": "ZZ-RAIL"})
    assert elsewhere.status_code == 422
    assert elsewhere.json()["errors"][0]["loc"] == ["body", "cluster_code"]
    beyond = scoring_client.post("/v1/rankings/plan", json={**body, "target": f"rank:{len(ranking['results']) + 1}"})
    assert beyond.status_code == 422


def test_a_weighted_sum_model_is_planned_on_its_own_scores(scoring_client: TestClient, year_data: YearData) -> None:
    body = {"year": YEAR, "method": "wsm", "cluster_code": "SH-IC", "target": "next_tier"}
    plan = scoring_client.post("/v1/rankings/plan", json=body).json()
    assert plan["model"]["method"] == "wsm"
    w = year_data.weights / year_data.weights.sum()
    field = year_data.scaled(year_data.values) @ w
    i = year_data.row("SH-IC")
    assert plan["current"]["score"] == pytest.approx(field[i], abs=1e-12)
    assert plan["changes"], plan
    row = year_data.values[i].copy()
    for change in plan["changes"]:
        row[year_data.indicators.index(change["indicator"])] = change["to"]
    field[i] = year_data.scaled(row[np.newaxis, :])[0] @ w
    assert plan["reached"]["score"] == pytest.approx(field[i], abs=1e-12)
    assert TIER_ORDER.index(tier_of(field, i)) < TIER_ORDER.index(plan["current"]["tier"])
