"""Audit entries cannot be changed or deleted, except by the retention prune."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from tepai.audit.log import record
from tepai.audit.models import AppendOnlyError, AuditEntry
from tepai.audit.retention import RetentionError, prune

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry() -> AuditEntry:
    record("export", detail={"rows": 1})
    return AuditEntry.objects.get(action="export")


def test_an_entry_cannot_be_saved_again(entry: AuditEntry) -> None:
    entry.action = "nothing"
    with pytest.raises(AppendOnlyError, match="只能追加"):
        entry.save()


def test_an_entry_cannot_be_deleted(entry: AuditEntry) -> None:
    with pytest.raises(AppendOnlyError):
        entry.delete()


def test_querysets_cannot_update_or_delete(entry: AuditEntry) -> None:
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="x")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.bulk_update([entry], ["action"])
    assert AuditEntry.objects.get(pk=entry.pk).action == "export"


def test_the_database_refuses_sql_updates_and_deletes(entry: AuditEntry) -> None:
    # Issue 9, finding 11: on SQLite the log was append-only in Python alone. A trigger on
    # each database now refuses SQL that bypasses the model, and the prune still works.
    for sql in (
        "UPDATE audit_auditentry SET action = 'x'",
        "UPDATE audit_auditentry SET before = NULL, after = NULL",
        "DELETE FROM audit_auditentry",
        f"DELETE FROM audit_auditentry WHERE id = {entry.pk}",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            connection.cursor().execute(sql)
    assert AuditEntry.objects.filter(pk=entry.pk, action="export").exists()
    prune(180)  # the prune's permission ends with the prune
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        connection.cursor().execute("DELETE FROM audit_auditentry")
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_the_prune_permits_deletes_inside_its_own_transaction_only() -> None:
    _entry_at(400)
    with transaction.atomic():
        assert prune(180) == 1
        # Still inside the enclosing transaction: the permission is gone already.
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            connection.cursor().execute("DELETE FROM audit_auditentry")
    assert AuditEntry.objects.filter(action="prune").count() == 1


def _entry_at(days_ago: int) -> None:
    # A new entry may carry any time; only changing an existing one is refused.
    AuditEntry.objects.create(
        action="export", at=timezone.now() - datetime.timedelta(days=days_ago)
    )


def test_prune_removes_only_entries_past_the_retention() -> None:
    _entry_at(400)
    _entry_at(200)
    _entry_at(10)
    assert prune(365) == 1
    assert prune(180) == 1
    ages = [(timezone.now() - at).days for at in AuditEntry.objects.values_list("at", flat=True)]
    assert sorted(ages)[-1] < 180
    pruned = AuditEntry.objects.filter(action="prune").order_by("id")
    assert [entry.detail for entry in pruned] == [
        {"older_than_days": 365, "removed": 1},
        {"older_than_days": 180, "removed": 1},
    ]


def test_prune_refuses_less_than_180_days() -> None:
    _entry_at(200)
    with pytest.raises(RetentionError, match="至少保留 180 天"):
        prune(179)
    with pytest.raises(CommandError, match="至少保留 180 天"):
        call_command("audit", "prune", "--older-than", "30")
    assert AuditEntry.objects.count() == 1


def test_the_prune_command_reports_what_it_removed() -> None:
    _entry_at(200)
    out = io.StringIO()
    call_command("audit", "prune", "--older-than", "180", stdout=out)
    assert "已清理 1 条" in out.getvalue()
