"""Foreign keys in the audit log read as the records' names, not bare ids (issue 11, item 9)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tepai.accounts.roles import Role
from tepai.audit.display import diff_rows, related_names
from tepai.audit.models import AuditEntry
from tepai.demands.models import Demand
from tepai.testing.accounts import make_user
from tepai.testing.factories import make_enterprise

pytestmark = pytest.mark.django_db


def _demand_moved(name: str) -> tuple[Demand, AuditEntry]:
    first, second = make_enterprise(f"{name}甲"), make_enterprise(f"{name}乙")
    demand = Demand.objects.create(enterprise=first, title=f"{name}废水处理", problem="色度高")
    demand.enterprise = second
    demand.save()
    return demand, AuditEntry.objects.filter(action="update").latest("id")


def test_a_changed_foreign_key_shows_both_records_by_name() -> None:
    _demand, entry = _demand_moved("阿克苏纺织")
    [row] = [row for row in diff_rows(entry) if row.field == "企业"]
    assert entry.before is not None and entry.after is not None
    first, second = entry.before["enterprise"], entry.after["enterprise"]
    assert row.before == f"阿克苏纺织甲（#{first}）"
    assert row.after == f"阿克苏纺织乙（#{second}）"


def test_a_deleted_record_is_named_as_deleted() -> None:
    demand, entry = _demand_moved("库车化工")
    assert entry.before is not None
    demand.enterprise.__class__.objects.filter(pk=entry.before["enterprise"]).delete()
    [row] = [row for row in diff_rows(entry) if row.field == "企业"]
    assert row.before == f"#{entry.before['enterprise']}（已删除）"


def test_a_page_of_entries_names_its_records_in_one_query_per_model() -> None:
    for n in range(5):
        _demand_moved(f"企业{n}")
    entries = list(AuditEntry.objects.filter(action="update"))
    with CaptureQueriesContext(connection) as captured:
        names = related_names(entries)
    assert len(captured) == 1
    assert len(names) == 10


def test_the_audit_page_shows_the_names(client: Client) -> None:
    _demand_moved("温宿果业")
    client.force_login(make_user(Role.AUDITOR, username="shenji"))
    html = client.get("/audit/").content.decode()
    assert "温宿果业甲（#" in html and "温宿果业乙（#" in html


@override_settings(TIME_ZONE="Asia/Shanghai")
def test_logged_times_read_as_local_time_to_the_second() -> None:
    enterprise = make_enterprise("阿瓦提棉业")
    entry = AuditEntry.objects.filter(action="create", object_id=str(enterprise.pk)).latest("id")
    assert entry.after is not None
    assert "T" in entry.after["created_at"]  # kept as ISO text in UTC
    [row] = [row for row in diff_rows(entry) if row.field == "创建时间"]
    expected = timezone.localtime(enterprise.created_at).strftime("%Y-%m-%d %H:%M:%S")
    assert row.after == expected
