"""Test-wide fixtures."""

from collections.abc import Iterator

import pytest
from django.conf import settings
from django.utils import translation


def pytest_configure(config: pytest.Config) -> None:
    # Browser tests (tests/browser/) drive Chromium against a live server; `-m "not browser"`
    # leaves them out of a quick run.
    config.addinivalue_line("markers", "browser: drives a real Chromium (tests/browser/)")


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    # A request with another language (e.g. the English switch) activates it for the whole
    # thread; start and end every test in the default, Chinese.
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
