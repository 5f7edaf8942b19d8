"""The administrators' user pages: list, create, reset password, unlock."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from tepai.accounts import lockout
from tepai.accounts.models import Account
from tepai.accounts.roles import Role
from tepai.testing.accounts import PASSWORD, make_user
from tepai.testing.factories import make_commissioner, make_enterprise

if TYPE_CHECKING:
    # What the test client returns, as django-stubs name it.
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Aksu-Apple-2024"


@pytest.fixture
def admin_client(client: Client) -> Client:
    client.force_login(make_user(Role.ADMIN, username="boss"))
    return client


@pytest.mark.parametrize("role", [Role.COMMISSIONER, Role.ENTERPRISE, Role.AUDITOR])
@pytest.mark.parametrize("path", ["/users/", "/users/new/"])
def test_only_administrators_may_open_them(client: Client, role: Role, path: str) -> None:
    client.force_login(make_user(role))
    assert client.get(path).status_code == 403


def test_the_list_shows_role_and_linked_record(admin_client: Client) -> None:
    commissioner = make_commissioner(name="古丽")
    make_user(Role.COMMISSIONER, username="guli", commissioner=commissioner)
    make_user(Role.ENTERPRISE, username="qiye", enterprise=make_enterprise("阿克苏棉纺"))
    get_user_model().objects.create_superuser("root", password=PASSWORD)
    html = admin_client.get("/users/").content.decode()
    for text in ("guli", "特派员", "古丽", "qiye", "企业用户", "阿克苏棉纺", "root", "管理员"):
        assert text in html


def _create(client: Client, **fields: object) -> Response:
    data: dict[str, object] = {
        "username": "newbie",
        "first_name": "新人",
        "role": Role.AUDITOR,
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    }
    data.update(fields)
    return client.post("/users/new/", data)


def test_it_creates_an_account_that_must_change_its_password(admin_client: Client) -> None:
    response = _create(admin_client)
    assert response.status_code == 302 and response["Location"] == "/users/"
    account = Account.objects.get(user__username="newbie")
    assert account.role == Role.AUDITOR and account.must_change_password
    assert account.user.check_password(NEW_PASSWORD)
    assert not account.user.is_staff


def test_a_commissioner_account_needs_its_commissioner(admin_client: Client) -> None:
    response = _create(admin_client, role=Role.COMMISSIONER)
    assert response.status_code == 200
    assert "特派员账号必须关联一名特派员。" in response.content.decode()
    assert not get_user_model().objects.filter(username="newbie").exists()
    commissioner = make_commissioner()
    assert (
        _create(admin_client, role=Role.COMMISSIONER, commissioner=commissioner.pk).status_code
        == 302
    )
    assert Account.objects.get(user__username="newbie").commissioner == commissioner


def test_an_enterprise_account_needs_its_enterprise(admin_client: Client) -> None:
    response = _create(admin_client, role=Role.ENTERPRISE)
    assert "企业用户账号必须关联一家企业。" in response.content.decode()


def test_an_administrator_account_may_use_the_django_admin(admin_client: Client) -> None:
    _create(admin_client, role=Role.ADMIN)
    user = get_user_model().objects.get(username="newbie")
    assert user.is_staff and user.is_superuser


def test_the_initial_password_follows_the_policy(admin_client: Client) -> None:
    html = _create(admin_client, password1="short1", password2="short1").content.decode()
    assert "至少 3 类" in html
    html = _create(admin_client, password2="Other-pass-1").content.decode()
    assert "两次输入的密码不一致。" in html
    assert not get_user_model().objects.filter(username="newbie").exists()


def test_user_names_are_unique(admin_client: Client) -> None:
    make_user(username="Newbie")
    html = _create(admin_client).content.decode()
    assert "已被使用" in html


def test_a_reset_password_must_be_changed_and_unlocks(admin_client: Client) -> None:
    user = make_user(Role.AUDITOR, username="li")
    for _ in range(lockout.MAX_FAILURES):
        lockout.register_failure("li", "10.0.0.1")
    response = admin_client.post(
        f"/users/{user.pk}/password/", {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    account = Account.objects.get(user=user)
    assert account.must_change_password and lockout.blocked_until("li", "10.0.0.1") is None
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_it_unlocks(admin_client: Client) -> None:
    user = make_user(Role.AUDITOR, username="li")
    for _ in range(lockout.MAX_FAILURES):
        lockout.register_failure("li", "10.0.0.1")
    assert "登录暂停至" in admin_client.get("/users/").content.decode()
    assert admin_client.get(f"/users/{user.pk}/unlock/").status_code == 405
    assert admin_client.post(f"/users/{user.pk}/unlock/").status_code == 302
    assert lockout.blocked_until("li", "10.0.0.1") is None
