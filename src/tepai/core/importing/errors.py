"""Errors an import reports: every one names the sheet row and the column."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class RowError(Exception):
    """A problem with one cell (or one row) of the imported sheet.

    ``row`` is the sheet's own row number (the header is row 1), so a clerk can find it in
    Excel; ``column`` is the header text as the template names it.
    """

    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"第{self.row}行 {self.column}: {self.reason}"


class ImportFailed(Exception):
    """The file was rejected; nothing was written. ``errors`` lists every problem found."""

    def __init__(self, errors: list[RowError]) -> None:
        # Stable sort by row keeps each row's problems in the sheet's column order.
        self.errors = sorted(errors, key=lambda error: error.row)
        super().__init__("\n".join(str(error) for error in self.errors))
