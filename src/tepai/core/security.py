"""The Content-Security-Policy every response carries unless its view set a stricter one.

Django 5.2 has no CSP of its own (it arrives in 6.0), so this small middleware sends one. The
pages run no inline script and no inline event handler (a test walks the templates and the
rendered pages for them): scripts come only from tepai's own static files, so a string that
slips into a page unescaped cannot run.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

__all__ = ["CONTENT_SECURITY_POLICY", "ContentSecurityPolicyMiddleware"]

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
        # data: for the small icons stylesheets embed (Swagger UI on /api/docs).
        "img-src 'self' data:",
        "style-src 'self'",
    ]
)


class ContentSecurityPolicyMiddleware:
    """Add CONTENT_SECURITY_POLICY to responses that have no policy of their own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        # Django's technical error pages (debug mode only) style themselves inline.
        technical = settings.DEBUG and response.status_code in (404, 500)
        if "Content-Security-Policy" not in response and not technical:
            response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        return response
