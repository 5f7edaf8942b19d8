"""Signing in and out, CSRF, the login requirement and the idle timeout."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from tepai.accounts.roles import Role
from tepai.testing.accounts import PASSWORD, current_code, make_user

pytestmark = pytest.mark.django_db


def test_the_login_page_is_public_and_chinese(client: Client) -> None:
    response = client.get("/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="username"' in html and 'name="password"' in html
    assert "csrfmiddlewaretoken" in html
    assert "登录" in html


def test_it_signs_in_and_goes_where_it_was_sent(client: Client) -> None:
    user = make_user(Role.AUDITOR, username="shenji")
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    response = client.post(
        "/login/", {"username": "shenji", "password": PASSWORD, "next": "/audit/"}
    )
    assert (response.status_code, response["Location"]) == (302, "/login/verify/")
    # The wanted page is remembered across the code step.
    response = client.post("/login/verify/", {"otp_token": current_code(device)})
    assert response.status_code == 302
    assert response["Location"] == "/audit/"
    assert client.get("/audit/").status_code == 200


def test_a_wrong_password_gets_a_chinese_error(client: Client) -> None:
    make_user(username="wang")
    response = client.post("/login/", {"username": "wang", "password": "Wrong-pass1"})
    assert response.status_code == 200
    assert "用户名或密码不正确。" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_login_post_without_csrf_token_is_refused() -> None:
    make_user(username="wang")
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "wang", "password": PASSWORD})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_a_login_post_with_the_token_works() -> None:
    make_user(username="wang")
    client = Client(enforce_csrf_checks=True)
    client.get("/login/")
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    response = client.post(
        "/login/", {"username": "wang", "password": PASSWORD, "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302


@pytest.mark.parametrize("path", ["/users/", "/users/new/", "/audit/", "/password/"])
def test_anonymous_users_are_sent_to_the_login_page(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


def test_the_language_switch_is_public(client: Client) -> None:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    assert response.status_code == 302
    assert response["Location"] == "/login/"


def test_logout_needs_a_post_and_ends_the_session(client: Client) -> None:
    user = make_user()
    client.force_login(user)
    assert client.get("/logout/").status_code == 405
    response = client.post("/logout/")
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert "_auth_user_id" not in client.session


def test_sessions_expire_after_thirty_idle_minutes(client: Client) -> None:
    assert settings.SESSION_COOKIE_AGE == 1800
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    make_user(username="wang")
    client.post("/login/", {"username": "wang", "password": PASSWORD})
    assert client.session.get_expiry_age() == 1800
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == 1800
