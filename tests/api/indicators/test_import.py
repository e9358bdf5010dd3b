"""Observation imports: all or nothing, every bad row named, history kept, versions renewed."""

from __future__ import annotations

import io

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.indicators.models import Observation, ObservationHistory

HEADER = "cluster_code,indicator_code,year,value,source\n"


def post_csv(client: TestClient, text: str | bytes, *, dry_run: bool = False, name: str = "data.csv"):  # type: ignore[no-untyped-def]
    content = text.encode() if isinstance(text, str) else text
    return client.post(
        "/v1/observations/import",
        params={"dry_run": str(dry_run).lower()},
        files={"file": (name, content, "text/csv")},
    )


def count_observations(session: Session) -> int:
    session.expire_all()
    return int(session.scalar(select(func.count()).select_from(Observation)) or 0)


def test_new_year_is_inserted_and_gets_a_version(indicators_client: TestClient, indicators_session: Session) -> None:
    before = count_observations(indicators_session)
    response = post_csv(indicators_client, HEADER + "SH-IC,C1.1,2025,4.2,survey\nSH-IC,C2.1,2025,40,survey\n")
    assert response.status_code == 200, response.text
    assert response.json() == {
        "rows": 2,
        "inserted": 2,
        "updated": 0,
        "unchanged": 0,
        "dry_run": False,
        "years": [2025],
    }
    assert count_observations(indicators_session) == before + 2
    assert indicators_client.get("/v1/datasets/2025").json()["synthetic"] is False


def test_replacing_a_value_keeps_history_and_changes_the_version(
    indicators_client: TestClient, indicators_session: Session
) -> None:
    old = indicators_client.get("/v1/datasets/2024").json()
    old_value = old["values"][old["clusters"].index("SH-IC")][old["indicators"].index("C1.1")]
    response = post_csv(indicators_client, HEADER + "SH-IC,C1.1,2024,5.9,revised statistics\n")
    assert response.json()["updated"] == 1
    new = indicators_client.get("/v1/datasets/2024").json()
    assert new["version"] != old["version"]
    assert new["values"][new["clusters"].index("SH-IC")][new["indicators"].index("C1.1")] == 5.9
    history = indicators_client.get(
        "/v1/observations/history", params={"cluster_code": "SH-IC", "indicator_code": "C1.1"}
    ).json()
    assert history[0]["old_value"] == old_value
    assert history[0]["new_value"] == 5.9
    assert history[0]["new_source"] == "revised statistics"
    other_year = indicators_client.get("/v1/datasets/2023").json()["version"]
    post_csv(indicators_client, HEADER + "SH-IC,C1.1,2024,5.8,again\n")
    assert indicators_client.get("/v1/datasets/2023").json()["version"] == other_year


def test_same_values_again_change_nothing(indicators_client: TestClient) -> None:
    post_csv(indicators_client, HEADER + "SH-IC,C1.1,2024,5.9,x\n")
    version = indicators_client.get("/v1/datasets/2024").json()["version"]
    response = post_csv(indicators_client, HEADER + "SH-IC,C1.1,2024,5.9,x\n")
    assert response.json()["unchanged"] == 1
    assert indicators_client.get("/v1/datasets/2024").json()["version"] == version


def test_dry_run_counts_and_writes_nothing(indicators_client: TestClient, indicators_session: Session) -> None:
    before = count_observations(indicators_session)
    response = post_csv(indicators_client, HEADER + "SH-IC,C1.1,2025,4.2,\nSH-IC,C1.1,2024,1.5,\n", dry_run=True)
    assert response.json()["dry_run"] is True
    assert (response.json()["inserted"], response.json()["updated"]) == (1, 1)
    assert count_observations(indicators_session) == before


BAD_ROWS = [
    ("XX-NOPE,C1.1,2024,3,", "cluster_code", "unknown cluster"),
    ("SH-IC,C9.9,2024,3,", "indicator_code", "unknown indicator"),
    ("SH-IC,C1.1,2024,abc,", "value", "not a number"),
    ("SH-IC,C1.1,2024,nan,", "value", "not a finite number"),
    ("SH-IC,C1.1,2024,inf,", "value", "not a finite number"),
    ("SH-IC,C1.1,2024,,", "value", "missing"),
    ("SH-IC,C2.1,2024,-3,", "value", "below the smallest valid value"),
    ("SH-IC,C1.1,2024,130,", "value", "above the largest valid value"),
    ("SH-IC,C2.1,2024,3.5,", "value", "not a whole number"),
    ("SH-IC,C1.1,20x4,3,", "year", "not a year"),
    ("SH-IC,C1.1,1850,3,", "year", "not a year"),
]


@pytest.mark.parametrize(("row", "column", "message"), BAD_ROWS)
def test_each_bad_row_is_named_and_nothing_is_written(
    indicators_client: TestClient, indicators_session: Session, row: str, column: str, message: str
) -> None:
    before = count_observations(indicators_session)
    response = post_csv(indicators_client, HEADER + "SH-IC,C1.1,2025,4.2,good row first\n" + row + "\n")
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    errors = response.json()["errors"]
    assert [(e["row"], e["column"]) for e in errors] == [(3, column)]
    assert message in errors[0]["message"]
    assert count_observations(indicators_session) == before


def test_every_bad_row_is_listed_not_only_the_first(indicators_client: TestClient) -> None:
    rows = "\n".join(r for r, _, _ in BAD_ROWS)
    response = post_csv(indicators_client, HEADER + rows + "\n")
    assert response.status_code == 422
    assert sorted({e["row"] for e in response.json()["errors"]}) == list(range(2, 2 + len(BAD_ROWS)))


def test_the_same_cell_twice_is_rejected(indicators_client: TestClient) -> None:
    response = post_csv(indicators_client, HEADER + "SH-IC,C1.1,2025,4.2,\nSH-IC,C1.1,2025,4.3,\n")
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["row"] == 3
    assert "first on line 2" in error["message"]


def test_empty_file_is_rejected(indicators_client: TestClient) -> None:
    response = post_csv(indicators_client, b"")
    assert response.status_code == 422
    assert "empty" in response.json()["errors"][0]["message"]


def test_header_only_is_rejected(indicators_client: TestClient) -> None:
    assert post_csv(indicators_client, HEADER).status_code == 422


def test_missing_column_is_named(indicators_client: TestClient) -> None:
    response = post_csv(indicators_client, "cluster_code,indicator_code,year\nSH-IC,C1.1,2024\n")
    assert response.status_code == 422
    assert response.json()["errors"][0]["column"] == "value"


def test_gbk_file_is_rejected_with_a_hint(indicators_client: TestClient, indicators_session: Session) -> None:
    before = count_observations(indicators_session)
    content = (HEADER + "SH-IC,C1.1,2025,4.2,国家统计局\n").encode("gbk")
    response = post_csv(indicators_client, content)
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["row"] == 2
    assert "GBK" in error["message"]
    assert count_observations(indicators_session) == before


def test_file_over_the_limit_is_a_413(indicators_client: TestClient) -> None:
    limit = indicators_client.app.state.settings.max_upload_bytes  # type: ignore[attr-defined]
    response = post_csv(indicators_client, HEADER + "x" * (limit + 10))
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("application/problem+json")


def test_utf8_with_bom_and_chinese_source_is_accepted(indicators_client: TestClient) -> None:
    content = ("\ufeff" + HEADER + "SH-IC,C1.1,2025,4.2,上海市统计局\n").encode()
    assert post_csv(indicators_client, content).status_code == 200


def test_xlsx_import(indicators_client: TestClient) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["cluster_code", "indicator_code", "year", "value", "source"])
    sheet.append(["SH-IC", "C1.1", 2025, 4.25, "xlsx"])
    sheet.append(["SH-IC", "C2.1", 2025, 41, "xlsx"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = indicators_client.post(
        "/v1/observations/import",
        files={"file": ("data.xlsx", buffer.getvalue(), "application/octet-stream")},
    )
    assert response.status_code == 200, response.text
    assert response.json()["inserted"] == 2


def test_xlsx_bad_rows_are_named_by_their_sheet_row(indicators_client: TestClient) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["cluster_code", "indicator_code", "year", "value"])
    sheet.append(["SH-IC", "C1.1", 2025, 4.25])
    sheet.append(["SH-IC", "C1.1", 2025, "n/a"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = indicators_client.post("/v1/observations/import", files={"file": ("d.xlsx", buffer.getvalue())})
    assert response.status_code == 422
    assert response.json()["errors"][0]["row"] == 3


def test_broken_xlsx_is_a_422(indicators_client: TestClient) -> None:
    response = indicators_client.post("/v1/observations/import", files={"file": ("d.xlsx", b"PK\x03\x04garbage")})
    assert response.status_code == 422


def test_missing_file_field_is_a_422(indicators_client: TestClient) -> None:
    response = indicators_client.post("/v1/observations/import")
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "file"]


def test_export_round_trips_through_import(indicators_client: TestClient) -> None:
    exported = indicators_client.get("/v1/observations/export", params={"year": 2024})
    assert exported.status_code == 200
    assert exported.headers["content-disposition"].startswith("attachment")
    assert exported.content.startswith("\ufeff".encode())
    again = post_csv(indicators_client, exported.content)
    assert again.status_code == 200, again.text
    assert again.json()["unchanged"] == again.json()["rows"] > 900


def test_import_is_audited(indicators_client: TestClient) -> None:
    post_csv(indicators_client, HEADER + "SH-IC,C1.1,2024,5.5,fix\n")
    entry = indicators_client.get("/v1/audit", params={"action": "observations.import"}).json()[0]
    assert entry["actor"] == "env-admin"
    assert entry["after"]["updated"] == 1
    assert entry["after"]["updated_cells"][0]["value"] == 5.5


def test_history_table_is_only_appended(indicators_client: TestClient, indicators_session: Session) -> None:
    post_csv(indicators_client, HEADER + "SH-IC,C1.1,2024,5.5,a\n")
    post_csv(indicators_client, HEADER + "SH-IC,C1.1,2024,5.6,b\n")
    indicators_session.expire_all()
    assert indicators_session.scalar(select(func.count()).select_from(ObservationHistory)) == 2
