"""frontend.api without a running app: request bodies checked where a page builds them."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from frontend import api
from shared.errors import InvalidInput
from shared.schemas.analyses import MethodsRequest, ModelWeightsRequest, RankingSensitivityRequest, UncertaintyRequest
from shared.schemas.rankings import RankingPreviewRequest
from shared.schemas.scoring import ObjectiveWeightsRequest, PrioritiesRequest


def test_a_body_the_schema_takes_is_the_schema() -> None:
    body = api.request_body(PrioritiesRequest, matrix=[[1, "1/3"], [3, 1]], labels=["a", "b"])
    assert body == PrioritiesRequest(matrix=[[1, 1 / 3], [3, 1]], labels=["a", "b"])


@pytest.mark.parametrize(
    ("path", "schema", "fields"),
    [
        ("/v1/weights/objective", ObjectiveWeightsRequest, {"criteria": [{"name": "a", "type": "benefit"}],
                                                            "matrix": [[1.0]]}),
        ("/v1/rankings/preview", RankingPreviewRequest, {"year": 2024, "weights": {"C1.1": 0.0}}),
        ("/v1/ahp/priorities", PrioritiesRequest, {"matrix": [[1, "x"], [0, 1]], "method": "magic"}),
        ("/v1/rankings/sensitivity", RankingSensitivityRequest, {"year": 2024, "samples": 0, "sweep_points": 1}),
        ("/v1/rankings/uncertainty", UncertaintyRequest, {"year": 2024, "sources": [], "concentration": 0}),
        ("/v1/rankings/methods", MethodsRequest, {"year": 2024, "methods": ["magic"]}),
        ("/v1/rankings/weights", ModelWeightsRequest, {"year": 2024, "alpha": 2, "objective": "vibes"}),
    ],
)  # fmt: skip
def test_a_body_the_schema_refuses_is_the_422_the_service_answers(
    scoring_client: TestClient, path: str, schema: Any, fields: dict[str, Any]
) -> None:
    with pytest.raises(InvalidInput) as refused:
        api.request_body(schema, **fields)
    answer = scoring_client.post(path, json=fields)
    assert answer.status_code == 422
    assert (refused.value.detail, refused.value.errors) == (answer.json()["detail"], answer.json()["errors"])
