"""`tepai serve`: answers at once, warms the matching engine in the background, caps bodies."""

from __future__ import annotations

import socket
import threading
import time
from io import StringIO
from typing import Any

import pytest
import waitress
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from waitress import wasyncore

from tepai.core.accesslog import AccessLogMiddleware
from tepai.core.management.commands.serve import allow_bound_host, waitress_options
from tepai.engagements.photos import PHOTO_MAX_BYTES
from tepai.recommender import warmup
from tepai.web.importing import MAX_UPLOAD_BYTES

pytestmark = pytest.mark.django_db


def _serve(monkeypatch: pytest.MonkeyPatch, *args: str) -> list[dict[str, Any]]:
    """Run the command with the server and the warm-up replaced; return the warm-up calls."""
    order: list[str] = []
    started: list[dict[str, Any]] = []

    def start_background(**options: Any) -> None:
        order.append("warm-up")
        started.append(options)

    monkeypatch.setattr(warmup, "start_background", start_background)
    monkeypatch.setattr(waitress, "serve", lambda *a, **k: order.append("serve"))
    call_command("serve", *args, stdout=StringIO())
    assert order[-1] == "serve"  # the server starts without waiting for the engine
    return started


def test_serve_warms_the_engine_in_the_background(monkeypatch: pytest.MonkeyPatch) -> None:
    started = _serve(monkeypatch)
    assert started == [
        {"queries": True, "keyword_skills": False, "load_model": True, "rehearse": True}
    ]


def test_serve_can_skip_the_warm_up(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _serve(monkeypatch, "--no-warm-up") == []


# ----- request bodies and hosts (issue 9, finding 9) ---------------------------------------


def test_serve_caps_request_bodies_and_logs_access(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[Any, dict[str, Any]]] = []
    monkeypatch.setattr(waitress, "serve", lambda app, **kw: calls.append((app, kw)))
    call_command("serve", "--no-warm-up", stdout=StringIO())
    [(app, options)] = calls
    assert isinstance(app, AccessLogMiddleware)
    assert options["max_request_body_size"] == settings.MAX_REQUEST_BODY_BYTES


def test_the_body_limit_fits_the_largest_upload_and_no_more() -> None:
    largest = max(MAX_UPLOAD_BYTES, PHOTO_MAX_BYTES)
    assert largest < settings.MAX_REQUEST_BODY_BYTES <= largest + 2 * 1024 * 1024
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 5 * 1024 * 1024


def _raw_request(port: int, head: bytes, body: bytes = b"") -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(head + body)
        # The answer must come without the (announced) body being sent.
        received = b""
        while b"\r\n\r\n" not in received:
            chunk = sock.recv(65536)
            if not chunk:
                break
            received += chunk
        return received


def test_waitress_refuses_an_oversized_body_before_reading_it() -> None:
    sockets: dict[int, Any] = {}
    server = waitress.create_server(
        AccessLogMiddleware(WSGIHandler()), map=sockets, **waitress_options("127.0.0.1", 0, 2)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        port = server.effective_port
        huge = 200 * 1024 * 1024  # what was accepted before answering 401/403
        started = time.perf_counter()
        answer = _raw_request(
            port,
            b"POST /api/demands/ HTTP/1.1\r\nHost: localhost\r\n"
            b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n" % huge,
        )
        assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
        assert time.perf_counter() - started < 5
        # A body within the limit reaches tepai (which refuses the forged form: no CSRF token).
        small = b"x" * 1024
        answer = _raw_request(
            port,
            b"POST /login/ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n"
            % len(small),
            small,
        )
        assert answer.startswith(b"HTTP/1.1 403"), answer[:200]
    finally:
        # Closed from the server's own loop (closing its sockets from this thread races with
        # its select()); the loop ends when no socket is left.
        server.trigger.pull_trigger(lambda: wasyncore.close_all(sockets))
        thread.join(timeout=10)
        server.task_dispatcher.shutdown()
        assert not thread.is_alive()


def test_serve_answers_to_the_address_it_is_bound_to(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "ALLOWED_HOSTS", ["localhost"])
    allow_bound_host("0.0.0.0")
    allow_bound_host("::")
    assert settings.ALLOWED_HOSTS == ["localhost"]  # a wildcard address names no host
    allow_bound_host("10.1.2.3")
    allow_bound_host("fe80::1")
    allow_bound_host("localhost")
    assert settings.ALLOWED_HOSTS == ["localhost", "10.1.2.3", "[fe80::1]"]
