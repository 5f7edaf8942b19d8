"""Test helpers for accounts: users of each role, fast password hashing, signed-in clients.

``Client.force_login`` signs a user in completely in tests, second factor included, as the
two sign-in steps would (see :func:`force_login_passes_second_factor`); tests of the steps
themselves sign in through the forms, or call :func:`force_login_password_only`.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, override_settings
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tepai.accounts import two_factor
from tepai.accounts.models import Account
from tepai.accounts.roles import Role

# Passes the password policy (8+ characters, 4 classes) and is not a common password.
PASSWORD = "Tepai-Test-2024"

_sequence = itertools.count(1)


@pytest.fixture(autouse=True)
def fast_password_hashing() -> Iterator[None]:
    """Hash with MD5 in the tests of a conftest that imports this: Argon2 is slow on purpose."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


def make_user(
    role: Role | None = Role.ADMIN,
    *,
    username: str | None = None,
    password: str = PASSWORD,
    must_change_password: bool = False,
    **account: Any,
) -> Any:
    """Return a saved user with an Account of ``role`` (no Account when role is None).

    Commissioner and enterprise users get a fresh record unless one is passed.
    """
    user = get_user_model().objects.create_user(
        username=username or f"user{next(_sequence)}", password=password
    )
    if role is None:
        return user
    if role is Role.COMMISSIONER and "commissioner" not in account:
        from tepai.testing.factories import make_commissioner

        account["commissioner"] = make_commissioner()
    if role is Role.ENTERPRISE and "enterprise" not in account:
        from tepai.testing.factories import make_enterprise

        account["enterprise"] = make_enterprise()
    Account.objects.create(
        user=user, role=role, must_change_password=must_change_password, **account
    )
    return user


# Django's own force_login, kept before the fixture below replaces it for the tests.
_django_force_login = Client.force_login


def force_login_password_only(client: Client, user: Any) -> None:
    """Sign ``user`` in as if only the password had been given (no second factor)."""
    _django_force_login(client, user)


def verify_second_factor(client: Client, user: Any) -> TOTPDevice:
    """Mark ``client``'s session as having passed the code step; return the user's app.

    A user without an authenticator app gets one (a real, confirmed TOTP device).
    """
    device = two_factor.authenticator(user)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=two_factor.TOTP_NAME, confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


def _force_login_with_second_factor(client: Client, user: Any, backend: str | None = None) -> None:
    _django_force_login(client, user, backend)
    if two_factor.needs_second_step(user):
        verify_second_factor(client, user)


@pytest.fixture(autouse=True)
def force_login_passes_second_factor() -> Iterator[None]:
    """Make ``Client.force_login`` sign in fully: password and, if needed, the second factor.

    Page and API tests are about what a signed-in user sees, not about signing in; without
    this every test signing in an administrator would first have to type a code. Not done
    with the ``monkeypatch`` fixture, which some tests undo wholesale.
    """
    # assignment: mypy takes a function stored on a class for one that will be bound, so it
    # wants a second self; Django's own method is stored back below without that complaint.
    Client.force_login = _force_login_with_second_factor  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        Client.force_login = _django_force_login  # type: ignore[method-assign]


def current_code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """Return the code the authenticator app shows now (or ``steps_ahead`` steps later)."""
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift + steps_ahead)
    return f"{code:0{device.digits}d}"
