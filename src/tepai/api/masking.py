"""Phones and e-mails in API answers, masked on the server exactly as the pages mask them."""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.http import HttpRequest

from tepai.accounts.permissions import can_view_personal_data
from tepai.core.admin_helpers import mask_email
from tepai.core.cleaning import CleaningError, mask_phone


def reveals(context: dict[str, Any] | None, record: Model) -> bool:
    """Return True if the request in a schema's resolver ``context`` may see ``record``'s data."""
    request: HttpRequest | None = (context or {}).get("request")
    return request is not None and can_view_personal_data(request.user, record)


def phone(context: dict[str, Any] | None, record: Model, field: str) -> str:
    """Return the phone in ``record.<field>``, masked unless the requester may see it."""
    value = getattr(record, field) or ""
    if not value or reveals(context, record):
        return value
    try:
        return mask_phone(value)
    except CleaningError:
        # Legacy text that is not a phone number is hidden entirely rather than shown.
        return "****"


def email(context: dict[str, Any] | None, record: Model, field: str) -> str:
    """Return the e-mail in ``record.<field>``, masked unless the requester may see it."""
    value = getattr(record, field) or ""
    if not value or reveals(context, record):
        return value
    return mask_email(value)
