"""Users with an initial or reset password are kept on /password/ until they change it."""

from __future__ import annotations

import pytest
from django.test import Client

from tepai.accounts.models import Account
from tepai.accounts.roles import Role
from tepai.testing.accounts import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def test_it_sends_them_to_the_password_page(client: Client) -> None:
    client.force_login(make_user(Role.AUDITOR, must_change_password=True))
    for path in ("/audit/", "/users/", "/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == "/password/"
    page = client.get("/password/")
    assert page.status_code == 200
    assert "初始密码" in page.content.decode()


def test_they_may_still_sign_out(client: Client) -> None:
    client.force_login(make_user(must_change_password=True))
    assert client.post("/logout/")["Location"] == "/login/"


def test_changing_the_password_lets_them_in(client: Client) -> None:
    user = make_user(Role.AUDITOR, must_change_password=True)
    client.force_login(user)
    response = client.post(
        "/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "Tarim-River-88",
            "new_password2": "Tarim-River-88",
        },
    )
    assert response.status_code == 302
    assert not Account.objects.get(user=user).must_change_password
    assert client.get("/audit/").status_code == 200  # still signed in with the new hash
    user.refresh_from_db()
    assert user.check_password("Tarim-River-88")


def test_the_new_password_must_follow_the_policy(client: Client) -> None:
    user = make_user(must_change_password=True)
    client.force_login(user)
    response = client.post(
        "/password/",
        {"old_password": PASSWORD, "new_password1": "aaaaaaaa", "new_password2": "aaaaaaaa"},
    )
    assert response.status_code == 200
    assert "至少 3 类" in response.content.decode()
    assert Account.objects.get(user=user).must_change_password


def test_others_are_not_redirected(client: Client) -> None:
    client.force_login(make_user(Role.AUDITOR))
    assert client.get("/audit/").status_code == 200
