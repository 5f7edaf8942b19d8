"""Exporting the list a user is looking at as .xlsx, in the registry's import columns.

The rows are the list's (same scope, filters, search and order); the columns and cell forms
are the importer's (:mod:`tepai.core.importing.exporting`), so the file re-imports as an
update. Phones and e-mails are masked per record unless the user may see that record's
personal data; a masked cell re-imports as "keep the stored value".

Formula injection: the file is .xlsx only, and every text cell is written as a typed string
cell (``write_xlsx`` stores even text starting with "=" as a string, and openpyxl never turns
text starting with "+", "-" or "@" into a formula). Excel and WPS do not evaluate string
cells, so no cell is prefixed with an apostrophe: a prefix would change the data and break
the round trip through ``tepai import`` (a code "-12" or a note "=见附件" must come back
unchanged). CSV, where a leading "=" would be evaluated, is deliberately not offered here.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.utils import timezone, translation

from tepai.accounts.permissions import can_view_personal_data
from tepai.core.importing.exporting import Cell, format_cell, personal_columns, write_xlsx
from tepai.core.importing.registry import get_importer
from tepai.web.registries.base import Registry
from tepai.web.registries.query import ListQuery

_CHUNK_SIZE = 2000


@dataclass
class ListExport:
    """An exported list: the file, how many records it holds, how contacts were written.

    ``masked``: some phone or e-mail was masked; ``unmasked``: some was written in full.
    """

    data: bytes
    rows: int
    filename: str
    masked: bool
    unmasked: bool


def export_list(registry: Registry, user: Any, query: ListQuery) -> ListExport:
    """Return the records of ``query`` as an .xlsx file in the import template's columns."""
    assert registry.importer is not None
    importer_class = get_importer(registry.importer)
    importer = importer_class()
    columns = importer_class.columns
    masks = personal_columns(importer_class)
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
                for key, mask in masks.items():
                    if not values.get(key):
                        continue
                    if hide:
                        values[key] = mask(str(values[key]))
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
