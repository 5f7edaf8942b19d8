"""Locking an account after repeated failed logins (5 in a row lock it for 15 minutes).

Counters change with single UPDATE statements so that parallel attempts cannot lose a
failure, and so that the audit log shows the login events rather than counter updates.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import F
from django.utils import timezone

from tepai.accounts.models import Account
from tepai.audit import actions
from tepai.audit.log import write_entry

MAX_FAILURES = 5
LOCK_DURATION = datetime.timedelta(minutes=15)


def account_for(user: Any) -> Account:
    """Return the user's Account, creating one without a role for users made elsewhere.

    Users created with ``createsuperuser`` or in the Django admin have no Account; a role-less
    Account grants nothing (superusers stay administrators through role_of).
    """
    try:
        return user.account
    except Account.DoesNotExist:
        account, _created = Account.objects.get_or_create(user=user)
        user.account = account
        return account


def locked_until(user: Any, now: datetime.datetime | None = None) -> datetime.datetime | None:
    """Return when the user's lock ends, or None if the user may try to sign in."""
    until = Account.objects.filter(user=user).values_list("locked_until", flat=True).first()
    if until is not None and until > (now or timezone.now()):
        return until
    return None


def register_failure(user: Any) -> datetime.datetime | None:
    """Count a failed password for ``user``; return the lock's end if this failure locked it."""
    account = account_for(user)
    Account.objects.filter(pk=account.pk).update(failed_logins=F("failed_logins") + 1)
    failures = Account.objects.filter(pk=account.pk).values_list("failed_logins", flat=True)[0]
    if failures < MAX_FAILURES:
        return None
    until = timezone.now() + LOCK_DURATION
    # The counter starts again from zero once the lock is over.
    Account.objects.filter(pk=account.pk).update(failed_logins=0, locked_until=until)
    write_entry(
        actions.LOCKED,
        target=user,
        detail={"failed_logins": failures, "locked_until": until.isoformat()},
    )
    return until


def register_success(user: Any) -> None:
    """Forget earlier failures of ``user`` after a successful sign-in."""
    Account.objects.filter(user=user).exclude(failed_logins=0, locked_until=None).update(
        failed_logins=0, locked_until=None
    )


def unlock(account: Account) -> None:
    """Lift the lock and forget the failures (an administrator's action)."""
    Account.objects.filter(pk=account.pk).update(failed_logins=0, locked_until=None)
    account.failed_logins, account.locked_until = 0, None
