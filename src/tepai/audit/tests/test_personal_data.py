"""Stored audit values keep no full phone, e-mail, ID number or birth date (issue 9, #11)."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.serializers.json import DjangoJSONEncoder

from tepai.audit.display import diff_rows
from tepai.audit.log import record
from tepai.audit.models import AuditEntry
from tepai.testing.factories import make_commissioner

pytestmark = pytest.mark.django_db


def _stored(entry: AuditEntry) -> str:
    values = [entry.before, entry.after, entry.detail, entry.object_repr, entry.search_text]
    return json.dumps(values, cls=DjangoJSONEncoder, ensure_ascii=False)


def test_a_phone_change_is_audited_masked() -> None:
    person = make_commissioner(phone="13812345678", email="zhangsan@example.edu.cn")
    person.phone = "13812340000"
    person.email = "lisi@example.edu.cn"
    person.save()

    entry = AuditEntry.objects.filter(action="update").latest("id")
    assert entry.before == {"phone": "138****5678", "email": "z***@example.edu.cn"}
    assert entry.after == {"phone": "138****0000", "email": "l***@example.edu.cn"}
    for entry in AuditEntry.objects.all():
        stored = _stored(entry)
        for secret in ("13812345678", "13812340000", "zhangsan@", "lisi@"):
            assert secret not in stored


def test_a_change_the_mask_hides_is_still_logged_and_shown_as_a_change() -> None:
    person = make_commissioner(phone="13811115678")
    person.phone = "13822225678"  # only hidden digits differ: both mask to 138****5678
    person.save()

    entry = AuditEntry.objects.filter(action="update").latest("id")
    assert entry.before == {"phone": "138****5678"} and entry.after == {"phone": "138****5678"}
    [row] = diff_rows(entry)
    assert row.changed


def test_birth_dates_keep_their_year_and_the_precision_is_hidden() -> None:
    make_commissioner(birth=datetime.date(1981, 3, 5))

    entry = AuditEntry.objects.filter(action="create").latest("id")
    assert entry.after is not None
    assert entry.after["birth_date"] == "1981"
    assert entry.after["birth_date_precision"] == "******"
    assert "1981-03-05" not in _stored(entry)


def test_free_text_and_details_are_masked_too() -> None:
    make_commissioner(bio="联系 13912345678，身份证 110101198103051234，邮箱 wang@example.com")
    record("export", detail={"note": "搜索：13912345678", "rows": 1})

    after = AuditEntry.objects.filter(action="create").latest("id").after
    assert after is not None
    bio = after["bio"]
    assert "139****5678" in bio and "110101********1234" in bio and "w***@example.com" in bio
    detail = AuditEntry.objects.get(action="export").detail
    assert detail == {"note": "搜索：139****5678", "rows": 1}
