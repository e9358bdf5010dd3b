"""What every computation endpoint shares: engine errors located in the request body, no non-finite results."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from shared.errors import InvalidInput

RequestT = TypeVar("RequestT", bound=BaseModel)
ResponseT = TypeVar("ResponseT", bound=BaseModel)


def computed(compute: Callable[[RequestT], ResponseT], body: RequestT) -> ResponseT:
    """`compute(body)`, with InvalidInput located under `body` as FastAPI locates validation errors.

    The engine names entries by their place in the request (`["matrix", 0, 2]`); clients read both kinds of
    error the same way (`["body", "matrix", 0, 2]`). The response models refuse NaN and infinity, which the
    engine promises never to give; should one appear all the same, it is this input's 422, not a 500.
    """
    try:
        return compute(body)
    except InvalidInput as exc:
        errors = [{**error, "loc": ["body", *error.get("loc", [])]} for error in exc.errors]
        raise InvalidInput(exc.detail, errors=errors) from exc
    except ValidationError as exc:
        if any(error["type"] != "finite_number" for error in exc.errors()):
            raise
        where = ".".join(str(part) for part in exc.errors()[0]["loc"])
        msg = f"this input gives a result that is not a finite number ({exc.title}.{where}); check its scale"
        raise InvalidInput(msg, errors=[{"loc": ["body"], "msg": msg}]) from exc


def documented(result: dict[str, Any], problem: dict[str, Any]) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` of a computation: a worked 200 answer and a worked 422 problem."""
    return {
        200: {"content": {"application/json": {"example": result}}},
        422: {
            "description": "Invalid input: problem+json whose `errors` locate each bad entry in the body.",
            "content": {"application/problem+json": {"example": problem}},
        },
    }
