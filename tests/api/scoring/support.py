"""What the computation API tests share: the worked problem of API.md and the shape of a 422."""

from __future__ import annotations

import math
from typing import Any

import httpx

from shared.problems import PROBLEM_MEDIA_TYPE

# API.md's example: three alternatives, a cost and a benefit criterion.
PROBLEM: dict[str, Any] = {
    "alternatives": ["A1", "A2", "A3"],
    "criteria": [
        {"name": "cost", "type": "cost", "weight": 0.4},
        {"name": "quality", "type": "benefit", "weight": 0.6},
    ],
    "matrix": [[250, 7], [200, 6], [300, 9]],
}


def assert_invalid(response: httpx.Response, loc: list[str | int], *, says: str = "") -> dict[str, Any]:
    """A 422 problem+json whose `errors` has one entry at `loc` (mentioning `says`); returns the body."""
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith(PROBLEM_MEDIA_TYPE)
    body: dict[str, Any] = response.json()
    assert {"type", "title", "status", "detail"} <= body.keys()
    assert body["status"] == 422
    located = [error for error in body["errors"] if error["loc"] == loc]
    assert located, f"no error at {loc}: {body['errors']}"
    assert says.lower() in " ".join(error["msg"] for error in located).lower()
    return body


def all_finite(value: Any) -> bool:
    """Whether every number in a decoded JSON document is finite."""
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(all_finite(v) for v in value.values())
    if isinstance(value, list):
        return all(all_finite(v) for v in value)
    return True
