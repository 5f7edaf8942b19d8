"""Backup and restore of a tepai installation: database, uploaded files and secret key.

``tepai backup`` calls :func:`create_backup`, ``tepai restore`` :func:`restore_backup`; the
archive format and its verification are in :mod:`tepai.core.backup.archive`, the per-vendor
database work in :mod:`tepai.core.backup.databases`.
"""

from tepai.core.backup.archive import BackupError, FileEntry, Manifest, read_archive
from tepai.core.backup.service import (
    BackupResult,
    RestoreResult,
    create_backup,
    default_output,
    restore_backup,
)

__all__ = [
    "BackupError",
    "BackupResult",
    "FileEntry",
    "Manifest",
    "RestoreResult",
    "create_backup",
    "default_output",
    "read_archive",
    "restore_backup",
]
