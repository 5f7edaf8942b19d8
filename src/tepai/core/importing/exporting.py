"""Exporting a registry as a spreadsheet that ``tepai import`` reads back unchanged.

The columns are the registry's import template; each importer says how a record becomes a row
(:meth:`Importer.export_row`), which records to read (``export_queryset()``, optional, with the
joins and prefetches that keep the export at a fixed number of queries) and how records link to
a batch (``batch_filter``, a lookup such as ``"batch"``). This module turns the values into
cells in the form the import parsers accept: dates as ``YYYY-MM-DD`` (a month-precision date as
``YYYY-MM``), yes/no as 是/否, amounts without trailing zeros, several values joined with 、.

Phones and e-mails are masked unless asked otherwise: the columns of the model's fields that
:func:`tepai.core.personal_data.masked_in_exports` names, each with its kind's mask. A masked
value is recognised on import (:func:`tepai.core.personal_data.unless_masked`), so
re-importing a masked file keeps the real values instead of failing or overwriting them.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.utils import translation

from tepai.core.cleaning import PartialDate
from tepai.core.importing.base import Importer
from tepai.core.importing.formulas import escape_formula, looks_like_formula, unescape_formula
from tepai.core.importing.registry import get_importer, importer_names
from tepai.core.personal_data import mask_value, masked_in_exports
from tepai.programs.models import Batch

__all__ = [
    "ExportError",
    "ExportResult",
    "code_or",
    "escape_formula",
    "export",
    "export_rows",
    "find_batch",
    "format_cell",
    "looks_like_formula",
    "name_of",
    "unescape_formula",
    "write_csv",
    "write_xlsx",
]

Cell = str | int | None

_CHUNK_SIZE = 2000


class ExportError(Exception):
    """The export cannot be made as asked; ``str()`` is the reason in Chinese."""


# ----- references ------------------------------------------------------------------------------
def code_or(obj: models.Model | None, attr: str = "name") -> str | None:
    """Return how a cell refers to ``obj``: its 编号 when it has one, else its name (or ``attr``).

    For references the importer resolves by 编号 first (特派员, 活动, 成果, 项目, 需求).
    """
    if obj is None:
        return None
    return getattr(obj, "code", "") or getattr(obj, attr)


def name_of(obj: models.Model | None, attr: str = "name") -> str | None:
    """Return ``obj``'s name (or ``attr``): for references the importer resolves by name."""
    return None if obj is None else getattr(obj, attr)


# ----- cells -----------------------------------------------------------------------------------
def format_decimal(value: Decimal) -> str:
    """Return an amount without trailing zeros or exponent: 168.00 → 168, 12.50 → 12.5."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


def format_cell(value: object) -> Cell:
    """Return ``value`` as a cell in the form the import parsers read back.

    Raises TypeError for a value with no cell form (a model instance: export_row must say
    whether the reference is by 编号 or by name).
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal):
        return format_decimal(value)
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, PartialDate):
        return str(value)  # 1981-03 when the day is unknown
    if isinstance(value, list | tuple):
        items = (format_cell(item) for item in value)
        return "、".join(str(item) for item in items if item not in (None, ""))
    if isinstance(value, str):
        return value
    if isinstance(value, models.Model):
        raise TypeError(f"export_row returned a {type(value).__name__}; give its 编号 or name")
    if isinstance(value, models.Manager):
        raise TypeError("export_row returned a related manager; list the related names")
    return str(value)


# ----- rows ------------------------------------------------------------------------------------
def find_batch(token: str) -> Batch:
    """Return the batch called ``token`` (or with that 编号), or raise ExportError."""
    batch = Batch.objects.filter(name=token).first() or Batch.objects.filter(code=token).first()
    if batch is None:
        raise ExportError(f"批次“{token}”不存在")
    return batch


def batch_registries() -> list[str]:
    """Return the registries whose records link to a batch, i.e. can be exported by batch."""
    return [name for name in importer_names() if get_importer(name).batch_filter]


def export_queryset(importer: type[Importer], batch: Batch | None = None) -> models.QuerySet:
    """Return the records ``importer`` exports, restricted to ``batch`` when given."""
    queryset = importer.export_queryset()
    if batch is not None:
        lookup = importer.batch_filter
        if not lookup:
            allowed = "、".join(
                f"{get_importer(name).label}（{name}）" for name in batch_registries()
            )
            raise ExportError(
                f"{importer.label}（{importer.registry}）不属于批次，不能按批次导出；"
                f"可按批次导出的有：{allowed}"
            )
        queryset = queryset.filter(**{lookup: batch})
    return queryset


def personal_columns(importer: type[Importer]) -> dict[str, str]:
    """Return the columns an export masks unless asked not to: key → kind of personal data.

    They are the columns named like a field of the importer's model that
    :data:`tepai.core.personal_data.PERSONAL_FIELDS` declares and exports mask.
    """
    masked = masked_in_exports(importer.model)
    return {column.key: masked[column.key] for column in importer.columns if column.key in masked}


def export_rows(
    registry: str, *, unmask: bool = False, batch: Batch | None = None
) -> tuple[list[str], Iterator[list[Cell]]]:
    """Return the template headers of ``registry`` and an iterator over its records' rows.

    Personal data (phones, e-mails) is masked unless ``unmask``. The rows are read lazily, in
    chunks; the query count does not grow with the number of records. Raises UnknownRegistry
    (a KeyError) for an unknown registry and ExportError when ``batch`` does not apply to it.
    """
    importer_class = get_importer(registry)
    importer = importer_class()
    columns = importer_class.columns
    queryset = export_queryset(importer_class, batch)
    masks = {} if unmask else personal_columns(importer_class)

    def rows() -> Iterator[list[Cell]]:
        for obj in queryset.iterator(chunk_size=_CHUNK_SIZE):
            # Off, not merely Chinese: choice labels are then the source text the parsers know
            # whatever language the caller has active.
            with translation.override(None):
                values = importer.export_row(obj)
                for key, kind in masks.items():
                    if values[key]:
                        values[key] = mask_value(kind, str(values[key]))
                row = [format_cell(values[column.key]) for column in columns]
            yield row

    return [column.header for column in columns], rows()


# ----- files -----------------------------------------------------------------------------------
def write_xlsx(headers: list[str], rows: Iterable[list[Cell]], *, title: str = "") -> bytes:
    """Return an .xlsx file: one sheet, the header row, then ``rows``; every text cell is text.

    Text that starts like a formula (=, +, -, @) is written as a string cell with Excel's
    quote prefix — what Excel itself stores when one types ``'=…`` — so no spreadsheet
    evaluates it, not even after the cell is edited, and the value reads back unchanged
    (openpyxl would otherwise store "=…" as a formula). Control characters the format cannot
    hold are dropped.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title or "Sheet1")
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, 2 * len(header) + 4)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = bold
        cell.fill = fill
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        cells: list[object] = []
        for value in row:
            if isinstance(value, str):
                value = ILLEGAL_CHARACTERS_RE.sub("", value)
                if looks_like_formula(value):
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.data_type = "s"
                    cell.quotePrefix = True
                    cells.append(cell)
                    continue
            cells.append(value)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_csv(headers: list[str], rows: Iterable[list[Cell]]) -> bytes:
    """Return a CSV file, UTF-8 with BOM (so Excel shows the Chinese), every cell quoted.

    Quoting every cell lets the importer's delimiter sniffing recognise the commas for sure,
    however much punctuation the text holds. Quotes do not stop a spreadsheet evaluating a
    cell, so text that starts like a formula gets an apostrophe in front
    (:func:`escape_formula`; :func:`unescape_formula` takes it off again).
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL)
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if value is None else escape_formula(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# ----- one call --------------------------------------------------------------------------------
@dataclass
class ExportResult:
    """An export's file and what it holds."""

    registry: str
    label: str
    data: bytes
    rows: int
    has_personal_data: bool
    unmasked: bool
    batch: str = ""

    def summary(self) -> str:
        """Return a one-line Chinese summary, e.g. 已导出 科技特派员 48 条（联系方式已脱敏）."""
        notes = [f"批次：{self.batch}"] if self.batch else []
        if self.has_personal_data:
            notes.append("含完整联系方式" if self.unmasked else "联系方式已脱敏")
        note = f"（{'；'.join(notes)}）" if notes else ""
        return f"已导出 {self.label} {self.rows} 条{note}"


class _Counted:
    def __init__(self, rows: Iterator[list[Cell]]) -> None:
        self._rows = rows
        self.count = 0

    def __iter__(self) -> Iterator[list[Cell]]:
        for row in self._rows:
            self.count += 1
            yield row


def export(
    registry: str, *, fmt: str = "xlsx", unmask: bool = False, batch: str | None = None
) -> ExportResult:
    """Export ``registry`` as ``fmt`` ("xlsx" or "csv"), restricted to the batch named ``batch``.

    Raises ExportError for an unknown batch, a registry without batches, or an unknown format.
    """
    if fmt not in ("xlsx", "csv"):
        raise ExportError(f"不支持的格式“{fmt}”，请用 xlsx 或 csv")
    importer = get_importer(registry)
    found = find_batch(batch) if batch else None
    headers, rows = export_rows(registry, unmask=unmask, batch=found)
    counted = _Counted(rows)
    data = (
        write_xlsx(headers, counted, title=importer.label)
        if fmt == "xlsx"
        else write_csv(headers, counted)
    )
    return ExportResult(
        registry=registry,
        label=importer.label,
        data=data,
        rows=counted.count,
        has_personal_data=bool(personal_columns(importer)),
        unmasked=unmask,
        batch=found.name if found else "",
    )
