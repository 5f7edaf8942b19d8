"""Administrators changing an account: deactivate, reactivate, change its role.

A role or an active state is what a user's sessions and API tokens were granted on, so a
change ends both: the tokens through :mod:`tepai.api.signals` (which watches the models, as it
does for password changes), the browser sessions here. The programme must never be left
without an administrator, and nobody changes their own account this way (they would lock
themselves out in the middle of the request): another administrator does it.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from tepai.accounts.models import Account
from tepai.accounts.roles import Role, role_of
from tepai.api.tokens import revoke_user_tokens
from tepai.audit import actions
from tepai.audit.log import record
from tepai.commissioners.models import Commissioner
from tepai.enterprises.models import Enterprise

__all__ = [
    "DEACTIVATE",
    "REACTIVATE",
    "AccountChangeRefused",
    "change_role",
    "end_sessions",
    "set_active",
]

DEACTIVATE = actions.ACCOUNT_DEACTIVATE
REACTIVATE = actions.ACCOUNT_REACTIVATE


class AccountChangeRefused(Exception):
    """The change would lock the acting administrator or the programme out; says why."""


def _is_active_admin(user: Any) -> bool:
    return bool(user.is_active) and role_of(user) is Role.ADMIN


def _other_active_admins(user: Any) -> bool:
    admins = get_user_model()._default_manager.filter(is_active=True).exclude(pk=user.pk)
    return admins.filter(
        Q(account__role=Role.ADMIN) | Q(is_superuser=True, account__isnull=True)
    ).exists()


def _refuse_if_locking_out(user: Any, by: Any, leaves_admin: bool) -> None:
    if by is not None and by.pk == user.pk:
        raise AccountChangeRefused(_("不能停用或更改自己的账号：请由另一位管理员操作。"))
    if leaves_admin and _is_active_admin(user) and not _other_active_admins(user):
        raise AccountChangeRefused(
            _("“%(name)s”是唯一在用的管理员账号，不能停用或改为其他角色：请先设置另一位管理员。")
            % {"name": user.get_username()}
        )


def end_sessions(user: Any) -> int:
    """Delete every unexpired browser session of ``user``; return how many.

    Sessions idle out after 30 minutes, so only a handful are alive at any time and decoding
    each is cheap.
    """
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            session.delete()
            ended += 1
    return ended


@transaction.atomic
def set_active(user: Any, active: bool, *, by: Any, request: HttpRequest | None = None) -> None:
    """Deactivate (``active`` False) or reactivate ``user``; audited.

    Deactivating ends the user's sessions and revokes their API tokens; raises
    :class:`AccountChangeRefused` for one's own account or the last active administrator.
    """
    _refuse_if_locking_out(user, by, leaves_admin=not active)
    if bool(user.is_active) == active:
        return
    user.is_active = active
    user.save(update_fields=["is_active"])  # tepai.api.signals revokes the tokens
    if not active:
        end_sessions(user)
    record(DEACTIVATE if not active else REACTIVATE, request=request, target=user)


@transaction.atomic
def change_role(
    user: Any,
    role: Role,
    *,
    commissioner: Commissioner | None = None,
    enterprise: Enterprise | None = None,
    by: Any,
    request: HttpRequest | None = None,
) -> bool:
    """Give ``user`` ``role`` (tied to its record); return False when nothing changed.

    A change ends the user's sessions and revokes their API tokens, as a password change
    does; the account's "update" entry in the audit log records old and new role. Raises
    :class:`AccountChangeRefused` for one's own account or the last active administrator.
    """
    account = Account.objects.select_for_update().filter(user=user).first()
    commissioner = commissioner if role is Role.COMMISSIONER else None
    enterprise = enterprise if role is Role.ENTERPRISE else None
    if account is not None and (
        account.role,
        account.commissioner_id,
        account.enterprise_id,
    ) == (role, getattr(commissioner, "pk", None), getattr(enterprise, "pk", None)):
        return False
    _refuse_if_locking_out(user, by, leaves_admin=role is not Role.ADMIN)
    if account is None:
        account = Account(user=user)
    account.role = role
    account.commissioner = commissioner
    account.enterprise = enterprise
    account.save()  # audited as "update"; tepai.api.signals revokes tokens on a new role
    is_admin = role is Role.ADMIN
    if (user.is_staff, user.is_superuser) != (is_admin, is_admin):
        # Administrators may use the data-maintenance admin (/admin/); nobody else.
        user.is_staff = user.is_superuser = is_admin
        user.save(update_fields=["is_staff", "is_superuser"])
    # A new record under the same role changes what the tokens reach, too.
    revoke_user_tokens(user, _("角色已变更"))
    end_sessions(user)
    return True
