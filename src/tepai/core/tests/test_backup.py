"""`tepai backup` and `tepai restore` as an operator runs them: real processes, real homes.

Each installation is its own TEPAI_HOME and, when the suite runs on PostgreSQL
(TEPAI_DATABASE_URL set), its own database created in the same cluster. The archive checks run
in-process on copies of a real archive with one thing changed.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import sqlite3
import subprocess
import tarfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

from tepai.core.backup import BackupError, Manifest, read_archive, restore_backup
from tepai.core.backup.archive import ArchiveWriter, valid_member_name
from tepai.core.backup.databases import _guarded_script
from tepai.core.backup.service import _check_compatible, _install_media

CLUSTER_URL = os.environ.get("TEPAI_DATABASE_URL", "")
ON_POSTGRESQL = CLUSTER_URL.startswith("postgres")
PHOTO = b"\xff\xd8\xff\xe0 not really a jpeg, but bytes to compare \x00\x01\x02"

SEED = """
from django.contrib.auth import get_user_model
from tepai.testing.factories import (
    make_activity, make_batch, make_commissioner, make_enterprise, make_project,
)
batch = make_batch()
people = [make_commissioner(batch=batch, phone="13800001234") for _ in range(3)]
enterprise = make_enterprise()
make_project(commissioners=people[:2], enterprise=enterprise)
make_activity(enterprises=[enterprise], commissioners=people, photo="activities/2024/05/a.jpg")
get_user_model().objects.create_user("operator", password="Backup-Test-2024")
# As if made by an older tepai: one migration behind this one.
from django.core.management import call_command
call_command("migrate", "projects", "0001", verbosity=0)
"""


@dataclass
class Home:
    """One installation: its data directory and, on PostgreSQL, its own database."""

    path: Path
    database_url: str = ""

    def env(self) -> dict[str, str]:
        environment = {k: v for k, v in os.environ.items() if not k.startswith("TEPAI_")}
        environment.pop("DJANGO_SETTINGS_MODULE", None)
        environment.update(TEPAI_HOME=str(self.path), TEPAI_MATCH_ENCODER="hashing")
        if self.database_url:
            environment["TEPAI_DATABASE_URL"] = self.database_url
        return environment

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["tepai", *args], env=self.env(), capture_output=True, text=True, timeout=300
        )

    def row_counts(self) -> dict[str, int]:
        if self.database_url:
            import psycopg

            with psycopg.connect(self.database_url) as pg:
                tables = [
                    row[0]
                    for row in pg.execute(
                        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
                    )
                ]
                return {
                    t: pg.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0]  # type: ignore[index]
                    for t in tables
                }
        database = self.path / "tepai.db"
        if not database.exists():
            return {}
        db = sqlite3.connect(database)
        try:
            tables = [
                row[0]
                for row in db.execute(
                    "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
                )
            ]
            return {t: db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}
        finally:
            db.close()

    def files(self, under: str = "media") -> dict[str, str]:
        root = self.path / under
        return {
            p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*"))
            if p.is_file()
        }


def _create_database(name: str) -> str:
    import psycopg

    with psycopg.connect(CLUSTER_URL, autocommit=True) as db:
        db.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(CLUSTER_URL)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _drop_database(name: str) -> None:
    import psycopg

    with psycopg.connect(CLUSTER_URL, autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def new_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[], Home]]:
    """Return a factory of fresh, empty installations (removed at the end of the module)."""
    databases: list[str] = []

    def make() -> Home:
        path = tmp_path_factory.mktemp("home")
        if not ON_POSTGRESQL:
            return Home(path)
        name = f"tepai_backup_{uuid.uuid4().hex[:12]}"
        databases.append(name)
        return Home(path, _create_database(name))

    yield make
    for name in databases:
        _drop_database(name)


@pytest.fixture(scope="module")
def source(new_home: Callable[[], Home]) -> Home:
    """An installation with records of every kind, an uploaded photo and a pending import.

    Its last ``projects`` migration is rolled back, so that its backup is one an older tepai
    made and the restore has to bring it up to date.
    """
    home = new_home()
    assert home.run("init", "--skip-warm-up").returncode == 0
    seeded = home.run("shell", "-c", SEED)
    assert seeded.returncode == 0, seeded.stderr
    photo = home.path / "media" / "activities" / "2024" / "05" / "a.jpg"
    photo.parent.mkdir(parents=True)
    photo.write_bytes(PHOTO)
    pending = home.path / "media" / "imports" / "0123456789abcdef0123456789abcdef.csv"
    pending.parent.mkdir(parents=True)
    pending.write_text("姓名,手机\n张三,13800001234\n", encoding="utf-8")
    return home


@pytest.fixture(scope="module")
def archive(source: Home, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    """A backup of ``source`` and the rows per table just before it was taken."""
    counts = source.row_counts()
    path = tmp_path_factory.mktemp("backups") / "tepai.tar.gz"
    result = source.run("backup", "-o", str(path))
    assert result.returncode == 0, result.stderr
    assert "SHA-256" in result.stdout
    return path, counts


def _manifest(path: Path) -> dict[str, Any]:
    with tarfile.open(path) as tar:
        handle = tar.extractfile("manifest.json")
        assert handle is not None
        manifest: dict[str, Any] = json.loads(handle.read())
        return manifest


# --- round trip -------------------------------------------------------------------------------


def test_it_restores_identical_rows_and_files_into_a_fresh_home(
    archive: tuple[Path, dict[str, int]], source: Home, new_home: Callable[[], Home]
) -> None:
    path, before = archive[0], dict(archive[1])
    target = new_home()
    # `tepai init` first, as on a new server: the empty database already has this tepai's
    # schema, one migration ahead of the backup.
    assert target.run("init", "--skip-warm-up").returncode == 0
    assert target.row_counts()["auth_user"] == 0  # no default account to rename or disable
    restored = target.run("restore", str(path))
    assert restored.returncode == 0, restored.stderr
    migrated = re.search(r"应用了 (\d+) 个数据库迁移", restored.stdout)
    assert migrated and int(migrated[1]) >= 1, restored.stdout
    after = target.row_counts()
    # The backup is brought up to date, and the restore is itself audited in the restored log;
    # every other table has exactly the rows it had.
    assert after.pop("django_migrations") == before.pop("django_migrations") + int(migrated[1])
    assert after.pop("audit_auditentry") == before.pop("audit_auditentry") + 1
    assert after == before
    assert before["commissioners_commissioner"] == 3
    assert target.files() == {"activities/2024/05/a.jpg": hashlib.sha256(PHOTO).hexdigest()}
    assert (target.path / "secret_key").read_bytes() == (source.path / "secret_key").read_bytes()
    assert (target.path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_the_archive_is_private_and_its_manifest_describes_it(
    archive: tuple[Path, dict[str, int]],
) -> None:
    path, before = archive
    assert path.stat().st_mode & 0o777 == 0o600
    manifest = _manifest(path)
    assert manifest["vendor"] == ("postgresql" if ON_POSTGRESQL else "sqlite")
    assert manifest["row_counts"] == before
    assert "0001_initial" in manifest["migrations"]["commissioners"]
    paths = {entry["path"] for entry in manifest["files"]}
    # The pending import upload (phone numbers in it) is temporary and stays out.
    assert paths == {
        manifest["database_member"],
        "media/activities/2024/05/a.jpg",
        "home/secret_key",
    }
    photo = next(e for e in manifest["files"] if e["path"].startswith("media/"))
    assert photo["sha256"] == hashlib.sha256(PHOTO).hexdigest()
    assert all(
        "SECRET" not in name or value.startswith("(set")
        for name, value in manifest["settings"].items()
    )


# --- refusals, with nothing changed -----------------------------------------------------------


def _state(home: Home) -> tuple[dict[str, int], dict[str, str], bytes]:
    return home.row_counts(), home.files(), (home.path / "secret_key").read_bytes()


def test_it_refuses_to_restore_over_an_installation_with_data(
    archive: tuple[Path, dict[str, int]], source: Home
) -> None:
    before = _state(source)
    result = source.run("restore", str(archive[0]))
    assert result.returncode == 1
    assert "已有数据" in result.stderr and "--force" in result.stderr
    assert _state(source) == before


def test_a_tampered_archive_is_refused_even_with_force(
    archive: tuple[Path, dict[str, int]], source: Home, tmp_path: Path
) -> None:
    # The manifest's row counts are changed and its own checksums left consistent: only the
    # comparison of the database with the manifest (SQLite before writing; PostgreSQL inside
    # the restore transaction, which is then rolled back) can notice.
    def lie_about_rows(members: list[tuple[tarfile.TarInfo, bytes]]) -> None:
        for index, (info, data) in enumerate(members):
            if info.name == "manifest.json":
                manifest = json.loads(data)
                manifest["row_counts"]["commissioners_commissioner"] += 1
                members[index] = (info, json.dumps(manifest).encode())

    tampered = _rewrite(archive[0], tmp_path / "t.tar.gz", lie_about_rows)
    before = _state(source)
    result = source.run("restore", "--force", str(tampered))
    assert result.returncode == 1
    assert "与清单不符" in result.stderr or "differs from the manifest" in result.stderr
    assert _state(source) == before
    assert not list(source.path.glob(".tepai-restore-*"))
    assert not list(source.path.glob("media.before-restore-*"))


def test_a_wrong_archive_digest_is_refused(crafted: Path, settings: Any, tmp_path: Path) -> None:
    settings.TEPAI_HOME = tmp_path
    with pytest.raises(BackupError, match="SHA-256"):
        restore_backup(crafted, expected_sha256="0" * 64, progress=lambda line: None)
    assert not any(tmp_path.iterdir())


# --- the archive checked as hostile (in-process) ----------------------------------------------


@pytest.fixture(scope="module")
def crafted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small archive written by tepai's own writer: a database, a photo and a key."""
    work = tmp_path_factory.mktemp("crafted")
    database = work / "tepai.sqlite3"
    with sqlite3.connect(database) as db:
        db.execute("CREATE TABLE django_migrations (app TEXT, name TEXT)")
        db.execute("INSERT INTO django_migrations VALUES ('demands', '0001_initial')")
    db.close()
    photo = work / "a.jpg"
    photo.write_bytes(PHOTO)
    key = work / "secret_key"
    key.write_text("k" * 60)
    writer = ArchiveWriter(work / "crafted.tar.gz")
    writer.add("database/tepai.sqlite3", database)
    writer.add("media/activities/2024/05/a.jpg", photo)
    writer.add("home/secret_key", key)
    writer.finish(
        Manifest(
            tepai_version="0.1.0",
            created_at="2026-12-07T02:00:00+08:00",
            vendor="sqlite",
            server_version=0,
            database_member="database/tepai.sqlite3",
            migrations={"demands": ["0001_initial"]},
            row_counts={"django_migrations": 1},
            files=tuple(writer.entries),
        )
    )
    return work / "crafted.tar.gz"


def test_a_sound_archive_is_extracted_with_every_file_checked(
    crafted: Path, tmp_path: Path
) -> None:
    manifest = read_archive(crafted, tmp_path, disk_budget=2**40)
    assert (tmp_path / "media/activities/2024/05/a.jpg").read_bytes() == PHOTO
    assert {entry.path for entry in manifest.files} == {
        "database/tepai.sqlite3",
        "media/activities/2024/05/a.jpg",
        "home/secret_key",
    }


def _rewrite(
    original: Path,
    target: Path,
    change: Callable[[list[tuple[tarfile.TarInfo, bytes]]], None],
) -> Path:
    members = []
    with tarfile.open(original) as tar:
        for info in tar:
            handle = tar.extractfile(info)
            members.append((info, handle.read() if handle else b""))
    change(members)
    with tarfile.open(target, "w:gz", format=tarfile.PAX_FORMAT) as tar:
        for info, data in members:
            if info.isreg():
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
            else:
                tar.addfile(info)
    return target


def _flip_byte(prefix: str) -> Callable[[list[tuple[tarfile.TarInfo, bytes]]], None]:
    def change(members: list[tuple[tarfile.TarInfo, bytes]]) -> None:
        for index, (info, data) in enumerate(members):
            if info.name.startswith(prefix):
                middle = len(data) // 2
                members[index] = (
                    info,
                    data[:middle] + bytes([data[middle] ^ 1]) + data[middle + 1 :],
                )
                return
        raise AssertionError(prefix)

    return change


def _drop(prefix: str) -> Callable[[list[tuple[tarfile.TarInfo, bytes]]], None]:
    def change(members: list[tuple[tarfile.TarInfo, bytes]]) -> None:
        members[:] = [(i, d) for i, d in members if not i.name.startswith(prefix)]

    return change


def _add(name: str, kind: bytes = tarfile.REGTYPE, link: str = "") -> Callable[..., None]:
    def change(members: list[tuple[tarfile.TarInfo, bytes]]) -> None:
        info = tarfile.TarInfo(name)
        info.type = kind
        info.linkname = link
        members.insert(0, (info, b"owned\n" if kind == tarfile.REGTYPE else b""))

    return change


def _duplicate(members: list[tuple[tarfile.TarInfo, bytes]]) -> None:
    info, data = next(m for m in members if m[0].name.startswith("media/"))
    members.append((info, data))


def _grow_manifest_entry(members: list[tuple[tarfile.TarInfo, bytes]]) -> None:
    for index, (info, data) in enumerate(members):
        if info.name == "manifest.json":
            manifest = json.loads(data)
            manifest["files"][1]["size"] += 1
            members[index] = (info, json.dumps(manifest).encode())


TAMPERING = {
    "changed byte in the database": (_flip_byte("database/"), "校验和与清单不符"),
    "changed byte in a photo": (_flip_byte("media/"), "校验和与清单不符"),
    "changed byte in the secret key": (_flip_byte("home/"), "校验和与清单不符"),
    "missing member": (_drop("media/"), "缺少清单中列出的文件"),
    "missing manifest": (_drop("manifest.json"), "没有清单"),
    "parent-directory member": (_add("../../evil.txt"), "不安全"),
    "traversal inside media": (_add("media/../../evil.txt"), "不安全"),
    "absolute member": (_add("/tmp/tepai-evil.txt"), "不安全"),
    "unknown directory": (_add("static/evil.js"), "不安全"),
    "symlink member": (_add("media/link.jpg", tarfile.SYMTYPE, "/etc/passwd"), "不是普通文件"),
    "hard link member": (
        _add("media/hard.jpg", tarfile.LNKTYPE, "home/secret_key"),
        "不是普通文件",
    ),
    "member not in the manifest": (_add("media/extra.jpg"), "清单之外"),
    "duplicate member": (_duplicate, "出现了两次"),
    "size differs from the manifest": (_grow_manifest_entry, "大小与清单不符"),
}


@pytest.mark.parametrize("case", list(TAMPERING))
def test_a_damaged_or_hostile_archive_is_refused_before_anything_is_written(
    case: str, crafted: Path, tmp_path: Path
) -> None:
    change, message = TAMPERING[case]
    tampered = _rewrite(crafted, tmp_path / "tampered.tar.gz", change)
    staging = tmp_path / "deep" / "staging"
    staging.mkdir(parents=True)
    with pytest.raises(BackupError, match=message):
        read_archive(tampered, staging, disk_budget=2**40)
    assert not (tmp_path / "evil.txt").exists()
    assert not (tmp_path / "deep" / "evil.txt").exists()
    if case not in TAMPERING_CAUGHT_WHILE_EXTRACTING:
        assert not any(staging.iterdir())  # refused on the headers alone


# A changed byte is only seen when the member's data is hashed, i.e. while extracting into the
# staging directory (which restore deletes); everything else is refused on the headers.
TAMPERING_CAUGHT_WHILE_EXTRACTING = {
    "changed byte in the database",
    "changed byte in a photo",
    "changed byte in the secret key",
}


@pytest.mark.parametrize("keep", [0.5, 0.99])
def test_a_truncated_archive_is_refused(keep: float, crafted: Path, tmp_path: Path) -> None:
    data = crafted.read_bytes()
    truncated = tmp_path / "cut.tar.gz"
    truncated.write_bytes(data[: int(len(data) * keep)])
    with pytest.raises(BackupError, match="已损坏或不完整"):
        read_archive(truncated, tmp_path, disk_budget=2**40)


def test_a_file_that_is_not_an_archive_is_refused(tmp_path: Path) -> None:
    bogus = tmp_path / "x.tar.gz"
    bogus.write_bytes(b"PK\x03\x04 this is a zip, not a tepai backup" * 10)
    with pytest.raises(BackupError, match="已损坏或不完整"):
        read_archive(bogus, tmp_path, disk_budget=2**40)


def test_an_archive_bigger_than_the_free_disk_is_refused(crafted: Path, tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="磁盘空间"):
        read_archive(crafted, tmp_path, disk_budget=1000)
    assert not any(tmp_path.iterdir())


def test_another_database_vendor_or_a_newer_tepai_is_refused(crafted: Path, tmp_path: Path) -> None:
    # Refused on the manifest, before a byte is extracted.
    with pytest.raises(BackupError, match="只支持同一种数据库"):
        read_archive(
            crafted,
            tmp_path,
            disk_budget=2**40,
            check=lambda manifest: _check_compatible(manifest, "postgresql"),
        )
    assert not any(tmp_path.iterdir())
    manifest = Manifest.from_json(json.dumps(_manifest(crafted)).encode())
    newer = Manifest.from_json(
        json.dumps(
            {**_manifest(crafted), "migrations": {"demands": ["9999_from_the_future"]}}
        ).encode()
    )
    with pytest.raises(BackupError, match="更新版本的 tepai"):
        _check_compatible(newer, newer.vendor)
    _check_compatible(manifest, manifest.vendor)


def test_a_dump_cannot_run_commands_on_this_host(tmp_path: Path) -> None:
    # A plain dump is a psql script; one rewritten by an attacker (with a matching manifest)
    # could hold `\\! command`. Restore wraps it in a `\\restrict` key the archive cannot know.
    marker = tmp_path / "owned"
    dump = tmp_path / "tepai.sql"
    dump.write_text(
        "--\n-- PostgreSQL database dump\n--\n\n\\restrict dumpkey\n\n"
        f"SELECT 1;\n\\! touch {marker}\nSELECT 2; \\! touch {marker}\n"
        "\\unrestrict dumpkey\n\n",
        encoding="utf-8",
    )
    script = tmp_path / "restore.sql"
    _guarded_script(dump, script, "-- before\n", "-- after\n")
    lines = script.read_text(encoding="utf-8").splitlines()
    assert re.fullmatch(r"\\restrict [0-9a-f]{48}", lines[0])
    assert lines[-1] == "\\unrestrict " + lines[0].split()[1]
    assert "\\restrict dumpkey" not in lines and "\\unrestrict dumpkey" not in lines
    if ON_POSTGRESQL:
        result = subprocess.run(
            ["psql", "--no-psqlrc", "-v", "ON_ERROR_STOP=1", "-f", str(script), CLUSTER_URL],
            capture_output=True,
            text=True,
        )
        assert result.returncode != 0
        assert "restricted" in result.stderr
    assert not marker.exists()


def test_force_keeps_the_replaced_media_beside_the_restored_ones(tmp_path: Path) -> None:
    staged, root = tmp_path / "staging" / "media", tmp_path / "home" / "media"
    (staged / "activities").mkdir(parents=True)
    (staged / "activities" / "new.jpg").write_bytes(b"new")
    (root / "activities").mkdir(parents=True)
    (root / "activities" / "old.jpg").write_bytes(b"old")
    kept = _install_media(staged, root, present=True)
    assert kept is not None and (kept / "activities" / "old.jpg").read_bytes() == b"old"
    assert [p.name for p in root.rglob("*.jpg")] == ["new.jpg"]


@pytest.mark.parametrize(
    ("name", "valid"),
    [
        ("database/tepai.sqlite3", True),
        ("media/activities/2024/05/照片.jpg", True),
        ("home/secret_key", True),
        ("media/../secret_key", False),
        ("media//x", False),
        ("media/./x", False),
        ("/media/x", False),
        ("media\\..\\x", False),
        ("home/other", False),
        ("database/other.db", False),
    ],
)
def test_member_names_are_only_the_shapes_tepai_writes(name: str, valid: bool) -> None:
    assert valid_member_name(name) is valid
