"""The web speed benchmark's data generator and timer still work (on a tiny programme)."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from django.test import override_settings

from tepai.commissioners.models import Commissioner, WorkItem
from tepai.demands.models import Demand
from tepai.projects.models import Project

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def web_data() -> ModuleType:
    return _load("web_data")


@pytest.fixture(scope="module")
def web_speed() -> ModuleType:
    return _load("web_speed")


@pytest.fixture
def programme(db: Any, web_data: ModuleType) -> dict[str, int]:
    size = web_data.Size(commissioners=40, enterprises=30, demands=300, seed=3)
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        return web_data.populate(size, say=lambda _line: None)


def test_it_fills_every_registry_in_proportion(programme: dict[str, int]) -> None:
    assert Commissioner.objects.count() == programme["commissioners"] == 40
    assert WorkItem.objects.count() >= 80  # 2–4 each
    assert Demand.objects.count() == 300
    assert Demand.objects.values("enterprise").distinct().count() > 10
    assert Project.objects.count() == programme["projects"] > 0
    assert all(count > 0 for count in programme.values()), programme
    # Realistic Chinese text, not placeholders.
    assert any("\u4e00" <= ch <= "\u9fff" for ch in Demand.objects.first().problem)


def test_it_is_the_same_for_the_same_seed(web_data: ModuleType, db: Any) -> None:
    first = web_data.Size(commissioners=5, enterprises=5, demands=20, seed=9)
    web_data.populate(first, say=lambda _line: None)
    titles = list(Demand.objects.order_by("code").values_list("title", flat=True))
    # The texts are profile_generator's, drawn from the seed alone (a title an enterprise
    # already has gets a number: the natural key is unique).
    generator = sys.modules["profile_generator"]
    expected = [d.title[:190] for d in generator.generate_demands(20, 9)]
    assert [re.sub(r"（\d+）$", "", title) for title in titles] == expected
    assert len(set(titles)) == len(titles)


def test_it_times_pages_for_each_role(programme: dict[str, int], web_speed: ModuleType) -> None:
    timings = web_speed.run(["admin", "commissioner"], repeat=2, only="demands")
    pages = {(t.role, t.page) for t in timings}
    assert ("admin", "demands") in pages
    assert ("admin", "demands search") in pages
    assert ("commissioner", "demands filter") in pages
    assert all(t.p50_ms > 0 and t.p95_ms >= t.p50_ms for t in timings)
    assert web_speed.percentile([1.0, 2.0, 3.0, 4.0, 5.0], 0.5) == 3.0
    assert web_speed.percentile([10.0, 20.0], 0.95) == pytest.approx(19.5)
