"""Issue 13, item 2: the relative-reference model may winsorise outliers, an option recorded in the model; on the
fixed reference clipping to the reference range already bounds them."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from fastapi.testclient import TestClient
from scipy import stats

from tests.api.scoring.support import assert_invalid


def flagged(values: list[float]) -> bool:
    present = np.array([v for v in values if v is not None and not math.isnan(v)], dtype=float)
    return bool(abs(stats.skew(present, bias=False)) > 2 and stats.kurtosis(present, bias=False) > 3.5)


def make_an_outlier(indicators_client: TestClient) -> tuple[str, float, list[float]]:
    """SH-IC's PCT applications of 2024 set far above the field's: the audit's rule then flags C3.2."""
    dataset = indicators_client.get("/v1/datasets/2024").json()
    j = dataset["indicators"].index("C3.2")
    column = [row[j] for row in dataset["values"]]
    value = 12 * max(v for v in column if v is not None)
    csv = f"cluster_code,indicator_code,year,value\nSH-IC,C3.2,2024,{value:.0f}\n"
    response = indicators_client.post("/v1/observations/import", files={"file": ("x.csv", csv, "text/csv")})
    assert response.status_code == 200, response.text
    column[dataset["clusters"].index("SH-IC")] = round(value)
    assert flagged(column)
    return "SH-IC", round(value), column


def ranking(client: TestClient, **params: object) -> dict[str, Any]:
    response = client.get("/v1/rankings", params={"year": 2024, "reference": "relative", **params})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_winsorising_treats_the_flagged_indicator_and_moves_the_scores(
    scoring_client: TestClient, indicators_client: TestClient
) -> None:
    cluster, value, column = make_an_outlier(indicators_client)
    plain = ranking(scoring_client)
    treated = ranking(scoring_client, winsorize=True)
    assert (plain["winsorize"], treated["winsorize"]) == (False, True)
    notes = [w for w in treated["warnings"] if w.startswith("winsorised C3.2")]
    assert notes, treated["warnings"]
    assert f"winsorised C3.2 of {cluster}: {value:g} -> " in "\n".join(notes)
    # The treated values are set to the next value below them: the (k+1)-th largest of the stored ones.
    k = len(notes)
    bound = sorted((v for v in column if v is not None), reverse=True)[k]
    assert all(note.endswith(f"-> {bound:g}") for note in notes)
    assert not flagged([min(v, bound) if v is not None else v for v in column])
    scores = {r["cluster_code"]: r["score"] for r in plain["results"]}
    moved = {r["cluster_code"]: r["score"] for r in treated["results"]}
    assert any(abs(scores[c] - moved[c]) > 1e-6 for c in scores)


def test_the_analyses_of_a_winsorised_ranking_use_its_model(
    scoring_client: TestClient, indicators_client: TestClient
) -> None:
    make_an_outlier(indicators_client)
    treated = ranking(scoring_client, winsorize=True)
    model = {"year": 2024, "reference": "relative", "method": "topsis", "winsorize": True}
    response = scoring_client.post("/v1/rankings/methods", json={**model, "methods": ["topsis", "vikor"]})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["model"]["winsorize"] is True
    ranks = {r["cluster_code"]: r["ranks"]["topsis"] for r in body["results"]}
    assert ranks == {r["cluster_code"]: r["rank"] for r in treated["results"]}


def test_winsorising_on_the_fixed_reference_is_refused_with_the_reason(scoring_client: TestClient) -> None:
    response = scoring_client.get("/v1/rankings", params={"year": 2024, "winsorize": True})
    assert_invalid(response, ["query", "winsorize"], says="already bounds outliers")
    response = scoring_client.post("/v1/rankings/sensitivity", json={"year": 2024, "winsorize": True, "samples": 10})
    assert_invalid(response, ["body", "winsorize"], says="already bounds outliers")


def test_the_demo_outlier_is_set_to_the_next_value(scoring_client: TestClient, indicators_client: TestClient) -> None:
    """The demo data has one outlier on purpose (SZ-ICT's PCT applications, services/indicators/demo/README.md)."""
    dataset = indicators_client.get("/v1/datasets/2024").json()
    j = dataset["indicators"].index("C3.2")
    column = [row[j] for row in dataset["values"]]
    assert flagged(column)
    largest, second = sorted((v for v in column if v is not None), reverse=True)[:2]
    treated = ranking(scoring_client, winsorize=True)
    notes = [w for w in treated["warnings"] if w.startswith("winsorised")]
    assert notes == [f"winsorised C3.2 of SZ-ICT: {largest:g} -> {second:g}"]


def test_nothing_flagged_means_nothing_changes(scoring_client: TestClient, indicators_client: TestClient) -> None:
    dataset = indicators_client.get("/v1/datasets/2024").json()
    j = dataset["indicators"].index("C3.2")
    ordinary = sorted(row[j] for row in dataset["values"] if row[j] is not None)[len(dataset["values"]) // 2]
    csv = f"cluster_code,indicator_code,year,value\nSZ-ICT,C3.2,2024,{ordinary:g}\n"
    response = indicators_client.post("/v1/observations/import", files={"file": ("x.csv", csv, "text/csv")})
    assert response.status_code == 200, response.text
    plain, treated = ranking(scoring_client), ranking(scoring_client, winsorize=True)
    assert "winsorize: no indicator is flagged as outlying" in treated["warnings"]
    assert [r["score"] for r in plain["results"]] == [r["score"] for r in treated["results"]]
