"""Test-wide fixtures."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.db.backends.signals import connection_created
from django.utils import translation

# Client.force_login signs in with the second factor too (tepai.testing.accounts).
from tepai.testing.accounts import force_login_passes_second_factor

__all__ = ["force_login_passes_second_factor"]


def pytest_configure(config: pytest.Config) -> None:
    # Browser tests (tests/browser/) drive Chromium against a live server; `-m "not browser"`
    # leaves them out of a quick run.
    config.addinivalue_line("markers", "browser: drives a real Chromium (tests/browser/)")


@pytest.fixture(autouse=True)
def _audit_log_flushable(request: pytest.FixtureRequest) -> Iterator[None]:
    # After a transactional test Django empties SQLite tables with DELETE, which the audit
    # log's append-only trigger refuses: empty it first, with the retention prune's permit.
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    if not transactional:
        yield
        return
    request.getfixturevalue("transactional_db")  # so that this teardown runs before the flush
    yield
    from tepai.testing.audit import clear_log_before_flush

    with request.getfixturevalue("django_db_blocker").unblock():
        clear_log_before_flush()


@pytest.fixture(autouse=True)
def _fresh_dashboards() -> Iterator[None]:
    # A rolled-back test reuses audit entry ids, the remembered dashboards' data version.
    from tepai.web import dashboard_cache

    dashboard_cache.clear()
    yield
    dashboard_cache.clear()


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    # A request with another language (e.g. the English switch) activates it for the whole
    # thread; start and end every test in the default, Chinese.
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def readers_do_not_lock() -> Iterator[None]:
    """Let the test's reads run beside the worker thread's writes, as they do in production.

    The SQLite test database is in memory with a shared cache, where a reader locks the table
    against other connections' writes and the writer fails at once ("database table is
    locked") instead of waiting; the file database in WAL mode has neither problem.
    """

    def uncommitted_reads(connection: Any, **_kwargs: Any) -> None:
        if connection.vendor == "sqlite":
            connection.cursor().execute("PRAGMA read_uncommitted = 1")

    connection_created.connect(uncommitted_reads)
    uncommitted_reads(connection)
    try:
        yield
    finally:
        connection_created.disconnect(uncommitted_reads)
