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
_UNCERTAINTY_COLUMNS: tuple[str, ...] = ("median_rank", "rank_p05", "rank_p95")
_SOURCE_COLUMNS: tuple[str, ...] = (
    "imputed",
    "dataset_version",
    "profile_id",
    "method",
    "normalization",
    "reference",
    "synthetic_data",
)


def render_csv(bundle: ExportBundle, *, uncertainty: bool = False) -> bytes:
    """One row per cluster in rank order; each row names the dataset version, profile and method behind it.

    With `uncertainty`, the bundle's rank intervals follow as the last columns (median_rank, rank_p05, rank_p95);
    without it the file is exactly what it always was.
    """
    if uncertainty and bundle.uncertainty is None:
        raise ValueError("the bundle has no uncertainty analysis to add")
    intervals = bundle.uncertainty.interval_of() if uncertainty and bundle.uncertainty is not None else None
    criterion_codes = [criterion.code for criterion in bundle.criteria]
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    extra = _UNCERTAINTY_COLUMNS if intervals is not None else ()
    writer.writerow([*_FIXED_COLUMNS, *(f"score_{code}" for code in criterion_codes), *_SOURCE_COLUMNS, *extra])
    for row in bundle.ranked_rows():
        tail: list[str] = []
        if intervals is not None:
            interval = intervals.get(row.cluster_code)
            tail = (
                ["", "", ""]
                if interval is None
                else [str(interval.median_rank), str(interval.rank_p05), str(interval.rank_p95)]
            )
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
                *tail,
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
