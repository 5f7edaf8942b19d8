"""A request id on every request: in the ``X-Request-ID`` response header and in every log line.

When a user reports an error page, the id in its response (or the access log) finds the
traceback in ``$TEPAI_HOME/logs/tepai.log``. A reverse proxy's own ``X-Request-ID`` is kept
when it looks like an id, so one id follows the request through both logs.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar

from django.core.signals import request_finished
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponseBase
from django.utils.functional import empty

__all__ = [
    "REQUEST_ID_HEADER",
    "USER_ID_ENVIRON_KEY",
    "RequestIdFilter",
    "RequestIdMiddleware",
    "current_request_id",
]

REQUEST_ID_HEADER = "X-Request-ID"
# Where the signed-in user's id is left in the WSGI environ for the access log, which runs
# outside Django (request.META is the environ).
USER_ID_ENVIRON_KEY = "tepai.user_id"
# Letters, digits and - _ . only, at most 64: anything else (spaces, line breaks that could
# forge a log line, megabytes of header) is replaced by a fresh id.
_SANE_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
_NO_REQUEST = "-"

_request_id: ContextVar[str] = ContextVar("tepai_request_id", default=_NO_REQUEST)


def current_request_id() -> str:
    """Return the id of the request being handled in this thread, or "-" outside one."""
    return _request_id.get()


class RequestIdFilter(logging.Filter):
    """Give every log record a ``request_id`` attribute (for the formatter's ``{request_id}``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = _request_id.get()
        return True


class RequestIdMiddleware:
    """Assign the request id, expose it while the request runs, and return it as a header."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = incoming if _SANE_ID.fullmatch(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        # Kept until the server has sent the response (request_finished, below): Django logs
        # 404s and other 4xx only after the whole middleware chain has returned.
        _request_id.set(request_id)
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request_id
        user_id = _known_user_id(request)
        if user_id is not None:
            request.META[USER_ID_ENVIRON_KEY] = user_id
        return response


def _known_user_id(request: HttpRequest) -> str | None:
    """Return the id of the user the request already looked up, if one is signed in."""
    user = getattr(request, "user", None)
    # A user nobody asked for stays unasked: the log must not cost a session query.
    if user is None or getattr(user, "_wrapped", None) is empty:
        return None
    return str(user.pk) if user.is_authenticated else None


@receiver(request_finished, dispatch_uid="tepai.core.requestid.clear")
def _clear_request_id(**_kwargs: object) -> None:
    # A thread of the server's pool logs nothing between requests under the last one's id.
    _request_id.set(_NO_REQUEST)
