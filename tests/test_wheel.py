"""The wheel a server installs: the app with its data, without the tests or their helpers."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _source_copy(into: Path) -> Path:
    """Copy what the build reads into ``into``, as a fresh checkout has it.

    Built in place, setuptools reuses ``build/lib``, which keeps every module it ever copied
    there, moved or deleted ones included; the wheel would carry those too.
    """
    into.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, into / name)
    ignored = shutil.ignore_patterns("__pycache__", "*.py[cod]", "*.egg-info", "tepai-data")
    shutil.copytree(ROOT / "src", into / "src", ignore=ignored)
    return into


def test_the_wheel_carries_the_app_and_its_data_but_no_tests(tmp_path: Path) -> None:
    source = _source_copy(tmp_path / "source")
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "--wheel-dir", str(wheels), str(source)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    (wheel,) = wheels.glob("tepai-*.whl")
    archive = zipfile.ZipFile(wheel)
    names = set(archive.namelist())
    assert [name for name in names if "/tests/" in name] == []
    # Test helpers (tepai.testing) stay in the repository: nothing a server runs needs them.
    assert [name for name in names if "/testing/" in name or name.endswith("testing.py")] == []
    # Nor does anything it runs need pytest, which a server does not install.
    importing_pytest = re.compile(r"^\s*(import|from) _?pytest\b", re.MULTILINE)
    assert [
        name
        for name in sorted(names)
        if name.endswith(".py") and importing_pytest.search(archive.read(name).decode())
    ] == []
    for needed in (
        "tepai/cli.py",
        "tepai/web/templates/web/base.html",
        "tepai/web/static/web/tepai.css",
        "tepai/locale/en/LC_MESSAGES/django.mo",
        "tepai/demo/data/commissioners.csv",
        "tepai/search/migrations/0002_gram_indexes.py",
    ):
        assert needed in names, needed
