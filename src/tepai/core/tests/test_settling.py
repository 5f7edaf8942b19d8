"""A server process collects and freezes what it has loaded once, after its first request."""

from __future__ import annotations

import gc
import importlib

import pytest
from django.conf import settings
from django.core.signals import request_finished
from django.test import Client

from tepai.core.settling import settle_after_first_request

UID = "tepai-settle-after-first-request"

pytestmark = pytest.mark.django_db


def test_the_first_finished_request_collects_then_freezes_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[str] = []

    def collect(*args: object) -> int:
        calls.append("collect")
        return 0

    monkeypatch.setattr(gc, "collect", collect)
    monkeypatch.setattr(gc, "freeze", lambda: calls.append("freeze"))
    settle_after_first_request()
    client = Client()
    assert client.get(settings.LOGIN_URL).status_code == 200
    assert calls == ["collect", "freeze"]
    client.get(settings.LOGIN_URL)
    assert calls == ["collect", "freeze"]


def test_the_wsgi_application_settles_after_its_first_request() -> None:
    import tepai.wsgi

    request_finished.disconnect(dispatch_uid=UID)
    importlib.reload(tepai.wsgi)  # as a server process imports it
    assert request_finished.disconnect(dispatch_uid=UID)
