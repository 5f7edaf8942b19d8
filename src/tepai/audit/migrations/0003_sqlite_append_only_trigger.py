"""On SQLite, refuse UPDATE and DELETE of audit entries in the database itself.

The same guard as migration 0002 gives PostgreSQL (issue 9, finding 11): the Python guards
stop the application, the triggers also stop a program or person writing SQL to the database
file. SQLite has no session settings, so the retention prune's permission is a row in
``audit_prune_permit`` that it inserts and deletes inside its own transaction: other
connections never see an uncommitted row, so the permission ends with that transaction.

A later migration that rebuilds ``audit_auditentry`` on SQLite (Django copies the table to
alter it) drops these triggers with the old table and must create them again;
``test_append_only`` fails if it does not.
"""

from django.db import migrations

PERMIT_TABLE = "audit_prune_permit"

CREATE = [
    f"CREATE TABLE IF NOT EXISTS {PERMIT_TABLE} (id INTEGER PRIMARY KEY)",
    """
    CREATE TRIGGER IF NOT EXISTS audit_auditentry_no_update
    BEFORE UPDATE ON audit_auditentry
    BEGIN
        SELECT RAISE(ABORT, 'audit_auditentry is append-only: UPDATE refused');
    END
    """,
    f"""
    CREATE TRIGGER IF NOT EXISTS audit_auditentry_no_delete
    BEFORE DELETE ON audit_auditentry
    WHEN NOT EXISTS (SELECT 1 FROM {PERMIT_TABLE})
    BEGIN
        SELECT RAISE(ABORT, 'audit_auditentry is append-only: DELETE refused');
    END
    """,
]

DROP = [
    "DROP TRIGGER IF EXISTS audit_auditentry_no_delete",
    "DROP TRIGGER IF EXISTS audit_auditentry_no_update",
    f"DROP TABLE IF EXISTS {PERMIT_TABLE}",
]


def _on_sqlite(statements: list[str]):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for sql in statements:
                schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_trigger")]

    operations = [migrations.RunPython(_on_sqlite(CREATE), _on_sqlite(DROP))]
