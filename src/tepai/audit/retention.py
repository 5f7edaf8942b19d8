"""Retention of the audit log: entries are kept at least 180 days, then may be pruned."""

from __future__ import annotations

import datetime

from django.db import connection, transaction
from django.utils import timezone

from tepai.audit import actions
from tepai.audit.log import write_entry
from tepai.audit.models import AuditEntry

MINIMUM_DAYS = 180


class RetentionError(ValueError):
    """Raised when a prune would remove entries younger than the minimum retention."""


def prune(older_than_days: int, *, now: datetime.datetime | None = None) -> int:
    """Delete entries older than ``older_than_days`` days and return how many went.

    This is the only deleter of audit entries: the model and its querysets refuse deletes,
    so it issues the DELETE itself, and on PostgreSQL it tells the append-only trigger (see
    migration 0002) that this transaction may delete.
    """
    if older_than_days < MINIMUM_DAYS:
        raise RetentionError(
            f"审计日志至少保留 {MINIMUM_DAYS} 天，不能清理 {older_than_days} 天以内的记录。"
        )
    cutoff = (now or timezone.now()) - datetime.timedelta(days=older_than_days)
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    column = connection.ops.quote_name(AuditEntry._meta.get_field("at").column)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL tepai.audit_prune = 'on'")
        cursor.execute(f"DELETE FROM {table} WHERE {column} < %s", [cutoff])
        removed = cursor.rowcount
        if connection.vendor == "postgresql":
            # Guard again at once: an enclosing transaction must not inherit the permission.
            cursor.execute("SET LOCAL tepai.audit_prune = 'off'")
        # The prune itself stays on record.
        write_entry(
            actions.PRUNE,
            detail={"older_than_days": older_than_days, "removed": removed},
        )
    return removed
