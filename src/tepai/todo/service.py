"""A user's to-do list: the groups of waiting work, counted cheaply for the badge."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from tepai.accounts.roles import role_of
from tepai.todo.items import Group, Provider
from tepai.todo.models import Notification
from tepai.todo.providers import PROVIDERS


def providers_for(user: Any) -> list[Provider]:
    """Return the providers that concern ``user``'s role (none for users without a role)."""
    role = role_of(user)
    return [provider for provider in PROVIDERS if role in provider.roles]


def _first(records: QuerySet[Any], limit: int) -> list[Any]:
    """Return the first ``limit`` of ``records``, in their order.

    Their ids first, then the rows: sorting only (key, id) pairs lets the database order
    15,000 overdue demands from an index alone (130 ms → 2 ms with the rows and joins).
    """
    ids = list(records.values_list("pk", flat=True)[:limit])
    found = records.model._default_manager.filter(pk__in=ids)
    by_id = {record.pk: record for record in found.select_related(*_joins(records))}
    return [by_id[pk] for pk in ids if pk in by_id]


def _joins(records: QuerySet[Any]) -> list[str]:
    related = records.query.select_related
    return _paths(related) if isinstance(related, dict) else []


def _paths(tree: dict[str, Any], prefix: str = "") -> list[str]:
    paths = []
    for name, below in tree.items():
        paths.append(prefix + name)
        paths += _paths(below, f"{prefix}{name}__")
    return paths


def groups_for(
    user: Any, *, limit: int | None = None, today: datetime.date | None = None
) -> list[Group]:
    """Return ``user``'s groups of waiting work, empty ones left out, each with its count and
    its first ``limit`` items (all of them when ``limit`` is None).

    One COUNT per provider, and one SELECT for each provider that has items.
    """
    today = today or timezone.localdate()
    groups = []
    for provider in providers_for(user):
        records = provider.records(user, today)
        count = records.count()
        if not count:
            continue
        chosen = records if limit is None else _first(records, limit)
        groups.append(
            Group(
                provider.kind,
                provider.label,
                count,
                [provider.item(record, today) for record in chosen],
                provider.more_url(user) if provider.more_url else "",
            )
        )
    return groups


def groups_for_request(request: HttpRequest, *, limit: int | None = None) -> list[Group]:
    """Return :func:`groups_for` the signed-in user, and remember the total for the badge."""
    groups = groups_for(request.user, limit=limit)
    request._tepai_todo_total = sum(group.count for group in groups)  # type: ignore[attr-defined]
    return groups


@dataclass(frozen=True)
class Counts:
    """What the top-bar badge shows: waiting work and unread reminders."""

    todo: int
    unread: int


def counts_for(request: HttpRequest) -> Counts:
    """Return the badge's counts for the signed-in user, computed once per request.

    A COUNT per provider of the user's role (at most 4, on indexed columns) and one for the
    unread reminders: about 1 ms on the 50,000-demand benchmark database.
    """
    cached = getattr(request, "_tepai_todo_counts", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    user = request.user
    today = timezone.localdate()
    total = getattr(request, "_tepai_todo_total", None)
    if total is None:
        total = sum(provider.records(user, today).count() for provider in providers_for(user))
    counts = Counts(
        todo=total,
        unread=Notification.objects.filter(user=user, read_at__isnull=True).count()
        if user.is_authenticated
        else 0,
    )
    request._tepai_todo_counts = counts  # type: ignore[attr-defined]
    return counts
