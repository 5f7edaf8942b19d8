"""The access log of ``tepai serve``: one line per request, written when its response is sent.

Like Paste's TransLogger, it wraps the WSGI application, so it sees every request, static
files and errors included, with the status and the bytes actually sent. The line reads::

    127.0.0.1 "GET /demands/ HTTP/1.1" 200 18234B 41.2ms rid=3f9c… user=7

The query string is left out: searches and filters (names, phone numbers) are personal data
that an access log kept for months should not hold.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from tepai.core.requestid import REQUEST_ID_HEADER, USER_ID_ENVIRON_KEY

__all__ = ["AccessLogMiddleware", "access_logger"]

access_logger = logging.getLogger("tepai.access")

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def _printable_path(path_info: str) -> str:
    """Return the request path as the user typed it, with control characters escaped.

    WSGI hands the path over decoded from percent-escapes as Latin-1; a ``%0A`` in it would
    otherwise start a forged line in the log.
    """
    try:
        path = path_info.encode("latin-1").decode("utf-8")
    except UnicodeError:
        path = path_info
    return (
        "".join(
            char if char.isprintable() and char != '"' else f"\\x{ord(char):02x}" for char in path
        )
        or "/"
    )


class _LoggedBody:
    """The response body, counted as it is sent; the line is logged when the server closes it."""

    def __init__(self, body: Iterable[bytes], done: Callable[[int], None]) -> None:
        self._body = body
        self._done = done
        self._sent = 0

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._body:
            self._sent += len(chunk)
            yield chunk

    def close(self) -> None:
        try:
            close = getattr(self._body, "close", None)
            if close is not None:
                close()
        finally:
            self._done(self._sent)


class AccessLogMiddleware:
    """Wrap a WSGI application so that every request it answers is logged to ``tepai.access``."""

    def __init__(self, app: WSGIApp) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        started = time.perf_counter()
        seen: dict[str, str] = {"status": "-", "request_id": "-"}

        def recording_start_response(
            status: str, headers: list[tuple[str, str]], *args: Any
        ) -> Any:
            seen["status"] = status.split(" ", 1)[0]
            for name, value in headers:
                if name.lower() == REQUEST_ID_HEADER.lower():
                    seen["request_id"] = value
            return start_response(status, headers, *args)

        def done(sent: int) -> None:
            access_logger.info(
                '%s "%s %s %s" %s %dB %.1fms rid=%s user=%s',
                environ.get("REMOTE_ADDR", "-"),
                environ.get("REQUEST_METHOD", "-"),
                _printable_path(environ.get("PATH_INFO", "")),
                environ.get("SERVER_PROTOCOL", "-"),
                seen["status"],
                sent,
                (time.perf_counter() - started) * 1000,
                seen["request_id"],
                environ.get(USER_ID_ENVIRON_KEY, "-"),
                extra={"request_id": seen["request_id"]},
            )

        try:
            body = self.app(environ, recording_start_response)
        except BaseException:
            seen["status"] = "500"
            done(0)
            raise
        return _LoggedBody(body, done)
