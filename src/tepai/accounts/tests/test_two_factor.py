"""Two-factor sign-in: required for 管理员 and 审计员, optional for others (issue 9, item 4)."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client, override_settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from tepai.accounts import signin, two_factor
from tepai.accounts.roles import Role
from tepai.accounts.two_factor_views import ENROLMENT_KEY
from tepai.api.tokens import issue_token
from tepai.audit.models import AuditEntry
from tepai.testing.accounts import (
    PASSWORD,
    current_code,
    force_login_password_only,
    make_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_code_throttle() -> Iterator[None]:
    # django-otp waits 1, 2, 4 … seconds after each wrong code; the tests type the right code
    # right after a wrong one. Throttling has its own test below.
    with override_settings(OTP_TOTP_THROTTLE_FACTOR=0, OTP_STATIC_THROTTLE_FACTOR=0):
        yield


def _password(client: Client, username: str, next_url: str = "/") -> Any:
    return client.post("/login/", {"username": username, "password": PASSWORD, "next": next_url})


def _code(client: Client, token: str) -> Any:
    return client.post("/login/verify/", {"otp_token": token})


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def _enrolled_admin(username: str = "admin") -> tuple[Any, TOTPDevice]:
    user = make_user(Role.ADMIN, username=username)
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    return user, device


def test_admin_sign_in_needs_a_valid_code_and_a_code_works_once(client: Client) -> None:
    _user, device = _enrolled_admin()
    response = _password(client, "admin", "/users/")
    assert (response.status_code, response.url) == (302, "/login/verify/")
    # The password alone signs nobody in: every page still asks for the sign-in.
    assert not _signed_in(client)
    assert client.get("/users/")["Location"].startswith("/login/?next=")
    page = client.get("/login/verify/").content.decode()
    assert 'name="otp_token"' in page

    wrong = _code(client, "000000" if current_code(device) != "000000" else "111111")
    assert wrong.status_code == 200 and not _signed_in(client)
    assert "验证码不正确" in wrong.content.decode()

    code = current_code(device)
    right = _code(client, code)
    assert (right.status_code, right.url) == (302, "/users/")
    assert _signed_in(client) and client.get("/users/").status_code == 200

    # Replaying the same code in a new sign-in is refused.
    client.post("/logout/")
    _password(client, "admin")
    replay = _code(client, code)
    assert replay.status_code == 200 and not _signed_in(client)
    failures = AuditEntry.objects.filter(action=two_factor.FAILED, actor_username="admin")
    assert failures.count() == 2


def test_wrong_codes_slow_further_attempts_down(client: Client) -> None:
    _user, device = _enrolled_admin()
    _password(client, "admin")
    with override_settings(OTP_TOTP_THROTTLE_FACTOR=1):
        _code(client, "000000" if current_code(device) != "000000" else "111111")
        # Right after a wrong code even the right one waits (django-otp's throttling).
        assert _code(client, current_code(device)).status_code == 200
        assert not _signed_in(client)


def test_an_admin_without_an_app_enrols_first_and_gets_recovery_codes(client: Client) -> None:
    make_user(Role.ADMIN, username="admin")
    response = _password(client, "admin", "/audit/")
    assert response.url == "/login/enrol/"
    assert not _signed_in(client)
    page = client.get("/login/enrol/").content.decode()
    # The QR code is drawn here, as inline SVG: no image from elsewhere, no script.
    assert "<svg" in page and "<script>" not in page and "http" not in page.split("<svg")[1][:5000]
    device = TOTPDevice.objects.get(pk=client.session[ENROLMENT_KEY])
    assert two_factor.readable_secret(device) in page
    assert client.get("/login/enrol/").content.decode().count(two_factor.readable_secret(device))

    assert client.post("/login/enrol/", {"otp_token": "12"}).status_code == 200
    assert not _signed_in(client)
    done = client.post("/login/enrol/", {"otp_token": current_code(device)})
    assert done.status_code == 200 and _signed_in(client)
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", done.content.decode())
    assert len(codes) == two_factor.RECOVERY_CODE_COUNT
    assert 'href="/audit/"' in done.content.decode()
    assert client.get("/audit/").status_code == 200
    assert AuditEntry.objects.filter(action=two_factor.ENROLLED).count() == 1

    # A recovery code signs in once.
    client.post("/logout/")
    _password(client, "admin")
    assert _code(client, codes[0]).status_code == 302 and _signed_in(client)
    client.post("/logout/")
    _password(client, "admin")
    assert _code(client, codes[0]).status_code == 200 and not _signed_in(client)
    assert _code(client, codes[1].upper()).status_code == 302
    assert two_factor.recovery_codes_left(device.user) == two_factor.RECOVERY_CODE_COUNT - 2


def test_auditors_must_use_it_too(client: Client) -> None:
    make_user(Role.AUDITOR, username="shenji")
    assert _password(client, "shenji").url == "/login/enrol/"


@pytest.mark.parametrize("role", [Role.ENTERPRISE, Role.COMMISSIONER])
def test_other_roles_are_not_forced(client: Client, role: Role) -> None:
    make_user(role, username="qiye")
    response = _password(client, "qiye", "/password/")
    assert response.url == "/password/" and _signed_in(client)


def test_other_roles_may_enrol_and_are_then_asked(client: Client) -> None:
    user = make_user(Role.ENTERPRISE, username="qiye")
    client.force_login(user)
    assert "未启用" in client.get("/account/two-factor/").content.decode()
    client.get("/account/two-factor/setup/")
    device = TOTPDevice.objects.get(pk=client.session[ENROLMENT_KEY])
    done = client.post("/account/two-factor/setup/", {"otp_token": current_code(device)})
    assert done.status_code == 200 and "恢复码" in done.content.decode()
    # The session stays verified by the new app.
    assert client.get("/company/").status_code == 200
    client.post("/logout/")
    assert _password(client, "qiye").url == "/login/verify/"
    assert not _signed_in(client)
    # ...and may switch it off again; recovery codes go with it.
    assert _code(client, current_code(device, steps_ahead=1)).status_code == 302
    client.post("/account/two-factor/disable/")
    assert not two_factor.is_enrolled(user) and two_factor.recovery_codes_left(user) == 0


def test_admins_cannot_switch_it_off_but_can_renew_recovery_codes(client: Client) -> None:
    user, _device = _enrolled_admin()
    client.force_login(user)
    response = client.post("/account/two-factor/disable/", follow=True)
    assert "不能停用" in response.content.decode()
    assert two_factor.is_enrolled(user)
    first = client.post("/account/two-factor/recovery-codes/").content.decode()
    second = client.post("/account/two-factor/recovery-codes/").content.decode()
    pattern = r"<li><code>([a-z2-7]{8})</code></li>"
    assert set(re.findall(pattern, first)).isdisjoint(re.findall(pattern, second))
    assert two_factor.recovery_codes_left(user) == two_factor.RECOVERY_CODE_COUNT


def test_a_password_only_session_is_held_at_the_code_step(client: Client) -> None:
    # E.g. signed in through the Django admin's own form: pages and the API wait for the code.
    user, device = _enrolled_admin()
    force_login_password_only(client, user)
    response = client.get("/users/")
    assert response["Location"] == "/login/verify/?next=%2Fusers%2F"
    api = client.get("/api/me")
    assert api.status_code == 403
    assert api.json()["error"]["code"] == "second_factor_required"
    verified = client.post("/login/verify/?next=/users/", {"otp_token": current_code(device)})
    assert verified["Location"] == "/users/"
    assert client.get("/users/").status_code == 200
    assert client.get("/api/me").status_code == 200


def test_the_django_admin_sign_in_does_not_skip_the_code(client: Client) -> None:
    user, _device = _enrolled_admin()
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    client.post("/admin/login/?next=/admin/", {"username": "admin", "password": PASSWORD})
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/login/verify/")


def test_api_tokens_are_unaffected() -> None:
    user, _device = _enrolled_admin()
    _token, raw = issue_token(user)
    response = Client().get("/api/me", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200 and response.json()["username"] == "admin"


def test_the_password_step_expires(client: Client) -> None:
    _user, device = _enrolled_admin()
    _password(client, "admin")
    session = client.session
    session[signin.PENDING_KEY] = {
        **session[signin.PENDING_KEY],
        "since": session[signin.PENDING_KEY]["since"] - signin.PENDING_SECONDS - 1,
    }
    session.save()
    response = _code(client, current_code(device))
    assert response.url == "/login/" and not _signed_in(client)


def test_an_administrator_can_clear_a_lost_phone(client: Client) -> None:
    admin, _device = _enrolled_admin()
    lost, _lost_device = _enrolled_admin("auditor-1")
    client.force_login(admin)
    assert "已启用两步验证" in client.get("/users/").content.decode()
    response = client.post(f"/users/{lost.pk}/two-factor/reset/")
    assert response.status_code == 302
    assert not two_factor.is_enrolled(lost)
    assert AuditEntry.objects.filter(action=two_factor.RESET, object_id=str(lost.pk)).exists()
    # At the next sign-in the user enrols a new app.
    assert _password(Client(), "auditor-1").url == "/login/enrol/"


def test_only_administrators_clear_other_users_devices(client: Client) -> None:
    lost, _device = _enrolled_admin("victim")
    client.force_login(make_user(Role.AUDITOR))
    assert client.post(f"/users/{lost.pk}/two-factor/reset/").status_code == 403
    assert two_factor.is_enrolled(lost)


def test_a_demo_exempt_admin_signs_in_with_the_password() -> None:
    user = make_user(Role.ADMIN, username="admin", two_factor_exempt=True)
    assert not two_factor.needs_second_step(user)
    client = Client()
    assert _password(client, "admin").url == "/" and _signed_in(client)


def test_secrets_parse_like_authenticator_apps_show_them() -> None:
    expected = base64.b32decode("JBSWY3DPEHPK3PXP")
    assert two_factor.parse_secret("jbsw y3dp ehpk 3pxp") == expected
    for bad in ("not base32!", "JBSWY3DP", ""):
        with pytest.raises(ValueError):
            two_factor.parse_secret(bad)


def test_codes_from_a_slow_phone_clock_are_accepted() -> None:
    user, device = _enrolled_admin()
    assert two_factor.verify(user, current_code(device, steps_ahead=-10)) is None
    assert two_factor.verify(user, current_code(device, steps_ahead=-1)) is not None
