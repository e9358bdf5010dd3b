"""The ranking as one CSV table, UTF-8 with BOM for Excel, byte-for-byte reproducible from one bundle."""

from __future__ import annotations

import codecs
import csv
import io

from services.scoring.exports.model import ExportBundle
from shared.spreadsheet import safe_text

_FIXED_COLUMNS: tuple[str, ...] = (
    "year",
    "rank",
    "cluster_code",
    "name",
    "name_zh",
    "category",
    "province",
    "industry",
    "score",
    "tier",
    "rank_change",
    "previous_year",
    "previous_rank",
    "previous_score",
)
_SOURCE_COLUMNS: tuple[str, ...] = (
    "imputed",
    "dataset_version",
    "profile_id",
    "method",
    "normalization",
    "reference",
    "synthetic_data",
)


def render_csv(bundle: ExportBundle) -> bytes:
    """One row per cluster in rank order; each row names the dataset version, profile and method behind it."""
    criterion_codes = [criterion.code for criterion in bundle.criteria]
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([*_FIXED_COLUMNS, *(f"score_{code}" for code in criterion_codes), *_SOURCE_COLUMNS])
    for row in bundle.ranked_rows():
        writer.writerow(
            [
                bundle.year,
                row.rank,
                safe_text(row.cluster_code),
                safe_text(row.name),
                safe_text(row.name_zh),
                safe_text(row.category),
                safe_text(row.province),
                safe_text(row.industry),
                _number(row.score),
                safe_text(row.tier),
                _optional(row.rank_change),
                _optional(bundle.previous_year),
                _optional(row.previous_rank),
                _number(row.previous_score),
                *(_number(row.criteria_scores.get(code)) for code in criterion_codes),
                safe_text(";".join(sorted(row.imputed))),
                safe_text(bundle.dataset_version),
                safe_text(bundle.profile.id),
                safe_text(bundle.method),
                safe_text(bundle.normalization),
                safe_text(bundle.reference),
                "true" if bundle.synthetic else "false",
            ]
        )
    return codecs.BOM_UTF8 + out.getvalue().encode("utf-8")


def _number(value: float | None) -> str:
    """Six decimals, so the text does not depend on how the float was computed beyond that."""
    if value is None:
        return ""
    text = f"{value:.6f}"
    return "0.000000" if text == "-0.000000" else text


def _optional(value: int | None) -> str:
    return "" if value is None else str(value)
