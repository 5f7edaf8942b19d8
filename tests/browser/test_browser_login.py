"""Signing in through the real forms: password, then the authenticator code; the pause after
five wrong passwords."""

from __future__ import annotations

from typing import Any

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tepai.accounts import two_factor
from tepai.accounts.lockout import MAX_FAILURES
from tepai.accounts.roles import Role
from tepai.testing.accounts import current_code, make_user

from .conftest import PASSWORD

# What TEPAI_DEMO_TOTP_SECRET would hold: the demo enrols its administrator with it the same way.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def _submit(page: Any, username: str, password: str) -> None:
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form[action='/login/'] button[type=submit]")
    page.wait_for_load_state()


def _type_code(page: Any, code: str, form: str) -> None:
    page.fill("input[name=otp_token]", code)
    page.click(f"form[action='{form}'] button[type=submit]")
    page.wait_for_load_state()


@pytest.mark.django_db(transaction=True)
def test_it_signs_in_through_the_form_and_lands_on_the_dashboard(
    page: Any, screenshot: Any
) -> None:
    admin = make_user(Role.ADMIN, username="admin", password=PASSWORD)
    device = two_factor.enrol_with_secret(admin, TOTP_SECRET)
    page.goto("/")
    # Not signed in: the dashboard sends the browser to the sign-in page.
    expect(page).to_have_url("/login/?next=/")
    expect(page.locator("h1")).to_have_text("登录")
    screenshot(page, "login")
    _submit(page, "admin", PASSWORD)
    # The password is right; the administrator still needs the authenticator's code.
    expect(page).to_have_url("/login/verify/")
    expect(page.locator("h1")).to_have_text("两步验证")
    screenshot(page, "login-code")
    _type_code(page, "000000" if current_code(device) != "000000" else "111111", "/login/verify/")
    expect(page.locator(".errors")).to_contain_text("验证码不正确")
    device.refresh_from_db()
    device.throttle_reset()  # django-otp makes the next try wait a second after a wrong code
    _type_code(page, current_code(device), "/login/verify/")
    expect(page).to_have_url("/")
    expect(page.get_by_role("navigation", name="主导航")).to_contain_text("总览")


@pytest.mark.django_db(transaction=True)
def test_an_auditor_enrols_an_authenticator_at_first_sign_in(page: Any, screenshot: Any) -> None:
    make_user(Role.AUDITOR, username="shenji", password=PASSWORD)
    page.goto("/audit/")
    _submit(page, "shenji", PASSWORD)
    expect(page).to_have_url("/login/enrol/")
    # The QR code is drawn by the server as inline SVG; the secret is there to type instead.
    expect(page.locator("figure.qr-code svg")).to_be_visible()
    secret = page.locator("code.otp-secret").inner_text()
    device = TOTPDevice.objects.get(user__username="shenji", confirmed=False)
    assert secret == two_factor.readable_secret(device)
    screenshot(page, "login-enrol")
    _type_code(page, current_code(device), "/login/enrol/")
    expect(page.locator("h1")).to_have_text("恢复码")
    expect(page.locator("ul.recovery-codes li")).to_have_count(two_factor.RECOVERY_CODE_COUNT)
    page.click("text=我已保存，继续")
    expect(page).to_have_url("/audit/")


@pytest.mark.django_db(transaction=True)
def test_it_pauses_the_source_after_five_wrong_passwords(page: Any, screenshot: Any) -> None:
    make_user(Role.ENTERPRISE, username="aksu", password=PASSWORD)
    page.goto("/login/")
    for _attempt in range(MAX_FAILURES - 1):
        _submit(page, "aksu", "wrong-Password-1")
        expect(page.locator(".errors")).to_contain_text("用户名或密码不正确")
    # The fifth wrong password pauses this browser's address, and the page says so at once.
    _submit(page, "aksu", "wrong-Password-1")
    expect(page.locator(".errors")).to_contain_text("暂停从本设备登录")
    # The sixth attempt has the right password and is still refused, with the same message.
    _submit(page, "aksu", PASSWORD)
    expect(page).to_have_url("/login/")
    expect(page.locator(".errors")).to_contain_text("暂停从本设备登录")
    expect(page.locator(".errors")).to_contain_text(f"连续 {MAX_FAILURES} 次登录失败")
    screenshot(page, "login-paused")
    page.goto("/company/")
    expect(page).to_have_url("/login/?next=/company/")
