"""Spreadsheet import from the browser: keep the upload, preview it, then import it.

The upload is stored (:mod:`tepai.core.importing.uploads`) under a random token; the token goes
into the user's session, and confirmation reads the stored file again, so what is imported is
exactly what was previewed and the browser never sends the file (or a path) twice. The preview
only validates (reads, no write lock); confirmation writes all rows or none.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import FieldDoesNotExist

from tepai.core.importing import ImportFailed, ImportResult, RowError, read_table
from tepai.core.importing.base import Importer, RowValues
from tepai.core.importing.exporting import format_cell
from tepai.core.importing.registry import get_importer
from tepai.core.importing.uploads import (
    ALLOWED_SUFFIXES,
    discard,
    import_dir,
    purge_stale,
    store_upload,
    stored_path,
)

__all__ = [
    "ALLOWED_SUFFIXES",
    "MAX_UPLOAD_BYTES",
    "SESSION_KEY",
    "ImportRun",
    "PreviewRow",
    "discard",
    "import_dir",
    "purge_stale",
    "run_import",
    "store_upload",
    "stored_path",
]

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
SESSION_KEY = "tepai_imports"


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


def _shown(importer: type[Importer], key: str, value: object) -> str:
    """Return a parsed value as the preview shows it: choice codes by label, a title with the
    level it was read as ("教授 → 正高级")."""
    if key == "title" and isinstance(value, tuple) and len(value) == 2:
        text, level = value
        return f"{text} → {_choice_label(importer, 'title_level', level)}"
    cell = format_cell(_choice_label(importer, key, value))
    if isinstance(value, list):
        cell = "、".join(str(_choice_label(importer, key, item)) for item in value)
    return "" if cell is None else str(cell)


def _summary(importer: type[Importer], row: RowValues) -> str:
    """Return the row's preview columns (or its first three filled), "姓名：张三；…"."""
    parts = []
    chosen = importer.preview_keys
    for column in importer.columns:
        if chosen and column.key not in chosen:
            continue
        text = _shown(importer, column.key, row.get(column.key))
        if text == "" or column.key == "code":
            continue
        parts.append(f"{column.header}：{text[:40]}{'…' if len(text) > 40 else ''}")
        if not chosen and len(parts) == 3:
            break
    return "；".join(parts)


def _recording(importer_class: type[Importer], saved: list[PreviewRow]) -> type[Importer]:
    """Return ``importer_class`` extended to append each row it saves, and how, to ``saved``."""

    # mypy cannot type a subclass of a class known only at run time.
    class Recording(importer_class):  # type: ignore[valid-type,misc]
        def save_row(self, row: RowValues) -> bool:
            created: bool = super().save_row(row)
            saved.append(PreviewRow(row.number, created, _summary(importer_class, row)))
            return created

    return Recording


def run_import(
    registry: str, path: Path, filename: str, *, dry_run: bool, options: dict[str, Any]
) -> ImportRun:
    """Run the importer of ``registry`` over the file at ``path`` (all rows or none)."""
    saved: list[PreviewRow] = []
    importer = _recording(get_importer(registry), saved)(**options)
    try:
        with path.open("rb") as source:
            table = read_table(source, filename=filename)
        result = importer.run(table, dry_run=dry_run)
    except ImportFailed as failure:
        return ImportRun(errors=failure.errors)
    return ImportRun(result=result, rows=saved)
