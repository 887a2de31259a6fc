"""What every CSV/XLSX export shares: cells a spreadsheet would run as formulas, and a streaming CSV writer target.

Text cells starting with = + - @ (or a tab / carriage return) are prefixed with an apostrophe so a
spreadsheet never runs them as formulas (CSV injection). Other values keep their type, so XLSX cells
stay numbers and dates.
"""

from __future__ import annotations

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value):
    """`value` as a spreadsheet may show it: a formula-like text gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class EchoBuffer:
    """csv.writer target that hands each formatted line back instead of storing it (for streamed responses)."""

    def write(self, value: str) -> str:
        return value
