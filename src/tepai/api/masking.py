"""Personal data in API answers, masked on the server by the pages' rule and masks.

The rule, the masks and which field holds which kind of personal data are
:mod:`tepai.core.personal_data`'s; these helpers only find the requesting user in a schema
resolver's ``context``.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.http import HttpRequest

from tepai.core.personal_data import birth_year, can_view_personal_data, shown_text


def _user(context: dict[str, Any] | None) -> object:
    request: HttpRequest | None = (context or {}).get("request")
    return None if request is None else request.user


def reveals(context: dict[str, Any] | None, record: Model | type[Model]) -> bool:
    """Return True if the request in a schema's resolver ``context`` may see ``record``'s data.

    ``record`` may be a model class: True then means "every record of that kind".
    """
    return can_view_personal_data(_user(context), record)


def _shown(context: dict[str, Any] | None, record: Model, field: str) -> str:
    return shown_text(_user(context), record, field, getattr(record, field) or "")


def phone(context: dict[str, Any] | None, record: Model, field: str) -> str:
    """Return the phone in ``record.<field>``, masked unless the requester may see it."""
    return _shown(context, record, field)


def email(context: dict[str, Any] | None, record: Model, field: str) -> str:
    """Return the e-mail in ``record.<field>``, masked unless the requester may see it."""
    return _shown(context, record, field)


def birth_date(context: dict[str, Any] | None, record: Model, field: str) -> Any:
    """Return the birth date in ``record.<field>``, or None unless the requester may see it."""
    return getattr(record, field) if reveals(context, record) else None


def year_of_birth(record: Model, field: str) -> int | None:
    """Return the year of the birth date in ``record.<field>`` (shown to every reader)."""
    year = birth_year(getattr(record, field))
    return int(year) if year else None
