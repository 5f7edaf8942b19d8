"""``tepai backup`` and ``tepai restore``: what goes into an archive and how it comes back.

A backup holds the database snapshot, the uploaded files under ``$TEPAI_HOME/media`` (not the
temporary import uploads in ``media/imports``), and the secret key file, which signs sessions
and must come back for them to stay valid. Static files, the vector cache and logs are
rebuilt or local and are left out; the TEPAI_* settings are environment variables, recorded
in the manifest (secrets left out) so that an operator can set them again on a new host.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from django.utils.translation import gettext as _

from tepai import __version__
from tepai.core.backup.archive import (
    ArchiveWriter,
    BackupError,
    Manifest,
    read_archive,
    valid_member_name,
)
from tepai.core.backup.databases import Snapshot, current_database

__all__ = [
    "BackupResult",
    "RestoreResult",
    "create_backup",
    "default_output",
    "restore_backup",
]

Progress = Callable[[str], None]
# Uploads waiting for an import preview: temporary, removed after a day (tepai.web.importing).
TEMPORARY_MEDIA = frozenset({"imports"})
SECRET_KEY_MEMBER = "home/secret_key"
# Never written into the manifest: they are, or contain, secrets.
_SECRET_SETTINGS = ("SECRET", "PASSWORD", "TOTP", "TOKEN", "KEY")
# Kept free on the disk beyond what the restored files need.
_DISK_RESERVE = 64 * 1024 * 1024


@dataclass(frozen=True)
class BackupResult:
    path: Path
    manifest: Manifest
    size: int
    sha256: str


@dataclass(frozen=True)
class RestoreResult:
    manifest: Manifest
    migrations_applied: int
    media_files: int
    replaced_media: Path | None


def _home() -> Path:
    return Path(settings.TEPAI_HOME)


def _media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def default_output() -> Path:
    """Return ``$TEPAI_HOME/backups/tepai-backup-YYYYMMDD-HHMMSS.tar.gz`` (local time)."""
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return _home() / "backups" / f"tepai-backup-{stamp}.tar.gz"


def _media_files(root: Path) -> Iterator[tuple[str, Path]]:
    """Yield (member name, path) of every regular file under ``root`` worth keeping."""
    if not root.is_dir():
        return
    for directory, subdirs, files in os.walk(root):
        here = Path(directory)
        if here == root:
            subdirs[:] = [name for name in subdirs if name not in TEMPORARY_MEDIA]
        subdirs.sort()
        for name in sorted(files):
            path = here / name
            # Links are not followed: a link could point anywhere on the host.
            if path.is_symlink() or not path.is_file():
                continue
            yield "media/" + path.relative_to(root).as_posix(), path


def _recorded_settings() -> dict[str, str]:
    """Return the TEPAI_* environment, secrets left out and the database password masked.

    Read from the environment as a whole, not from tepai.config, so that the record also
    holds settings added after this was written; it is a note for the operator, never applied.
    """
    recorded = {}
    for name, value in sorted(os.environ.items()):
        if not name.startswith("TEPAI_") or name == "TEPAI_HOME":
            continue
        if any(word in name for word in _SECRET_SETTINGS):
            recorded[name] = "(set, not recorded)"
        elif name in ("TEPAI_DATABASE_URL", "TEPAI_EMAIL_URL"):
            parts = urlsplit(value)
            if parts.password:
                value = value.replace(f":{parts.password}@", ":***@", 1)
            recorded[name] = value
        else:
            recorded[name] = value
    return recorded


def create_backup(output: Path | None = None, *, progress: Progress = print) -> BackupResult:
    """Write a consistent online backup to ``output`` (default :func:`default_output`)."""
    output = (output or default_output()).expanduser().absolute()
    if output.is_dir():
        raise BackupError(_("输出路径 %(path)s 是一个目录；请给出文件名。") % {"path": output})
    if output.parent.resolve().is_relative_to(_media_root().resolve()):
        # It would be served as an upload and go into every later backup.
        raise BackupError(_("备份文件不能写在 media 目录中。"))
    output.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    database = current_database()
    writer = ArchiveWriter(output)
    try:
        with tempfile.TemporaryDirectory(dir=output.parent, prefix=".tepai-backup-") as work:
            progress(_("正在为 %(vendor)s 数据库做快照…") % {"vendor": database.vendor})
            dump = Path(work) / Path(database.member).name
            snapshot = database.snapshot(dump)
            rows = sum(snapshot.row_counts.values())
            progress(
                _("数据库快照：%(tables)s 张表，%(rows)s 行；正在写入备份文件…")
                % {"tables": len(snapshot.row_counts), "rows": rows}
            )
            writer.add(database.member, dump)
        media = _add_media(writer, progress)
        secret_key = _add_secret_key(writer)
        manifest = Manifest(
            tepai_version=__version__,
            created_at=timezone.localtime().isoformat(timespec="seconds"),
            vendor=database.vendor,
            server_version=snapshot.server_version,
            database_member=database.member,
            migrations=snapshot.migrations,
            row_counts=snapshot.row_counts,
            files=tuple(writer.entries),
            settings=_recorded_settings(),
            secret_key=secret_key,
        )
        writer.finish(manifest)
    except BaseException:
        writer.abort()
        raise
    size, digest = _file_digest(output)
    progress(
        _("媒体文件 %(media)s 个；备份文件 %(size)s MB。")
        % {"media": media, "size": f"{size / 2**20:.1f}"}
    )
    return BackupResult(output, manifest, size, digest)


def _add_media(writer: ArchiveWriter, progress: Progress) -> int:
    count = 0
    for name, path in _media_files(_media_root()):
        if not valid_member_name(name):
            progress(_("跳过文件名无法安全存档的文件：%(path)s") % {"path": path})
            continue
        try:
            writer.add(name, path)
        except FileNotFoundError:
            continue  # deleted while the backup ran: it is no longer part of the data
        count += 1
        if count % 500 == 0:
            progress(_("已写入 %(n)s 个媒体文件…") % {"n": count})
    return count


def _add_secret_key(writer: ArchiveWriter) -> str:
    """Archive the key file if it is the key in use; return where the key comes from."""
    key_file = _home() / "secret_key"
    in_use = (
        key_file.is_file()
        and not key_file.is_symlink()
        and key_file.read_text(encoding="utf-8").strip() == settings.SECRET_KEY
    )
    if in_use:
        writer.add(SECRET_KEY_MEMBER, key_file)
        return "file"
    # TEPAI_SECRET_KEY is set: the key lives in the server's environment, not in the home.
    return "environment"


def _file_digest(path: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def _known_migrations() -> set[tuple[str, str]]:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = set(loader.disk_migrations)
    for migration in loader.disk_migrations.values():
        known.update(migration.replaces or [])
    return known


def _check_compatible(manifest: Manifest, vendor: str) -> None:
    names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
    if manifest.vendor != vendor:
        raise BackupError(
            _(
                "这是 %(theirs)s 数据库的备份，本安装使用 %(ours)s；恢复只支持同一种数据库，"
                "未做任何更改。请让 TEPAI_DATABASE_URL 指向一个空的 %(theirs)s 数据库后再恢复。"
            )
            % {
                "theirs": names.get(manifest.vendor, manifest.vendor),
                "ours": names.get(vendor, vendor),
            }
        )
    known = _known_migrations()
    unknown = sorted(
        f"{app}.{name}"
        for app, names_ in manifest.migrations.items()
        for name in names_
        if (app, name) not in known
    )
    if unknown:
        raise BackupError(
            _(
                "备份来自更新版本的 tepai（%(version)s），含本程序没有的数据库迁移 %(example)s；"
                "请先升级 tepai 再恢复。未做任何更改。"
            )
            % {"version": manifest.tepai_version, "example": unknown[0]}
        )


def _media_in_use(root: Path) -> bool:
    return any(True for _ in _media_files(root))


def restore_backup(
    archive: Path,
    *,
    force: bool = False,
    expected_sha256: str | None = None,
    progress: Progress = print,
) -> RestoreResult:
    """Restore ``archive`` into this installation, which must be empty unless ``force``.

    Everything is verified before anything is changed: the archive's digest (if given), every
    member's checksum against the manifest, the vendor, the migrations, and (SQLite) the
    database file's integrity and rows. Raise BackupError with nothing changed otherwise.
    """
    archive = archive.expanduser().absolute()
    if not archive.is_file():
        raise BackupError(_("找不到备份文件 %(path)s。") % {"path": archive})
    if expected_sha256:
        actual = _file_digest(archive)[1]
        if actual != expected_sha256.strip().lower():
            raise BackupError(
                _("备份文件的 SHA-256 与给出的不一致（文件已损坏或被替换），未做任何更改。")
            )
    home = _home()
    home.mkdir(parents=True, exist_ok=True)
    database = current_database()
    media_root = _media_root()
    occupied, media_present = _refuse_unless_empty(database.tables_with_data(), media_root, force)
    budget = max(0, shutil.disk_usage(home).free - _DISK_RESERVE)
    with tempfile.TemporaryDirectory(dir=home, prefix=".tepai-restore-") as work:
        staging = Path(work)
        progress(_("正在校验备份文件 %(file)s…") % {"file": archive.name})
        manifest = read_archive(
            archive,
            staging,
            disk_budget=budget,
            progress=progress,
            check=lambda manifest: _check_compatible(manifest, database.vendor),
        )
        expected = Snapshot(manifest.row_counts, manifest.migrations, manifest.server_version)
        database.check_staged(staging / manifest.database_member, expected)
        progress(
            _("备份完好：tepai %(version)s，%(created)s，%(rows)s 行数据。")
            % {
                "version": manifest.tepai_version,
                "created": manifest.created_at,
                "rows": sum(manifest.row_counts.values()),
            }
        )
        if occupied or media_present:
            progress(
                _("警告：--force 将用备份替换现有数据（%(n)s 张表有数据）。") % {"n": len(occupied)}
            )
        progress(_("正在恢复数据库…"))
        database.restore(staging / manifest.database_member, expected)
        replaced = _install_media(staging / "media", media_root, media_present)
        _install_secret_key(staging / SECRET_KEY_MEMBER, home)
    applied = _migrate(progress)
    media_files = sum(1 for entry in manifest.files if entry.path.startswith("media/"))
    return RestoreResult(manifest, applied, media_files, replaced)


def _refuse_unless_empty(
    occupied: list[str], media_root: Path, force: bool
) -> tuple[list[str], bool]:
    """Return the tables with data and whether uploads exist; refuse both unless ``force``."""
    media_present = _media_in_use(media_root)
    if (occupied or media_present) and not force:
        what = ", ".join(occupied[:5]) or _("media 目录中的文件")
        raise BackupError(
            _(
                "本安装已有数据（%(what)s），拒绝覆盖，未做任何更改。请恢复到新的数据目录和"
                "空数据库；确需覆盖现有数据时加 --force。"
            )
            % {"what": what}
        )
    return occupied, media_present


def _install_media(staged: Path, root: Path, present: bool) -> Path | None:
    """Move the restored files into ``root``; with ``present``, keep the old directory aside."""
    replaced = None
    if present:
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        replaced = root.with_name(f"{root.name}.before-restore-{stamp}")
        root.rename(replaced)
    if not staged.is_dir():
        return replaced
    for path in sorted(staged.rglob("*")):
        if path.is_file():
            target = root / path.relative_to(staged)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, target)
            # Served to signed-in users by the app, as Django stores uploads.
            target.chmod(0o644)
    return replaced


def _install_secret_key(staged: Path, home: Path) -> None:
    if staged.is_file():
        staged.chmod(0o600)
        os.replace(staged, home / "secret_key")


def _migrate(progress: Progress) -> int:
    """Apply the migrations this tepai has and the backup had not; return how many."""
    connection.close()
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        progress(_("备份早于当前版本：正在应用 %(n)s 个数据库迁移…") % {"n": len(plan)})
        call_command("migrate", interactive=False, verbosity=0)
    return len(plan)
