"""Test support: emptying the audit log before a transactional test's flush on SQLite."""

from __future__ import annotations

from django.db import connections, transaction

from tepai.audit.models import AuditEntry
from tepai.audit.retention import SQLITE_PERMIT_TABLE


def clear_log_before_flush(alias: str = "default") -> None:
    """Delete every audit entry of database ``alias`` (SQLite only), with the prune's permit.

    Django resets the database after a transactional test with ``DELETE FROM`` each table on
    SQLite, which the append-only trigger refuses for audit entries; PostgreSQL truncates,
    which row triggers do not see.
    """
    connection = connections[alias]
    if connection.vendor != "sqlite":
        return
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    with transaction.atomic(using=alias), connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {SQLITE_PERMIT_TABLE} (id) VALUES (1)")
        cursor.execute(f"DELETE FROM {table}")
        cursor.execute(f"DELETE FROM {SQLITE_PERMIT_TABLE}")
