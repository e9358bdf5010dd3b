"""Issue 16, item 10: every error answer is declared with one Problem schema, so generated clients parse it."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from shared.problems import PROBLEM_MEDIA_TYPE

COMMON = {"400", "401", "403", "413", "422", "429"}


def documents(*clients: TestClient) -> list[dict[str, Any]]:
    return [client.get("/openapi.json").json() for client in clients]


@pytest.fixture
def openapi(indicators_client: TestClient, scoring_client: TestClient, recommendations_client: TestClient) -> Any:
    return dict(
        zip(
            ("indicators", "scoring", "recommendations"),
            documents(indicators_client, scoring_client, recommendations_client),
            strict=True,
        )
    )


def test_every_error_answer_of_every_operation_is_a_problem(openapi: dict[str, dict[str, Any]]) -> None:
    for service, document in openapi.items():
        problem = document["components"]["schemas"]["Problem"]
        assert problem["required"] == ["type", "title", "status", "detail"]
        assert problem["properties"]["errors"]["items"] == {"$ref": "#/components/schemas/ProblemError"}
        assert "HTTPValidationError" not in document["components"]["schemas"]
        for path, operations in document["paths"].items():
            if not path.startswith("/v1/"):
                continue
            for method, operation in operations.items():
                responses = operation["responses"]
                assert set(responses) >= COMMON, (service, method, path)
                if service != "indicators":
                    assert "503" in responses, (service, method, path)
                for status, response in responses.items():
                    if status[0] in "45":
                        assert list(response["content"]) == [PROBLEM_MEDIA_TYPE], (service, method, path, status)
                        media = response["content"][PROBLEM_MEDIA_TYPE]
                        assert media["schema"] == {"$ref": "#/components/schemas/Problem"}, (method, path, status)


def test_worked_examples_of_errors_are_kept(openapi: dict[str, dict[str, Any]]) -> None:
    priorities = openapi["scoring"]["paths"]["/v1/ahp/priorities"]["post"]["responses"]["422"]
    example = priorities["content"][PROBLEM_MEDIA_TYPE]["example"]
    assert example["status"] == 422
    assert example["errors"][0]["loc"][:2] == ["body", "matrix"]


def test_operations_naming_a_resource_declare_404_and_writes_409(openapi: dict[str, dict[str, Any]]) -> None:
    indicators = openapi["indicators"]["paths"]
    assert "404" in indicators["/v1/clusters/{code}"]["get"]["responses"]
    assert "409" in indicators["/v1/clusters"]["post"]["responses"]
    assert "404" in openapi["scoring"]["paths"]["/v1/rankings"]["get"]["responses"]
