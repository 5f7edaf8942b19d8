"""Pieces every web view uses: the role check and the audit call."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import HttpRequest

from tepai.accounts.roles import Role, role_of


def require_role(request: HttpRequest, *roles: Role) -> Role:
    """Return the user's role; raise PermissionDenied (403) for none, or one not in ``roles``.

    Signed-in users without a platform role (a Django user nobody gave an account) see nothing.
    """
    role = role_of(request.user)
    if role is None or (roles and role not in roles):
        raise PermissionDenied
    return role


def audit(
    action: str,
    request: HttpRequest,
    *,
    target: Model | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Record ``action`` in the audit log (imports and exports are not model saves)."""
    from tepai.audit.log import record  # the audit app may load after this module

    record(action, request=request, target=target, detail=detail)
