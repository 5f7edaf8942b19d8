"""Personal data in API answers, masked on the server by the pages' rule and masks.

The rule and the masks are :mod:`tepai.core.personal_data`'s; these helpers only find the
requesting user in a schema resolver's ``context``.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.http import HttpRequest

from tepai.core.personal_data import (
    EMAIL,
    PHONE,
    birth_year,
    can_view_personal_data,
    mask_value,
)


def _user(context: dict[str, Any] | None) -> object:
    request: HttpRequest | None = (context or {}).get("request")
    return None if request is None else request.user


def reveals(context: dict[str, Any] | None, record: Model | type[Model]) -> bool:
    """Return True if the request in a schema's resolver ``context`` may see ``record``'s data.

    ``record`` may be a model class: True then means "every record of that kind".
    """
    return can_view_personal_data(_user(context), record)


def phone(context: dict[str, Any] | None, record: Model, field: str) -> str:
    """Return the phone in ``record.<field>``, masked unless the requester may see it."""
    value = getattr(record, field) or ""
    if not value or reveals(context, record):
        return value
    return str(mask_value(PHONE, value))


def email(context: dict[str, Any] | None, record: Model, field: str) -> str:
    """Return the e-mail in ``record.<field>``, masked unless the requester may see it."""
    value = getattr(record, field) or ""
    if not value or reveals(context, record):
        return value
    return str(mask_value(EMAIL, value))


def birth_date(context: dict[str, Any] | None, record: Model, field: str) -> Any:
    """Return the birth date in ``record.<field>``, or None unless the requester may see it."""
    return getattr(record, field) if reveals(context, record) else None


def year_of_birth(record: Model, field: str) -> int | None:
    """Return the year of the birth date in ``record.<field>`` (shown to every reader)."""
    year = birth_year(getattr(record, field))
    return int(year) if year else None
