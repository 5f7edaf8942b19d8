"""Accounts for a whole batch from its roster, with a one-time password sheet (issue 11)."""

from __future__ import annotations

import datetime
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.db import connection
from django.test import Client
from openpyxl import load_workbook

from tepai.accounts import bulk
from tepai.accounts.models import Account
from tepai.accounts.roles import Role
from tepai.accounts.validators import character_classes
from tepai.audit.models import AuditEntry
from tepai.commissioners.models import Commissioner
from tepai.programs.models import Batch
from tepai.testing.accounts import make_user
from tepai.testing.factories import make_batch, make_commissioner, make_institution

pytestmark = pytest.mark.django_db

URL = "/users/bulk/"


@pytest.fixture
def admin_client(client: Client) -> Client:
    client.force_login(make_user(Role.ADMIN, username="boss"))
    return client


def _roster(size: int = 23) -> tuple[Batch, list[Commissioner]]:
    """A batch of ``size`` members: two 王磊 from different institutions, phones filled."""
    batch = make_batch("第二批")
    zju, nbu = make_institution("浙江大学"), make_institution("宁波大学")
    members = [
        make_commissioner(
            name="王磊",
            batch=batch,
            institution=zju,
            birth=datetime.date(1981, 3, 5),
            phone="13812345678",
        ),
        make_commissioner(
            name="王磊",
            batch=batch,
            institution=nbu,
            birth=datetime.date(1975, 6, 1),
            phone="13900001111",
        ),
        make_commissioner(name="古丽·买买提", batch=batch, institution=nbu),
    ]
    for number in range(size - len(members)):
        members.append(
            make_commissioner(name=f"李{'一二三四五六七八九十'[number % 10]}{number}", batch=batch)
        )
    return batch, members


def test_user_names_are_pinyin_and_namesakes_get_numbers() -> None:
    assert bulk.username_stem("王磊") == "wanglei"
    assert bulk.username_stem("古丽·买买提") == "gulimaimaiti"
    assert bulk.username_stem("John Smith") == "johnsmith"
    assert bulk.username_stem("·") == ""
    batch, _members = _roster(5)
    make_user(Role.AUDITOR, username="WangLei")  # taken, whatever its case
    plan = bulk.plan_for_batch(batch)
    names = [p.username for p in plan.new]
    assert names[:3] == ["wanglei2", "wanglei3", "gulimaimaiti"]
    assert len(set(names)) == len(names)
    # The same roster and accounts give the same names again.
    assert [p.username for p in bulk.plan_for_batch(batch).new] == names
    assert bulk.plan_for_batch(batch).fingerprint == plan.fingerprint


def test_members_with_an_account_are_listed_and_skipped() -> None:
    batch, members = _roster(4)
    make_user(Role.COMMISSIONER, username="old", commissioner=members[0])
    plan = bulk.plan_for_batch(batch)
    assert [(c.pk, name) for c, name in plan.existing] == [(members[0].pk, "old")]
    assert [p.commissioner.pk for p in plan.new] == [m.pk for m in members[1:]]


def test_one_time_passwords_meet_the_policy_and_differ() -> None:
    passwords = {bulk.one_time_password() for _ in range(30)}
    assert len(passwords) == 30
    for password in passwords:
        validate_password(password)
        assert len(character_classes(password)) >= 3
        assert not set(password) & set("0O1lI")


def _all_database_text() -> str:
    parts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            parts.append(repr(cursor.fetchall()))
    return "\n".join(parts)


def _files_containing(root: Path, secrets: list[str]) -> list[str]:
    found = []
    for path in root.rglob("*"):
        if path.is_file() and path.stat().st_size < 200 * 1024 * 1024:
            data = path.read_bytes()
            found += [str(path) for secret in secrets if secret.encode() in data]
    return found


def test_a_23_person_batch_in_one_action_with_the_sheet_downloaded_once(
    admin_client: Client,
) -> None:
    batch, members = _roster(23)
    preview = admin_client.get(URL, {"batch": batch.pk})
    html = preview.content.decode()
    assert preview.status_code == 200
    assert "王磊（浙江大学，第二批，1981）" in html and "王磊（宁波大学，第二批，1975）" in html
    assert "将新建 23 个账号" in html
    fingerprint = bulk.plan_for_batch(batch).fingerprint
    assert fingerprint in html

    response = admin_client.post(URL, {"batch": batch.pk, "fingerprint": fingerprint})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    assert response["Cache-Control"] == "no-store"
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    assert len(rows) == 23
    assert [cell.value for cell in sheet[3]] == [
        "姓名",
        "工作单位",
        "手机号码（已遮挡）",
        "用户名",
        "一次性密码",
    ]
    assert rows[0][:4] == ("王磊", "浙江大学", "138****5678", "wanglei")
    assert rows[1][:4] == ("王磊", "宁波大学", "139****1111", "wanglei2")
    sheet_text = repr(rows)
    assert "13812345678" not in sheet_text

    accounts = Account.objects.filter(user__username__in=[r[3] for r in rows])
    assert accounts.count() == 23
    by_name = {a.user.username: a for a in accounts.select_related("user")}
    for _name, _inst, _phone, username, password in rows:
        account = by_name[username]
        assert account.role == Role.COMMISSIONER and account.must_change_password
        assert account.user.check_password(password)
    assert {a.commissioner_id for a in accounts} == {m.pk for m in members}

    # Never stored in clear: not in any table (audit log and sessions included), nor a file.
    passwords = [row[4] for row in rows]
    text = _all_database_text()
    assert not [p for p in passwords if p in text]
    assert _files_containing(Path(settings.TEPAI_HOME), passwords) == []
    entry = AuditEntry.objects.get(action=bulk.BULK_CREATE)
    assert entry.detail["created"] == 23 and entry.detail["batch"] == "第二批"
    assert entry.actor_username == "boss" and entry.object_id == str(batch.pk)

    # A second attempt gets no sheet but a clear message.
    again = admin_client.post(URL, {"batch": batch.pk, "fingerprint": fingerprint})
    assert again.status_code == 409
    assert again["Content-Type"].startswith("text/html")
    assert "只在创建时下载一次" in again.content.decode()
    assert Account.objects.filter(role=Role.COMMISSIONER).count() == 23


def test_a_confirmation_that_does_not_match_the_preview_creates_nothing(
    admin_client: Client,
) -> None:
    batch, _members = _roster(3)
    stale = bulk.plan_for_batch(batch).fingerprint
    make_commissioner(name="后加入", batch=batch)
    response = admin_client.post(URL, {"batch": batch.pk, "fingerprint": stale})
    assert response.status_code == 409
    assert "请核对下面的最新预览" in response.content.decode()
    assert not Account.objects.filter(role=Role.COMMISSIONER).exists()


def test_a_plan_overtaken_inside_the_transaction_creates_nothing() -> None:
    batch, members = _roster(3)
    plan = bulk.plan_for_batch(batch)
    make_user(Role.COMMISSIONER, username="first", commissioner=members[2])
    with pytest.raises(bulk.PlanChanged):
        bulk.create_accounts(plan)
    assert Account.objects.filter(role=Role.COMMISSIONER).count() == 1


def test_a_missing_or_unknown_batch_is_named(admin_client: Client) -> None:
    response = admin_client.post(URL, {"batch": "999999"})
    assert response.status_code == 422
    assert "批次：所选批次不存在。" in response.content.decode()
    response = admin_client.post(URL, {})
    assert "批次：请选择要创建账号的批次。" in response.content.decode()


def test_the_new_commissioner_signs_in_and_must_change_the_password(
    admin_client: Client,
) -> None:
    batch, _members = _roster(3)
    fingerprint = bulk.plan_for_batch(batch).fingerprint
    response = admin_client.post(URL, {"batch": batch.pk, "fingerprint": fingerprint})
    row = next(
        load_workbook(io.BytesIO(response.content)).active.iter_rows(min_row=4, values_only=True)
    )
    fresh = Client()
    login = fresh.post("/login/", {"username": row[3], "password": row[4]})
    assert login.status_code == 302
    assert fresh.get("/")["Location"] == "/password/"


@pytest.mark.parametrize("role", [Role.COMMISSIONER, Role.ENTERPRISE, Role.AUDITOR])
def test_only_administrators_may_create_accounts_in_bulk(client: Client, role: Role) -> None:
    batch, _members = _roster(2)
    client.force_login(make_user(role))
    assert client.get(URL, {"batch": batch.pk}).status_code == 403
    fingerprint = bulk.plan_for_batch(batch).fingerprint
    assert client.post(URL, {"batch": batch.pk, "fingerprint": fingerprint}).status_code == 403
    assert not Account.objects.filter(commissioner__batches=batch).exists()
    anonymous = Client().post(URL, {"batch": batch.pk, "fingerprint": fingerprint})
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/")


def test_the_confirmation_needs_the_csrf_token() -> None:
    batch, _members = _roster(2)
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user(Role.ADMIN))
    fingerprint = bulk.plan_for_batch(batch).fingerprint
    assert client.post(URL, {"batch": batch.pk, "fingerprint": fingerprint}).status_code == 403
    assert not get_user_model().objects.filter(account__commissioner__batches=batch).exists()
