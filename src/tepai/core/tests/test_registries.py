"""Registries are declared once, in their app, and every part of tepai follows the declaration."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from tepai.accounts.permissions import can_create, visible
from tepai.accounts.roles import Role
from tepai.core.importing.registry import get_importer, importer_names
from tepai.core.registries import Registry, all_registries, discovery, registries_by_slug
from tepai.core.tests import sample_registry
from tepai.engagements.models import ServiceRating
from tepai.testing.accounts import make_user
from tepai.testing.factories import make_commissioner, make_enterprise, make_project
from tepai.web import nav

PACKAGE = Path(settings.BASE_DIR)


def _forget() -> None:
    discovery.forget()
    nav.entries.cache_clear()


@pytest.fixture
def sample(monkeypatch: pytest.MonkeyPatch) -> Iterator[Registry]:
    """Discovery finds the sample declaration as if its app folder had been added."""
    real = discovery._declaring_modules
    monkeypatch.setattr(discovery, "_declaring_modules", lambda: [*real(), sample_registry])
    _forget()
    yield sample_registry.RATINGS
    monkeypatch.undo()
    _forget()


# ----- a new registry: one declaration, and every surface has it ------------------------------


def test_the_import_command_loads_it_after_the_registries_its_rows_name(sample: Registry) -> None:
    names = importer_names()
    assert get_importer("ratings") is sample_registry.RatingImporter
    for needed in ("projects", "demands", "enterprises"):
        assert names.index(needed) < names.index("ratings")


def test_it_gets_the_six_web_pages(sample: Registry) -> None:
    from tepai.web.urls import _registry_urls

    names = {pattern.name for pattern in _registry_urls()}
    pages = ("list", "create", "export", "detail", "edit", "delete")
    assert {f"ratings-{page}" for page in pages} <= names


def test_it_gets_the_four_api_endpoints(sample: Registry) -> None:
    from tepai.api.endpoints import build_router

    operations = build_router().path_operations
    methods = {method for op in operations["/ratings/"].operations for method in op.methods}
    methods |= {
        method for op in operations["/ratings/{int:id}"].operations for method in op.methods
    }
    assert methods == {"GET", "POST", "PATCH"}


def test_it_gets_a_menu_entry_in_the_place_it_asks_for(sample: Registry) -> None:
    keys = [entry.key for entry in nav.entries()]
    assert keys.index("projects") < keys.index("ratings") < keys.index("activities")
    assert nav.nav_key("ratings") == "ratings"


@pytest.mark.django_db
def test_its_access_rules_decide_who_reads_and_creates(sample: Registry) -> None:
    me = make_commissioner()
    mine, other = make_enterprise(), make_enterprise()
    project = make_project(enterprise=mine, commissioners=[me])
    on_mine = ServiceRating.objects.create(project=project, enterprise=mine, score=5)
    elsewhere = ServiceRating.objects.create(
        project=make_project(enterprise=other), enterprise=other, score=3
    )
    everything = ServiceRating.objects.all()

    commissioner = make_user(Role.COMMISSIONER, commissioner=me)
    enterprise = make_user(Role.ENTERPRISE, enterprise=other)
    assert set(visible(commissioner, everything)) == {on_mine}
    assert set(visible(enterprise, everything)) == {elsewhere}
    assert set(visible(make_user(Role.AUDITOR), everything)) == {on_mine, elsewhere}
    assert can_create(enterprise, ServiceRating)
    assert not can_create(commissioner, ServiceRating)


def test_without_the_declaration_the_kind_of_record_is_nowhere() -> None:
    assert "ratings" not in registries_by_slug()
    assert "ratings" not in importer_names()
    assert "ratings" not in {entry.key for entry in nav.entries()}


# ----- the declarations themselves --------------------------------------------------------------


def test_each_registry_s_parts_live_in_the_app_that_declares_it() -> None:
    for registry in all_registries():
        app = registry.model.__module__.rsplit(".", 1)[0]
        parts = [registry.form, registry.importer]
        if registry.api is not None:
            parts += [registry.api.out, registry.api.filters]
        for part in parts:
            assert part.__module__.startswith(app + "."), (registry.slug, part)
        assert registry.importer.registry == registry.slug
        assert (PACKAGE / app.split(".")[-1] / "registry.py").exists(), registry.slug


def test_settings_install_exactly_the_apps_that_declare_registries() -> None:
    declaring = {registry.model.__module__.rsplit(".", 1)[0] for registry in all_registries()}
    assert declaring == set(settings.REGISTRY_APPS)
    assert set(settings.REGISTRY_APPS) <= set(settings.INSTALLED_APPS)


def test_each_registry_comes_after_every_registry_its_records_refer_to() -> None:
    by_model = {registry.model: registry for registry in all_registries()}
    position = {registry.slug: index for index, registry in enumerate(all_registries())}
    for registry in all_registries():
        for field in registry.model._meta.get_fields():
            related = field.related_model if field.concrete and field.many_to_one else None
            target = by_model.get(related) if related is not None else None
            if target is not None and target is not registry:
                assert target.slug in registry.after, (registry.slug, field.name)
        for needed in registry.after:
            assert position[needed] < position[registry.slug], (registry.slug, needed)


def test_a_wrong_declaration_is_refused_with_the_registry_named() -> None:
    (one, two, *_rest) = all_registries()
    waiting = Registry(**{**one.__dict__, "after": ("nowhere",)})
    with pytest.raises(ImproperlyConfigured, match="nowhere"):
        discovery._dependency_order([waiting, two])
    first = Registry(**{**one.__dict__, "after": (two.slug,)})
    second = Registry(**{**two.__dict__, "after": (one.slug,)})
    with pytest.raises(ImproperlyConfigured, match="cycle"):
        discovery._dependency_order([first, second])


# ----- the shared layers name no registry ------------------------------------------------------

# Modules that serve every registry: they read the declarations and must not list registries
# or import a registry app, or adding one would mean editing them too.
SHARED = (
    "settings.py",
    "core/registries",
    "core/importing/registry.py",
    "api/crud.py",
    "api/endpoints/__init__.py",
    "api/endpoints/me.py",
    "accounts/permissions.py",
    "web/nav.py",
    "web/urls.py",
    "web/registries",
    "web/views/registry.py",
    "web/exporting.py",
    "search/query.py",
)


def _shared_modules() -> list[Path]:
    paths: list[Path] = []
    for name in SHARED:
        path = PACKAGE / name
        paths += sorted(path.glob("*.py")) if path.is_dir() else [path]
    return paths


def test_the_shared_layers_import_no_registry_app() -> None:
    apps = tuple(settings.REGISTRY_APPS)
    found = []
    for path in _shared_modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            found += [
                f"{path.relative_to(PACKAGE)}: {name}"
                for name in names
                if name in apps or name.startswith(tuple(f"{app}." for app in apps))
            ]
    assert not found


def test_the_shared_layers_name_no_registry() -> None:
    slugs = {registry.slug for registry in all_registries()}
    labels = {registry.model_label for registry in all_registries()}
    found = []
    for path in _shared_modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and node.value in slugs | labels:
                found.append(f"{path.relative_to(PACKAGE)}:{node.lineno}: {node.value!r}")
    assert not found
