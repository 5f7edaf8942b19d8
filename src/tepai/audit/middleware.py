"""Middleware that tells the audit log who is behind the current request."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from tepai.audit.context import acting, actor_from_request


class AuditContextMiddleware:
    """Make the request's user and client IP known to model signals (after authentication)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with acting(lambda: actor_from_request(request)):
            return self.get_response(request)
