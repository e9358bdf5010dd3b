"""POST /v1/clusters: a cluster code is one that a path, a CSV file and a file name can carry as it is."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from shared.schemas.indicators import CODE_PATTERN


def new_cluster(code: str) -> dict[str, Any]:
    return {
        "code": code, "name": "Hefei new materials", "name_zh": "合肥新材料", "province": "Anhui",
        "industry": "new materials", "category": "strategic",
    }  # fmt: skip


@pytest.mark.parametrize("code", ["", "A/B", " SPACE", "<b>c</b>", "C1\n", "X" * 21])
def test_a_loose_cluster_code_is_a_422_naming_code(indicators_client: TestClient, code: str) -> None:
    response = indicators_client.post("/v1/clusters", json=new_cluster(code))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert [e["loc"] for e in response.json()["errors"]] == [["body", "code"]]
    assert code not in {c["code"] for c in indicators_client.get("/v1/clusters").json()}


def test_a_good_cluster_code_is_created_and_addressable(indicators_client: TestClient) -> None:
    response = indicators_client.post("/v1/clusters", json=new_cluster("HF-NEW_MAT.2"))
    assert response.status_code == 201, response.text
    assert indicators_client.get("/v1/clusters/HF-NEW_MAT.2").json()["name"] == "Hefei new materials"


def test_every_demo_code_matches_the_code_pattern(indicators_client: TestClient) -> None:
    tree = indicators_client.get("/v1/indicators").json()
    codes = [c["code"] for c in indicators_client.get("/v1/clusters").json()]
    codes += [c["code"] for c in tree] + [i["code"] for c in tree for i in c["children"]]
    assert {"FS-HOME", "C1", "C1.1"} <= set(codes)
    assert [code for code in codes if not re.fullmatch(CODE_PATTERN, code)] == []
