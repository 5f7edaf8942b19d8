"""Account administration on the web: deactivate, reactivate, change role, tell namesakes apart."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.test import Client

from tepai.accounts import administration
from tepai.accounts.models import Account
from tepai.accounts.roles import Role
from tepai.api.models import Token
from tepai.api.tokens import issue_token
from tepai.audit.models import AuditEntry
from tepai.commissioners.models import Commissioner
from tepai.testing.accounts import PASSWORD, make_user
from tepai.testing.factories import make_batch, make_commissioner, make_enterprise, make_institution

pytestmark = pytest.mark.django_db


@pytest.fixture
def boss() -> User:
    user: User = make_user(Role.ADMIN, username="boss")
    return user


@pytest.fixture
def admin_client(client: Client, boss: User) -> Client:
    client.force_login(boss)
    return client


def _signed_in(user: User) -> Client:
    other = Client()
    other.force_login(user)
    assert other.get("/").status_code == 200
    return other


def _two_wang_lei() -> tuple[Commissioner, Commissioner]:
    first = make_commissioner(
        name="王磊",
        batch=make_batch("第一批", dispatch=datetime.date(2023, 4, 1)),
        institution=make_institution("浙江大学"),
        birth=datetime.date(1981, 2, 3),
    )
    second = make_commissioner(
        name="王磊",
        batch=make_batch("第二批"),
        institution=make_institution("浙江工业大学"),
        birth=datetime.date(1979, 8, 9),
    )
    return first, second


def test_list_and_form_tell_namesakes_apart(admin_client: Client) -> None:
    first, _second = _two_wang_lei()
    make_user(Role.COMMISSIONER, username="wanglei", commissioner=first)
    html = admin_client.get("/users/").content.decode()
    assert "王磊（浙江大学，第一批，1981）" in html
    form = admin_client.get("/users/new/").content.decode()
    assert "王磊（浙江大学，第一批，1981）" in form
    assert "王磊（浙江工业大学，第二批，1979）" in form


def test_deactivation_is_confirmed_then_ends_sessions_and_tokens(admin_client: Client) -> None:
    target = make_user(Role.ENTERPRISE, username="qiye")
    token, _raw = issue_token(target)
    session = _signed_in(target)
    confirm = admin_client.get(f"/users/{target.pk}/deactivate/")
    assert confirm.status_code == 200 and "确定停用该账号吗" in confirm.content.decode()
    target.refresh_from_db()
    assert target.is_active  # the GET only asks
    response = admin_client.post(f"/users/{target.pk}/deactivate/")
    assert response.status_code == 302 and response["Location"] == "/users/"
    target.refresh_from_db()
    assert not target.is_active
    assert Token.objects.get(pk=token.pk).revoked_at is not None
    assert session.get("/")["Location"].startswith("/login/")
    assert AuditEntry.objects.filter(
        action=administration.DEACTIVATE, object_id=str(target.pk), actor_username="boss"
    ).exists()
    assert not Client().login(username="qiye", password=PASSWORD)

    assert admin_client.post(f"/users/{target.pk}/reactivate/").status_code == 302
    target.refresh_from_db()
    assert target.is_active
    assert AuditEntry.objects.filter(action=administration.REACTIVATE).exists()


def test_nobody_deactivates_or_demotes_themselves(admin_client: Client, boss: User) -> None:
    response = admin_client.post(f"/users/{boss.pk}/deactivate/")
    assert response.status_code == 409
    assert "不能停用或更改自己的账号" in response.content.decode()
    response = admin_client.post(f"/users/{boss.pk}/edit/", {"role": Role.AUDITOR, "confirm": "on"})
    assert "不能停用或更改自己的账号" in response.content.decode()
    boss.refresh_from_db()
    assert boss.is_active and boss.account.role == Role.ADMIN


def test_the_last_active_administrator_stays() -> None:
    only = make_user(Role.ADMIN, username="only")
    make_user(Role.ADMIN, username="gone").__class__.objects.filter(username="gone").update(
        is_active=False
    )
    with pytest.raises(administration.AccountChangeRefused, match="唯一在用的管理员"):
        administration.set_active(only, False, by=None)
    with pytest.raises(administration.AccountChangeRefused, match="唯一在用的管理员"):
        administration.change_role(only, Role.AUDITOR, by=None)
    second = make_user(Role.ADMIN, username="second")
    administration.change_role(only, Role.AUDITOR, by=second)
    only.refresh_from_db()
    assert only.account.role == Role.AUDITOR and not only.is_staff


def test_role_change_is_confirmed_and_ends_sessions_and_tokens(admin_client: Client) -> None:
    target = make_user(Role.AUDITOR, username="shenji")
    token, _raw = issue_token(target)
    session = _signed_in(target)
    enterprise = make_enterprise("阿克苏棉纺")
    url = f"/users/{target.pk}/edit/"
    unconfirmed = admin_client.post(url, {"role": Role.ENTERPRISE, "enterprise": enterprise.pk})
    assert "确认：请勾选确认后再保存角色变更。" in unconfirmed.content.decode()
    missing = admin_client.post(url, {"role": Role.ENTERPRISE, "confirm": "on"})
    assert "企业用户账号必须关联一家企业。" in missing.content.decode()
    assert Account.objects.get(user=target).role == Role.AUDITOR

    done = admin_client.post(
        url, {"role": Role.ENTERPRISE, "enterprise": enterprise.pk, "confirm": "on"}
    )
    assert done.status_code == 302
    account = Account.objects.get(user=target)
    assert (account.role, account.enterprise) == (Role.ENTERPRISE, enterprise)
    assert Token.objects.get(pk=token.pk).revoked_at is not None
    assert session.get("/")["Location"].startswith("/login/")
    entry = AuditEntry.objects.filter(action="update", object_id=str(account.pk)).latest("pk")
    assert entry.before is not None and entry.after is not None
    assert entry.before["role"] != entry.after["role"]


def test_promotion_to_administrator_opens_the_django_admin(admin_client: Client) -> None:
    target = make_user(Role.AUDITOR, username="promoted")
    admin_client.post(f"/users/{target.pk}/edit/", {"role": Role.ADMIN, "confirm": "on"})
    target.refresh_from_db()
    assert target.is_staff and target.is_superuser


def test_relinking_a_commissioner_account_revokes_its_tokens(admin_client: Client) -> None:
    first, second = _two_wang_lei()
    target = make_user(Role.COMMISSIONER, username="wl", commissioner=first)
    token, _raw = issue_token(target)
    admin_client.post(
        f"/users/{target.pk}/edit/",
        {"role": Role.COMMISSIONER, "commissioner": second.pk, "confirm": "on"},
    )
    assert Account.objects.get(user=target).commissioner == second
    assert Token.objects.get(pk=token.pk).revoked_at is not None


@pytest.mark.parametrize("role", [Role.COMMISSIONER, Role.ENTERPRISE, Role.AUDITOR])
def test_only_administrators_administer_accounts(client: Client, role: Role) -> None:
    target = make_user(Role.ENTERPRISE, username="qiye")
    client.force_login(make_user(role))
    for path in ("edit", "deactivate", "reactivate"):
        assert client.get(f"/users/{target.pk}/{path}/").status_code == 403
        assert client.post(f"/users/{target.pk}/{path}/").status_code == 403
    target.refresh_from_db()
    assert target.is_active


def test_unknown_accounts_are_not_found(admin_client: Client) -> None:
    assert admin_client.get("/users/999999/edit/").status_code == 404
    assert admin_client.post("/users/999999/deactivate/").status_code == 404


def test_deactivation_needs_the_csrf_token(boss: User) -> None:
    target = make_user(Role.ENTERPRISE, username="qiye")
    client = Client(enforce_csrf_checks=True)
    client.force_login(boss)
    assert client.post(f"/users/{target.pk}/deactivate/").status_code == 403
    assert get_user_model().objects.get(pk=target.pk).is_active
