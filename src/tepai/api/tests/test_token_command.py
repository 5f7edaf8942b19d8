"""``tepai token create|list|revoke``."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client

from tepai.api.models import Token

pytestmark = pytest.mark.django_db


def _run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("token", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue().strip()


@pytest.fixture
def user() -> object:
    return get_user_model().objects.create_user(username="etl", is_superuser=True)


def test_create_prints_a_working_token_once(user: object) -> None:
    raw, note = _run("create", "etl", "--name", "数据同步")
    assert raw.startswith("tepai_") and len(raw) > 40
    assert "只显示这一次" in note
    token = Token.objects.get()
    assert (token.name, token.user) == ("数据同步", user)
    assert raw not in token.digest
    response = Client().get("/api/me", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200
    assert response.json()["username"] == "etl"


def test_list_shows_tokens_without_revealing_them(user: object) -> None:
    raw, _ = _run("create", "etl", "--name", "报表")
    listing, _ = _run("list")
    assert "etl" in listing and "报表" in listing and "有效" in listing
    assert raw not in listing
    assert _run("list", "etl")[0] == listing


def test_revoke_stops_the_token(user: object) -> None:
    raw, _ = _run("create", "etl")
    token = Token.objects.get()
    out, _ = _run("revoke", str(token.pk))
    assert "已撤销" in out
    response = Client().get("/api/me", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 401
    assert "已撤销" in _run("list")[0]
    with pytest.raises(CommandError, match="已于"):
        _run("revoke", str(token.pk))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("create", "nobody"), "用户“nobody”不存在"),
        (("revoke", "999"), "令牌 ID 999 不存在"),
        (("list", "nobody"), "用户“nobody”不存在"),
    ],
)
def test_it_names_what_is_missing(user: object, args: tuple[str, ...], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        _run(*args)


def test_no_token_for_a_deactivated_user() -> None:
    get_user_model().objects.create_user(username="gone", is_active=False)
    with pytest.raises(CommandError, match="已停用"):
        _run("create", "gone")
    assert not Token.objects.exists()


def test_issuing_and_revoking_are_audited(user: object) -> None:
    from tepai.audit.models import AuditEntry

    _run("create", "etl", "--name", "报表")
    token = Token.objects.get()
    _run("revoke", str(token.pk))
    entries = AuditEntry.objects.filter(model_label="api.token").order_by("id")
    assert [e.action for e in entries] == ["token_create", "token_revoke"]
    assert entries[0].detail == {"user": "etl", "name": "报表", "prefix": token.prefix}
    assert entries[0].path == "tepai token create"


def test_admins_revoke_tokens_in_the_admin(user: object) -> None:
    _run("create", "etl")
    token = Token.objects.get()
    assert isinstance(user, User)
    user.is_staff = True
    user.save()
    client = Client()
    client.force_login(user)  # a superuser
    assert client.get("/admin/api/token/").status_code == 200
    assert client.get("/admin/api/token/add/").status_code == 403
    response = client.post(
        "/admin/api/token/", {"action": "revoke", "_selected_action": [token.pk]}, follow=True
    )
    assert "已撤销 1 个令牌" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None
