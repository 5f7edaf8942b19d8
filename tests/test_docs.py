"""Documentation that cannot drift: the import-template reference matches the importers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tepai.core.importing.registry import get_importer, importer_names

DOCS = Path(__file__).resolve().parent.parent / "docs"
README = Path(__file__).resolve().parent.parent / "README.md"


def _documented_columns() -> dict[str, list[tuple[str, bool]]]:
    """Return registry → [(header, required)] from docs/import-templates.md's table."""
    table: dict[str, list[tuple[str, bool]]] = {}
    text = (DOCS / "import-templates.md").read_text(encoding="utf-8")
    for line in text.splitlines():
        match = re.match(r"\| `([a-z-]+)` [^|]*\|[^|]*\| (.+) \|$", line)
        if not match:
            continue
        # Drop remarks in brackets, which may contain commas, before splitting the list.
        columns = re.sub(r" \([^()]*\)", "", match[2])
        table[match[1]] = [
            (item.strip().rstrip("*").strip(), item.strip().endswith("*"))
            for item in columns.split(", ")
        ]
    return table


def test_every_registry_is_documented() -> None:
    assert set(_documented_columns()) == set(importer_names())


@pytest.mark.parametrize("registry", importer_names())
def test_documented_columns_match_the_importer(registry: str) -> None:
    importer = get_importer(registry)
    actual = [(column.header, column.required) for column in importer.columns]
    assert _documented_columns()[registry] == actual


def test_readme_lists_every_registry_and_command() -> None:
    readme = README.read_text(encoding="utf-8")
    for registry in importer_names():
        assert f"`{registry}`" in readme
    for command in (
        "init",
        "demo",
        "serve",
        "batch create",
        "template",
        "import",
        "export",
        "report batch",
        "report kpi",
    ):
        assert f"`tepai {command}" in readme, command
