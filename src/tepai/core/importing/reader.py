"""Reading .xlsx and .csv files into rows keyed by cleaned header names."""

from __future__ import annotations

import csv
import io
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from tepai.core.cleaning import CleaningError, clean_text
from tepai.core.importing.errors import ImportFailed, RowError
from tepai.core.importing.formulas import unescape_formula
from tepai.core.importing.limits import (
    ImportLimits,
    check_archive,
    too_large,
    too_many_columns,
    too_many_rows,
)
from tepai.core.importing.xlsx import UnreadableSheet, open_first_sheet

# Encodings real offices' CSV exports come in: Excel on Chinese Windows writes GB18030/GBK.
_CSV_ENCODINGS = ("utf-8-sig", "gb18030")


def normalise_header(text: object) -> str:
    """Return a header in the form columns are matched by: half-width, no spaces, no '*'."""
    cleaned = clean_text(text).replace(" ", "").replace("*", "")
    # Full-width brackets become "(" and ")" in clean_text; templates use Chinese brackets.
    return cleaned.replace("(", "（").replace(")", "）")


@dataclass
class SheetRow:
    """One data row: its number in the sheet (header = 1) and its cells by header."""

    number: int
    cells: dict[str, object] = field(default_factory=dict)


@dataclass
class Table:
    """A sheet's header and non-empty data rows."""

    headers: list[str]
    rows: list[SheetRow]


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _build_table(raw_rows: Iterable[tuple[int, list[object]]], limits: ImportLimits) -> Table:
    """Return the table of ``raw_rows`` (streamed), refusing it past the row or column limit."""
    rows_iter = iter(raw_rows)
    # Leading blank rows would shift the header; report them rather than guess.
    first = next(
        ((n, cells) for n, cells in rows_iter if not all(_is_blank(v) for v in cells)), None
    )
    if first is None:
        raise ImportFailed([RowError(1, "表头", "文件是空的，没有表头行")])
    header_number, header_cells = first
    if header_number != 1:
        raise ImportFailed([RowError(1, "表头", "第1行必须是表头（列名）")])
    _check_width(header_number, header_cells, limits)
    headers = []
    for index, cell in enumerate(header_cells, start=1):
        try:
            headers.append(normalise_header(cell))
        except CleaningError as exc:
            raise ImportFailed([RowError(1, f"第{index}列", str(exc))]) from exc
    # Trailing empty header cells are formatting left-overs, not columns.
    while headers and not headers[-1]:
        headers.pop()
    rows: list[SheetRow] = []
    for number, cells in rows_iter:
        _check_width(number, cells, limits)
        values = {
            header: cells[index] if index < len(cells) else None
            for index, header in enumerate(headers)
            if header
        }
        if all(_is_blank(value) for value in values.values()):
            continue
        if len(rows) >= limits.max_rows:
            raise too_many_rows(limits)
        rows.append(SheetRow(number, values))
    return Table(headers, rows)


def _check_width(number: int, cells: list[object], limits: ImportLimits) -> None:
    if len(cells) <= limits.max_columns:
        return
    # Formatting can stretch a row with empty cells; only filled columns count.
    width = len(cells)
    while width and _is_blank(cells[width - 1]):
        width -= 1
    if width > limits.max_columns:
        raise too_many_columns(number, width, limits)


def _read_xlsx(source: BinaryIO, limits: ImportLimits) -> Table:
    check_archive(source, limits)
    try:
        workbook, rows = open_first_sheet(source)
    except Exception as exc:  # openpyxl raises many unrelated types for a broken file
        raise ImportFailed([RowError(1, "文件", f"无法读取 Excel 文件：{exc}")]) from exc
    try:
        # Rows stream from the archive one at a time; _build_table stops at the limits. Every
        # row is read: the size the writing program stored is not trusted (some get it wrong,
        # and rows past it would be dropped silently).
        return _build_table(rows, limits)
    except (UnreadableSheet, zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        # A member longer than the archive's directory says fails its checksum here.
        raise ImportFailed([RowError(1, "文件", f"无法读取 Excel 文件：{exc}")]) from exc
    finally:
        workbook.archive.close()


def _decode_csv(data: bytes) -> str:
    # Each attempt is one linear pass over a file already bounded by the size limit.
    for encoding in _CSV_ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFailed(
        [RowError(1, "文件", "无法识别 CSV 文件的编码（支持 UTF-8 与 GB18030/GBK）")]
    )


def _read_csv(source: BinaryIO, limits: ImportLimits) -> Table:
    data = source.read(limits.max_bytes + 1)
    if len(data) > limits.max_bytes:
        raise too_large(len(data), limits)
    text = _decode_csv(data)
    sample = text[:4096]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        return _build_table(
            (
                (number, [unescape_formula(cell) for cell in row])
                for number, row in enumerate(reader, start=1)
            ),
            limits,
        )
    except csv.Error as exc:  # e.g. a field over csv.field_size_limit()
        raise ImportFailed([RowError(0, "文件", f"无法读取 CSV 文件：{exc}")]) from exc


def read_table(
    source: str | Path | BinaryIO,
    *,
    filename: str | None = None,
    limits: ImportLimits | None = None,
) -> Table:
    """Return the first sheet of an .xlsx file or a .csv file as a :class:`Table`.

    ``source`` is a path or an open, seekable binary file (then ``filename`` tells the
    format). Raises :class:`ImportFailed` for unreadable files and files past ``limits``
    (default: :meth:`ImportLimits.from_settings`).
    """
    limits = limits or ImportLimits.from_settings()
    if isinstance(source, str | Path):
        path = Path(source)
        try:
            with path.open("rb") as handle:
                return read_table(handle, filename=filename or path.name, limits=limits)
        except OSError as exc:
            raise ImportFailed(
                [RowError(0, "文件", f"无法打开文件 {path}：{exc.strerror}")]
            ) from exc
    name = filename or getattr(source, "name", "") or ""
    suffix = Path(name).suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(source, limits)
    if suffix in (".csv", ".txt", ".tsv"):
        return _read_csv(source, limits)
    if suffix == ".xls":
        raise ImportFailed([RowError(0, "文件", "不支持旧版 .xls 格式，请在 Excel 中另存为 .xlsx")])
    raise ImportFailed(
        [RowError(0, "文件", f"不支持的文件类型“{suffix or name}”，请使用 .xlsx 或 .csv")]
    )
