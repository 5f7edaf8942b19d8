"""The authentication backend: Django's model backend plus the account lock."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from tepai.accounts import lockout


class LockoutBackend(ModelBackend):
    """Refuse locked accounts (even with the right password) and count failed passwords.

    Every sign-in path (the login page, the Django admin, the API, test clients) goes through
    ``authenticate()``, so the lock cannot be sidestepped by logging in elsewhere.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        user_model = get_user_model()
        if username is None:
            username = kwargs.get(user_model.USERNAME_FIELD)
        if username is None or password is None:
            return None
        try:
            user = user_model._default_manager.get_by_natural_key(username)
        except user_model.DoesNotExist:
            # Hash anyway so that unknown and known names take the same time.
            user_model().set_password(password)
            return None
        if lockout.locked_until(user) is not None:
            # PermissionDenied stops authenticate() here; it still sends user_login_failed.
            raise PermissionDenied
        if user.check_password(password) and self.user_can_authenticate(user):
            lockout.register_success(user)
            return user
        lockout.register_failure(user)
        return None
