"""The authentication backend: Django's model backend plus the per-source sign-in pause."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from tepai.accounts import lockout


class LockoutBackend(ModelBackend):
    """Check the password, then refuse a paused source (even with the right password).

    Every sign-in path (the login page, the Django admin, test clients) goes through
    ``authenticate()``, so the pause cannot be sidestepped by signing in elsewhere. Every
    attempt costs exactly one password hash, whether the name exists, the source is paused
    or the password is wrong: nothing answers before the hash, so timing tells nothing.
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
        source = lockout.source_of(request)
        paused = lockout.blocked_until(username, source) is not None
        try:
            user = user_model._default_manager.get_by_natural_key(username)
        except user_model.DoesNotExist:
            user = None
            # The same hash a known name costs, so unknown and known names take the same time.
            make_password(password)
            correct = False
        else:
            correct = user is not None and user.check_password(password)
        if paused:
            # PermissionDenied stops authenticate() here; it still sends user_login_failed,
            # which the audit log records. Attempts during a pause do not lengthen it.
            raise PermissionDenied
        if correct and self.user_can_authenticate(user):
            lockout.register_success(username, source)
            return user
        lockout.register_failure(username, source, user)
        return None
