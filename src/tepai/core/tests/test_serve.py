"""`tepai serve` starts answering at once and warms the matching engine in the background."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
import waitress
from django.core.management import call_command

from tepai.matchmaking import warmup

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
