"""Spreadsheet limits (issue 9 finding 4): zip bombs, too many rows or columns, big CSVs."""

from __future__ import annotations

import struct
import time
import tracemalloc
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings

from tepai.core.importing import ImportFailed, read_table, xlsx
from tepai.core.importing.limits import ImportLimits
from tepai.core.tests.import_helpers import write_csv, write_xlsx
from tepai.institutions.importers import InstitutionImporter
from tepai.institutions.models import Institution

_SHEET = "xl/worksheets/sheet1.xml"
_ROW = b"<row><c t='inlineStr'><is><t>zip bomb row</t></is></c></row>"


class _RepeatingCompressor:
    """Deflate that compresses the repeated block once and then copies its bytes.

    Each piece ends with a full flush, so the copies form one valid deflate stream; zipfile
    still computes the checksum and sizes from the real (unpacked) data it is given.
    """

    def __init__(self, block: bytes) -> None:
        self.block = block
        self.packed = self._pack(block)

    @staticmethod
    def _pack(data: bytes) -> bytes:
        packer = zlib.compressobj(9, zlib.DEFLATED, -15)
        return packer.compress(data) + packer.flush(zlib.Z_FULL_FLUSH)

    def compress(self, data: bytes) -> bytes:
        return self.packed if data is self.block else self._pack(data)

    def flush(self) -> bytes:
        return zlib.compressobj(9, zlib.DEFLATED, -15).flush()


def _workbook_parts(template: Path) -> Iterator[tuple[zipfile.ZipInfo, bytes]]:
    with zipfile.ZipFile(template) as archive:
        for info in archive.infolist():
            yield info, archive.read(info)


def build_zip_bomb(path: Path, template: Path, unpacked_mb: int) -> Path:
    """Write an .xlsx whose first sheet unpacks to ``unpacked_mb`` MB of repeated rows.

    The sheet is generated while it is packed (never held whole), so this takes a moment and
    little memory; the file stays far below the 20 MB upload limit.
    """
    block = _ROW * (1024 * 1024 // len(_ROW))
    compressor = _RepeatingCompressor(block)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bomb:
        for info, data in _workbook_parts(template):
            if info.filename != _SHEET:
                bomb.writestr(info.filename, data)
                continue
            member = zipfile.ZipInfo(_SHEET)
            member.compress_type = zipfile.ZIP_DEFLATED
            with bomb.open(member, "w", force_zip64=True) as sheet:
                sheet._compressor = compressor  # type: ignore[attr-defined]
                sheet.write(b"<?xml version='1.0'?><worksheet xmlns='http://schemas.openxml")
                sheet.write(b"formats.org/spreadsheetml/2006/main'><sheetData>")
                for _ in range(unpacked_mb):
                    sheet.write(block)
                sheet.write(b"</sheetData></worksheet>")
    return path


@pytest.fixture
def template(tmp_path: Path) -> Path:
    return write_xlsx(tmp_path / "template.xlsx", [["单位名称"], ["浙江大学"]])


def _refusal(path: Path) -> str:
    with pytest.raises(ImportFailed) as failure:
        read_table(path)
    return str(failure.value)


def test_a_zip_bomb_is_refused_before_any_row_is_read(tmp_path: Path, template: Path) -> None:
    bomb = build_zip_bomb(tmp_path / "bomb.xlsx", template, unpacked_mb=400)
    assert bomb.stat().st_size < 2 * 1024 * 1024  # passes the 20 MB upload limit easily
    tracemalloc.start()
    start = time.perf_counter()
    reason = _refusal(bomb)
    elapsed = time.perf_counter() - start
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert "文件解压后过大" in reason
    assert elapsed < 2
    assert peak < 20 * 1024 * 1024


def test_a_bomb_under_the_size_limit_is_refused_for_its_ratio(
    tmp_path: Path, template: Path
) -> None:
    bomb = build_zip_bomb(tmp_path / "bomb.xlsx", template, unpacked_mb=50)
    reason = _refusal(bomb)
    assert "压缩比" in reason and "疑似压缩炸弹" in reason


def test_the_size_limit_is_configurable(tmp_path: Path, template: Path) -> None:
    bomb = build_zip_bomb(tmp_path / "bomb.xlsx", template, unpacked_mb=3)
    with override_settings(TEPAI_IMPORT_MAX_BYTES=2 * 1024 * 1024):
        assert "上限为 2 MB" in _refusal(bomb)


def _understate_sheet_size(path: Path) -> None:
    """Rewrite the archive's directory so that the sheet claims to unpack to 100 bytes."""
    data = bytearray(path.read_bytes())
    central = data.find(b"PK\x01\x02")
    while central != -1:
        name_length = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46 : central + 46 + name_length] == _SHEET.encode():
            struct.pack_into("<I", data, central + 24, 100)
            break
        central = data.find(b"PK\x01\x02", central + 4)
    path.write_bytes(bytes(data))


@pytest.mark.django_db
def test_a_directory_that_lies_about_a_size_stops_the_read(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "lying.xlsx", [["单位名称"], *([f"单位{i}"] for i in range(3000))])
    _understate_sheet_size(path)
    with zipfile.ZipFile(path) as archive:
        assert archive.getinfo(_SHEET).file_size == 100
    # The read stops at the declared size and fails its checksum: no row is imported.
    assert "无法读取 Excel 文件" in _refusal(path)
    assert not Institution.objects.exists()


def _rows(count: int, width: int = 1) -> list[list[Any]]:
    header = ["单位名称", *(f"备注{i}" for i in range(1, width))]
    return [header, *([f"单位{n}", *[""] * (width - 1)] for n in range(count))]


@pytest.mark.parametrize("writer", [write_xlsx, write_csv])
def test_too_many_rows_are_refused(tmp_path: Path, writer: Any) -> None:
    suffix = ".xlsx" if writer is write_xlsx else ".csv"
    path = writer(tmp_path / f"rows{suffix}", _rows(120))
    with override_settings(TEPAI_IMPORT_MAX_ROWS=100):
        reason = _refusal(path)
    assert "文件行数过多" in reason and "100 行" in reason


def test_the_row_limit_stops_the_read_early(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Counted in decoded cells, not timed: a timing comparison failed on a busy CI machine.
    path = write_xlsx(tmp_path / "rows.xlsx", _rows(20_000))
    decoded = 0
    value = xlsx._Sheet.value

    def counting(sheet: Any, cell: Any) -> Any:
        nonlocal decoded
        decoded += 1
        return value(sheet, cell)

    monkeypatch.setattr(xlsx._Sheet, "value", counting)
    with pytest.raises(ImportFailed, match="文件行数过多"):
        read_table(path, limits=ImportLimits(max_rows=10))
    assert decoded <= 20
    decoded = 0
    read_table(path)
    assert decoded > 20_000


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_too_many_columns_are_refused(tmp_path: Path, suffix: str) -> None:
    rows = [["单位名称"], ["浙江大学", *(f"x{i}" for i in range(250))]]
    path = (write_xlsx if suffix == ".xlsx" else write_csv)(tmp_path / f"wide{suffix}", rows)
    reason = _refusal(path)
    assert "第3行" not in reason and "列数过多" in reason and "上限为 200 列" in reason
    assert "第2行" in reason


def test_empty_formatted_columns_do_not_count(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "padded.csv", [["单位名称", *[""] * 300], ["浙江大学", *[""] * 300]]
    )
    assert len(read_table(path).rows) == 1


def test_a_csv_over_the_size_limit_is_refused_unread(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "big.csv", _rows(5_000))
    with override_settings(TEPAI_IMPORT_MAX_BYTES=10_000):
        assert "文件过大" in _refusal(path)


@pytest.mark.django_db
def test_a_refused_file_writes_nothing(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "rows.xlsx", _rows(30))
    with override_settings(TEPAI_IMPORT_MAX_ROWS=20), pytest.raises(ImportFailed):
        InstitutionImporter().run(read_table(path))
    assert not Institution.objects.exists()
