"""How API requests are authenticated: a bearer token, or the browser's session.

Either way ``request.user`` ends up being the acting user, so permission checks, masking and
audit records treat token clients and browser pages alike.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from tepai.api.errors import Forbidden
from tepai.api.tokens import user_for_token

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# Request attribute saying how the user signed in: "token" or "session".
AUTH_METHOD = "tepai_auth_method"


class BearerTokenAuth(HttpBearer):
    """``Authorization: Bearer <token>`` with a token from ``tepai token create``."""

    def authenticate(self, request: HttpRequest, token: str) -> Any | None:
        # A client that sends a token means to use it: a refused token raises (401/403)
        # rather than falling back to the session, which would hide a revoked or mistyped one.
        user = user_for_token(token.strip())
        request.user = user
        setattr(request, AUTH_METHOD, "token")
        return user


class SessionAuth(APIKeyCookie):
    """The signed-in browser session; unsafe methods must carry the CSRF token.

    Token requests skip CSRF (no cookie is sent automatically with them), session requests
    cannot: a page on another site could otherwise make the browser post on the user's behalf.
    """

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        # The CSRF check needs the signed-in user first (anonymous requests answer 401, not a
        # CSRF failure), so it happens in authenticate() rather than here as Ninja does.
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        account = getattr(user, "account", None)
        if account is not None and account.must_change_password:
            # The pages hold such a user on the password form; the API must not be the way
            # around it.
            raise Forbidden(
                _("请先在网页上修改初始密码，再使用接口"), code="password_change_required"
            )
        if request.method not in SAFE_METHODS and check_csrf(request) is not None:
            raise Forbidden(
                _("CSRF 校验失败：请刷新页面后重试，或在 X-CSRFToken 请求头中提供令牌"),
                code="csrf_failed",
            )
        setattr(request, AUTH_METHOD, "session")
        return user
