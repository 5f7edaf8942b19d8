"""The demo's administrator and auditor: codes with TEPAI_DEMO_TOTP_SECRET, passwords without."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from tepai.accounts import two_factor
from tepai.accounts.models import Account
from tepai.demo.accounts import demo_totp_secret, ensure_demo_accounts
from tepai.demo.loader import load_demo
from tepai.testing.accounts import current_code

pytestmark = pytest.mark.django_db

PASSWORD = "Demo-Passw0rd"
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def _password_step(username: str) -> tuple[Client, str]:
    client = Client()
    response = client.post("/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client, response["Location"]


def test_with_the_secret_the_admin_and_auditor_need_its_code() -> None:
    load_demo()
    ensure_demo_accounts(PASSWORD, SECRET)
    for username in ("admin", "auditor"):
        client, step = _password_step(username)
        assert step == "/login/verify/" and "_auth_user_id" not in client.session
        device = two_factor.authenticator(Account.objects.get(user__username=username).user)
        assert device is not None and device.bin_key == two_factor.parse_secret(SECRET)
        response = client.post("/login/verify/", {"otp_token": current_code(device)})
        assert response.status_code == 302 and "_auth_user_id" in client.session
    # Other roles stay on passwords.
    client, step = _password_step("enterprise")
    assert step == "/" and "_auth_user_id" in client.session


def test_without_the_secret_they_sign_in_with_the_password_only() -> None:
    load_demo()
    ensure_demo_accounts(PASSWORD, SECRET)
    ensure_demo_accounts(PASSWORD)  # a re-run without the variable switches the codes off
    for username in ("admin", "auditor"):
        client, step = _password_step(username)
        assert step == "/" and "_auth_user_id" in client.session
    assert not Account.objects.filter(two_factor_exempt=True, role="enterprise").exists()


def test_the_secret_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEPAI_DEMO_TOTP_SECRET", " jbsw y3dp ehpk 3pxp ")
    assert demo_totp_secret() == "jbsw y3dp ehpk 3pxp"
    monkeypatch.setenv("TEPAI_DEMO_TOTP_SECRET", "123456")
    with pytest.raises(CommandError, match="TEPAI_DEMO_TOTP_SECRET 无效"):
        call_command("demo", "--no-serve")
