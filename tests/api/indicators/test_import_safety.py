"""Issue 16: an import writes every row or names every bad one; hostile files are a 4xx, bounded in work."""

from __future__ import annotations

import io
import zipfile

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.indicators.models import AuditEntry, Observation, ObservationHistory
from services.indicators.observations import importer

HEADER = "cluster_code,indicator_code,year,value,source\n"
GOOD_ROW = "SH-IC,C1.1,2024,5.5,good\n"


def post(client: TestClient, content: bytes, name: str = "data.csv"):  # type: ignore[no-untyped-def]
    media = "text/csv" if name.endswith(".csv") else "application/octet-stream"
    return client.post("/v1/observations/import", files={"file": (name, content, media)})


def counts(session: Session) -> tuple[int, int, int]:
    session.expire_all()
    return tuple(  # type: ignore[return-value]
        int(session.scalar(select(func.count()).select_from(table)) or 0)
        for table in (Observation, ObservationHistory, AuditEntry)
    )


@pytest.mark.parametrize(
    ("row", "column"),
    [
        ("SH-IC,C2.1,2024,1_000,x", "value"),
        ("SH-IC,C2.1,2024,１２３,x", "value"),
        ("SH-IC,C2.1,2_024,40,x", "year"),
        ("SH-IC,C2.1,２０２４,40,x", "year"),
        ('SH-IC,C2.1,2024,"1,5",x', "value"),
        ('SH-IC,C2.1,2024,"1,000",x', "value"),
        ("SH-IC,C2.1,2024,0x1A,x", "value"),
        ("SH-IC,C2.1,2024,nan,x", "value"),
        ("SH-IC,C2.1,2024,1e999,x", "value"),
    ],
)
def test_a_row_that_cannot_be_read_exactly_is_named_and_nothing_is_written(
    indicators_client: TestClient, indicators_session: Session, row: str, column: str
) -> None:
    before = counts(indicators_session)
    version = indicators_client.get("/v1/datasets/2024").json()["version"]
    response = post(indicators_client, (HEADER + GOOD_ROW + row + "\n").encode())
    assert response.status_code == 422, response.text
    body = response.json()
    assert [(e["row"], e["column"]) for e in body["errors"]] == [(3, column)]
    assert body["bad_rows"] == 1
    assert counts(indicators_session) == before
    assert indicators_client.get("/v1/datasets/2024").json()["version"] == version


def test_a_decimal_comma_is_refused_with_its_reason(indicators_client: TestClient) -> None:
    response = post(indicators_client, (HEADER + 'SH-IC,C2.1,2024,"1,5",x\n').encode())
    assert "comma" in response.json()["errors"][0]["message"]


def test_plain_numbers_in_every_written_form_are_read_as_written(
    indicators_client: TestClient, indicators_session: Session
) -> None:
    rows = ["SH-IC,C2.1,2024,+40,a", "SZ-ICT,C2.1,2024,4.0e1,a", "WX-IOT,C2.1,2024,.5e2,a", "SH-IC,C1.1,2024.0,5.,a"]
    response = post(indicators_client, (HEADER + "\n".join(rows) + "\n").encode())
    assert response.status_code == 200, response.text
    data = indicators_client.get("/v1/datasets/2024").json()
    column = data["indicators"].index("C2.1")
    values = {c: data["values"][data["clusters"].index(c)][column] for c in ("SH-IC", "SZ-ICT", "WX-IOT")}
    assert values == {"SH-IC": 40.0, "SZ-ICT": 40.0, "WX-IOT": 50.0}
    assert data["values"][data["clusters"].index("SH-IC")][data["indicators"].index("C1.1")] == 5.0


def test_many_bad_rows_are_counted_but_listed_only_up_to_the_limit(indicators_client: TestClient) -> None:
    bad = "".join(f"SH-IC,C2.1,2024,x{i},x\n" for i in range(5000))
    response = post(indicators_client, (HEADER + bad).encode())
    assert response.status_code == 422
    body = response.json()
    assert body["bad_rows"] == 5000
    assert len(body["errors"]) == importer.MAX_LISTED_ERRORS
    assert len(response.content) < 100_000
    assert "5000 bad rows in all" in body["detail"]


def test_more_rows_than_the_limit_is_a_413(indicators_client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importer, "MAX_IMPORT_ROWS", 3)
    response = post(indicators_client, (HEADER + GOOD_ROW * 4).encode())
    assert response.status_code == 413
    assert "3 data rows" in response.json()["detail"]


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def with_sheet_xml(content: bytes, sheet_xml: bytes) -> bytes:
    """The workbook with its first sheet's XML replaced."""
    source, target = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            data = sheet_xml if item.filename == "xl/worksheets/sheet1.xml" else source.read(item)
            out.writestr(item, data)
    return target.getvalue()


BASE_XLSX = xlsx_bytes([["cluster_code", "indicator_code", "year", "value"], ["SH-IC", "C1.1", 2024, 5.5]])
NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><worksheet ' + NS + b'><sheetData><row r="1">'
    b'<c r="A1" t="inlineStr"><is><t>&lol3;</t></is></c></row></sheetData></worksheet>'
)
EXTERNAL = (
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY ext SYSTEM "file:///etc/passwd">]><worksheet ' + NS + b">"
    b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&ext;</t></is></c></row></sheetData></worksheet>'
)
TRUNCATED = b'<?xml version="1.0"?><worksheet ' + NS + b'><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>cl'


@pytest.mark.parametrize("sheet_xml", [LAUGHS, EXTERNAL, TRUNCATED], ids=["billion-laughs", "external", "truncated"])
def test_hostile_or_broken_sheet_xml_is_a_422(
    indicators_client: TestClient, indicators_session: Session, sheet_xml: bytes
) -> None:
    before = counts(indicators_session)
    response = post(indicators_client, with_sheet_xml(BASE_XLSX, sheet_xml), name="data.xlsx")
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "passwd" not in response.text
    assert "root:" not in response.text
    assert counts(indicators_session) == before


def test_a_dtd_is_refused_by_name(indicators_client: TestClient) -> None:
    response = post(indicators_client, with_sheet_xml(BASE_XLSX, EXTERNAL), name="data.xlsx")
    assert "DTD" in response.json()["errors"][0]["message"]


def test_a_small_xlsx_with_many_rows_is_refused_before_it_is_read(
    indicators_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importer, "MAX_IMPORT_ROWS", 1000)
    rows = b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (i, i) for i in range(1, 3001))
    sheet = b'<?xml version="1.0"?><worksheet ' + NS + b"><sheetData>" + rows + b"</sheetData></worksheet>"
    response = post(indicators_client, with_sheet_xml(BASE_XLSX, sheet), name="data.xlsx")
    assert response.status_code == 413
    assert "1000 data rows" in response.json()["detail"]


def test_xlsx_numbers_and_text_follow_the_same_grammar(indicators_client: TestClient) -> None:
    content = xlsx_bytes(
        [
            ["cluster_code", "indicator_code", "year", "value"],
            ["SH-IC", "C2.1", 2024, 41],
            ["SH-IC", "C1.1", 2024, "1_0"],
        ]
    )
    response = post(indicators_client, content, name="data.xlsx")
    assert response.status_code == 422
    assert [(e["row"], e["column"]) for e in response.json()["errors"]] == [(3, "value")]
