"""Files users upload for others to open (activity photos, contract scans): what is stored and
what is sent back.

An upload is stored under a generated name, never the one it came with, and read back as a
:class:`StoredFile` whose content type and extension come from what its bytes were found to
be, so a stored name can never choose how a browser treats the file (issue 9, finding 1).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db.models.fields.files import FieldFile

__all__ = ["StoredFile", "read_bytes", "under_generated_name"]


@dataclass(frozen=True)
class StoredFile:
    """A stored upload ready to send: its bytes, content type and file extension."""

    content: bytes
    content_type: str
    extension: str


def under_generated_name(content: bytes, extension: str) -> ContentFile:
    """Return ``content`` ready to store under a random name ending in ``.extension``."""
    return ContentFile(content, name=f"{uuid.uuid4().hex}.{extension}")


def read_bytes(field: FieldFile) -> bytes | None:
    """Return the stored file's bytes, or None if it is missing from storage."""
    try:
        with field.open("rb") as handle:
            data: bytes = handle.read()
    except OSError:
        return None
    return data
