"""Enterprises confirm the work records commissioners log for them (企业确认服务记录).

A commissioner's record naming the enterprises served (the work-log form, or the registry's
create page) waits for one of those enterprises to confirm it: 待企业确认. The enterprise
confirms it in one click from its 待办, or disputes it with a reason; a disputed record goes to
the administrators' 待办, who either uphold it as it stands or, after correcting it, ask the
enterprise again. A record the commissioner changes after that goes back to 待企业确认: the
enterprise confirms what the record now says. Records the programme office enters or imports
are its own and need no confirmation.

The KPIs count a record whatever its confirmation (the programme's figures do not wait on an
enterprise's click); the list filter 企业确认 and the detail page show which records were
confirmed. Every change is a model save, so the audit log keeps who changed what.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tepai.accounts.roles import Role, role_of
from tepai.activities.models import Activity, ActivityConfirmation
from tepai.demands.workflow import NoteRequired, NotPermitted, WorkflowError

__all__ = [
    "CONTENT_FIELDS",
    "NOTE_MAX",
    "ConfirmationError",
    "ask_again",
    "awaiting_enterprise",
    "can_answer",
    "can_settle",
    "confirm",
    "dispute",
    "disputed",
    "request_confirmation",
    "uphold",
]

# What the enterprise confirms: a change to any of these after its answer asks it again.
CONTENT_FIELDS = ("date", "kind", "quantity", "is_trial", "place", "notes")
NOTE_MAX = 500


class ConfirmationError(WorkflowError):
    """The step is not possible in the record's present state; the message says why."""

    field = "confirmation"


def _enterprise_of(user: Any) -> int | None:
    return getattr(getattr(user, "account", None), "enterprise_id", None)


def request_confirmation(activity: Activity) -> None:
    """Ask the enterprises named in a commissioner's new record to confirm it (if any)."""
    if activity.enterprises.exists():
        Activity.objects.filter(pk=activity.pk).update(
            confirmation=ActivityConfirmation.PENDING, confirmation_note="", confirmed_at=None
        )
        activity.confirmation = ActivityConfirmation.PENDING


def can_answer(user: Any, activity: Activity) -> bool:
    """Return True if ``user`` is an enterprise the record names (whatever its state)."""
    mine = _enterprise_of(user)
    return (
        role_of(user) is Role.ENTERPRISE
        and mine is not None
        and activity.enterprises.filter(pk=mine).exists()
    )


def can_settle(user: Any) -> bool:
    """Return True if ``user`` may settle a dispute (administrators)."""
    return role_of(user) is Role.ADMIN


def _locked(activity: Activity) -> Activity:
    return Activity.objects.select_for_update().get(pk=activity.pk)


def _set(activity: Activity, state: str, note: str) -> Activity:
    activity.confirmation = state
    activity.confirmation_note = note
    activity.confirmed_at = timezone.now()
    activity.save(update_fields=["confirmation", "confirmation_note", "confirmed_at"])
    return activity


def _answer(activity: Activity, user: Any, state: str, note: str) -> Activity:
    with transaction.atomic():
        current = _locked(activity)
        if not can_answer(user, current):
            raise NotPermitted(_("只有记录中服务的企业可以确认这条工作记录"))
        if current.confirmation != ActivityConfirmation.PENDING:
            raise ConfirmationError(
                _("这条工作记录现为“%(state)s”，无需再确认")
                % {"state": current.get_confirmation_display()}
            )
        return _set(current, state, note)


def confirm(activity: Activity, user: Any) -> Activity:
    """The enterprise confirms the record as it reads."""
    return _answer(activity, user, ActivityConfirmation.CONFIRMED, "")


def _reason(note: str) -> str:
    note = " ".join(note.split())
    if not note:
        raise NoteRequired(_("请说明异议的原因，例如日期、人数或服务内容与实际不符"))
    if len(note) > NOTE_MAX:
        raise ConfirmationError(
            _("异议原因最多 %(max)d 个字，现有 %(count)d 个")
            % {"max": NOTE_MAX, "count": len(note)}
        )
    return note


def dispute(activity: Activity, user: Any, note: str) -> Activity:
    """The enterprise disputes the record, saying why; administrators see it in their 待办."""
    return _answer(activity, user, ActivityConfirmation.DISPUTED, _reason(note))


def _settle(activity: Activity, user: Any, state: str) -> Activity:
    if not can_settle(user):
        raise NotPermitted(_("只有管理员可以处理企业的异议"))
    with transaction.atomic():
        current = _locked(activity)
        if current.confirmation != ActivityConfirmation.DISPUTED:
            raise ConfirmationError(
                _("这条工作记录现为“%(state)s”，没有待处理的异议")
                % {"state": current.get_confirmation_display()}
            )
        return _set(current, state, current.confirmation_note)


def uphold(activity: Activity, user: Any) -> Activity:
    """An administrator keeps the disputed record as it stands (the reason stays on it)."""
    return _settle(activity, user, ActivityConfirmation.CONFIRMED)


def ask_again(activity: Activity, user: Any) -> Activity:
    """An administrator, having corrected the record, asks the enterprise to confirm again."""
    return _settle(activity, user, ActivityConfirmation.PENDING)


def awaiting_enterprise(user: Any) -> QuerySet[Activity]:
    """Return the records waiting for ``user``'s enterprise to confirm, oldest first."""
    mine = _enterprise_of(user)
    return (
        Activity.objects.filter(confirmation=ActivityConfirmation.PENDING, enterprises=mine)
        .prefetch_related("commissioners")
        .order_by("date", "pk")
    )


def disputed() -> QuerySet[Activity]:
    """Return the records an enterprise disputed, oldest first (for administrators)."""
    return (
        Activity.objects.filter(confirmation=ActivityConfirmation.DISPUTED)
        .prefetch_related("commissioners", "enterprises")
        .order_by("confirmed_at", "pk")
    )


def reopen_if_changed(activity: Activity, previous: Activity | None) -> None:
    """Before a save: a confirmed or disputed record whose content changed waits again.

    ``previous`` is the stored row (None for a new record). Saving only the confirmation
    itself (``update_fields``) never comes here.
    """
    answered = (ActivityConfirmation.CONFIRMED, ActivityConfirmation.DISPUTED)
    if previous is None or previous.confirmation not in answered:
        return
    if any(getattr(activity, name) != getattr(previous, name) for name in CONTENT_FIELDS):
        activity.confirmation = ActivityConfirmation.PENDING
        activity.confirmed_at = None
