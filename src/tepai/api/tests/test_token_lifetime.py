"""Token expiry and revocation (issue 9, finding 10).

Tokens used to work for ever: after the password was reset, after the user's role changed,
and while the account still had to change its initial password.
"""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import update_last_login
from django.test import Client, override_settings
from django.utils import timezone

from tepai.accounts.roles import Role
from tepai.api.models import Token
from tepai.api.tests.world import ApiClient, World
from tepai.api.tokens import issue_token
from tepai.audit.models import AuditEntry


def _bearer(raw: str) -> ApiClient:
    return ApiClient(Client(), headers={"Authorization": f"Bearer {raw}"})


def _refusal(raw: str) -> tuple[int, str, str]:
    response = _bearer(raw).get("/api/me")
    error = response.json().get("error", {})
    return response.status_code, error.get("code", ""), error.get("message", "")


def test_a_token_expires_after_the_configured_days(world: World) -> None:
    with override_settings(TEPAI_API_TOKEN_DAYS=7):
        token, raw = issue_token(world.users["admin"])
    lifetime = token.expires_at - token.created_at
    assert datetime.timedelta(days=7) - lifetime < datetime.timedelta(seconds=5)
    assert _bearer(raw).get("/api/me").status_code == 200
    Token.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(1))
    status, code, message = _refusal(raw)
    assert (status, code) == (401, "token_expired")
    assert "过期" in message


def test_the_default_lifetime_is_90_days(world: World) -> None:
    token, _raw = issue_token(world.users["admin"])
    assert (token.expires_at - token.created_at).days in (89, 90)


def test_a_token_does_not_work_while_the_password_must_be_changed(world: World) -> None:
    _, raw = issue_token(world.users["enterprise"])
    account = world.users["enterprise"].account
    account.must_change_password = True
    account.save()
    status, code, message = _refusal(raw)
    assert (status, code) == (403, "password_change_required")
    assert "修改初始密码" in message


def test_changing_the_password_revokes_the_tokens(world: World) -> None:
    user = world.users["commissioner"]
    token, raw = issue_token(user)
    user.set_password("Nouveau-mot-2026")
    user.save()
    assert _refusal(raw)[:2] == (401, "invalid_token")
    token.refresh_from_db()
    assert token.revoked_at is not None
    entry = AuditEntry.objects.filter(action="token_revoke").latest("id")
    assert entry.detail["reason"] == "密码已修改"


def test_a_role_change_revokes_the_tokens(world: World) -> None:
    user = world.users["auditor"]
    _, raw = issue_token(user)
    user.account.role = Role.ADMIN
    user.account.save()
    assert _refusal(raw)[:2] == (401, "invalid_token")
    assert AuditEntry.objects.filter(action="token_revoke").latest("id").detail["reason"] == (
        "角色已变更"
    )


def test_deactivation_revokes_the_tokens(world: World) -> None:
    user = world.users["enterprise"]
    token, _raw = issue_token(user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    token.refresh_from_db()
    assert token.revoked_at is not None
    user.is_active = True
    user.save()
    assert _refusal(_raw)[:2] == (401, "invalid_token")  # reactivating does not revive it


def test_other_saves_leave_the_tokens_alone(world: World) -> None:
    user = world.users["admin"]
    token, raw = issue_token(user)
    user.first_name = "王"
    user.save()
    update_last_login(type(user), user)
    user.account.must_change_password = False
    user.account.save()
    token.refresh_from_db()
    assert token.revoked_at is None
    assert _bearer(raw).get("/api/me").status_code == 200


@pytest.mark.parametrize("days", ["0", "abc", "-3"])
def test_a_bad_lifetime_setting_stops_start_up(days: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from tepai.config import ConfigError, env_int

    monkeypatch.setenv("TEPAI_API_TOKEN_DAYS", days)
    with pytest.raises(ConfigError, match="TEPAI_API_TOKEN_DAYS"):
        env_int("TEPAI_API_TOKEN_DAYS", 90, minimum=1, maximum=3650)
