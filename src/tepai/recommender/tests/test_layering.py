"""tepai.recommender is the only layer between the Django apps and tepai.matching."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import tepai

SOURCE = Path(tepai.__file__).resolve().parent
LAYERS = {SOURCE / "matching", SOURCE / "recommender"}
IMPORT = re.compile(r"^\s*(?:from|import)\s+tepai\.matching\b", re.MULTILINE)


def test_no_app_but_the_recommender_imports_the_engine_package() -> None:
    offenders = [
        str(path.relative_to(SOURCE))
        for path in sorted(SOURCE.rglob("*.py"))
        if not any(layer in path.parents for layer in LAYERS)
        and IMPORT.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_the_match_command_loads_neither_scipy_nor_the_url_configuration(tmp_path: Path) -> None:
    # `tepai match recommend` should not pay for SciPy (team assembly and assignment only)
    # or for importing every view through the system checks.
    code = (
        "import sys, django; django.setup();"
        "from django.core.management import load_command_class;"
        "command = load_command_class('tepai.recommender', 'match');"
        "import tepai.recommender.service;"
        "print(command.requires_system_checks, 'scipy' in sys.modules,"
        " 'tepai.urls' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("TEPAI_")},
            "DJANGO_SETTINGS_MODULE": "tepai.settings",
            "TEPAI_HOME": str(tmp_path),
        },
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["[]", "False", "False"]
