"""Cell values for the CSV and XLSX files the platform writes, made safe to open in a spreadsheet."""

from __future__ import annotations

# A text cell starting with one of these is read by Excel, LibreOffice and Google Sheets as a formula
# (OWASP, "CSV Injection"); a leading single quote makes it text again.
FORMULA_TRIGGERS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: object) -> object:
    """The value as it may go into a cell: text a spreadsheet would run as a formula gets a leading `'`.

    Only strings are changed; numbers (a negative one too), dates and None are returned as they are, so that
    they stay numbers in the file.
    """
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def unneutralised(text: str) -> str:
    """The text a `safe_text` cell stood for: an export read back in (an import) gets the value it came from."""
    if text.startswith("'") and text[1:].startswith(FORMULA_TRIGGERS):
        return text[1:]
    return text
