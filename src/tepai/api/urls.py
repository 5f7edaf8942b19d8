"""URL routes of tepai.api: the API's endpoints, its schema and docs, and JSON 404s.

The API authenticates each request itself and answers 401 JSON, so its views are exempt
from the site-wide login redirect (``login_not_required``). The docs page is an HTML page
and uses the normal login.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_not_required, login_required
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path, re_path
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from tepai.api.auth import BearerTokenAuth, SessionAuth
from tepai.api.errors import ApiError, error_response
from tepai.api.main import api


def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """Answer an unknown address under /api/ with the JSON error shape."""
    return error_response(404, "not_found", _("接口地址不存在：%(path)s") % {"path": request.path})


def _json_method_errors(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Answer Ninja's plain-text 405 (method not allowed) in the JSON error shape."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith(
            "application/json"
        ):
            allowed = response.get("Allow", "")
            message = _("不支持 %(method)s 请求（可用：%(allowed)s）") % {
                "method": request.method,
                "allowed": allowed,
            }
            json_response = error_response(405, "method_not_allowed", message)
            json_response["Allow"] = allowed
            return json_response
        return response

    return wrapped


def _signed_in(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Let only a signed-in user (session or token) read the schema; others get 401 JSON."""
    checks = (BearerTokenAuth(), SessionAuth())

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            user = next((u for check in checks if (u := check(request)) is not None), None)
        except ApiError as error:
            return error_response(error.status, error.code, error.message, error.fields)
        if user is None:
            return error_response(
                401,
                "not_authenticated",
                _("请先登录，或在 Authorization 请求头中提供有效的接口令牌"),
            )
        return view(request, *args, **kwargs)

    return wrapped


def _routes() -> list[URLPattern | URLResolver]:
    patterns, _app, _namespace = api.urls
    routes: list[URLPattern | URLResolver] = []
    for pattern in patterns:
        assert isinstance(pattern, URLPattern)
        if pattern.name == "openapi-view":
            routes.append(path("docs", login_required(pattern.callback), name=pattern.name))
            continue
        if pattern.name == "api-root":
            # Ninja needs a route named api-root to know where it is mounted; answer it
            # like any unknown address.
            routes.append(path("", login_not_required(csrf_exempt(not_found)), name="api-root"))
            continue
        callback = pattern.callback
        if pattern.name == "openapi-json":
            callback = _signed_in(callback)
        else:
            callback = _json_method_errors(callback)
        pattern.callback = login_not_required(callback)
        routes.append(pattern)
    # [\s\S] rather than ".": line breaks too, or /api/x/%0A would fall through to the site's
    # HTML 404 page.
    routes.append(re_path(r"^[\s\S]*$", login_not_required(csrf_exempt(not_found))))
    return routes


app_name = "api"
urlpatterns: list[URLPattern | URLResolver] = _routes()
