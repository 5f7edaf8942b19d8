"""tepai.matching is framework-free: importing all of it must not import Django."""

import subprocess
import sys

CHECK = """
import importlib, pkgutil, sys
import tepai.matching as package
for module in pkgutil.walk_packages(package.__path__, "tepai.matching."):
    if ".tests" not in module.name:
        importlib.import_module(module.name)
leaked = sorted(name for name in sys.modules if name == "django" or name.startswith("django."))
print(",".join(leaked))
"""


def test_it_never_imports_django() -> None:
    result = subprocess.run(
        [sys.executable, "-c", CHECK], capture_output=True, text=True, timeout=120, check=True
    )
    assert result.stdout.strip() == ""
