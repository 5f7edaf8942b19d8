"""requirements.lock pins every dependency of pyproject.toml (and the build tools of
requirements-build.in), within its range, with the hashes of its files."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\;]+)")


def _pins() -> dict[str, tuple[str, int]]:
    """Return name → (version, number of hashes) from requirements.lock."""
    pins: dict[str, tuple[str, int]] = {}
    current = ""
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        match = PIN.match(line)
        if match:
            current = canonicalize_name(match[1])
            pins[current] = (match[2], 0)
        elif "--hash=sha256:" in line and current:
            version, hashes = pins[current]
            pins[current] = (version, hashes + 1)
    return pins


def _declared() -> list[Requirement]:
    """Return pyproject.toml's runtime and dev requirements and requirements-build.in's."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    build = (ROOT / "requirements-build.in").read_text(encoding="utf-8").splitlines()
    texts = [*project["dependencies"], *project["optional-dependencies"]["dev"]]
    texts += [line for line in build if line.strip() and not line.startswith("#")]
    return [Requirement(text) for text in texts]


def test_every_declared_dependency_is_pinned_within_its_range() -> None:
    pins = _pins()
    problems = []
    for requirement in _declared():
        name = canonicalize_name(requirement.name)
        if name not in pins:
            problems.append(f"{requirement.name}: not in requirements.lock")
        elif not requirement.specifier.contains(pins[name][0], prereleases=True):
            problems.append(f"{requirement}: locked at {pins[name][0]}")
    assert not problems, "regenerate requirements.lock (see its header): " + "; ".join(problems)


def test_every_pinned_package_has_its_file_hashes() -> None:
    pins = _pins()
    assert len(pins) > len(_declared())  # the dependencies' own dependencies too
    assert [name for name, (_version, hashes) in pins.items() if hashes == 0] == []
