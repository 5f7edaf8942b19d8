"""The dashboard's figures, remembered until the records change.

The dashboard is the page everyone opens first and most often, and its figures change only
when a record does: at 10,000 commissioners and 50,000 demands one build takes 200–300 ms on
SQLite (a dozen grouped queries over the programme), while the answer is the same for every
request until somebody saves something. Every change to a record is written to the audit log
(web, API, CLI and imports alike), so the log's newest entry id is the data's version: a
figure is reused only for the same viewer, batch, period, language and day, and only while
no entry has been added since.

Two cases the version does not see are bounded by a time limit (``TEPAI_DASHBOARD_CACHE_SECONDS``,
default 60 s; 0 turns the cache off): on PostgreSQL a transaction that took a lower entry id
may commit after one with a higher id, and a database edited by hand writes no entry. The cache
is per process (every app server keeps its own); entries are few (the viewers of the last
minutes), so memory stays small.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Any

from django.conf import settings
from django.utils import timezone, translation

from tepai.audit.models import AuditEntry
from tepai.programs.models import Batch
from tepai.reports.periods import Period
from tepai.web.dashboard_figures import Dashboard, build_dashboard

__all__ = ["clear", "dashboard_for", "data_version"]

# Dashboards kept at most: each is a few hundred small objects.
MAX_ENTRIES = 256

_Key = tuple[Any, ...]
_lock = threading.Lock()
_entries: OrderedDict[_Key, tuple[float, Dashboard]] = OrderedDict()


def data_version() -> int:
    """Return the id of the newest audit entry (0 when there is none): the data's version."""
    newest = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
    return newest or 0


def _lifetime() -> float:
    return float(getattr(settings, "TEPAI_DASHBOARD_CACHE_SECONDS", 60))


def dashboard_for(
    user: Any, batch: Batch | None, granularity: str = "month", period: Period | None = None
) -> Dashboard:
    """Return :func:`~tepai.web.dashboard_figures.build_dashboard`'s dashboard, built again
    only when the records changed, the day or language is another, or the entry has grown too
    old."""
    lifetime = _lifetime()
    if lifetime <= 0:
        return build_dashboard(user, batch, granularity, period)
    key: _Key = (
        user.pk,
        batch.pk if batch else None,
        granularity,
        period,
        translation.get_language(),
        timezone.localdate(),
        data_version(),
    )
    now = time.monotonic()
    with _lock:
        found = _entries.get(key)
        if found is not None and now - found[0] < lifetime:
            _entries.move_to_end(key)
            return found[1]
    board = build_dashboard(user, batch, granularity, period)
    with _lock:
        _entries[key] = (now, board)
        _entries.move_to_end(key)
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)
    return board


def clear() -> None:
    """Forget every remembered dashboard."""
    with _lock:
        _entries.clear()
