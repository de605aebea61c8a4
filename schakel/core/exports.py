"""Helpers shared by every CSV and spreadsheet export."""

from __future__ import annotations

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Spreadsheet formula injection guard: text starting with = + - @ TAB or
    CR gets a leading ' so a spreadsheet shows it instead of evaluating it.
    Numbers, dates and None pass through unchanged (None becomes "")."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def safe_row(values) -> list:
    return [safe_cell(v) for v in values]
