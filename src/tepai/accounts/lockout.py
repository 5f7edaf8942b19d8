"""A growing pause after repeated failed sign-ins, per user name *and* source address.

After ``MAX_FAILURES`` wrong passwords in a row for one name from one address, that address
may not try that name for ``FIRST_PAUSE``; every further failure doubles the pause, up to
``LONGEST_PAUSE``. The account itself is never locked: its owner signing in from another
address is not affected, so anonymous requests cannot lock an administrator out (issue 9,
finding 7). Unknown names are counted exactly like real ones, so the answers (and their
timing) never tell whether a name exists.

Counters change with single UPDATE statements so that parallel attempts cannot lose a
failure, and so that the audit log shows the login events rather than counter updates.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from tepai.accounts.models import Account, SignInThrottle
from tepai.audit import actions
from tepai.audit.context import client_ip
from tepai.audit.log import write_entry

MAX_FAILURES = 5
FIRST_PAUSE = datetime.timedelta(minutes=1)
LONGEST_PAUSE = datetime.timedelta(hours=1)
# Failures older than this are forgotten: a user who mistyped a few times last week starts
# again from zero.
FORGET_AFTER = datetime.timedelta(hours=24)
_NAME_LENGTH = SignInThrottle._meta.get_field("username").max_length or 150
_SOURCE_LENGTH = SignInThrottle._meta.get_field("source").max_length or 64


def account_for(user: Any) -> Account:
    """Return the user's Account, creating one without a role for users made elsewhere.

    Users created with ``createsuperuser`` or in the Django admin have no Account; a role-less
    Account grants nothing (superusers stay administrators through role_of).
    """
    try:
        account: Account = user.account
        return account
    except Account.DoesNotExist:
        account, _created = Account.objects.get_or_create(user=user)
        user.account = account
        return account


def source_of(request: HttpRequest | None) -> str:
    """Return the address failures are counted for ("" when there is no request)."""
    if request is None:
        return ""
    return (client_ip(request) or "")[:_SOURCE_LENGTH]


def _rows(username: str, source: str) -> Any:
    return SignInThrottle.objects.filter(username=username[:_NAME_LENGTH], source=source)


def blocked_until(
    username: str, source: str, now: datetime.datetime | None = None
) -> datetime.datetime | None:
    """Return when ``source`` may try ``username`` again, or None if it may now."""
    until: datetime.datetime | None = (
        _rows(username, source).values_list("blocked_until", flat=True).first()
    )
    if until is not None and until > (now or timezone.now()):
        return until
    return None


def pause_after(failures: int) -> datetime.timedelta | None:
    """Return the pause earned by ``failures`` failures in a row (None below the limit)."""
    if failures < MAX_FAILURES:
        return None
    doublings = min(failures - MAX_FAILURES, 16)  # 2**16 minutes is far past the cap
    pause: datetime.timedelta = min(FIRST_PAUSE * 2**doublings, LONGEST_PAUSE)
    return pause


def register_failure(
    username: str, source: str, user: Any | None = None
) -> datetime.datetime | None:
    """Count a failed password for ``username`` from ``source``; return a pause's end if any.

    ``user`` (None for unknown names) only names the target of the audit entry.
    """
    now = timezone.now()
    # bulk_create sends no signals: the counters stay out of the audit log.
    SignInThrottle.objects.bulk_create(
        [SignInThrottle(username=username[:_NAME_LENGTH], source=source)],
        ignore_conflicts=True,
    )
    rows = _rows(username, source)
    rows.filter(last_failure__lt=now - FORGET_AFTER).update(failures=0)
    rows.update(failures=F("failures") + 1, last_failure=now)
    failures = rows.values_list("failures", flat=True)[0]
    pause = pause_after(failures)
    if pause is None:
        return None
    until = now + pause
    rows.update(blocked_until=until)
    write_entry(
        actions.LOCKED,
        target=user,
        object_repr="" if user is not None else username[:_NAME_LENGTH],
        detail={
            "username": username[:_NAME_LENGTH],
            "source": source,
            "failed_logins": failures,
            "locked_until": until.isoformat(),
        },
    )
    return until


def register_success(username: str, source: str) -> None:
    """Forget the failures of ``username`` from ``source`` (other sources keep theirs)."""
    _rows(username, source).exclude(failures=0, blocked_until=None).update(
        failures=0, blocked_until=None
    )


def active_pauses(usernames: list[str], now: datetime.datetime | None = None) -> dict[str, Any]:
    """Return, per user name that has one, the latest end of a pause still running."""
    found: dict[str, Any] = {}
    rows = SignInThrottle.objects.filter(
        username__in=usernames, blocked_until__gt=now or timezone.now()
    ).values_list("username", "blocked_until")
    for username, until in rows:
        if username not in found or until > found[username]:
            found[username] = until
    return found


def unlock(username: str) -> None:
    """Lift every pause of ``username`` and forget its failures (an administrator's action)."""
    SignInThrottle.objects.filter(username=username[:_NAME_LENGTH]).update(
        failures=0, blocked_until=None
    )
