"""The observation export: analysts only (issue 16, item 10), and formula-like text written as text (item 2)."""

from __future__ import annotations

import csv
import io

from fastapi.testclient import TestClient

from shared.problems import PROBLEM_MEDIA_TYPE

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
CLUSTER = "+SUM(1,2)"
SOURCE = '=HYPERLINK("http://x","y")'


def test_export_neutralises_a_formula_in_a_source(indicators_client: TestClient) -> None:
    # A cluster code can no longer start with a formula character (issue 16, item 9); its name can, and the
    # observation export carries sources, so the source is the text that has to come out neutralised.
    cluster = {
        "code": "FX-1", "name": CLUSTER, "name_zh": "公式集群", "province": "Anhui", "industry": "new materials",
        "category": "strategic",
    }  # fmt: skip
    assert indicators_client.post("/v1/clusters", json=cluster).status_code == 201
    upload = io.StringIO(newline="")
    writer = csv.writer(upload, lineterminator="\n")
    writer.writerow(["cluster_code", "indicator_code", "year", "value", "source"])
    writer.writerow(["FX-1", "C1.1", 2025, 4.25, SOURCE])
    writer.writerow(["SH-IC", "C1.1", 2025, 3, "-survey"])
    imported = indicators_client.post("/v1/observations/import", files={"file": ("o.csv", upload.getvalue().encode())})
    assert imported.status_code == 200, imported.text
    assert imported.json()["inserted"] == 2

    exported = indicators_client.get("/v1/observations/export", params={"year": 2025})
    assert exported.status_code == 200
    table = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"), newline="")))
    assert [f for row in table for f in row if f.startswith(TRIGGERS)] == []
    assert sorted(table[1:]) == [
        ["FX-1", "C1.1", "2025", "4.25", "'" + SOURCE],
        ["SH-IC", "C1.1", "2025", "3", "'-survey"],
    ]


def test_a_neutralised_export_imports_back_as_the_values_it_came_from(indicators_client: TestClient) -> None:
    source = '=HYPERLINK("http://x","y")'
    csv_in = (
        f'cluster_code,indicator_code,year,value,source\nSH-IC,C1.1,2026,4.5,"{source.replace(chr(34), 2 * chr(34))}"\n'
    )
    assert (
        indicators_client.post("/v1/observations/import", files={"file": ("a.csv", csv_in.encode())}).status_code == 200
    )
    exported = indicators_client.get("/v1/observations/export", params={"year": 2026}).content
    again = indicators_client.post("/v1/observations/import", files={"file": ("b.csv", exported)})
    assert again.status_code == 200, again.text
    assert again.json()["unchanged"] == 1


def test_the_export_needs_an_analyst_key(indicators_client: TestClient) -> None:
    def key(role: str) -> dict[str, str]:
        created = indicators_client.post("/v1/api-keys", json={"name": f"export {role}", "role": role})
        return {"X-API-Key": created.json()["key"]}

    for role in ("viewer", "expert"):
        refused = indicators_client.get("/v1/observations/export", params={"year": 2024}, headers=key(role))
        assert refused.status_code == 403, role
        assert refused.headers["content-type"] == PROBLEM_MEDIA_TYPE
        assert "analyst" in refused.json()["detail"]
    exported = indicators_client.get("/v1/observations/export", params={"year": 2024}, headers=key("analyst"))
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/csv")
    assert exported.content.decode("utf-8-sig").startswith("cluster_code,indicator_code,year,value,source")
