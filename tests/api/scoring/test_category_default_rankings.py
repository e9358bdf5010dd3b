"""A category ranking without a profile uses the category's default profile when it has one (API.md, "Panels")."""

from __future__ import annotations

from fastapi.testclient import TestClient


def profile_of_panel(indicators_client: TestClient, category: str) -> int:
    """The demo profile published from one category's panel (not the overall default)."""
    profiles = indicators_client.get("/v1/weight-profiles", params={"category": category}).json()
    return int(next(p["id"] for p in profiles if not p["is_default"]))


def test_a_category_ranking_uses_its_category_default(
    scoring_client: TestClient, indicators_client: TestClient
) -> None:
    overall = indicators_client.get("/v1/weight-profiles/default").json()["id"]
    basic = profile_of_panel(indicators_client, "basic")
    assert basic != overall
    made = indicators_client.post(f"/v1/weight-profiles/{basic}/default", params={"category": "basic"})
    assert made.status_code == 200, made.text

    ranking = scoring_client.get("/v1/rankings", params={"year": 2024, "category": "basic"})
    assert ranking.status_code == 200, ranking.text
    assert ranking.json()["profile"] == basic
    assert ranking.json()["profile_name"] == indicators_client.get(f"/v1/weight-profiles/{basic}").json()["name"]
    named = scoring_client.get("/v1/rankings", params={"year": 2024, "category": "basic", "profile": basic}).json()
    assert ranking.json()["results"] == named["results"]
    # A category without a default of its own, and the whole field, use the overall default.
    strategic = scoring_client.get("/v1/rankings", params={"year": 2024, "category": "strategic"}).json()
    assert strategic["profile"] == overall
    assert scoring_client.get("/v1/rankings", params={"year": 2024}).json()["profile"] == overall
    # A profile named in the request wins over the category default.
    asked = scoring_client.get("/v1/rankings", params={"year": 2024, "category": "basic", "profile": overall}).json()
    assert asked["profile"] == overall


def test_the_cache_never_serves_the_profile_of_before(
    scoring_client: TestClient, indicators_client: TestClient
) -> None:
    overall = indicators_client.get("/v1/weight-profiles/default").json()["id"]
    params = {"year": 2024, "category": "basic"}
    before = scoring_client.get("/v1/rankings", params=params).json()
    assert before["profile"] == overall
    assert scoring_client.get("/v1/rankings", params=params).json() == before  # now cached

    basic = profile_of_panel(indicators_client, "basic")
    assert indicators_client.post(f"/v1/weight-profiles/{basic}/default", params={"category": "basic"}).is_success
    after = scoring_client.get("/v1/rankings", params=params).json()
    assert after["profile"] == basic
    assert [r["score"] for r in after["results"]] != [r["score"] for r in before["results"]]

    # And back: the overall default made the basic category's default again.
    assert indicators_client.post(f"/v1/weight-profiles/{overall}/default", params={"category": "basic"}).is_success
    assert scoring_client.get("/v1/rankings", params=params).json() == before


def test_analyses_of_a_category_use_its_default(scoring_client: TestClient, indicators_client: TestClient) -> None:
    basic = profile_of_panel(indicators_client, "basic")
    model = {"year": 2024, "category": "basic"}
    overall = indicators_client.get("/v1/weight-profiles/default").json()["id"]
    first = scoring_client.post("/v1/rankings/weights", json=model)
    assert first.status_code == 200, first.text
    assert first.json()["model"]["profile"] == overall
    assert indicators_client.post(f"/v1/weight-profiles/{basic}/default", params={"category": "basic"}).is_success
    for path in ("/v1/rankings/weights", "/v1/rankings/methods"):
        answer = scoring_client.post(path, json=model)
        assert answer.status_code == 200, (path, answer.text)
        assert answer.json()["model"]["profile"] == basic, path
    audit = scoring_client.get("/v1/rankings/audit", params=model)
    assert audit.status_code == 200, audit.text
    assert audit.json()["model"]["profile"] == basic
    ranked = scoring_client.get("/v1/rankings", params=model).json()
    sensitivity = scoring_client.post("/v1/rankings/sensitivity", json=model | {"samples": 200}).json()
    assert sensitivity["model"]["profile"] == basic
    assert [r["rank"] for r in sensitivity["rank_acceptability"]] == [r["rank"] for r in ranked["results"]]


def test_the_state_names_each_category_default(indicators_client: TestClient) -> None:
    state = indicators_client.get("/v1/state").json()
    assert state["category_defaults"] == {}
    basic = profile_of_panel(indicators_client, "basic")
    indicators_client.post(f"/v1/weight-profiles/{basic}/default", params={"category": "basic"})
    changed = indicators_client.get("/v1/state").json()
    assert changed["category_defaults"] == {"basic": basic}
    assert changed["generation"] > state["generation"]
