"""A stand-in for the document generator, for tests of the job and page machinery only.

It records each call and returns a small document of the asked format, reporting progress as
the real generator does; a test may make it fail or wait. Never used outside tests.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import connection
from django.utils import translation

KINDS = {
    "bulletin": "工作简报",
    "monthly": "月报",
    "summary": "工作总结",
    "notice": "通报",
    "press": "新闻通稿",
}
NEEDS = {"summary": "batch", "press": "event"}


@dataclass
class FakeDocuments:
    calls: list[dict[str, Any]] = field(default_factory=list)
    error: Exception | None = None
    # Set by a test to hold the generator until it is released.
    gate: threading.Event | None = None
    started: threading.Event = field(default_factory=threading.Event)

    def kinds(self) -> list[tuple[str, str, str]]:
        return [(key, label, NEEDS.get(key, "period")) for key, label in KINDS.items()]

    def generate(
        self,
        kind: str,
        *,
        period: Any,
        batch: Any,
        event: Any,
        fmt: str,
        progress: Callable[[int, str], None],
    ) -> bytes:
        self.calls.append(
            {
                "kind": kind,
                "period": period,
                "batch": batch,
                "event": event,
                "fmt": fmt,
                "in_transaction": connection.in_atomic_block,
                "language": translation.get_language(),
            }
        )
        self.started.set()
        progress(30, "统计指标")
        if self.gate is not None:
            assert self.gate.wait(10), "the test never released the generator"
        progress(70, "绘制图表")
        if self.error is not None:
            raise self.error
        title = f"{KINDS[kind]} {period.label if period else ''}".strip()
        if fmt == "html":
            return f"<!doctype html><html><body><h1>{title}</h1></body></html>".encode()
        return f"%{fmt.upper()} {title}".encode()


@pytest.fixture
def fake_documents(monkeypatch: pytest.MonkeyPatch) -> FakeDocuments:
    fake = FakeDocuments()
    monkeypatch.setattr("tepai.reports.jobs.document_kinds", fake.kinds)
    monkeypatch.setattr("tepai.reports.jobs.generate_document", fake.generate)
    return fake
