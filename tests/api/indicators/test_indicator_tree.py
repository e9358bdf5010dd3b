"""PUT /v1/indicators: a tree is checked as a whole, replaces the stored one, keeps data and is audited."""

from __future__ import annotations

import copy
import json
import math
from typing import Any

from fastapi.testclient import TestClient

Tree = list[dict[str, Any]]


def stored_tree(client: TestClient) -> Tree:
    tree: Tree = client.get("/v1/indicators").json()
    return tree


def tree_entries(client: TestClient) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = client.get("/v1/audit", params={"action": "indicator_tree.update"}).json()
    return entries


def locs(response: Any) -> list[list[str | int]]:
    return [error["loc"] for error in response.json()["errors"]]


def extra_criterion() -> dict[str, Any]:
    indicator = {
        "code": "C8.1", "name": "Pilot lines", "name_zh": "中试线", "unit": "count", "unit_zh": "条",
        "direction": "benefit", "ref_min": 0, "ref_max": 20, "valid_min": 0, "valid_max": None, "integer": True,
    }  # fmt: skip
    return {"code": "C8", "name": "Pilot production", "name_zh": "中试", "children": [indicator]}


def test_a_criterion_without_code_or_indicators_is_refused_and_rankings_still_work(
    indicators_client: TestClient, scoring_client: TestClient
) -> None:
    original = stored_tree(indicators_client)
    logged = tree_entries(indicators_client)
    empty = {"code": "", "name": "Empty", "name_zh": "空", "children": []}

    response = indicators_client.put("/v1/indicators", json=[*original, empty])

    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert {("body", 7, "code"), ("body", 7, "children")} <= {tuple(loc) for loc in locs(response)}
    assert stored_tree(indicators_client) == original
    assert tree_entries(indicators_client) == logged
    assert scoring_client.get("/v1/rankings", params={"year": 2024}).status_code == 200


def test_every_bad_place_of_a_tree_is_named(indicators_client: TestClient) -> None:
    tree = stored_tree(indicators_client)
    shape = copy.deepcopy(tree)
    shape[0]["code"] = "C 1"
    shape[1]["name"] = "  "
    shape[2]["children"][0]["code"] = "A/B"
    shape[3]["children"][1]["name_zh"] = ""
    response = indicators_client.put("/v1/indicators", json=shape)
    assert response.status_code == 422
    assert {tuple(loc) for loc in locs(response)} == {
        ("body", 0, "code"), ("body", 1, "name"), ("body", 2, "children", 0, "code"),
        ("body", 3, "children", 1, "name_zh"),
    }  # fmt: skip

    rules = copy.deepcopy(tree)
    rules[1]["code"] = "C1"
    rules[2]["code"] = "goal"
    rules[3]["children"][0] |= {"ref_min": 5, "ref_max": 5}
    rules[4]["children"][0] |= {"valid_min": rules[4]["children"][0]["ref_min"] + 1}
    rules[5]["children"][0] |= {"valid_max": rules[5]["children"][0]["ref_max"] - 1}
    rules[6]["children"][1]["code"] = rules[6]["children"][0]["code"]
    response = indicators_client.put("/v1/indicators", json=rules)
    assert response.status_code == 422
    assert {tuple(loc) for loc in locs(response)} == {
        ("body", 1, "code"), ("body", 2, "code"), ("body", 3, "children", 0, "ref_max"),
        ("body", 4, "children", 0, "valid_min"), ("body", 5, "children", 0, "valid_max"),
        ("body", 6, "children", 1, "code"),
    }  # fmt: skip

    unbounded = copy.deepcopy(tree)
    unbounded[0]["children"][0]["ref_max"] = math.inf
    # json.dumps writes the literal Infinity, which Python's JSON reader (and so the service) accepts.
    infinite = indicators_client.put(
        "/v1/indicators", content=json.dumps(unbounded), headers={"Content-Type": "application/json"}
    )
    assert infinite.status_code == 422
    assert locs(infinite) == [["body", 0, "children", 0, "ref_max"]]
    assert indicators_client.put("/v1/indicators", json=[]).status_code == 422
    assert stored_tree(indicators_client) == tree


def test_a_tree_replaces_the_stored_one_and_the_change_is_audited(
    indicators_client: TestClient, scoring_client: TestClient
) -> None:
    original = stored_tree(indicators_client)

    grown = indicators_client.put("/v1/indicators", json=[*original, extra_criterion()])
    assert grown.status_code == 200, grown.text
    assert [c["code"] for c in grown.json()] == [*(c["code"] for c in original), "C8"]
    assert stored_tree(indicators_client) == grown.json()

    restored = indicators_client.put("/v1/indicators", json=original)
    assert restored.status_code == 200, restored.text
    assert restored.json() == original
    assert stored_tree(indicators_client) == original

    latest, earlier = tree_entries(indicators_client)[:2]
    assert [c["code"] for c in earlier["after"]] == [*(c["code"] for c in original), "C8"]
    assert earlier["before"] == original
    assert latest["before"] == earlier["after"]
    assert latest["after"] == original
    assert latest["actor"]
    assert scoring_client.get("/v1/rankings", params={"year": 2024}).status_code == 200


def test_resending_the_stored_tree_changes_nothing(indicators_client: TestClient) -> None:
    original = stored_tree(indicators_client)
    logged = tree_entries(indicators_client)
    catalog = indicators_client.get("/v1/state").json()["catalog_version"]
    assert indicators_client.put("/v1/indicators", json=original).json() == original
    assert tree_entries(indicators_client) == logged
    assert indicators_client.get("/v1/state").json()["catalog_version"] == catalog


def test_leaving_out_an_indicator_that_has_observations_is_a_409(indicators_client: TestClient) -> None:
    original = stored_tree(indicators_client)
    logged = tree_entries(indicators_client)
    without_c14 = copy.deepcopy(original)
    without_c14[0]["children"] = [i for i in without_c14[0]["children"] if i["code"] != "C1.4"]

    response = indicators_client.put("/v1/indicators", json=without_c14)

    assert response.status_code == 409, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    [error] = response.json()["errors"]
    assert error["loc"] == ["body", 0, "children"]
    assert "'C1.4'" in error["msg"]
    assert "observations" in error["msg"]

    response = indicators_client.put("/v1/indicators", json=original[:-1])
    assert response.status_code == 409
    gone = [i["code"] for i in original[-1]["children"]]
    assert [e["loc"] for e in response.json()["errors"]] == [["body"]] * len(gone)
    assert all(f"{code!r}" in e["msg"] for code, e in zip(gone, response.json()["errors"], strict=True))
    assert stored_tree(indicators_client) == original
    assert tree_entries(indicators_client) == logged


def test_an_indicator_moved_to_another_criterion_keeps_its_values(indicators_client: TestClient) -> None:
    original = stored_tree(indicators_client)
    before = indicators_client.get("/v1/datasets/2024").json()
    moved = copy.deepcopy(original)
    c14 = next(i for i in moved[0]["children"] if i["code"] == "C1.4")
    moved[0]["children"].remove(c14)
    moved[1]["children"].append(c14)

    response = indicators_client.put("/v1/indicators", json=moved)

    assert response.status_code == 200, response.text
    assert response.json() == moved
    after = indicators_client.get("/v1/datasets/2024").json()
    column = before["indicators"].index("C1.4")
    moved_column = after["indicators"].index("C1.4")
    assert [row[moved_column] for row in after["values"]] == [row[column] for row in before["values"]]
    assert indicators_client.put("/v1/indicators", json=original).json() == original
