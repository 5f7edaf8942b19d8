"""The wheel a server installs: the app with its data, without the tests."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_wheel_carries_the_app_and_its_data_but_no_tests(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "--wheel-dir", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    (wheel,) = tmp_path.glob("tepai-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert [name for name in names if "/tests/" in name] == []
    for needed in (
        "tepai/cli.py",
        "tepai/web/templates/web/base.html",
        "tepai/web/static/web/tepai.css",
        "tepai/locale/en/LC_MESSAGES/django.mo",
        "tepai/demo/data/commissioners.csv",
        "tepai/search/migrations/0002_gram_indexes.py",
    ):
        assert needed in names, needed
