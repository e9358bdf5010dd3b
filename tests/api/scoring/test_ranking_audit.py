"""Issue 13: the statistical audit of the year's data, checked against pandas/NumPy on the stored values."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import pytest
from fastapi.testclient import TestClient

from tests.api.scoring.support import all_finite


@pytest.fixture
def stored(indicators_client: TestClient) -> dict[str, Any]:
    dataset = indicators_client.get("/v1/datasets/2024").json()
    tree = indicators_client.get("/v1/indicators").json()
    frame = pd.DataFrame(dataset["values"], index=dataset["clusters"], columns=dataset["indicators"], dtype=float)
    frame = frame.dropna(how="all")
    return {"frame": frame, "tree": tree}


def audit(client: TestClient, **params: Any) -> dict[str, Any]:
    response = client.get("/v1/rankings/audit", params={"year": 2024, **params})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert all_finite(body)
    return body


def test_coverage_is_the_share_of_values_present(scoring_client: TestClient, stored: dict[str, Any]) -> None:
    frame: pd.DataFrame = stored["frame"]
    answer = audit(scoring_client)
    shares = {i["code"]: i["share"] for i in answer["coverage"]["indicators"]}
    for code in frame.columns:
        assert math.isclose(shares[code], frame[code].notna().mean(), rel_tol=1e-12)
    by_cluster = {c["cluster_code"]: c["share"] for c in answer["coverage"]["clusters"]}
    for code, row in frame.iterrows():
        assert math.isclose(by_cluster[str(code)], row.notna().mean(), rel_tol=1e-12)
    assert answer["coverage"]["threshold"] == 0.65


def test_skewness_and_kurtosis_are_pandas_and_the_flag_follows_the_rule(
    scoring_client: TestClient, stored: dict[str, Any]
) -> None:
    frame: pd.DataFrame = stored["frame"]
    for check in audit(scoring_client)["outliers"]:
        column = frame[check["indicator"]].dropna()
        assert math.isclose(check["skewness"], column.skew(), rel_tol=1e-9, abs_tol=1e-12)
        assert math.isclose(check["kurtosis"], column.kurt(), rel_tol=1e-9, abs_tol=1e-12)
        assert check["flagged"] == (abs(column.skew()) > 2 and column.kurt() > 3.5)


def test_coherence_is_the_correlation_of_the_complete_clusters(
    scoring_client: TestClient, stored: dict[str, Any]
) -> None:
    frame: pd.DataFrame = stored["frame"]
    answer = audit(scoring_client)
    for criterion, result in zip(stored["tree"], answer["coherence"]["criteria"], strict=True):
        assert result["criterion"] == criterion["code"]
        codes = [i["code"] for i in criterion["children"]]
        sign = np.array([-1.0 if i["direction"] == "cost" else 1.0 for i in criterion["children"]])
        complete = frame[codes].dropna() * sign
        assert result["clusters"] == len(complete)
        r = complete.corr().to_numpy()
        k = len(codes)
        mean_r = r[np.triu_indices(k, 1)].mean()
        assert math.isclose(result["alpha"], k * mean_r / (1 + (k - 1) * mean_r), rel_tol=1e-9)
        eigenvalues = np.linalg.eigvalsh(r)
        assert math.isclose(result["first_component_share"], eigenvalues[-1] / k, rel_tol=1e-9)
        assert result["components_over_1"] == int((eigenvalues > 1).sum())
        np.testing.assert_allclose(result["correlations"], r, rtol=1e-9, atol=1e-12)
    for pair in answer["coherence"]["pairs"]:
        assert (pair["flag"] == "negative" and pair["r"] < -0.3) or (pair["flag"] == "collinear" and pair["r"] > 0.92)


def test_a_year_without_data_is_404(scoring_client: TestClient) -> None:
    assert scoring_client.get("/v1/rankings/audit", params={"year": 1999}).status_code == 404


def test_year_over_year_contributions_add_up_to_the_score_change(scoring_client: TestClient) -> None:
    response = scoring_client.get("/v1/rankings/compare", params={"from": 2023, "to": 2024})
    assert response.status_code == 200, response.text
    rows = response.json()["results"]
    assert rows
    for row in rows:
        if row["score_change"] is None:
            assert row["contributions"] is None
            continue
        assert list(row["contributions"]) == [f"C{k}" for k in range(1, 8)]
        assert abs(sum(row["contributions"].values()) - row["score_change"]) < 1e-9, row["cluster_code"]


def expected_coverage_below(stored: dict[str, Any], threshold: float) -> dict[str, list[str]]:
    """Per cluster with data, the criteria with fewer than `threshold` of their values present, from pandas."""
    frame: pd.DataFrame = stored["frame"]
    return {
        str(code): [
            criterion["code"]
            for criterion in stored["tree"]
            if values[[i["code"] for i in criterion["children"]]].notna().mean() < threshold
        ]
        for code, values in frame.iterrows()
    }


def coverage_of(client: TestClient, **params: Any) -> tuple[float, dict[str, dict[str, Any]]]:
    response = client.get("/v1/rankings", params={"year": 2024, **params})
    assert response.status_code == 200, response.text
    body = response.json()
    return body["coverage_threshold"], {row["cluster_code"]: row for row in body["results"]}


def test_a_ranking_row_is_flagged_when_a_criterion_lacks_coverage(
    scoring_client: TestClient, stored: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from services.scoring.config import ScoringSettings
    from services.scoring.rankings import service

    threshold, rows = coverage_of(scoring_client)
    assert threshold == 0.65
    expected = expected_coverage_below(stored, 0.65)
    assert {code: row["coverage_below"] for code, row in rows.items()} == expected
    assert all(row["coverage_flag"] == bool(row["coverage_below"]) for row in rows.values())
    # The audit flags the same clusters in the same criteria.
    below = {c["cluster_code"]: c["criteria_below"] for c in audit(scoring_client)["coverage"]["clusters"]}
    assert below == expected

    # The demo data has every cluster at 75% or more in each criterion: a stricter threshold flags some. The first
    # ranking is cached; a ranking under another threshold must not be read from it (the key names the threshold).
    monkeypatch.setattr(service, "get_settings", lambda: ScoringSettings(coverage_threshold=0.78))
    threshold, rows = coverage_of(scoring_client)
    assert threshold == 0.78
    expected = expected_coverage_below(stored, 0.78)
    assert any(expected.values()), "no cluster below the threshold: the test would check nothing"
    assert not any("C3" in criteria for criteria in expected.values())  # 80% present: above 0.78
    assert {code: row["coverage_below"] for code, row in rows.items()} == expected
    assert {code for code, row in rows.items() if row["coverage_flag"]} == {c for c, e in expected.items() if e}
    _, basic = coverage_of(scoring_client, category="basic")
    for code, row in basic.items():
        assert row["coverage_below"] == expected[code]
