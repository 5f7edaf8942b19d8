"""Failed sign-ins pause one source for one name, with a growing delay (issue 9, finding 7).

The attack of the issue: five anonymous requests used to lock any account, the
administrator's included, for 15 minutes, and the lock message (answered without hashing)
told which names exist.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import MD5PasswordHasher
from django.http import HttpResponseBase
from django.test import Client, override_settings
from django.utils import timezone

from tepai.accounts import lockout
from tepai.accounts.models import SignInThrottle
from tepai.accounts.roles import Role
from tepai.audit.models import AuditEntry
from tepai.testing.accounts import PASSWORD, make_user

pytestmark = pytest.mark.django_db

ATTACKER = "10.9.9.9"
OFFICE = "10.1.1.1"
WRONG = "Wrong-pass1"


def _login(client: Client, password: str, username: str = "li", ip: str = ATTACKER) -> Any:
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def _signed_in(response: HttpResponseBase) -> bool:
    return response.status_code == 302


def _fail(client: Client, times: int, username: str = "li", ip: str = ATTACKER) -> None:
    for _ in range(times):
        assert not _signed_in(_login(client, WRONG, username, ip))


def _later(monkeypatch: pytest.MonkeyPatch, **delta: float) -> None:
    moment = timezone.now() + datetime.timedelta(**delta)
    monkeypatch.setattr(timezone, "now", lambda: moment)


def test_anonymous_requests_from_elsewhere_cannot_lock_the_administrator_out() -> None:
    # The attack: five (here twenty) wrong passwords for "admin" from one address.
    make_user(Role.AUDITOR, username="admin")
    attacker = Client()
    _fail(attacker, 20, username="admin", ip=ATTACKER)
    office = Client()
    response = _login(office, PASSWORD, username="admin", ip=OFFICE)
    assert _signed_in(response)
    # The auditor goes on to the code step; the password step itself was accepted.
    assert response.url in ("/login/enrol/", "/login/verify/")


def test_four_failures_do_not_pause(client: Client) -> None:
    make_user(Role.ENTERPRISE, username="li")
    _fail(client, 4)
    assert SignInThrottle.objects.get(username="li", source=ATTACKER).failures == 4
    assert _signed_in(_login(client, PASSWORD))


def test_a_success_resets_the_count_of_its_source_only(client: Client) -> None:
    make_user(Role.ENTERPRISE, username="li")
    _fail(client, 4, ip=ATTACKER)
    _fail(client, 4, ip=OFFICE)
    assert _signed_in(_login(client, PASSWORD, ip=OFFICE))
    assert SignInThrottle.objects.get(username="li", source=OFFICE).failures == 0
    assert SignInThrottle.objects.get(username="li", source=ATTACKER).failures == 4


def test_the_fifth_failure_pauses_the_source_and_says_until_when(client: Client) -> None:
    make_user(Role.ENTERPRISE, username="li")
    _fail(client, 4)
    page = _login(client, WRONG).content.decode()
    row = SignInThrottle.objects.get(username="li", source=ATTACKER)
    assert row.blocked_until is not None
    remaining = row.blocked_until - timezone.now()
    assert datetime.timedelta(seconds=50) < remaining <= lockout.FIRST_PAUSE
    until = timezone.localtime(row.blocked_until).strftime("%Y-%m-%d %H:%M:%S")
    assert "暂停从本设备登录" in page and until in page


def test_the_paused_source_is_refused_even_with_the_right_password(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_user(Role.ENTERPRISE, username="li")
    _fail(client, 5)
    response = _login(client, PASSWORD)
    assert not _signed_in(response) and "暂停从本设备登录" in response.content.decode()
    assert "_auth_user_id" not in client.session
    _later(monkeypatch, seconds=55)
    assert not _signed_in(_login(client, PASSWORD))
    _later(monkeypatch, minutes=1, seconds=1)
    assert _signed_in(_login(client, PASSWORD))
    row = SignInThrottle.objects.get(username="li", source=ATTACKER)
    assert (row.failures, row.blocked_until) == (0, None)


def test_the_pause_doubles_with_each_further_failure() -> None:
    assert [lockout.pause_after(n) for n in (4, 5, 6, 7)] == [
        None,
        datetime.timedelta(minutes=1),
        datetime.timedelta(minutes=2),
        datetime.timedelta(minutes=4),
    ]
    assert lockout.pause_after(12) == lockout.pause_after(500) == lockout.LONGEST_PAUSE


def test_a_failure_after_a_pause_earns_a_longer_one(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_user(Role.ENTERPRISE, username="li")
    _fail(client, 5)
    _later(monkeypatch, minutes=1, seconds=1)
    _fail(client, 1)
    row = SignInThrottle.objects.get(username="li", source=ATTACKER)
    assert row.failures == 6
    assert row.blocked_until is not None
    assert row.blocked_until - timezone.now() == datetime.timedelta(minutes=2)


def test_attempts_during_a_pause_are_audited_but_not_counted(client: Client) -> None:
    make_user(Role.ENTERPRISE, username="li")
    _fail(client, 5)
    _fail(client, 3)
    assert SignInThrottle.objects.get(username="li", source=ATTACKER).failures == 5
    assert AuditEntry.objects.filter(action="login_failed", actor_username="li").count() == 8
    locked = AuditEntry.objects.get(action="locked")
    assert locked.detail["source"] == ATTACKER and locked.detail["failed_logins"] == 5


def _normalised(response: Any) -> str:
    html = response.content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    # The pause's end, to the second, depends on when each request ran.
    html = re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", "TIME", html)
    return html.replace("ghostmanx", "NAME").replace("wangfang", "NAME")


def test_unknown_and_known_names_get_identical_answers() -> None:
    make_user(Role.ENTERPRISE, username="wangfang")
    known, unknown = Client(), Client()
    for attempt in range(7):
        password = PASSWORD if attempt == 6 else WRONG  # the last one while paused
        a = _login(known, password, "wangfang")
        b = _login(unknown, password, "ghostmanx")
        assert (a.status_code, _normalised(a)) == (b.status_code, _normalised(b)), attempt
    assert "暂停从本设备登录" in _normalised(a)


class CountingHasher(MD5PasswordHasher):
    """MD5 (fast) that counts how many passwords it hashed or checked."""

    calls = 0

    def encode(self, password: str, salt: str) -> str:
        CountingHasher.calls += 1
        return super().encode(password, salt)


@pytest.mark.parametrize("case", ["known", "unknown", "paused", "paused-unknown"])
def test_every_attempt_costs_one_password_hash(client: Client, case: str) -> None:
    with override_settings(PASSWORD_HASHERS=[f"{__name__}.CountingHasher"]):
        make_user(Role.ENTERPRISE, username="li")
        name = "ghost" if "unknown" in case else "li"
        if case.startswith("paused"):
            _fail(client, 5, username=name)
        CountingHasher.calls = 0
        _login(client, WRONG, username=name)
        assert CountingHasher.calls == 1


def test_users_without_an_account_are_paused_too(client: Client) -> None:
    get_user_model().objects.create_superuser("root", password=PASSWORD)
    _fail(client, 5, username="root")
    assert "暂停从本设备登录" in _login(client, PASSWORD, username="root").content.decode()


def test_unlock_lifts_every_pause_of_the_name() -> None:
    make_user(Role.AUDITOR, username="li")
    for source in (ATTACKER, OFFICE):
        for _ in range(lockout.MAX_FAILURES):
            lockout.register_failure("li", source)
    assert lockout.blocked_until("li", ATTACKER) is not None
    lockout.unlock("li")
    assert lockout.blocked_until("li", ATTACKER) is None
    assert lockout.blocked_until("li", OFFICE) is None


def test_old_failures_are_forgotten(monkeypatch: pytest.MonkeyPatch) -> None:
    for _ in range(4):
        lockout.register_failure("li", ATTACKER)
    _later(monkeypatch, hours=25)
    assert lockout.register_failure("li", ATTACKER) is None
    assert SignInThrottle.objects.get(username="li").failures == 1
