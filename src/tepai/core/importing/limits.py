"""How big an import file may be: bytes, unpacked bytes, rows and columns.

An .xlsx file is a zip archive; 2.8 MB can unpack to a gigabyte of XML (a "zip bomb", issue 9
finding 4). The archive's directory is checked before any row is read, and rows are counted
while they stream, so a file over a limit is refused after reading at most one row too many.
Each limit is a Django setting (``TEPAI_IMPORT_MAX_ROWS`` …) so an office can raise it.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.utils.translation import gettext as _

from tepai.core.importing.errors import ImportFailed, RowError

_MB = 1024 * 1024


@dataclass(frozen=True)
class ImportLimits:
    """The largest file an import accepts."""

    # Unpacked size of an .xlsx file (every member together), or the size of a CSV file.
    max_bytes: int = 200 * _MB
    max_rows: int = 100_000
    max_columns: int = 200
    # An Excel workbook has a few dozen members; thousands only serve to exhaust the reader.
    max_members: int = 1_000
    # Spreadsheet XML packs 5–30 times; a bomb packs hundreds or thousands of times. Small
    # members (below ``ratio_floor`` bytes unpacked) are never refused for their ratio.
    max_ratio: int = 200
    ratio_floor: int = 1 * _MB

    @classmethod
    def from_settings(cls) -> ImportLimits:
        """Return the limits with any ``TEPAI_IMPORT_MAX_*`` setting applied."""
        default = cls()
        return cls(
            max_bytes=getattr(settings, "TEPAI_IMPORT_MAX_BYTES", default.max_bytes),
            max_rows=getattr(settings, "TEPAI_IMPORT_MAX_ROWS", default.max_rows),
            max_columns=getattr(settings, "TEPAI_IMPORT_MAX_COLUMNS", default.max_columns),
            max_members=default.max_members,
            max_ratio=getattr(settings, "TEPAI_IMPORT_MAX_RATIO", default.max_ratio),
            ratio_floor=default.ratio_floor,
        )


def megabytes(size: int) -> str:
    """Return ``size`` bytes as a short "200 MB" figure for messages."""
    return f"{size / _MB:.0f} MB" if size >= _MB else _("%(size)s 字节") % {"size": size}


def _refuse(reason: str) -> ImportFailed:
    return ImportFailed([RowError(0, "文件", reason)])


def check_archive(source: IO[bytes], limits: ImportLimits) -> None:
    """Refuse an .xlsx archive that would unpack beyond ``limits``, before anything is unpacked.

    The sizes come from the archive's directory, which a forger controls; Python's zipfile
    stops each member at the size the directory declares and then fails its checksum, so a
    directory that understates a member makes the read fail rather than run long.
    """
    try:
        with zipfile.ZipFile(source) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _refuse(_("无法读取 Excel 文件：%(error)s") % {"error": exc}) from exc
    finally:
        source.seek(0)
    if len(members) > limits.max_members:
        raise _refuse(
            _("Excel 文件内部包含 %(count)s 个部件，超过上限 %(limit)s 个，不像正常的表格文件")
            % {"count": len(members), "limit": limits.max_members}
        )
    total = sum(member.file_size for member in members)
    if total > limits.max_bytes:
        raise _refuse(
            _("文件解压后过大：解压后共 %(size)s，上限为 %(limit)s；请删去多余的工作表或拆分文件")
            % {"size": megabytes(total), "limit": megabytes(limits.max_bytes)}
        )
    for member in members:
        ratio_too_high = (
            member.file_size > limits.ratio_floor
            and member.file_size > limits.max_ratio * max(member.compress_size, 1)
        )
        if ratio_too_high:
            raise _refuse(
                _(
                    "文件解压后过大：部件 %(member)s 的压缩比超过上限 %(limit)s 倍"
                    "（解压后 %(size)s），疑似压缩炸弹，已拒绝"
                )
                % {
                    "member": member.filename,
                    "limit": limits.max_ratio,
                    "size": megabytes(member.file_size),
                }
            )


def too_many_rows(limits: ImportLimits) -> ImportFailed:
    return _refuse(
        _("文件行数过多：超过上限 %(limit)s 行（不含表头），请拆分成多个文件导入")
        % {"limit": limits.max_rows}
    )


def too_many_columns(number: int, count: int, limits: ImportLimits) -> ImportFailed:
    return ImportFailed(
        [
            RowError(
                number,
                "文件",
                _("列数过多：该行有 %(count)s 列，上限为 %(limit)s 列")
                % {"count": count, "limit": limits.max_columns},
            )
        ]
    )


def too_large(size: int, limits: ImportLimits) -> ImportFailed:
    return _refuse(
        _("文件过大：%(size)s，上限为 %(limit)s")
        % {"size": megabytes(size), "limit": megabytes(limits.max_bytes)}
    )
