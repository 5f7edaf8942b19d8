"""The backup archive: a gzipped tar ending with ``manifest.json``, and its safe reading.

The manifest lists every other member with its size and SHA-256, the database vendor, the
migrations applied and the rows per table. It is written last so that the checksums describe
exactly the bytes archived, even while uploads keep arriving during an online backup.

On restore the archive is hostile until proven otherwise: only regular files with names of the
expected shapes (no absolute paths, no ``..``, no links or devices), no duplicates, at most
:data:`MAX_MEMBERS` members, every member exactly the size and checksum the manifest states and
every manifest entry present. The headers are checked before a byte is written, and extraction
stops at the declared size, so a decompression bomb cannot fill the disk.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import json
import os
import re
import tarfile
import time
import zlib
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any, BinaryIO

from django.utils.translation import gettext as _

__all__ = [
    "MANIFEST_NAME",
    "ArchiveWriter",
    "BackupError",
    "FileEntry",
    "Manifest",
    "read_archive",
    "valid_member_name",
]

FORMAT = "tepai-backup"
FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"
MAX_MANIFEST_BYTES = 64 * 1024 * 1024
MAX_MEMBERS = 500_000
MAX_NAME_LENGTH = 1024
_CHUNK = 1024 * 1024
# database/tepai.sqlite3 (SQLite), database/tepai.sql (pg_dump), home/secret_key, media/….
_NAME = re.compile(r"^(?:database/tepai\.(?:sqlite3|sql)|home/secret_key|media/.+)$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class BackupError(Exception):
    """A backup cannot be made or an archive cannot be restored; the message says why."""


def valid_member_name(name: str) -> bool:
    """Return whether ``name`` is a relative archive path tepai writes and may extract."""
    if not name or len(name) > MAX_NAME_LENGTH or not _NAME.match(name):
        return False
    if "\\" in name or "\x00" in name or name.startswith("/"):
        return False
    return all(part not in ("", ".", "..") for part in name.split("/"))


@dataclass(frozen=True)
class FileEntry:
    """One archived file: its member name, size in bytes and SHA-256 (hex)."""

    path: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    """What a backup holds and where it came from."""

    tepai_version: str
    created_at: str
    vendor: str
    server_version: int
    database_member: str
    migrations: dict[str, list[str]]
    row_counts: dict[str, int]
    files: tuple[FileEntry, ...]
    settings: dict[str, str] = field(default_factory=dict)
    secret_key: str = "none"

    def to_json(self) -> bytes:
        data: dict[str, Any] = {"format": FORMAT, "format_version": FORMAT_VERSION}
        data.update(asdict(self))
        data["files"] = [asdict(entry) for entry in self.files]
        return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")

    @classmethod
    def from_json(cls, raw: bytes) -> Manifest:
        """Return the manifest in ``raw``; raise BackupError unless every field is well formed."""
        try:
            data = json.loads(raw.decode("utf-8"))
            if data.get("format") != FORMAT:
                raise ValueError("format")
            if data.get("format_version") != FORMAT_VERSION:
                raise BackupError(
                    _("备份格式版本 %(version)s 不受支持（本程序读取版本 %(ours)s）。")
                    % {"version": data.get("format_version"), "ours": FORMAT_VERSION}
                )
            files = tuple(
                FileEntry(str(item["path"]), int(item["size"]), str(item["sha256"]))
                for item in data["files"]
            )
            manifest = cls(
                tepai_version=str(data["tepai_version"]),
                created_at=str(data["created_at"]),
                vendor=str(data["vendor"]),
                server_version=int(data["server_version"]),
                database_member=str(data["database_member"]),
                migrations={
                    str(app): [str(name) for name in names]
                    for app, names in data["migrations"].items()
                },
                row_counts={str(k): int(v) for k, v in data["row_counts"].items()},
                files=files,
                settings={str(k): str(v) for k, v in data.get("settings", {}).items()},
                secret_key=str(data.get("secret_key", "none")),
            )
        except BackupError:
            raise
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise BackupError(
                _("备份清单 manifest.json 格式不正确：这不是 tepai 备份文件。")
            ) from exc
        manifest._check()
        return manifest

    def _check(self) -> None:
        paths = [entry.path for entry in self.files]
        bad = [
            entry.path
            for entry in self.files
            if not valid_member_name(entry.path)
            or entry.size < 0
            or not _SHA256.match(entry.sha256)
        ]
        if bad or len(set(paths)) != len(paths) or self.database_member not in paths:
            raise BackupError(
                _("备份清单 manifest.json 的文件列表不正确（%(example)s）。")
                % {"example": bad[0] if bad else _("重复或缺少数据库文件")}
            )
        if len(paths) >= MAX_MEMBERS:
            raise BackupError(_("备份文件的成员过多（上限 %(max)s）。") % {"max": MAX_MEMBERS})


class _HashingReader:
    """A read-only file wrapper that hashes what tarfile reads through it."""

    def __init__(self, handle: BinaryIO) -> None:
        self._handle = handle
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        chunk = self._handle.read(size)
        self.digest.update(chunk)
        return chunk


class ArchiveWriter:
    """Write members to ``path + .partial``; :meth:`finish` adds the manifest and renames.

    The archive holds personal data and the secret key, so it is created owner-only (0600),
    and a backup that fails halfway never leaves a file under the final name.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._partial = path.with_name(path.name + ".partial")
        fd = os.open(self._partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        self._raw = os.fdopen(fd, "wb")
        # Closed in finish() or abort(), not here.
        self._tar = tarfile.open(  # noqa: SIM115
            fileobj=self._raw, mode="w:gz", format=tarfile.PAX_FORMAT, compresslevel=6
        )
        self.entries: list[FileEntry] = []

    def add(self, name: str, source: Path) -> FileEntry:
        """Archive the regular file ``source`` as ``name``; return its entry."""
        if not valid_member_name(name):
            raise BackupError(_("文件名不能安全存档：%(name)s") % {"name": name})
        with source.open("rb") as handle:
            stat = os.fstat(handle.fileno())
            info = tarfile.TarInfo(name)
            info.size = stat.st_size
            info.mtime = int(stat.st_mtime)
            info.mode = 0o600
            reader = _HashingReader(handle)
            self._tar.addfile(info, reader)
        entry = FileEntry(name, info.size, reader.digest.hexdigest())
        self.entries.append(entry)
        return entry

    def finish(self, manifest: Manifest) -> None:
        """Append ``manifest`` (its files must be :attr:`entries`), close, sync and rename."""
        raw = manifest.to_json()
        info = tarfile.TarInfo(MANIFEST_NAME)
        info.size = len(raw)
        info.mode = 0o600
        info.mtime = int(time.time())
        self._tar.addfile(info, io.BytesIO(raw))
        self._tar.close()
        self._raw.flush()
        os.fsync(self._raw.fileno())
        self._raw.close()
        os.replace(self._partial, self.path)

    def abort(self) -> None:
        """Close and delete the partial file."""
        with contextlib.suppress(OSError, tarfile.TarError):
            self._tar.close()
        self._raw.close()
        self._partial.unlink(missing_ok=True)


_DAMAGED = (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile)


def _damaged(path: Path) -> BackupError:
    return BackupError(
        _("备份文件 %(file)s 已损坏或不完整（无法读取压缩包），未做任何更改。")
        % {"file": path.name}
    )


def read_archive(
    path: Path,
    staging: Path,
    *,
    disk_budget: int,
    progress: Callable[[str], None] = lambda line: None,
    check: Callable[[Manifest], None] = lambda manifest: None,
) -> Manifest:
    """Verify ``path`` and extract its members under ``staging``; return the manifest.

    Raise BackupError, with nothing extracted outside ``staging``, if the archive is not a
    tepai backup, is damaged, truncated or altered, has unsafe or unexpected members, or needs
    more than ``disk_budget`` bytes. ``check`` may refuse the manifest before anything is
    extracted (another database vendor, a newer tepai).
    """
    try:
        manifest = _check_headers(path, disk_budget)
        check(manifest)
        progress(_("备份清单与文件列表无误，正在校验 %(n)s 个文件…") % {"n": len(manifest.files)})
        _extract(path, staging, manifest)
    except _DAMAGED as exc:
        raise _damaged(path) from exc
    return manifest


def _check_headers(path: Path, disk_budget: int) -> Manifest:
    """Read every header (no data written) and the manifest; check them against each other."""
    sizes: dict[str, int] = {}
    raw_manifest: bytes | None = None
    with tarfile.open(path, mode="r:gz") as tar:
        for member in tar:
            _check_member(member, sizes)
            if member.name == MANIFEST_NAME:
                if member.size > MAX_MANIFEST_BYTES:
                    raise BackupError(_("备份清单 manifest.json 过大。"))
                handle = tar.extractfile(member)
                raw_manifest = handle.read() if handle else b""
            else:
                sizes[member.name] = member.size
    if raw_manifest is None:
        raise BackupError(_("备份文件中没有清单 manifest.json：这不是 tepai 备份，或文件不完整。"))
    manifest = Manifest.from_json(raw_manifest)
    declared = {entry.path: entry.size for entry in manifest.files}
    missing = sorted(set(declared) - set(sizes))
    if missing:
        raise BackupError(
            _("备份文件缺少清单中列出的文件：%(name)s，未做任何更改。") % {"name": missing[0]}
        )
    extra = sorted(set(sizes) - set(declared))
    if extra:
        raise BackupError(
            _("备份文件含有清单之外的文件：%(name)s，未做任何更改。") % {"name": extra[0]}
        )
    changed = sorted(name for name, size in sizes.items() if declared[name] != size)
    if changed:
        raise BackupError(
            _("备份文件中 %(name)s 的大小与清单不符（文件被改动过），未做任何更改。")
            % {"name": changed[0]}
        )
    total = sum(declared.values())
    if total > disk_budget:
        raise BackupError(
            _("恢复需要 %(need)s MB 磁盘空间，数据目录所在磁盘只有 %(free)s MB 可用。")
            % {"need": total // 2**20 + 1, "free": disk_budget // 2**20}
        )
    return manifest


def _check_member(member: tarfile.TarInfo, seen: dict[str, int]) -> None:
    if len(seen) >= MAX_MEMBERS:
        raise BackupError(_("备份文件的成员过多（上限 %(max)s）。") % {"max": MAX_MEMBERS})
    name = member.name
    if name != MANIFEST_NAME and not valid_member_name(name):
        raise BackupError(
            _(
                "备份文件含有不安全或不认识的路径“%(name)s”（绝对路径、.. 或未知目录），拒绝恢复，"
                "未做任何更改。"
            )
            % {"name": name[:200]}
        )
    if not member.isreg():
        raise BackupError(
            _("备份文件中的“%(name)s”不是普通文件（链接或设备），拒绝恢复，未做任何更改。")
            % {"name": name[:200]}
        )
    if name in seen:
        raise BackupError(
            _("备份文件中“%(name)s”出现了两次，拒绝恢复，未做任何更改。") % {"name": name[:200]}
        )


def _extract(path: Path, staging: Path, manifest: Manifest) -> None:
    """Extract every listed member into ``staging``, checking sizes and checksums on the way."""
    declared = {entry.path: entry for entry in manifest.files}
    done: set[str] = set()
    with tarfile.open(path, mode="r:gz") as tar:
        for member in tar:
            if member.name == MANIFEST_NAME:
                continue
            entry = declared.get(member.name)
            # Checked again: the file may have been replaced since the first pass.
            if entry is None or member.name in done or not member.isreg():
                raise BackupError(_("备份文件在校验过程中发生了变化，未做任何更改。"))
            source = tar.extractfile(member)
            if source is None:
                raise _damaged(path)
            digest = _copy(source, staging / member.name, entry.size)
            if digest != entry.sha256:
                raise BackupError(
                    _(
                        "备份文件中 %(name)s 的校验和与清单不符（文件已损坏或被篡改），"
                        "未做任何更改。"
                    )
                    % {"name": member.name}
                )
            done.add(member.name)
        # tarfile stops at the end-of-archive blocks; reading on to the end of the gzip stream
        # checks its CRC and length, so a file cut short after the last member is refused too.
        while tar.fileobj is not None and tar.fileobj.read(_CHUNK):
            pass
    if done != set(declared):
        raise BackupError(_("备份文件在校验过程中发生了变化，未做任何更改。"))


def _copy(source: IO[bytes], target: Path, size: int) -> str:
    """Copy exactly ``size`` bytes of ``source`` to a new file ``target``; return the SHA-256."""
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    remaining = size
    # O_EXCL | O_NOFOLLOW: never write through something that was already there.
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    with os.fdopen(fd, "wb") as handle:
        while remaining > 0:
            chunk = source.read(min(_CHUNK, remaining))
            if not chunk:
                raise tarfile.ReadError("unexpected end of member")
            digest.update(chunk)
            handle.write(chunk)
            remaining -= len(chunk)
    return digest.hexdigest()
