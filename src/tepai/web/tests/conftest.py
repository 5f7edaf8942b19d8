"""The web page tests: the shared seeded programme (:mod:`tepai.testing.world`), isolated."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import override_settings

# World and make_user are imported from here by the page tests and a few others.
from tepai.testing.world import World, build_world, make_user

__all__ = ["World", "make_user"]


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Any) -> Iterator[None]:
    # Uploads go to a per-test media directory; matching never loads the sentence encoder.
    with override_settings(
        MEDIA_ROOT=tmp_path / "media",
        TEPAI_IMPORT_UPLOAD_DIR=tmp_path / "import-uploads",
        TEPAI_MATCH_ENCODER="hashing",
    ):
        yield


@pytest.fixture(autouse=True)
def audit_calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, dict[str, Any]]]:
    """Record the web views' audit calls (the audit log itself is tested in tepai.audit)."""
    calls: list[tuple[str, dict[str, Any]]] = []

    def fake(action: str, request: Any, *, target: Any = None, detail: Any = None) -> None:
        calls.append((action, detail or {}))

    monkeypatch.setattr("tepai.web.views.registry.audit", fake)
    monkeypatch.setattr("tepai.web.views.importing.audit", fake)
    return calls


@pytest.fixture
def world(db: Any) -> World:
    return build_world()
