"""Write rules for records an enterprise user owns (its demands, its cooperation intents)."""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.http import HttpRequest
from django.utils.translation import gettext as _

from tepai.accounts.roles import Role, role_of
from tepai.api.errors import Forbidden

Data = dict[str, Any]


def own_enterprise(user: Any) -> int | None:
    """Return the id of the enterprise an enterprise user acts for (None for other users)."""
    return getattr(getattr(user, "account", None), "enterprise_id", None)


def for_own_enterprise(request: HttpRequest, data: Data, refusal: str) -> Data:
    """Return ``data`` with an enterprise user's own enterprise filled in.

    Naming another enterprise is refused with ``refusal``; other roles choose freely.
    """
    if role_of(request.user) is not Role.ENTERPRISE:
        return data
    mine = own_enterprise(request.user)
    if data.get("enterprise") not in (None, mine):
        raise Forbidden(refusal, fields={"enterprise": [_("只能是本企业")]})
    return {**data, "enterprise": mine}


def keep_enterprise(request: HttpRequest, record: Model, data: Data, refusal: str) -> None:
    """Refuse (with ``refusal``) an enterprise user's update that moves ``record`` elsewhere."""
    if role_of(request.user) is not Role.ENTERPRISE:
        return
    current = record.enterprise_id  # type: ignore[attr-defined]
    if data.get("enterprise", current) != current:
        raise Forbidden(refusal, fields={"enterprise": [_("只能是本企业")]})
