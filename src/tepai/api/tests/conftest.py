"""Fixtures of the API tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import override_settings

from tepai.api.tests.world import World, build_world
from tepai.recommender import live


@pytest.fixture
def world(db: None) -> World:
    return build_world()


@pytest.fixture
def hashing_encoder() -> Iterator[None]:
    # The lexical encoder: no sentence-encoder model to load in tests. The process-wide
    # engine is dropped around the test so it is built with this encoder.
    live.reset()
    with override_settings(TEPAI_MATCH_ENCODER="hashing"):
        yield
    live.reset()
