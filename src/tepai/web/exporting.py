"""Exporting the list a user is looking at as .xlsx, in the registry's import columns.

The rows are the list's (same scope, filters, search and order); the columns and cell forms
are the importer's (:mod:`tepai.core.importing.exporting`), so the file re-imports as an
update. Personal data is masked per record by the one rule of :mod:`tepai.core.personal_data`
(phones and e-mails 138****1234, a birth date as its year); a masked phone or e-mail cell
re-imports as "keep the stored value".

Formula injection: the file is .xlsx only, and ``write_xlsx`` writes every text cell as a
typed string, marked with Excel's quote prefix when it starts like a formula (=, +, -, @):
spreadsheets show it as text, as if typed with a leading apostrophe, and never evaluate it,
while the stored value stays unchanged for the round trip through ``tepai import``. CSV is
not offered here.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.utils import timezone, translation

from tepai.core.importing.exporting import Cell, format_cell, write_xlsx
from tepai.core.personal_data import can_view_personal_data, mask_value, personal_fields
from tepai.core.registries import Registry
from tepai.web.registries.query import ListQuery

_CHUNK_SIZE = 2000


@dataclass
class ListExport:
    """An exported list: the file, how many records it holds, how personal data was written.

    ``masked``: some phone, e-mail or birth date was masked; ``unmasked``: some was in full.
    """

    data: bytes
    rows: int
    filename: str
    masked: bool
    unmasked: bool


def export_list(registry: Registry, user: Any, query: ListQuery) -> ListExport:
    """Return the records of ``query`` as an .xlsx file in the import template's columns."""
    importer_class = registry.importer
    importer = importer_class()
    columns = importer_class.columns
    keys = {column.key for column in columns}
    personal = personal_fields(importer_class.model).items()
    masks = {key: kind for key, kind in personal if key in keys}
    ordering = query.queryset.query.order_by
    queryset = (
        importer_class.export_queryset()
        .filter(pk__in=query.queryset.values("pk"))
        .order_by(*ordering)
    )
    state = {"rows": 0, "masked": False, "unmasked": False}

    def rows() -> Iterator[list[Cell]]:
        for record in queryset.iterator(chunk_size=_CHUNK_SIZE):
            # Translation off: choice labels are then the Chinese source the importer parses.
            with translation.override(None):
                values = importer.export_row(record)
            if masks:
                hide = not can_view_personal_data(user, record)
                for key, kind in masks.items():
                    if not values.get(key):
                        continue
                    if hide:
                        values[key] = mask_value(kind, values[key])
                    state["masked" if hide else "unmasked"] = True
            state["rows"] += 1
            yield [format_cell(values[column.key]) for column in columns]

    headers = [column.header for column in columns]
    data = write_xlsx(headers, rows(), title=importer_class.label)
    stamp = timezone.localdate().isoformat()
    return ListExport(
        data=data,
        rows=int(state["rows"]),
        filename=f"{importer_class.label}-{stamp}.xlsx",
        masked=bool(state["masked"]),
        unmasked=bool(state["unmasked"]),
    )
