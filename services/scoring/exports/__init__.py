"""Annual-review exports of a ranking (CSV, XLSX, PDF) as plain functions of an ExportBundle."""

from services.scoring.exports.csv_export import render_csv
from services.scoring.exports.fonts import CJKFontMissing
from services.scoring.exports.model import (
    Action,
    ClusterAdvice,
    CriterionInfo,
    ExportBundle,
    IndicatorInfo,
    ProfileInfo,
    RankingRow,
    Weakness,
    tier_of,
)
from services.scoring.exports.pdf_export import render_pdf
from services.scoring.exports.xlsx_export import render_xlsx

__all__ = [
    "Action",
    "CJKFontMissing",
    "ClusterAdvice",
    "CriterionInfo",
    "ExportBundle",
    "IndicatorInfo",
    "ProfileInfo",
    "RankingRow",
    "Weakness",
    "render_csv",
    "render_pdf",
    "render_xlsx",
    "tier_of",
]
