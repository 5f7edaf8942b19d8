"""Test helpers for accounts: users of each role and fast password hashing."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings

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
        from tepai.core.testing import make_commissioner

        account["commissioner"] = make_commissioner()
    if role is Role.ENTERPRISE and "enterprise" not in account:
        from tepai.core.testing import make_enterprise

        account["enterprise"] = make_enterprise()
    Account.objects.create(
        user=user, role=role, must_change_password=must_change_password, **account
    )
    return user
