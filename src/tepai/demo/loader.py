"""Loading the demo programme through the platform's own importers."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from importlib import resources
from pathlib import Path

from django.db import transaction

from tepai.accounts.validators import character_classes
from tepai.core.importing import ImportResult, read_table
from tepai.core.importing.registry import get_importer, importer_names


def demo_files() -> list[tuple[str, Path]]:
    """Return (registry, path) for every demo data file, in the order they must load."""
    folder = resources.files("tepai.demo") / "data"
    found = []
    for registry in importer_names():
        candidate = folder / f"{registry}.csv"
        if candidate.is_file():
            found.append((registry, Path(str(candidate))))
    return found


@transaction.atomic
def load_demo(progress: Callable[[str], None] = lambda _: None) -> list[ImportResult]:
    """Import every demo file; all files load or none do. Re-running updates in place."""
    results = []
    for registry, path in demo_files():
        importer = get_importer(registry)()
        result = importer.run(read_table(path))
        progress(result.summary())
        results.append(result)
    return results


def demo_password(home: Path) -> str:
    """Return TEPAI_DEMO_PASSWORD, or the password generated on the first demo run.

    The generated one is kept (owner-only) under TEPAI_HOME so that running the demo again
    prints the same login instead of silently changing it.
    """
    configured = os.environ.get("TEPAI_DEMO_PASSWORD", "").strip()
    if configured:
        return configured
    stored = home / "demo-password"
    if stored.exists() and stored.read_text(encoding="utf-8").strip():
        return stored.read_text(encoding="utf-8").strip()
    home.mkdir(parents=True, exist_ok=True)
    password = _generate_password()
    fd = os.open(stored, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(password + "\n")
    return password


def _generate_password() -> str:
    """Return a random password that also passes the password policy (3+ character classes)."""
    while True:
        password = secrets.token_urlsafe(9)
        if len(character_classes(password)) >= 3:
            return password
