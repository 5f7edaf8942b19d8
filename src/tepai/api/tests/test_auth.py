"""Signing in to the API: bearer tokens, the browser session with CSRF, and anonymous users."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.utils import timezone

from tepai.api.models import Token
from tepai.api.tests.world import ApiClient, World
from tepai.api.tokens import digest, issue_token, revoke_token

pytestmark = pytest.mark.django_db

LOGIN_REQUIRED = "django.contrib.auth.middleware.LoginRequiredMiddleware"


def _bearer(raw: str) -> ApiClient:
    return ApiClient(Client(), headers={"Authorization": f"Bearer {raw}"})


def _error(response: Any) -> dict[str, Any]:
    body = response.json()
    assert set(body) == {"error"}
    error: dict[str, Any] = body["error"]
    return error


def test_it_signs_in_with_a_token(world: World) -> None:
    _, raw = issue_token(world.users["enterprise"], "ERP")
    response = _bearer(raw).get("/api/me")
    assert response.status_code == 200
    me = response.json()
    assert me["username"] == world.users["enterprise"].username
    assert me["role"] == "enterprise"
    assert me["authenticated_by"] == "token"
    assert me["enterprise"] == {"id": world.mine.pk, "name": world.mine.name}


def test_it_stores_only_the_digest_of_a_token(world: World) -> None:
    token, raw = issue_token(world.users["admin"], "备份脚本")
    stored = Token.objects.get(pk=token.pk)
    assert stored.digest == digest(raw) != raw
    assert raw not in {stored.digest, stored.prefix, stored.name}
    assert raw.startswith(stored.prefix)


def test_it_records_when_a_token_was_last_used(world: World) -> None:
    token, raw = issue_token(world.users["admin"])
    assert token.last_used_at is None
    _bearer(raw).get("/api/me")
    token.refresh_from_db()
    assert token.last_used_at is not None
    # Within the resolution it is not rewritten on every request.
    first = token.last_used_at
    _bearer(raw).get("/api/me")
    token.refresh_from_db()
    assert token.last_used_at == first
    Token.objects.filter(pk=token.pk).update(last_used_at=first - datetime.timedelta(hours=1))
    _bearer(raw).get("/api/me")
    token.refresh_from_db()
    assert token.last_used_at > first - datetime.timedelta(minutes=1)


def test_it_refuses_a_revoked_token(world: World) -> None:
    token, raw = issue_token(world.users["admin"])
    assert _bearer(raw).get("/api/demands/").status_code == 200
    assert revoke_token(token)
    assert not revoke_token(token)
    response = _bearer(raw).get("/api/demands/")
    assert response.status_code == 401
    assert _error(response)["code"] == "invalid_token"


@pytest.mark.parametrize(
    "header",
    ["Bearer tepai_not-a-real-token", "Bearer something-else", "Bearer "],
)
def test_it_refuses_an_unknown_token(world: World, header: str) -> None:
    client = ApiClient(Client(), headers={"Authorization": header})
    response = client.get("/api/me")
    assert response.status_code == 401
    assert _error(response)["code"] in ("invalid_token", "not_authenticated")


def test_it_refuses_the_token_of_a_deactivated_user(world: World) -> None:
    user = world.users["commissioner"]
    _, raw = issue_token(user)
    user.is_active = False
    user.save()
    assert _bearer(raw).get("/api/me").status_code == 401


def test_a_bad_token_is_not_rescued_by_the_session(world: World) -> None:
    client = world.client("admin")
    client.headers = {"Authorization": "Bearer tepai_revoked-or-mistyped"}
    assert client.get("/api/me").status_code == 401


def test_it_signs_in_with_the_session(world: World) -> None:
    response = world.client("commissioner").get("/api/me")
    assert response.status_code == 200
    assert response.json()["authenticated_by"] == "session"
    assert response.json()["commissioner"]["id"] == world.me.pk


def test_session_writes_need_the_csrf_token(world: World) -> None:
    client = world.client("enterprise", csrf=True)
    body = {"title": "新需求", "problem": "问题"}
    refused = client.post("/api/demands/", body)
    assert refused.status_code == 403
    assert _error(refused)["code"] == "csrf_failed"
    # Reads need no CSRF token.
    assert client.get("/api/demands/").status_code == 200

    # What a page does: take the token from a rendered form and send it back as a header.
    client.get("/api/docs")
    csrf = client.django.cookies[settings.CSRF_COOKIE_NAME].value
    accepted = client.send("POST", "/api/demands/", body, **{"X-CSRFToken": csrf})
    assert accepted.status_code == 201, accepted.content


def test_token_writes_need_no_csrf_token(world: World) -> None:
    _, raw = issue_token(world.users["enterprise"])
    client = ApiClient(Client(enforce_csrf_checks=True), {"Authorization": f"Bearer {raw}"})
    assert client.post("/api/demands/", {"title": "新需求", "problem": "问题"}).status_code == 201


def test_anonymous_requests_get_401_json_not_a_redirect(world: World) -> None:
    middleware = [*settings.MIDDLEWARE]
    if LOGIN_REQUIRED not in middleware:
        after = middleware.index("django.contrib.auth.middleware.AuthenticationMiddleware")
        middleware.insert(after + 1, LOGIN_REQUIRED)
    with override_settings(MIDDLEWARE=middleware):
        anonymous = world.client(None, csrf=True)
        for response in (
            anonymous.get("/api/demands/"),
            anonymous.get(f"/api/demands/{world.demand_mine.pk}"),
            anonymous.post("/api/demands/", {"title": "x", "problem": "y"}),
            anonymous.get("/api/openapi.json"),
        ):
            assert response.status_code == 401, response.content
            assert response["Content-Type"].startswith("application/json")
            assert _error(response)["code"] == "not_authenticated"
            assert "登录" in _error(response)["message"]
        # The docs are a page, and pages send anonymous users to the login form.
        docs = anonymous.get("/api/docs")
        assert docs.status_code == 302
        assert docs["Location"].startswith(settings.LOGIN_URL)


def test_the_schema_is_served_to_signed_in_clients(world: World) -> None:
    _, raw = issue_token(world.users["auditor"])
    schema = _bearer(raw).get("/api/openapi.json").json()
    assert schema["info"]["title"].startswith("特派")
    schemes = schema["components"]["securitySchemes"]
    assert {scheme["type"] for scheme in schemes.values()} == {"http", "apiKey"}


def test_revoking_takes_effect_immediately_even_if_used_a_moment_ago(world: World) -> None:
    token, raw = issue_token(world.users["admin"])
    _bearer(raw).get("/api/me")
    Token.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    assert _bearer(raw).get("/api/me").status_code == 401


def test_a_session_user_who_must_change_the_password_is_held_back(world: World) -> None:
    account = world.users["enterprise"].account
    account.must_change_password = True
    account.save()
    response = world.client("enterprise").get("/api/me")
    assert response.status_code == 403
    assert _error(response)["code"] == "password_change_required"
