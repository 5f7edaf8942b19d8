"""Signing in through the real form, and the lock after five wrong passwords."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tepai.accounts.lockout import MAX_FAILURES
from tepai.accounts.roles import Role
from tepai.accounts.testing import make_user

from .conftest import PASSWORD


def _submit(page: Any, username: str, password: str) -> None:
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form[action='/login/'] button[type=submit]")
    page.wait_for_load_state()


@pytest.mark.django_db(transaction=True)
def test_it_signs_in_through_the_form_and_lands_on_the_dashboard(
    page: Any, screenshot: Any
) -> None:
    make_user(Role.ADMIN, username="admin", password=PASSWORD)
    page.goto("/")
    # Not signed in: the dashboard sends the browser to the sign-in page.
    expect(page).to_have_url("/login/?next=/")
    expect(page.locator("h1")).to_have_text("登录")
    screenshot(page, "login")
    _submit(page, "admin", PASSWORD)
    expect(page).to_have_url("/")
    expect(page.get_by_role("navigation", name="主导航")).to_contain_text("总览")


@pytest.mark.django_db(transaction=True)
def test_it_locks_the_account_after_five_wrong_passwords(page: Any, screenshot: Any) -> None:
    make_user(Role.ENTERPRISE, username="aksu", password=PASSWORD)
    page.goto("/login/")
    for _attempt in range(MAX_FAILURES - 1):
        _submit(page, "aksu", "wrong-Password-1")
        expect(page.locator(".errors")).to_contain_text("用户名或密码不正确")
    # The fifth wrong password locks the account, and the page says so at once.
    _submit(page, "aksu", "wrong-Password-1")
    expect(page.locator(".errors")).to_contain_text("已被锁定")
    # The sixth attempt has the right password and is still refused, with the lock message.
    _submit(page, "aksu", PASSWORD)
    expect(page).to_have_url("/login/")
    expect(page.locator(".errors")).to_contain_text("已被锁定")
    expect(page.locator(".errors")).to_contain_text(f"连续 {MAX_FAILURES} 次登录失败")
    screenshot(page, "login-locked")
    page.goto("/company/")
    expect(page).to_have_url("/login/?next=/company/")
