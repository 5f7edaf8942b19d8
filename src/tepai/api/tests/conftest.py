"""Fixtures of the API tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import override_settings

from tepai.api.tests.world import World, build_world


@pytest.fixture
def world(db: None) -> World:
    return build_world()


@pytest.fixture
def hashing_encoder() -> Iterator[None]:
    # The lexical encoder: no sentence-encoder model to load in tests.
    with override_settings(TEPAI_MATCH_ENCODER="hashing"):
        yield
