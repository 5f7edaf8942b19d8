"""record(): explicit events, and the import and export commands that call it."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import RequestFactory

from tepai.accounts.roles import Role
from tepai.audit.log import record
from tepai.audit.models import AuditEntry
from tepai.testing.accounts import make_user
from tepai.testing.factories import make_enterprise

pytestmark = pytest.mark.django_db


def test_it_records_an_event_with_the_request_user() -> None:
    user = make_user(Role.ADMIN, username="boss")
    enterprise = make_enterprise("阿克苏棉纺")
    request = RequestFactory().post("/demands/3/propose/", REMOTE_ADDR="10.9.8.7")
    request.user = user
    record("proposal", request=request, target=enterprise, detail={"demand": 3, "score": 0.8})
    entry = AuditEntry.objects.get(action="proposal")
    assert (entry.actor, entry.actor_username, entry.ip_address) == (user, "boss", "10.9.8.7")
    assert entry.path == "/demands/3/propose/"
    assert (entry.model_label, entry.object_id, entry.object_repr) == (
        "enterprises.enterprise",
        str(enterprise.pk),
        "阿克苏棉纺",
    )
    assert entry.detail == {"demand": 3, "score": 0.8}


def test_it_records_without_a_request() -> None:
    record("assignment", detail={"list": "2024"})
    entry = AuditEntry.objects.get(action="assignment")
    assert entry.actor is None and entry.ip_address is None


def _csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8-sig")
    return path


def test_the_import_command_is_recorded(tmp_path: Path) -> None:
    source = _csv(tmp_path / "企业.csv", "企业名称,产业集群\n阿克苏纺织有限公司,棉花和纺织服装\n")
    call_command("import", "enterprises", str(source), stdout=io.StringIO())
    entry = AuditEntry.objects.get(action="import")
    assert entry.detail["registry"] == "enterprises"
    assert entry.detail["file"] == "企业.csv"
    assert (entry.detail["rows"], entry.detail["created"]) == (1, 1)
    assert entry.path == "tepai import enterprises"
    created = AuditEntry.objects.get(action="create", model_label="enterprises.enterprise")
    assert created.path == "tepai import enterprises"


def test_a_dry_run_is_not_an_import(tmp_path: Path) -> None:
    source = _csv(tmp_path / "企业.csv", "企业名称,产业集群\n阿克苏纺织有限公司,棉花和纺织服装\n")
    call_command("import", "enterprises", str(source), "--dry-run", stdout=io.StringIO())
    assert not AuditEntry.objects.filter(action__in=["import", "create"]).exists()


def test_the_export_command_is_recorded(tmp_path: Path) -> None:
    make_enterprise(contact_phone="13912345678")
    target = tmp_path / "企业.csv"
    call_command(
        "export", "enterprises", "-o", str(target), "--include-personal-data", stderr=io.StringIO()
    )
    entry = AuditEntry.objects.get(action="export")
    assert entry.detail == {
        "registry": "enterprises",
        "format": "csv",
        "rows": 1,
        "personal_data_unmasked": True,
        "batch": "",
        "file": "企业.csv",
    }
    assert entry.path == "tepai export enterprises"
