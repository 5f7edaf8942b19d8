"""The audit log in the Django admin can be read, not added to, changed or deleted."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from tepai.audit.log import record
from tepai.audit.models import AuditEntry
from tepai.testing.accounts import PASSWORD

pytestmark = pytest.mark.django_db


def test_the_admin_is_read_only(client: Client) -> None:
    client.force_login(get_user_model().objects.create_superuser("root", password=PASSWORD))
    record("export", detail={"rows": 3})
    entry = AuditEntry.objects.get(action="export")
    base = "/admin/audit/auditentry/"
    assert client.get(base).status_code == 200
    page = client.get(f"{base}{entry.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert client.get(f"{base}add/").status_code == 403
    assert client.post(f"{base}{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.post(f"{base}{entry.pk}/change/", {"action": "x"}).status_code == 403
    assert AuditEntry.objects.get(pk=entry.pk).action == "export"
