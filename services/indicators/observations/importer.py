"""Reading and validating an observations file (CSV or XLSX) before anything is written.

Every bad row is reported by its line number in the file and its column; one bad row rejects the whole file.
"""

from __future__ import annotations

import csv
import io
import math
import re
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from zlib import error as zlib_error

import numpy as np
import pandas as pd

from shared.errors import InvalidInput, PayloadTooLarge
from shared.spreadsheet import unneutralised

REQUIRED_COLUMNS = ("cluster_code", "indicator_code", "year", "value")
OPTIONAL_COLUMNS = ("source",)
MIN_YEAR, MAX_YEAR = 1990, 2100
MAX_SOURCE_LENGTH = 300
MAX_LISTED_ERRORS = 200
"""A rejected file lists at most this many bad rows; `error_count` says how many there are in all."""
MAX_IMPORT_ROWS = 500_000
"""Data rows one import may carry (the 80 × 30 indicators × 4 years of a large platform are 9,600)."""
MAX_XLSX_XML_BYTES = 256 * 1024 * 1024
"""Uncompressed XML an XLSX upload may unpack to (a small zip can hold gigabytes of sheet XML)."""

# One number grammar for every check, vectorised or per row: ASCII digits, an optional sign, a decimal point
# and an exponent. No `_` digit groups, no full-width digits, no thousands separators: what is not read exactly
# as written is refused, never guessed.
NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


@dataclass(frozen=True)
class IndicatorRule:
    """What a value of one indicator must satisfy."""

    id: int
    valid_min: float | None
    valid_max: float | None
    integer: bool
    unit: str


class ImportRejected(InvalidInput):
    """The file cannot be imported; `errors` lists every bad row as {row, column, message}."""


def _row_error(line: int, column: str, message: str) -> dict[str, Any]:
    # `row`/`column`/`message` are API.md's import shape; `loc`/`msg` keep the platform's general error shape.
    return {"row": line, "column": column, "message": message, "loc": ["file", line, column], "msg": message}


def _reject(errors: list[dict[str, Any]], *, bad_rows: int | None = None) -> ImportRejected:
    """The 422 of a bad file: at most MAX_LISTED_ERRORS errors, and `bad_rows`, how many rows are bad in all."""
    first = errors[0]
    listed = errors[:MAX_LISTED_ERRORS]
    total = max(bad_rows or 0, len({e["row"] for e in errors}))
    more = f" and {len(errors) - 1} more" if len(errors) > 1 else ""
    if total > len({e["row"] for e in listed}):
        more += f"; {total} bad rows in all, the first {len(listed)} errors are listed"
    detail = f"nothing was imported: line {first['row']}, {first['column'] or 'file'}: {first['message']}{more}"
    return ImportRejected(detail, errors=listed, extensions={"bad_rows": total})


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


def _unreadable_xlsx(reason: str) -> ImportRejected:
    return _reject([_row_error(1, "", f"the file is not a readable XLSX workbook: {reason}")])


def _check_xlsx_parts(content: bytes) -> None:
    """Refuses, before any XML parser sees it, an XLSX whose XML declares a DTD or unpacks beyond the limits.

    DTDs carry entity expansion ("billion laughs") and external entities; no spreadsheet program writes one, so
    they are refused outright. `<row` elements are counted as the XML streams by, so a file with more rows than
    MAX_IMPORT_ROWS is refused without building a single row.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise _unreadable_xlsx(str(exc)) from exc
    with archive:
        members = [m for m in archive.infolist() if m.filename.endswith((".xml", ".rels"))]
        if sum(m.file_size for m in members) > MAX_XLSX_XML_BYTES:
            raise PayloadTooLarge(f"the workbook unpacks to more than {MAX_XLSX_XML_BYTES} bytes of XML")
        unpacked, rows = 0, 0
        for member in members:
            tail = b""
            try:
                with archive.open(member) as stream:
                    while chunk := stream.read(1 << 20):
                        unpacked += len(chunk)
                        if unpacked > MAX_XLSX_XML_BYTES:
                            raise PayloadTooLarge(
                                f"the workbook unpacks to more than {MAX_XLSX_XML_BYTES} bytes of XML"
                            )
                        window = (tail + chunk).upper()
                        if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
                            raise _unreadable_xlsx(f"{member.filename} declares a DTD, which is not accepted")
                        if member.filename.startswith("xl/worksheets/"):
                            rows += (tail + chunk).count(b"<row") - tail.count(b"<row")
                        tail = chunk[-16:]
            except (zipfile.BadZipFile, zlib_error, EOFError, OSError, NotImplementedError) as exc:
                raise _unreadable_xlsx(f"{member.filename}: {exc}") from exc
        if rows > MAX_IMPORT_ROWS + 1:
            raise _too_many_rows()


def _too_many_rows() -> PayloadTooLarge:
    return PayloadTooLarge(f"the file has more than {MAX_IMPORT_ROWS} data rows, the limit of one import")


def _xlsx_rows(content: bytes) -> Iterator[tuple[int, list[Any]]]:
    from openpyxl import load_workbook

    _check_xlsx_parts(content)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises anything from KeyError to ParseError on a damaged file
        raise _unreadable_xlsx(str(exc) or type(exc).__name__) from exc
    try:
        sheet = workbook.worksheets[0]
        for line, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            if line > MAX_IMPORT_ROWS + 1:
                raise _too_many_rows()
            yield line, ["" if c is None else c for c in cells]
    except (ImportRejected, PayloadTooLarge):
        raise
    except Exception as exc:  # the sheet XML is parsed lazily: a truncated tag surfaces here
        raise _unreadable_xlsx(str(exc) or type(exc).__name__) from exc
    finally:
        workbook.close()


def is_xlsx(content: bytes, filename: str | None) -> bool:
    return content[:4] == b"PK\x03\x04" or (filename or "").lower().endswith(".xlsx")


def _parse_year(raw: Any) -> int | None:
    text = str(raw).strip()
    if not NUMBER.fullmatch(text):
        return None
    number = float(text)
    if not math.isfinite(number) or number != int(number):
        return None
    return int(number)


def _parse_value(raw: Any) -> tuple[float | None, str | None]:
    text = str(raw).strip()
    if text == "":
        return None, "the value is missing"
    if not NUMBER.fullmatch(text):
        if text.lower().lstrip("+-") in ("nan", "inf", "infinity"):
            return None, f"{text!r} is not a finite number"
        if "," in text:
            return None, (f"{text!r} has a comma: write decimals with a point and no thousands separators (1234.5)")
        return None, f"{text!r} is not a number (ASCII digits, an optional point and exponent: 1234.5, 1.2e3)"
    number = float(text)
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


@dataclass(frozen=True)
class ValidRows:
    """The rows of a valid file, column by column (line numbers, ids, years, values, sources)."""

    frame: pd.DataFrame

    def __len__(self) -> int:
        return len(self.frame)


def _table(content: bytes, filename: str | None) -> tuple[int, list[str], pd.DataFrame]:
    """The header line, the column names and every data row as text, indexed by its line number in the file."""
    rows: list[tuple[int, list[Any]]] | pd.DataFrame
    if is_xlsx(content, filename):
        rows = list(_xlsx_rows(content))
    else:
        text = _decode_csv(content)
        fast = None if '"' in text and _has_quoted_newline(text) else _fast_csv_rows(text)
        rows = fast if fast is not None else list(_csv_rows(content))
    if isinstance(rows, pd.DataFrame):
        header = ["" if c is None else str(c) for c in rows.iloc[0].tolist()]
        return 1, header, rows.iloc[1:]
    header_line, header = rows[0] if rows else (1, [])
    body = [["" if c is None else str(c) for c in cells] for _, cells in rows[1:]]
    width = max([len(header), *(len(r) for r in body)])
    frame = pd.DataFrame([r + [""] * (width - len(r)) for r in body], columns=range(width), dtype=str)
    frame.index = pd.Index([line for line, _ in rows[1:]])
    return header_line, [str(c) for c in header], frame


def _fast_csv_rows(text: str) -> pd.DataFrame | None:
    """The C parser of pandas when every row is one line (then a row's line number is its position)."""
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skip_blank_lines=False, header=None)
    except (pd.errors.ParserError, pd.errors.EmptyDataError):
        return None
    frame.index = pd.RangeIndex(1, 1 + len(frame))
    return frame


def _numbers(column: pd.Series) -> pd.Series:
    """The column as floats where a cell is a number in the NUMBER grammar, NaN elsewhere."""
    readable = column.str.fullmatch(NUMBER.pattern).fillna(False).astype(bool)
    return pd.to_numeric(column.where(readable), errors="coerce")


def _has_quoted_newline(text: str) -> bool:
    physical = text.count("\n") + (0 if text.endswith("\n") else 1)
    return sum(1 for _ in csv.reader(io.StringIO(text, newline=""))) != physical


def _row_problems(
    cells: Mapping[str, Any], *, line: int, cluster_ids: Mapping[str, int], indicator_rules: Mapping[str, IndicatorRule]
) -> list[dict[str, Any]]:
    """Every problem of one row, in words; only called for the rows the vectorised checks flagged."""
    errors: list[dict[str, Any]] = []
    cluster_code = str(cells["cluster_code"]).strip()
    indicator_code = str(cells["indicator_code"]).strip()
    if cluster_code not in cluster_ids:
        errors.append(_row_error(line, "cluster_code", f"unknown cluster code {cluster_code!r}"))
    rule = indicator_rules.get(indicator_code)
    if rule is None:
        errors.append(_row_error(line, "indicator_code", f"unknown indicator code {indicator_code!r}"))
    year = _parse_year(cells["year"])
    if year is None or not MIN_YEAR <= year <= MAX_YEAR:
        raw_year = str(cells["year"]).strip()
        errors.append(_row_error(line, "year", f"{raw_year!r} is not a year between {MIN_YEAR} and {MAX_YEAR}"))
    value, problem = _parse_value(cells["value"])
    if problem:
        errors.append(_row_error(line, "value", problem))
    elif value is not None and rule is not None:
        out_of_range = _check_range(value, indicator_code, rule)
        if out_of_range:
            errors.append(_row_error(line, "value", out_of_range))
    if len(str(cells.get("source", ""))) > MAX_SOURCE_LENGTH:
        errors.append(_row_error(line, "source", f"longer than {MAX_SOURCE_LENGTH} characters"))
    return errors


def parse_observations(
    content: bytes,
    filename: str | None,
    *,
    cluster_ids: Mapping[str, int],
    indicator_rules: Mapping[str, IndicatorRule],
) -> ValidRows:
    """Every row of the file, validated column by column; raises ImportRejected listing every bad row."""
    if not content.strip():
        raise _reject([_row_error(1, "", "the file is empty")])
    header_line, header, table = _table(content, filename)
    columns = [c.strip().lower().lstrip("\ufeff") for c in header]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise _reject([_row_error(header_line, c, f"the header has no {c!r} column") for c in missing])
    wanted = [c for c in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS) if c in columns]
    for name in wanted:
        if columns.index(name) >= table.shape[1]:
            table[columns.index(name)] = ""
    frame = pd.DataFrame(
        {name: table[columns.index(name)].fillna("").str.strip() for name in wanted}, index=table.index
    )
    if "source" not in frame:
        frame["source"] = ""
    for name in ("cluster_code", "indicator_code", "source"):
        # The platform's own exports neutralise text that a spreadsheet would run ('=…); read back, it is the text.
        frame[name] = frame[name].map(unneutralised)
    frame = frame[(frame[list(wanted)] != "").any(axis=1)]
    if len(frame) > MAX_IMPORT_ROWS:
        raise _too_many_rows()
    if frame.empty:
        raise _reject([_row_error(header_line + 1, "", "the file has a header but no data rows")])

    codes = list(indicator_rules)
    rules = [indicator_rules[c] for c in codes]
    cluster_id = frame["cluster_code"].map(cluster_ids)
    indicator_pos = frame["indicator_code"].map({c: k for k, c in enumerate(codes)})
    year = _numbers(frame["year"])
    value = _numbers(frame["value"])
    pos = indicator_pos.fillna(0).to_numpy(dtype=int)
    low = np.array([-np.inf if r.valid_min is None else r.valid_min for r in rules])[pos]
    high = np.array([np.inf if r.valid_max is None else r.valid_max for r in rules])[pos]
    integer = np.array([r.integer for r in rules], dtype=bool)[pos]
    values = value.to_numpy(dtype=float)
    years = year.to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        bad = (
            cluster_id.isna().to_numpy()
            | indicator_pos.isna().to_numpy()
            | ~np.isfinite(years)
            | (years != np.round(years))
            | (years < MIN_YEAR)
            | (years > MAX_YEAR)
            | ~np.isfinite(values)
            | (values < low)
            | (values > high)
            | (integer & (values != np.round(values)))
            | (frame["source"].str.len() > MAX_SOURCE_LENGTH).to_numpy()
        )
    errors: list[dict[str, Any]] = []
    bad_lines = frame.index[bad]
    for line in bad_lines[:MAX_LISTED_ERRORS]:
        problems = _row_problems(
            frame.loc[line], line=int(line), cluster_ids=cluster_ids, indicator_rules=indicator_rules
        )
        # The vectorised and the per-row check share one grammar; should they ever disagree, the row is still
        # named, never dropped: every data row ends written or listed here.
        errors.extend(problems or [_row_error(int(line), "", "this row could not be read")])
    good = frame[~bad].assign(
        cluster_id=cluster_id[~bad].astype(int),
        indicator_id=np.array([r.id for r in rules])[pos[~bad]],
        year=years[~bad].astype(int),
        value=values[~bad],
    )
    cell = ["cluster_id", "indicator_id", "year"]
    repeated = good.duplicated(subset=cell, keep="first")
    if repeated.any():
        first_line = good.reset_index(names="line").groupby(cell)["line"].transform("min").to_numpy()
        for line, first in zip(good.index[repeated], first_line[repeated.to_numpy()], strict=True):
            row = good.loc[line]
            errors.append(
                _row_error(
                    int(line),
                    "cluster_code",
                    f"{row['cluster_code']} × {row['indicator_code']} × {row['year']} is given twice "
                    f"(first on line {first})",
                )
            )
    if errors:
        errors.sort(key=lambda e: e["row"])
        raise _reject(errors, bad_rows=len(bad_lines) + int(repeated.sum()))
    if len(good) != len(frame):  # pragma: no cover - guarded by the checks above; never write a partial file
        raise _reject([_row_error(header_line, "", "some rows could not be read")])
    result = good[["cluster_id", "indicator_id", "year", "value", "source"]].rename_axis("line").reset_index()
    return ValidRows(result)
