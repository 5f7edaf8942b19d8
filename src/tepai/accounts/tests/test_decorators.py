"""role_required: the right role gets in, other roles get 403, anonymous users sign in."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from tepai.accounts.decorators import role_required
from tepai.accounts.roles import Role
from tepai.testing.accounts import make_user

pytestmark = pytest.mark.django_db


@role_required(Role.ADMIN, Role.AUDITOR)
def _view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


def _request(user: User | AnonymousUser) -> HttpRequest:
    request = RequestFactory().get("/somewhere/?x=1")
    request.user = user
    return request


@pytest.mark.parametrize("role", [Role.ADMIN, Role.AUDITOR])
def test_it_lets_the_named_roles_in(role: Role) -> None:
    assert _view(_request(make_user(role))).content == b"ok"


@pytest.mark.parametrize("role", [Role.COMMISSIONER, Role.ENTERPRISE, None])
def test_it_refuses_other_roles(role: Role | None) -> None:
    with pytest.raises(PermissionDenied):
        _view(_request(make_user(role)))


def test_it_sends_anonymous_users_to_sign_in() -> None:
    response = _view(_request(AnonymousUser()))
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/somewhere/%3Fx%3D1"


def test_it_needs_a_role() -> None:
    with pytest.raises(ValueError):
        role_required()
