"""Reminders: turn new to-do items into notifications, and e-mail them when configured.

Run by ``tepai remind`` (cron or a systemd timer), never inside a request: it walks every
active user's to-do list. Each item is notified once per user (:class:`Reminded` remembers
its key), so running it every few minutes repeats nothing. E-mail goes out only when
``TEPAI_EMAIL_URL`` is set: one message per user with their new reminders; a failure is
reported for that recipient and the others are still sent, and unsent reminders are tried
again on the next runs for :data:`MAIL_RETRY_DAYS` days (unless read on the site meanwhile).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tepai.accounts.roles import Role
from tepai.core.personal_data import mask_email
from tepai.todo.items import Item, Provider
from tepai.todo.models import Notification, Reminded
from tepai.todo.service import providers_for

# More new items of one kind than this in one run become a single summary reminder (the
# first run on an existing programme would otherwise bury an administrator in hundreds).
SUMMARY_OVER = 20
MAIL_RETRY_DAYS = 3


@dataclass
class RemindResult:
    users: int = 0
    created: int = 0
    mailed: int = 0
    no_address: int = 0
    # (user name and masked address, reason) for every recipient whose e-mail failed
    failures: list[tuple[str, str]] = field(default_factory=list)


def _message(provider: Provider, item: Item) -> str:
    text = _("%(kind)s：%(title)s") % {"kind": provider.label, "title": item.title}
    if item.detail:
        text += _("（%(detail)s）") % {"detail": item.detail}
    return text[:500]


def _new_notifications(user: Any, today: datetime.date, known: set[str]) -> list[Any]:
    """Return the unsaved notifications and Reminded rows for ``user``'s new items."""
    rows: list[Any] = []
    for provider in providers_for(user):
        fresh = [
            item
            for item in map(lambda r: provider.item(r, today), provider.records(user, today))
            if item.key not in known
        ]
        if not fresh:
            continue
        if len(fresh) > SUMMARY_OVER:
            message = ngettext(
                "%(kind)s：新增 %(count)s 项", "%(kind)s：新增 %(count)s 项", len(fresh)
            ) % {"kind": provider.label, "count": len(fresh)}
            link = provider.more_url(user) if provider.more_url else reverse("todo:todo")
            rows.append(Notification(user=user, kind=provider.kind, message=message, link=link))
        else:
            rows += [
                Notification(
                    user=user, kind=provider.kind, message=_message(provider, i), link=i.url
                )
                for i in fresh
            ]
        rows += [Reminded(user=user, key=item.key) for item in fresh]
        known.update(item.key for item in fresh)
    return rows


def create_notifications(today: datetime.date | None = None) -> tuple[int, int]:
    """Create the notifications of every active user's new to-do items.

    Return (users walked, notifications created).
    """
    today = today or timezone.localdate()
    users = (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(account__role__in=list(Role)) | Q(is_superuser=True))
        .select_related("account")
        .order_by("pk")
    )
    walked = created = 0
    for user in users:
        walked += 1
        known = set(Reminded.objects.filter(user=user).values_list("key", flat=True))
        rows = _new_notifications(user, today, known)
        notes = [row for row in rows if isinstance(row, Notification)]
        with transaction.atomic():
            # A concurrent run may have taken some keys; the notifications stay (harmless).
            Reminded.objects.bulk_create(
                [row for row in rows if isinstance(row, Reminded)], ignore_conflicts=True
            )
            Notification.objects.bulk_create(notes)
        created += len(notes)
    return walked, created


def _mail_body(notes: list[Notification], site_url: str) -> str:
    lines = [_("您好，特派平台有新的待办事项："), ""]
    for note in notes:
        lines.append(f"· {note.message}")
        if note.link:
            lines.append(f"  {site_url}{note.link}" if site_url else f"  {note.link}")
    lines += ["", _("登录平台查看全部待办：%(url)s") % {"url": site_url + reverse("todo:todo")}]
    return "\n".join(lines)


def send_mail(result: RemindResult, site_url: str = "") -> None:
    """E-mail each user their unsent reminders of the last days; record failures per user."""
    since = timezone.now() - datetime.timedelta(days=MAIL_RETRY_DAYS)
    pending = (
        Notification.objects.filter(mailed_at__isnull=True, read_at__isnull=True)
        .filter(created_at__gte=since)
        .select_related("user")
        .order_by("user_id", "created_at", "pk")
    )
    by_user: dict[Any, list[Notification]] = defaultdict(list)
    for note in pending:
        by_user[note.user].append(note)
    connection = get_connection()
    for user, notes in by_user.items():
        if not user.email:
            result.no_address += 1
            continue
        subject = ngettext(
            "特派：您有 %(count)s 项新的待办", "特派：您有 %(count)s 项新的待办", len(notes)
        ) % {"count": len(notes)}
        message = EmailMessage(
            subject, _mail_body(notes, site_url), to=[user.email], connection=connection
        )
        # Any failure (refused address, dropped connection) is this recipient's, not all.
        try:
            message.send()
        except Exception as error:
            who = f"{user.get_username()} <{mask_email(user.email)}>"
            result.failures.append((who, f"{type(error).__name__}: {error}"))
            continue
        Notification.objects.filter(pk__in=[n.pk for n in notes]).update(mailed_at=timezone.now())
        result.mailed += 1


def remind(
    *, site_url: str = "", mail: bool = True, today: datetime.date | None = None
) -> RemindResult:
    """Notify everybody of their new to-do items; e-mail them if ``TEPAI_EMAIL_URL`` is set."""
    result = RemindResult()
    result.users, result.created = create_notifications(today)
    if mail and settings.TEPAI_EMAIL_ENABLED:
        send_mail(result, site_url.rstrip("/"))
    return result
