"""Spreadsheet formula injection: neutralising cells on export, restoring them on import."""

from __future__ import annotations

import re

Cell = str | int | None

# ----- formula injection -----------------------------------------------------------------------
# OWASP "CSV Injection": a spreadsheet takes a cell starting with one of these for a formula
# (=HYPERLINK(…), +cmd|…, @SUM(…), -2+3; tab and CR are stripped first by some). Text an
# enterprise typed into its own record must not run on the programme office's computer.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def looks_like_formula(text: str) -> bool:
    """Return True if a spreadsheet could read ``text`` as a formula (genuine numbers not).

    Apostrophes already in front are skipped, so text that begins with one is escaped too and
    :func:`unescape_formula` can tell an added apostrophe from the user's own.
    """
    bare = text.lstrip("'")
    return bare.startswith(_FORMULA_START) and not _NUMBER.fullmatch(bare)


def escape_formula(value: Cell) -> Cell:
    """Return a CSV cell neutralised as OWASP recommends: ``'=HYPERLINK(…)`` for ``=HYPERLINK(…)``.

    Numbers (``-12.5`` included) and other text stay as they are.
    """
    if isinstance(value, str) and looks_like_formula(value):
        return "'" + value
    return value


def unescape_formula(text: str) -> str:
    """Return a cell read from a CSV file without the apostrophe :func:`escape_formula` added."""
    if text.startswith("'") and looks_like_formula(text[1:]):
        return text[1:]
    return text
