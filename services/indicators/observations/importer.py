"""Reading and validating an observations file (CSV or XLSX) before anything is written.

Every bad row is reported by its line number in the file and its column; one bad row rejects the whole file.
"""

from __future__ import annotations

import csv
import io
import math
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from shared.errors import InvalidInput

REQUIRED_COLUMNS = ("cluster_code", "indicator_code", "year", "value")
OPTIONAL_COLUMNS = ("source",)
MIN_YEAR, MAX_YEAR = 1990, 2100
MAX_SOURCE_LENGTH = 300


@dataclass(frozen=True)
class IndicatorRule:
    """What a value of one indicator must satisfy."""

    id: int
    valid_min: float | None
    valid_max: float | None
    integer: bool
    unit: str


@dataclass(frozen=True)
class ValidRow:
    line: int
    cluster_id: int
    indicator_id: int
    year: int
    value: float
    source: str


class ImportRejected(InvalidInput):
    """The file cannot be imported; `errors` lists every bad row as {row, column, message}."""


def _row_error(line: int, column: str, message: str) -> dict[str, Any]:
    # `row`/`column`/`message` are API.md's import shape; `loc`/`msg` keep the platform's general error shape.
    return {"row": line, "column": column, "message": message, "loc": ["file", line, column], "msg": message}


def _reject(errors: list[dict[str, Any]]) -> ImportRejected:
    first = errors[0]
    more = f" and {len(errors) - 1} more" if len(errors) > 1 else ""
    detail = f"nothing was imported: line {first['row']}, {first['column'] or 'file'}: {first['message']}{more}"
    return ImportRejected(detail, errors=errors)


def _decode_csv(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        try:
            content.decode("gb18030")
            hint = "it looks like GBK/GB18030; save it as UTF-8 (Excel: CSV UTF-8)"
        except UnicodeDecodeError:
            hint = "save it as UTF-8"
        raise _reject([_row_error(line, "", f"the file is not valid UTF-8 ({hint})")]) from exc


def _csv_rows(content: bytes) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(_decode_csv(content), newline=""))
    for cells in reader:
        yield reader.line_num, cells


def _xlsx_rows(content: bytes) -> Iterator[tuple[int, list[Any]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise _reject([_row_error(1, "", f"the file is not a readable XLSX workbook: {exc}")]) from exc
    try:
        sheet = workbook.worksheets[0]
        for line, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield line, ["" if c is None else c for c in cells]
    finally:
        workbook.close()


def is_xlsx(content: bytes, filename: str | None) -> bool:
    return content[:4] == b"PK\x03\x04" or (filename or "").lower().endswith(".xlsx")


def _parse_year(raw: Any) -> int | None:
    try:
        number = float(str(raw).strip())
    except ValueError:
        return None
    if not math.isfinite(number) or number != int(number):
        return None
    return int(number)


def _parse_value(raw: Any) -> tuple[float | None, str | None]:
    text = str(raw).strip()
    if text == "":
        return None, "the value is missing"
    try:
        number = float(text.replace(",", "")) if isinstance(raw, str) else float(raw)
    except (TypeError, ValueError):
        return None, f"{text!r} is not a number"
    if not math.isfinite(number):
        return None, f"{text!r} is not a finite number"
    return number, None


def _check_range(value: float, code: str, rule: IndicatorRule) -> str | None:
    if rule.valid_min is not None and value < rule.valid_min:
        return f"{value:g} is below the smallest valid value of {code} ({rule.valid_min:g} {rule.unit})"
    if rule.valid_max is not None and value > rule.valid_max:
        return f"{value:g} is above the largest valid value of {code} ({rule.valid_max:g} {rule.unit})"
    if rule.integer and value != int(value):
        return f"{code} is a count ({rule.unit}); {value:g} is not a whole number"
    return None


def parse_observations(
    content: bytes,
    filename: str | None,
    *,
    cluster_ids: Mapping[str, int],
    indicator_rules: Mapping[str, IndicatorRule],
) -> list[ValidRow]:
    """Every row of the file, validated; raises ImportRejected listing every bad row if any is bad."""
    if not content.strip():
        raise _reject([_row_error(1, "", "the file is empty")])
    rows: Iterator[tuple[int, list[Any]]] = _xlsx_rows(content) if is_xlsx(content, filename) else _csv_rows(content)
    header_line, header = next(rows, (1, []))
    columns = [str(c).strip().lower() for c in header]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise _reject([_row_error(header_line, c, f"the header has no {c!r} column") for c in missing])
    position = {name: columns.index(name) for name in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS) if name in columns}
    errors: list[dict[str, Any]] = []
    valid: list[ValidRow] = []
    first_seen: dict[tuple[int, int, int], int] = {}
    width = max(position.values()) + 1
    for line, cells in rows:
        if not any(str(c).strip() for c in cells):
            continue
        if len(cells) < width:
            cells = [*cells, *([""] * (width - len(cells)))]
        row_errors = len(errors)
        cluster_code = str(cells[position["cluster_code"]]).strip()
        indicator_code = str(cells[position["indicator_code"]]).strip()
        cluster_id = cluster_ids.get(cluster_code)
        if cluster_id is None:
            errors.append(_row_error(line, "cluster_code", f"unknown cluster code {cluster_code!r}"))
        rule = indicator_rules.get(indicator_code)
        if rule is None:
            errors.append(_row_error(line, "indicator_code", f"unknown indicator code {indicator_code!r}"))
        year = _parse_year(cells[position["year"]])
        if year is None or not MIN_YEAR <= year <= MAX_YEAR:
            raw_year = str(cells[position["year"]]).strip()
            errors.append(_row_error(line, "year", f"{raw_year!r} is not a year between {MIN_YEAR} and {MAX_YEAR}"))
        value, problem = _parse_value(cells[position["value"]])
        if problem:
            errors.append(_row_error(line, "value", problem))
        elif value is not None and rule is not None:
            out_of_range = _check_range(value, indicator_code, rule)
            if out_of_range:
                errors.append(_row_error(line, "value", out_of_range))
        source = str(cells[position["source"]]).strip() if "source" in position else ""
        if len(source) > MAX_SOURCE_LENGTH:
            errors.append(_row_error(line, "source", f"longer than {MAX_SOURCE_LENGTH} characters"))
        if len(errors) > row_errors or cluster_id is None or rule is None or year is None or value is None:
            continue
        cell = (cluster_id, rule.id, year)
        if cell in first_seen:
            errors.append(
                _row_error(
                    line,
                    "cluster_code",
                    f"{cluster_code} × {indicator_code} × {year} is given twice (first on line {first_seen[cell]})",
                )
            )
            continue
        first_seen[cell] = line
        valid.append(ValidRow(line, cluster_id, rule.id, year, value, source))
    if errors:
        raise _reject(errors)
    if not valid:
        raise _reject([_row_error(header_line + 1, "", "the file has a header but no data rows")])
    return valid
