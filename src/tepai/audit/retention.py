"""Retention of the audit log: entries are kept at least 180 days, then may be pruned."""

from __future__ import annotations

import datetime

from django.db import connection, transaction
from django.utils import timezone

from tepai.audit import actions
from tepai.audit.log import write_entry
from tepai.audit.models import AuditEntry

MINIMUM_DAYS = 180
# Created by migration 0003 on SQLite: while it holds a row, the delete trigger lets deletes by.
SQLITE_PERMIT_TABLE = "audit_prune_permit"


class RetentionError(ValueError):
    """Raised when a prune would remove entries younger than the minimum retention."""


def prune(older_than_days: int, *, now: datetime.datetime | None = None) -> int:
    """Delete entries older than ``older_than_days`` days and return how many went.

    This is the only deleter of audit entries: the model and its querysets refuse deletes,
    so it issues the DELETE itself, and tells the append-only trigger that this transaction
    may delete: on PostgreSQL by a transaction-local setting (migration 0002), on SQLite by a
    permit row that no other connection sees and that goes before the commit (migration 0003).
    """
    if older_than_days < MINIMUM_DAYS:
        raise RetentionError(
            f"审计日志至少保留 {MINIMUM_DAYS} 天，不能清理 {older_than_days} 天以内的记录。"
        )
    cutoff = (now or timezone.now()) - datetime.timedelta(days=older_than_days)
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    column = connection.ops.quote_name(str(AuditEntry._meta.get_field("at").column))
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL tepai.audit_prune = 'on'")
        elif connection.vendor == "sqlite":
            cursor.execute(f"INSERT INTO {SQLITE_PERMIT_TABLE} (id) VALUES (1)")
        cursor.execute(f"DELETE FROM {table} WHERE {column} < %s", [cutoff])
        removed: int = cursor.rowcount
        # Guard again at once: an enclosing transaction must not inherit the permission.
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL tepai.audit_prune = 'off'")
        elif connection.vendor == "sqlite":
            cursor.execute(f"DELETE FROM {SQLITE_PERMIT_TABLE}")
        # The prune itself stays on record.
        write_entry(
            actions.PRUNE,
            detail={"older_than_days": older_than_days, "removed": removed},
        )
    return removed
