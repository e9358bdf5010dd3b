"""Issue 13, item 4: year-over-year rows flag changes that are not only the cluster's own (revised values of the
earlier year, another profile for it), and the decomposition still adds up when the profile changes."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient


def compare(client: TestClient, **params: Any) -> dict[str, Any]:
    response = client.get("/v1/rankings/compare", params={"from": 2023, "to": 2024, **params})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_nothing_is_flagged_on_untouched_data_under_one_profile(scoring_client: TestClient) -> None:
    body = compare(scoring_client)
    assert body["from_profile"] == body["profile"]
    assert all(row["flags"] == [] and row["revised"] == [] for row in body["results"])
    assert all(row["weights_contribution"] is None for row in body["results"])


def test_a_revised_value_of_the_earlier_year_flags_that_cluster_only(
    scoring_client: TestClient, indicators_client: TestClient
) -> None:
    dataset = indicators_client.get("/v1/datasets/2023").json()
    row = dataset["clusters"].index("XZ-MACHINERY")
    column = dataset["indicators"].index("C4.1")
    old = dataset["values"][row][column]
    csv = f"cluster_code,indicator_code,year,value\nXZ-MACHINERY,C4.1,2023,{old + 100}\n"
    imported = indicators_client.post("/v1/observations/import", files={"file": ("fix.csv", csv, "text/csv")})
    assert imported.status_code == 200, imported.text
    assert imported.json()["updated"] == 1

    rows = {r["cluster_code"]: r for r in compare(scoring_client)["results"]}
    assert rows["XZ-MACHINERY"]["revised"] == ["C4.1"]
    assert rows["XZ-MACHINERY"]["flags"] == ["revised_data"]
    assert all(r["flags"] == [] for code, r in rows.items() if code != "XZ-MACHINERY")
    # A revision of the later year is not a revision of the earlier one.
    later = f"cluster_code,indicator_code,year,value\nCS-MACHINERY,C4.1,2024,{old + 200}\n"
    assert indicators_client.post("/v1/observations/import", files={"file": ("l.csv", later, "text/csv")}).is_success
    rows = {r["cluster_code"]: r for r in compare(scoring_client)["results"]}
    assert rows["CS-MACHINERY"]["flags"] == []


def test_another_profile_for_the_earlier_year_is_flagged_and_its_part_adds_up(
    scoring_client: TestClient, indicators_client: TestClient
) -> None:
    profiles = indicators_client.get("/v1/weight-profiles").json()
    default = next(p["id"] for p in profiles if p["is_default"])
    other = next(p["id"] for p in profiles if p["id"] != default)
    body = compare(scoring_client, from_profile=other)
    assert (body["profile"], body["from_profile"]) == (default, other)
    # The earlier year's standing is that year's ranking under the other profile, the later one's under the default.
    before = scoring_client.get("/v1/rankings", params={"year": 2023, "profile": other}).json()["results"]
    after = scoring_client.get("/v1/rankings", params={"year": 2024, "profile": default}).json()["results"]
    before_scores = {r["cluster_code"]: r["score"] for r in before}
    after_scores = {r["cluster_code"]: r["score"] for r in after}
    checked = 0
    for row in body["results"]:
        assert "profile_changed" in row["flags"]
        if row["score_change"] is None:
            continue
        code = row["cluster_code"]
        assert abs(row["from"]["score"] - before_scores[code]) < 1e-12
        assert abs(row["to"]["score"] - after_scores[code]) < 1e-12
        parts = sum(row["contributions"].values()) + row["weights_contribution"]
        assert abs(parts - row["score_change"]) < 1e-9, code
        checked += 1
    assert checked > 20
    assert any(abs(row["weights_contribution"] or 0.0) > 1e-6 for row in body["results"])


def test_an_unknown_earlier_profile_is_404(scoring_client: TestClient) -> None:
    response = scoring_client.get("/v1/rankings/compare", params={"from": 2023, "to": 2024, "from_profile": 99999})
    assert response.status_code == 404, response.text
