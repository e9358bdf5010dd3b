"""Indicator values as a report prints them, in English or Chinese: one formatting for the exports and the UI.

Precision follows the unit: counts (indicators flagged `integer`) as whole numbers, shares in % with one decimal,
money in its unit scaled to read naturally (亿元 in Chinese, million or billion yuan in English), anything else
with 0–3 decimals by magnitude. The unit is the Chinese one (`unit_zh`) in Chinese wherever the tree has one.
"""

from __future__ import annotations

import math
from typing import Protocol

from shared.schemas.vocabulary import Lang

PERCENT = "%"
HUNDRED_MILLION_YUAN = "100m yuan"
# Units that name no quantity of their own: the number says it all ("12", not "12 count"; "2.35", not "2.35 ratio").
SILENT_UNITS = frozenset({"count", "ratio", "比值", ""})


class HasUnit(Protocol):
    """What formatting needs of an indicator (IndicatorRead has it, so do the exports' IndicatorInfo)."""

    @property
    def unit(self) -> str: ...

    @property
    def unit_zh(self) -> str: ...

    @property
    def integer(self) -> bool: ...


def unit_in(indicator: HasUnit, lang: Lang) -> str:
    """The indicator's unit in `lang`: the Chinese unit in Chinese when there is one, else the English unit."""
    return indicator.unit_zh if lang == "zh" and indicator.unit_zh else indicator.unit


def plain_number(value: float) -> str:
    """A number with 0–3 decimals by magnitude and no trailing zeros, thousands separated."""
    magnitude = abs(value)
    digits = 0 if magnitude >= 100 else 1 if magnitude >= 10 else 2 if magnitude >= 0.1 else 3
    text = f"{value:,.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def number_only(value: float, indicator: HasUnit) -> str:
    """The number alone at the unit's precision (for a table whose header names the unit)."""
    if indicator.integer:
        # A count is whole; a category median of counts (an imputed value) may fall between two, and is shown
        # with its one decimal rather than rounded to a count nobody reported.
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    if indicator.unit == PERCENT:
        return f"{value:,.1f}"
    return plain_number(value)


def quantity(value: float | None, indicator: HasUnit, lang: Lang) -> str:
    """`value` with its unit in `lang` at the unit's precision; "–" for a missing value."""
    if value is None or not math.isfinite(value):
        return "–"
    if indicator.unit == PERCENT:
        return f"{number_only(value, indicator)}%"
    if indicator.unit == HUNDRED_MILLION_YUAN and not (lang == "zh" and indicator.unit_zh):
        return _yuan_in_english(value)
    unit = unit_in(indicator, lang)
    number = number_only(value, indicator)
    if unit in SILENT_UNITS:
        return number
    # Chinese sets a unit right after the number (12家, 3.5亿元); English leaves a space (12 persons).
    return f"{number}{unit}" if lang == "zh" and not unit.isascii() else f"{number} {unit}"


def _yuan_in_english(value: float) -> str:
    """Hundreds of millions of yuan as million or billion yuan: 9.72 → "972 million yuan", 153 → "15.3 billion"."""
    yuan = value * 1e8
    if abs(yuan) >= 1e9:
        return f"{plain_number(yuan / 1e9)} billion yuan"
    return f"{plain_number(yuan / 1e6)} million yuan"


def share_of_range(effort: float) -> str:
    """A change as a share of the indicator's reference range: 0.234 → "23%"."""
    return f"{effort:.0%}"
