"""Snapshot and restore of the configured database, one class per vendor.

SQLite is copied with its online backup API, which reads one consistent snapshot while the
server keeps writing (WAL); a file copy could catch a half-written page. PostgreSQL is dumped
with pg_dump inside an exported snapshot, so that the row counts in the manifest are those of
exactly the data dumped, and restored by psql in one transaction: a failed restore leaves the
target as it was.
"""

from __future__ import annotations

import re
import secrets
import sqlite3
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, cast

from django.conf import settings
from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from django.utils.translation import gettext as _

from tepai.core.backup.archive import BackupError
from tepai.core.backup.pgtools import PostgresClient

if TYPE_CHECKING:
    from django.db.backends.postgresql.base import DatabaseWrapper as PostgresWrapper

__all__ = ["Database", "Snapshot", "current_database"]

# Tables `migrate` fills by itself: an installation whose only rows are these is empty.
BOOKKEEPING_TABLES = frozenset({"django_migrations", "django_content_type", "auth_permission"})


@dataclass(frozen=True)
class Snapshot:
    """What a database snapshot holds: rows per table and migrations applied per app."""

    row_counts: dict[str, int]
    migrations: dict[str, list[str]]
    server_version: int = 0


class Database(Protocol):
    vendor: str
    member: str

    def snapshot(self, target: Path) -> Snapshot: ...

    def server_major(self) -> int: ...

    def tables_with_data(self) -> list[str]: ...

    def check_staged(self, staged: Path, expected: Snapshot) -> None: ...

    def restore(self, staged: Path, expected: Snapshot) -> None: ...

    def row_counts(self) -> dict[str, int]: ...


def current_database() -> Database:
    """Return the handler of the database tepai is configured with."""
    if connection.vendor == "sqlite":
        # str(): the settings type NAME loosely; tepai.config makes it the file's path.
        return SqliteDatabase(Path(str(settings.DATABASES["default"]["NAME"])))
    if connection.vendor == "postgresql":
        return PostgresDatabase()
    raise BackupError(_("不支持备份 %(vendor)s 数据库。") % {"vendor": connection.vendor})


def _migrations(rows: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in rows:
        applied.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(applied.items())}


def _not_initialised() -> BackupError:
    return BackupError(_("数据库尚未初始化，没有可备份的数据；请先运行 tepai init。"))


class SqliteDatabase:
    vendor = "sqlite"
    member = "database/tepai.sqlite3"

    def __init__(self, path: Path) -> None:
        self.path = path

    def server_major(self) -> int:
        return 0

    def snapshot(self, target: Path) -> Snapshot:
        if not self.path.exists():
            raise _not_initialised()
        source = sqlite3.connect(self.path, timeout=20)
        copy = sqlite3.connect(target)
        try:
            # One step (pages=-1): the whole copy is read in a single read transaction, so it
            # is one consistent state; WAL lets the server go on writing meanwhile.
            source.backup(copy)
            # The archived file is self-contained (no -wal beside it).
            copy.execute("PRAGMA journal_mode=DELETE")
            return _sqlite_snapshot(copy)
        finally:
            copy.close()
            source.close()

    def tables_with_data(self) -> list[str]:
        if not self.path.exists():
            return []
        connection.close()
        with _closing(sqlite3.connect(self.path, timeout=20)) as db:
            counts = _sqlite_counts(db)
        return sorted(t for t, n in counts.items() if n and t not in BOOKKEEPING_TABLES)

    def check_staged(self, staged: Path, expected: Snapshot) -> None:
        with _closing(sqlite3.connect(f"{staged.as_uri()}?mode=ro", uri=True)) as db:
            try:
                db.execute("PRAGMA trusted_schema=OFF")
                verdict = db.execute("PRAGMA integrity_check").fetchone()[0]
                found = _sqlite_snapshot(db)
            except sqlite3.DatabaseError as exc:
                raise BackupError(
                    _("备份中的数据库文件已损坏：%(reason)s；未做任何更改。") % {"reason": exc}
                ) from exc
        if verdict != "ok":
            raise BackupError(
                _("备份中的数据库文件未通过完整性检查（%(verdict)s），未做任何更改。")
                % {"verdict": verdict}
            )
        _compare(found, expected)

    def restore(self, staged: Path, expected: Snapshot) -> None:
        # check_staged compared the staged file with the manifest before this point.
        connection.close()
        source = sqlite3.connect(f"{staged.as_uri()}?mode=ro", uri=True)
        target = sqlite3.connect(self.path, timeout=20)
        try:
            # Page by page under the target's own lock and journal: all or nothing, and safe
            # even if a stray reader has the file open.
            source.backup(target)
        except sqlite3.Error as exc:
            raise BackupError(_("写入数据库失败：%(reason)s") % {"reason": exc}) from exc
        finally:
            target.close()
            source.close()

    def row_counts(self) -> dict[str, int]:
        connection.close()
        with _closing(sqlite3.connect(self.path, timeout=20)) as db:
            return _sqlite_counts(db)


class _closing:
    """``with sqlite3.connect(...)`` commits but does not close; this closes."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> sqlite3.Connection:
        return self.db

    def __exit__(self, *exc: object) -> None:
        self.db.close()


def _sqlite_counts(db: sqlite3.Connection) -> dict[str, int]:
    tables = [
        row[0]
        for row in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]
    quoted = {table: '"' + table.replace('"', '""') + '"' for table in tables}
    return {
        table: db.execute(f"SELECT COUNT(*) FROM {quoted[table]}").fetchone()[0] for table in tables
    }


def _sqlite_snapshot(db: sqlite3.Connection) -> Snapshot:
    counts = _sqlite_counts(db)
    if "django_migrations" not in counts:
        raise _not_initialised()
    rows = db.execute("SELECT app, name FROM django_migrations").fetchall()
    return Snapshot(counts, _migrations(rows))


def _compare(found: Snapshot, expected: Snapshot) -> None:
    if found.row_counts != expected.row_counts or found.migrations != expected.migrations:
        differing = sorted(
            table
            for table in set(found.row_counts) | set(expected.row_counts)
            if found.row_counts.get(table) != expected.row_counts.get(table)
        )
        raise BackupError(
            _("备份中的数据库与清单不符（%(what)s），未做任何更改。")
            % {"what": ", ".join(differing[:5]) or "django_migrations"}
        )


class PostgresDatabase:
    vendor = "postgresql"
    member = "database/tepai.sql"

    def server_major(self) -> int:
        connection.ensure_connection()
        # current_database() makes this handler only for a PostgreSQL connection.
        return int(cast("PostgresWrapper", connection).pg_version) // 10000

    def _client(self) -> PostgresClient:
        return PostgresClient.from_settings(settings.DATABASES["default"], self.server_major())

    def snapshot(self, target: Path) -> Snapshot:
        client = self._client()
        with transaction.atomic(), connection.cursor() as cursor:
            # Counting, reading the migrations and pg_dump all see this one snapshot.
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot_id = cursor.fetchone()[0]
            tables = connection.introspection.table_names(cursor)
            if "django_migrations" not in tables:
                raise _not_initialised()
            counts = self._counts(cursor, tables)
            cursor.execute("SELECT app, name FROM django_migrations")
            migrations = _migrations(cursor.fetchall())
            client.run(
                "pg_dump",
                "--format=plain",
                "--no-owner",
                "--no-privileges",
                "--encoding=UTF8",
                f"--snapshot={snapshot_id}",
                f"--file={target}",
            )
        return Snapshot(counts, migrations, client.server_major)

    @staticmethod
    def _counts(cursor: CursorWrapper, tables: list[str]) -> dict[str, int]:
        counts = {}
        for table in sorted(tables):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
        return counts

    def tables_with_data(self) -> list[str]:
        counts = self.row_counts()
        return sorted(t for t, n in counts.items() if n and t not in BOOKKEEPING_TABLES)

    def check_staged(self, staged: Path, expected: Snapshot) -> None:
        with staged.open("rb") as handle:
            head = handle.read(4096)
        if b"PostgreSQL database dump" not in head:
            raise BackupError(_("备份中的数据库文件不是 pg_dump 的输出，未做任何更改。"))
        if expected.server_version > self.server_major():
            raise BackupError(
                _(
                    "备份来自 PostgreSQL %(theirs)s，当前服务器是 %(ours)s 版，不能恢复到更旧的"
                    "服务器；未做任何更改。"
                )
                % {"theirs": expected.server_version, "ours": self.server_major()}
            )

    def restore(self, staged: Path, expected: Snapshot) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_schema()")
            schema = cursor.fetchone()[0]
        script = staged.with_name("restore.sql")
        try:
            _guarded_script(
                staged, script, self._drop_statements(), _count_check(schema, expected.row_counts)
            )
        except UnicodeDecodeError as exc:
            raise BackupError(_("备份中的数据库文件不是 UTF-8 文本，未做任何更改。")) from exc
        client = self._client()
        connection.close()
        # One transaction: drop what is there, load the dump, compare the rows per table with
        # the manifest. If any step fails, the database stays exactly as it was.
        try:
            client.run(
                "psql",
                "--no-psqlrc",
                "--quiet",
                "--set=ON_ERROR_STOP=1",
                "--single-transaction",
                f"--file={script}",
            )
        except BackupError as exc:
            found = re.search(r"row count of (\S+) differs from the manifest", str(exc))
            if found:
                raise BackupError(
                    _("备份中的数据库与清单不符（%(what)s），已回滚，未做任何更改。")
                    % {"what": found[1]}
                ) from exc
            if "invalid command \\restrict" in str(exc):
                raise BackupError(
                    _(
                        "psql 版本过旧，不支持 \\restrict（它阻止备份文件中的 psql 命令在本机"
                        "执行）；请升级 postgresql-client（15.14、16.10、17.6 或更新）。"
                        "未做任何更改。"
                    )
                ) from exc
            raise BackupError(
                _("恢复数据库失败，已回滚，未做任何更改：%(reason)s") % {"reason": exc}
            ) from exc

    def _drop_statements(self) -> str:
        """Return SQL dropping the tables, views, sequences and functions of the schema.

        A target initialised by a newer tepai has tables the dump does not create; left in
        place, they would make the following ``migrate`` fail.
        """
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT c.relname, c.relkind FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'S') "
                "AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid "
                "AND d.deptype IN ('e', 'a', 'i'))"
            )
            relations = cursor.fetchall()
            cursor.execute(
                "SELECT p.oid::regprocedure::text FROM pg_proc p "
                "JOIN pg_namespace n ON n.oid = p.pronamespace "
                "WHERE n.nspname = current_schema() "
                "AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid "
                "AND d.deptype = 'e')"
            )
            functions = [row[0] for row in cursor.fetchall()]
        kinds = {"r": "TABLE", "p": "TABLE", "v": "VIEW", "m": "MATERIALIZED VIEW", "S": "SEQUENCE"}
        lines = [f"DROP {kinds[kind]} IF EXISTS {quote(name)} CASCADE;" for name, kind in relations]
        lines += [f"DROP FUNCTION IF EXISTS {signature} CASCADE;" for signature in functions]
        return "\n".join(lines) + "\n"

    def row_counts(self) -> dict[str, int]:
        with connection.cursor() as cursor:
            return self._counts(cursor, connection.introspection.table_names(cursor))


def _count_check(schema: str, row_counts: dict[str, int]) -> str:
    """Return SQL that raises (rolling the restore back) unless every table has its rows."""
    quote = connection.ops.quote_name
    lines = [f"SET search_path TO {quote(schema)};", "DO $tepai$", "BEGIN"]
    for table, count in sorted(row_counts.items()):
        literal = table.replace("'", "''")
        lines.append(
            f"  IF (SELECT COUNT(*) FROM {quote(table)}) <> {int(count)} THEN "
            f"RAISE EXCEPTION 'row count of % differs from the manifest', '{literal}'; END IF;"
        )
    lines += ["END", "$tepai$;"]
    return "\n".join(lines) + "\n"


_RESTRICT = re.compile(r"^\\(un)?restrict [A-Za-z0-9]+\n?$")


def _guarded_script(dump: Path, script: Path, before: str, after: str) -> None:
    """Write ``before`` + ``dump`` + ``after`` to ``script``, psql meta-commands locked.

    A plain dump is a psql script, and psql runs backslash commands in it (``\\! …`` runs a
    shell command on this host). The whole script is wrapped in ``\\restrict`` with a key made
    here, which the archive cannot know, so psql refuses every backslash command inside. The
    dump's own ``\\restrict``/``\\unrestrict`` pair (pg_dump 15.14 and later) is taken out, since
    psql does not nest them.
    """
    key = secrets.token_hex(24)
    head: list[str] = []
    tail: deque[str] = deque()
    with (
        dump.open(encoding="utf-8", newline="") as source,
        script.open("w", encoding="utf-8", newline="") as target,
    ):
        target.write(f"\\restrict {key}\n{before}")
        for number, line in enumerate(source):
            if number < 20 and not head and _RESTRICT.match(line) and line[1] == "r":
                head.append(line)
                continue
            tail.append(line)
            if len(tail) > 5:
                target.write(tail.popleft())
        last = [line for line in tail if not (_RESTRICT.match(line) and line[1] == "u")]
        if head and len(last) != len(tail) - 1:
            last = list(tail)  # no closing pair found: keep everything, psql will refuse
        target.writelines(last)
        target.write(f"\n{after}\\unrestrict {key}\n")
