"""Where uploaded import files wait between preview and confirmation, and their removal.

Uploads hold personal data (phones, e-mails), so they live outside ``MEDIA_ROOT`` (which
backups copy) in ``TEPAI_IMPORT_UPLOAD_DIR`` (default ``$TEPAI_HOME/import-uploads``), readable
by the server's user only. A confirmed or cancelled upload is deleted at once; one abandoned
after its preview is deleted a day later, on the next upload or by ``tepai import --cleanup``.
"""

from __future__ import annotations

import re
import secrets
import time
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

ALLOWED_SUFFIXES = (".xlsx", ".csv")
# Uploads never confirmed are removed after a day.
MAX_AGE_SECONDS = 24 * 3600
_TOKEN = re.compile(r"^[0-9a-f]{32}$")


def import_dir() -> Path:
    """Return the directory the uploads wait in (created, owner-only, on first use)."""
    configured = getattr(settings, "TEPAI_IMPORT_UPLOAD_DIR", None)
    directory = Path(configured or Path(settings.TEPAI_HOME) / "import-uploads")
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
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
    path = stored_path(token, suffix)
    with path.open("xb") as target:
        path.chmod(0o600)
        for chunk in upload.chunks():
            target.write(chunk)
    return token, suffix


def discard(token: str, suffix: str) -> None:
    """Remove a stored upload (after it was imported or abandoned)."""
    stored_path(token, suffix).unlink(missing_ok=True)


def purge_stale(now: float | None = None, *, max_age: float = MAX_AGE_SECONDS) -> int:
    """Remove uploads older than ``max_age`` seconds (a day); return how many were removed."""
    limit = (now if now is not None else time.time()) - max_age
    removed = 0
    for path in import_dir().iterdir():
        if path.is_file() and path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
