"""Spreadsheet import from the browser: keep the upload, preview it, then import it.

The uploaded file is stored under ``MEDIA_ROOT/imports`` with a random token as its name; the
token goes into the user's session, and confirmation reads the stored file again, so what is
imported is exactly what was previewed and the browser never sends the file (or a path) twice.
Both steps run :meth:`tepai.core.importing.Importer.run`: the preview as a dry run, the
confirmation for real, all rows or none.
"""

from __future__ import annotations

import re
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.core.files.uploadedfile import UploadedFile

from tepai.core.importing import ImportFailed, ImportResult, RowError, read_table
from tepai.core.importing.base import Importer, RowValues
from tepai.core.importing.exporting import format_cell
from tepai.core.importing.registry import get_importer

ALLOWED_SUFFIXES = (".xlsx", ".csv")
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# Uploads never confirmed are removed after a day.
MAX_AGE_SECONDS = 24 * 3600
SESSION_KEY = "tepai_imports"
_TOKEN = re.compile(r"^[0-9a-f]{32}$")


def import_dir() -> Path:
    """Return the directory the uploads wait in (created on first use)."""
    directory = Path(settings.MEDIA_ROOT) / "imports"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def stored_path(token: str, suffix: str) -> Path:
    """Return where upload ``token`` is kept; refuse anything but a token and a known suffix."""
    if not _TOKEN.match(token) or suffix not in ALLOWED_SUFFIXES:
        raise ValueError("invalid import token")
    return import_dir() / f"{token}{suffix}"


def store_upload(upload: UploadedFile) -> tuple[str, str]:
    """Save ``upload`` under a new random token; return the token and the file's suffix."""
    purge_stale()
    suffix = Path(upload.name or "").suffix.lower()
    token = secrets.token_hex(16)
    with stored_path(token, suffix).open("wb") as target:
        for chunk in upload.chunks():
            target.write(chunk)
    return token, suffix


def discard(token: str, suffix: str) -> None:
    """Remove a stored upload (after it was imported or abandoned)."""
    stored_path(token, suffix).unlink(missing_ok=True)


def purge_stale(now: float | None = None) -> int:
    """Remove uploads older than a day; return how many were removed."""
    limit = (now if now is not None else time.time()) - MAX_AGE_SECONDS
    removed = 0
    for path in import_dir().iterdir():
        if path.is_file() and path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


@dataclass(frozen=True)
class PreviewRow:
    """A sheet row that imports cleanly: whether it creates or updates, and what it is."""

    number: int
    created: bool
    summary: str


@dataclass
class ImportRun:
    """What a run found: the result and rows, or every problem of the file."""

    result: ImportResult | None = None
    rows: list[PreviewRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.result is not None


def _choice_label(importer: type[Importer], key: str, value: object) -> object:
    """Return the label of a parsed choice code ("university" → "高校"), else the value."""
    try:
        field = importer.model._meta.get_field(key)
    except FieldDoesNotExist:
        return value
    labels = dict(getattr(field, "choices", None) or ())
    return labels.get(value, value) if isinstance(value, str) else value


def _summary(importer: type[Importer], row: RowValues) -> str:
    """Return the first few filled columns of a row, e.g. "姓名：张三；工作单位：浙江大学"."""
    parts = []
    for column in importer.columns:
        cell = format_cell(_choice_label(importer, column.key, row.get(column.key)))
        if cell in (None, "") or column.key == "code":
            continue
        text = str(cell)
        parts.append(f"{column.header}：{text[:40]}{'…' if len(text) > 40 else ''}")
        if len(parts) == 3:
            break
    return "；".join(parts)


def _recording(importer_class: type[Importer]) -> type[Importer]:
    """Return ``importer_class`` extended to remember each row it saved and how."""

    class Recording(importer_class):  # type: ignore[valid-type,misc]
        def __init__(self, **options: Any) -> None:
            super().__init__(**options)
            self.saved: list[PreviewRow] = []

        def save_row(self, row: RowValues) -> bool:
            created = super().save_row(row)
            self.saved.append(PreviewRow(row.number, created, _summary(importer_class, row)))
            return created

    return Recording


def run_import(
    registry: str, path: Path, filename: str, *, dry_run: bool, options: dict[str, Any]
) -> ImportRun:
    """Run the importer of ``registry`` over the file at ``path`` (all rows or none)."""
    importer = _recording(get_importer(registry))(**options)
    try:
        with path.open("rb") as source:
            table = read_table(source, filename=filename)
        result = importer.run(table, dry_run=dry_run)
    except ImportFailed as failure:
        return ImportRun(errors=failure.errors)
    return ImportRun(result=result, rows=importer.saved)
