"""Finding and running PostgreSQL's client programs (pg_dump, psql) for the configured server.

A pg_dump older than the server refuses to run, and one much newer writes statements an older
server does not know (``SET transaction_timeout`` from 17 on), so the program whose major
version equals the server's is preferred: from PATH, else beside the server binaries in
/usr/lib/postgresql/*/bin as scripts/pg-cluster finds them; failing that, the oldest newer one.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from tepai.core.backup.archive import BackupError

__all__ = ["PostgresClient", "find_program"]

_SERVER_DIRS = Path("/usr/lib/postgresql")
_VERSION = re.compile(r"\(PostgreSQL\)\s+(\d+)")


def _major(program: Path) -> int | None:
    try:
        output = subprocess.run(
            [str(program), "--version"], capture_output=True, text=True, timeout=30, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = _VERSION.search(output)
    return int(match[1]) if match else None


def find_program(name: str, server_major: int) -> Path:
    """Return the ``name`` program (pg_dump, psql) best suited to a server of ``server_major``.

    Raise BackupError naming the package to install when there is none of that version or newer.
    """
    candidates: list[Path] = []
    on_path = shutil.which(name)
    if on_path:
        candidates.append(Path(on_path))
    candidates.extend(sorted(_SERVER_DIRS.glob(f"*/bin/{name}"), reverse=True))
    versions = [(major, path) for path in candidates if (major := _major(path)) is not None]
    exact = [path for major, path in versions if major == server_major]
    if exact:
        return exact[0]
    newer = sorted((major, str(path)) for major, path in versions if major > server_major)
    if newer:
        return Path(newer[0][1])
    raise BackupError(
        _(
            "找不到版本 ≥ %(major)s 的 %(name)s（PostgreSQL 服务器是 %(major)s 版）；"
            "请安装 postgresql-client-%(major)s，或把它所在目录加入 PATH。"
        )
        % {"major": server_major, "name": name}
    )


def _quote(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


@dataclass(frozen=True)
class PostgresClient:
    """How to reach the configured database with libpq programs (password not on the argv)."""

    conninfo: str
    password: str
    server_major: int

    @classmethod
    def from_settings(cls, database: dict[str, Any], server_major: int) -> PostgresClient:
        """Return the client for Django's DATABASES entry ``database``."""
        parts = {
            "dbname": database.get("NAME") or "",
            "host": database.get("HOST") or "",
            "port": str(database.get("PORT") or ""),
            "user": database.get("USER") or "",
        }
        for key, value in (database.get("OPTIONS") or {}).items():
            # libpq connection parameters given in the URL's query (sslmode=…); Django-only
            # options such as pool settings are not libpq's and are left out.
            if re.fullmatch(r"[a-z_]+", str(key)) and isinstance(value, str | int):
                parts[str(key)] = str(value)
        conninfo = " ".join(f"{key}={_quote(value)}" for key, value in parts.items() if value)
        return cls(conninfo, database.get("PASSWORD") or "", server_major)

    def run(self, name: str, *args: str) -> subprocess.CompletedProcess[str]:
        """Run ``name`` with ``args`` against the database; raise BackupError if it fails."""
        program = find_program(name, self.server_major)
        environment = dict(os.environ)
        if self.password:
            environment["PGPASSWORD"] = self.password
        environment.setdefault("PGCONNECT_TIMEOUT", "30")
        try:
            result = subprocess.run(
                [str(program), *args, "--dbname", self.conninfo],
                env=environment,
                capture_output=True,
                text=True,
            )
        except OSError as exc:
            raise BackupError(
                _("无法运行 %(program)s：%(reason)s") % {"program": program, "reason": exc.strerror}
            ) from exc
        if result.returncode != 0:
            detail = result.stderr.strip().splitlines()[-5:]
            raise BackupError(
                _("%(program)s 失败（退出码 %(code)s）：%(detail)s")
                % {"program": program.name, "code": result.returncode, "detail": " ".join(detail)}
            )
        return result
