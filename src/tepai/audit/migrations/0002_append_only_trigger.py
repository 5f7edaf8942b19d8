"""On PostgreSQL, refuse UPDATE and DELETE of audit entries in the database itself.

The Python guards (AuditEntry.save/delete, the queryset) stop the application; this trigger
also stops anyone with SQL access. The retention prune sets ``tepai.audit_prune`` for its own
transaction (SET LOCAL) and is the only delete let through. SQLite has no such trigger: there
the database file's permissions protect the log.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION tepai_audit_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('tepai.audit_prune', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit_auditentry is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_auditentry_append_only
    BEFORE UPDATE OR DELETE ON audit_auditentry
    FOR EACH ROW EXECUTE FUNCTION tepai_audit_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS audit_auditentry_append_only ON audit_auditentry;
DROP FUNCTION IF EXISTS tepai_audit_append_only();
"""


def _on_postgresql(sql: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            # No parameters: the % in RAISE is PL/pgSQL, not a placeholder.
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP))]
