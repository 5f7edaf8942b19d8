"""Middleware that keeps users with a temporary password on the password-change page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

# Pages a user who must change the password may still open.
ALLOWED_URL_NAMES = frozenset({"password_change", "logout", "login", "set_language"})


class PasswordChangeRequiredMiddleware:
    """Send users whose account says must_change_password to /password/ until they do.

    Runs its check in process_view, after LoginRequiredMiddleware, so anonymous users are
    sent to the login page first. The API (/api/) authenticates and answers by itself.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: Any,
        view_kwargs: Any,
    ) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        account = getattr(user, "account", None)
        if account is None or not account.must_change_password:
            return None
        match = request.resolver_match
        if match is not None and match.url_name in ALLOWED_URL_NAMES:
            return None
        if request.path_info.startswith("/api/"):
            return None
        return redirect("password_change")
