"""Logs: a 500 leaves its traceback, with the request id, in $TEPAI_HOME/logs/tepai.log; every
response names its request id; `tepai serve` writes an access log (issue 9, finding 13).
"""

from __future__ import annotations

import io
import logging
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import path

from tepai.core.accesslog import AccessLogMiddleware
from tepai.core.requestid import REQUEST_ID_HEADER, current_request_id
from tepai.web.tests.conftest import make_user

BOOM = f"日志测试故障 {uuid.uuid4().hex}"


@login_not_required
def _boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError(BOOM)


@login_not_required
def _whoami(request: HttpRequest) -> HttpResponse:
    logging.getLogger("tepai.tests").warning("inside the view")
    return HttpResponse(current_request_id())


urlpatterns = [path("boom/", _boom), path("whoami/", _whoami)]


def _log_text(name: str) -> str:
    for handler in logging.getLogger().handlers + logging.getLogger("tepai.access").handlers:
        handler.flush()
    log = Path(settings.LOG_DIR) / name
    return log.read_text(encoding="utf-8") if log.exists() else ""


def _entry(text: str, request_id: str) -> str:
    """Return the log entry (first line and its traceback) that names ``request_id``."""
    start = text.rfind("\n", 0, text.index(f"[{request_id}]")) + 1
    following = text.find("\n20", start)  # the next entry starts with its date
    return text[start : following if following != -1 else len(text)]


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_a_500_leaves_its_traceback_and_request_id_in_the_log_file() -> None:
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    request_id = response[REQUEST_ID_HEADER]
    assert len(request_id) == 32
    entry = _entry(_log_text("tepai.log"), request_id)
    assert "ERROR" in entry and "django.request" in entry
    assert "Traceback (most recent call last)" in entry
    assert f"RuntimeError: {BOOM}" in entry
    assert BOOM.encode() not in response.content  # the user sees the error page, not the trace


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_every_log_line_and_response_names_the_request() -> None:
    response = Client().get("/whoami/")
    request_id = response[REQUEST_ID_HEADER]
    assert response.content.decode() == request_id
    assert "inside the view" in _entry(_log_text("tepai.log"), request_id)
    assert current_request_id() == "-"  # nothing after the request is put under its id
    # A 404 is logged after the middleware chain has returned, still under the request's id.
    missing = Client().get("/no-such-page/")
    assert "Not Found: /no-such-page/" in _entry(_log_text("tepai.log"), missing[REQUEST_ID_HEADER])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("incoming", "kept"),
    [
        ("proxy-3f9c2a7e1b", True),
        ("abc", False),  # too short to be an id
        ("x" * 65, False),
        ("forged\nERROR line", False),
        ("<script>", False),
    ],
)
def test_a_proxys_request_id_is_kept_only_when_it_looks_like_one(incoming: str, kept: bool) -> None:
    response = Client().get("/login/", headers={"X-Request-ID": incoming})
    assert (response[REQUEST_ID_HEADER] == incoming) is kept
    if not kept:
        assert len(response[REQUEST_ID_HEADER]) == 32


def _environ(path_info: str, **extra: Any) -> dict[str, Any]:
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path_info,
        "QUERY_STRING": "q=13812345678",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "localhost",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": io.StringIO(),
        **extra,
    }


def _call(app: Any, environ: dict[str, Any]) -> tuple[str, dict[str, str], bytes]:
    answer: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], *args: Any) -> None:
        answer.update(status=status, headers=dict(headers))

    # As Django's test client does: a starting or finished request would otherwise close the
    # database connection the test's transaction runs on (PostgreSQL then fails the next query).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        body = app(environ, start_response)
        try:
            content = b"".join(body)
        finally:
            body.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return answer["status"], answer["headers"], content


@pytest.mark.django_db
def test_the_access_log_names_request_status_bytes_time_id_and_user() -> None:
    app = AccessLogMiddleware(WSGIHandler())
    status, headers, content = _call(app, _environ("/login/"))
    assert status.startswith("200")
    line = next(
        line for line in _log_text("access.log").splitlines() if headers["X-Request-ID"] in line
    )
    assert f'127.0.0.1 "GET /login/ HTTP/1.1" 200 {len(content)}B' in line
    assert line.endswith(" user=-") and "ms rid=" in line
    assert "13812345678" not in line  # query strings (searches) stay out of the log

    user = make_user("logged", "admin")
    client = Client()
    client.force_login(user)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    status, headers, _content = _call(app, _environ("/password/", HTTP_COOKIE=cookie))
    line = next(
        line for line in _log_text("access.log").splitlines() if headers["X-Request-ID"] in line
    )
    assert line.endswith(f" user={user.pk}"), line


def test_the_access_log_cannot_be_forged_through_the_path() -> None:
    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("404 Not Found", [("X-Request-ID", "fixed-id-for-test")])
        return [b"x"]

    # "/a%0A2026-01-01 forged" as WSGI hands it over: percent-decoded, as Latin-1.
    path_info = "/需求\n2026-01-01 forged".encode().decode("latin-1")
    _call(AccessLogMiddleware(app), _environ(path_info))
    lines = [line for line in _log_text("access.log").splitlines() if "fixed-id-for-test" in line]
    assert lines and '"GET /需求\\x0a2026-01-01 forged HTTP/1.1" 404 1B' in lines[-1]
    assert not any(line.startswith("2026-01-01 forged") for line in _log_text("access.log"))
