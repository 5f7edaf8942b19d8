"""Middleware that holds users on a required step: the second factor, a temporary password."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from tepai.accounts import two_factor
from tepai.api.errors import error_response

# Pages a user who must change the password may still open.
ALLOWED_URL_NAMES = frozenset({"password_change", "logout", "login", "set_language"})
# Pages a signed-in user who still owes the second factor may open.
SECOND_STEP_URL_NAMES = frozenset(
    {"login_verify", "login_enrol", "logout", "login", "set_language"}
)


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


class SecondFactorRequiredMiddleware:
    """Hold a signed-in user who needs a second factor until this session has given it.

    The sign-in page itself signs such users in only after the code, so this catches the
    other ways into a session (the Django admin's own sign-in form): pages send the user to
    the code step (or to enrolment when they have no authenticator app yet), and the API
    answers 403 for the session, while bearer tokens are unaffected.
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
        if getattr(user, "is_verified", lambda: False)():
            return None
        match = request.resolver_match
        if match is not None and match.url_name in SECOND_STEP_URL_NAMES:
            return None
        if not two_factor.needs_second_step(user):
            return None
        if request.path_info.startswith("/api/"):
            if request.META.get("HTTP_AUTHORIZATION"):
                return None  # a token request: the token, not the session, is the credential
            return error_response(
                403,
                "second_factor_required",
                _("请先在网页上完成两步验证，再使用接口"),
            )
        step = "login_verify" if two_factor.is_enrolled(user) else "login_enrol"
        return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")
