"""Five wrong passwords in a row lock an account for fifteen minutes."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from tepai.accounts import lockout
from tepai.accounts.models import Account
from tepai.accounts.roles import Role
from tepai.accounts.testing import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def _login(client: Client, password: str, username: str = "li") -> str:
    response = client.post("/login/", {"username": username, "password": password})
    return response.content.decode() if response.status_code == 200 else ""


def _fail(client: Client, times: int, username: str = "li") -> None:
    for _ in range(times):
        _login(client, "Wrong-pass1", username)


def test_four_failures_do_not_lock(client: Client) -> None:
    make_user(username="li")
    _fail(client, 4)
    assert Account.objects.get(user__username="li").failed_logins == 4
    assert _login(client, PASSWORD) == ""  # signed in: redirected


def test_a_success_resets_the_count(client: Client) -> None:
    user = make_user(username="li")
    _fail(client, 4)
    assert _login(client, PASSWORD) == ""
    assert Account.objects.get(user=user).failed_logins == 0
    client.logout()
    _fail(client, 4)
    assert _login(client, PASSWORD) == ""


def test_the_fifth_failure_locks_and_says_until_when(client: Client) -> None:
    make_user(username="li")
    _fail(client, 4)
    page = _login(client, "Wrong-pass1")
    account = Account.objects.get(user__username="li")
    assert account.locked_until is not None
    until = timezone.localtime(account.locked_until).strftime("%Y-%m-%d %H:%M")
    assert "已被锁定" in page and until in page
    remaining = account.locked_until - timezone.now()
    assert datetime.timedelta(minutes=14) < remaining <= datetime.timedelta(minutes=15)


def test_the_right_password_is_refused_while_locked(client: Client) -> None:
    make_user(username="li")
    _fail(client, 5)
    page = _login(client, PASSWORD)
    assert "已被锁定" in page
    assert "_auth_user_id" not in client.session
    # Every sign-in path goes through the same backend.
    assert not client.login(username="li", password=PASSWORD)


def test_the_lock_ends_after_fifteen_minutes(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_user(username="li")
    _fail(client, 5)
    later = timezone.now() + datetime.timedelta(minutes=15, seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert _login(client, PASSWORD) == ""
    account = Account.objects.get(user__username="li")
    assert (account.failed_logins, account.locked_until) == (0, None)


def test_still_locked_just_before_fifteen_minutes(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_user(username="li")
    _fail(client, 5)
    later = timezone.now() + datetime.timedelta(minutes=14, seconds=50)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert "已被锁定" in _login(client, PASSWORD)


def test_users_without_an_account_are_locked_too(client: Client) -> None:
    get_user_model().objects.create_superuser("root", password=PASSWORD)
    _fail(client, 5, username="root")
    account = Account.objects.get(user__username="root")
    assert account.locked_until is not None
    assert account.role == ""  # a role-less account grants nothing by itself
    assert "已被锁定" in _login(client, PASSWORD, username="root")


def test_unknown_names_get_the_plain_error(client: Client) -> None:
    _fail(client, 6, username="nobody")
    assert "用户名或密码不正确。" in _login(client, PASSWORD, username="nobody")
    assert not Account.objects.exists()


def test_unlock_lifts_the_lock() -> None:
    user = make_user(Role.AUDITOR)
    for _ in range(lockout.MAX_FAILURES):
        lockout.register_failure(user)
    assert lockout.locked_until(user) is not None
    lockout.unlock(user.account)
    assert lockout.locked_until(user) is None
