"""One rule for every cell a spreadsheet program opens (CSV and XLSX alike)."""

from __future__ import annotations

#: first characters a spreadsheet program reads as the start of a formula (CSV injection)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(value) -> str:
    """``value`` as text that opens as text: None is blank, and a leading ``= + - @`` (or a tab
    or carriage return) is prefixed with ``'``, so the cell is never read as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
