"""Indicator values as reports print them (shared/units.py): precision by unit, the Chinese unit in Chinese."""

from __future__ import annotations

import pytest

from shared.schemas.indicators import IndicatorRead
from shared.schemas.vocabulary import Lang
from shared.units import quantity, share_of_range


def indicator(unit: str, unit_zh: str, *, integer: bool = False) -> IndicatorRead:
    return IndicatorRead(code="C1.1", name="x", name_zh="x", unit=unit, unit_zh=unit_zh, direction="benefit",
                         ref_min=0, ref_max=1, valid_min=None, valid_max=None, integer=integer)  # fmt: skip


@pytest.mark.parametrize(
    ("unit", "unit_zh", "integer", "value", "lang", "shown"),
    [
        ("count", "个", True, 12.0, "en", "12"),
        ("count", "个", True, 12.0, "zh", "12个"),
        ("count", "家", True, 1.5, "en", "1.5"),  # an imputed median of counts keeps its half
        ("count", "件", True, 1234.0, "zh", "1,234件"),
        ("persons", "人", True, 350.0, "en", "350 persons"),
        ("FTE", "人年", True, 812.0, "zh", "812人年"),
        ("%", "%", False, 3.456, "en", "3.5%"),
        ("%", "%", False, 55.3, "zh", "55.3%"),
        ("100m yuan", "亿元", False, 9.72, "en", "972 million yuan"),
        ("100m yuan", "亿元", False, 1534.0, "en", "153 billion yuan"),
        ("100m yuan", "亿元", False, 9.72, "zh", "9.72亿元"),
        ("ratio", "比值", False, 2.3456, "en", "2.35"),
        ("ratio", "比值", False, 2.3456, "zh", "2.35"),
        ("tce", "吨标准煤", False, 0.4567, "en", "0.46 tce"),
        ("tce", "吨标准煤", False, 0.4567, "zh", "0.46吨标准煤"),
        ("tce", "", False, 0.4567, "zh", "0.46 tce"),  # no Chinese unit: the English one
    ],
)  # fmt: skip
def test_precision_and_unit_follow_the_unit_and_the_language(
    unit: str, unit_zh: str, integer: bool, value: float, lang: Lang, shown: str
) -> None:
    assert quantity(value, indicator(unit, unit_zh, integer=integer), lang) == shown


def test_a_missing_value_and_a_share_of_the_range() -> None:
    assert quantity(None, indicator("%", "%"), "en") == "–"
    assert share_of_range(0.234) == "23%"
