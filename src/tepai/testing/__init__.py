"""Test support shared by the test suites: factories, the seeded world, account helpers.

Not part of the application: the wheel leaves this package out (``pyproject.toml``, checked
by ``tests/test_wheel.py``), so nothing at run time may import it, and it may import pytest.

- :mod:`tepai.testing.factories`: one saved record of a kind, with sensible defaults;
- :mod:`tepai.testing.world`: the seeded programme the page, API, browser, to-do and
  permission tests share;
- :mod:`tepai.testing.accounts`: users of a role, fast hashing, signing in past the second factor;
- :mod:`tepai.testing.audit`: emptying the append-only audit log before a test's flush.
"""
