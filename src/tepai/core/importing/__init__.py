"""Spreadsheet import shared by every registry: read, validate every row, write all or nothing.

Each registry app declares an :class:`Importer` subclass in its ``importers`` module; the
``tepai import`` and ``tepai template`` commands find them through :mod:`.registry`.
"""

from tepai.core.importing.base import Column, ImportContext, Importer, ImportResult
from tepai.core.importing.errors import ImportFailed, RowError
from tepai.core.importing.reader import Table, read_table

__all__ = [
    "Column",
    "ImportContext",
    "ImportFailed",
    "ImportResult",
    "Importer",
    "RowError",
    "Table",
    "read_table",
]
