"""Finding every app's registries: the one list the rest of tepai reads.

A registry app is a package directly under ``tepai`` with a module ``registry.py`` that
declares ``REGISTRIES`` (its :class:`Registry` declarations, in the order its menu tabs show
them) and, optionally, ``EXTRA_ACCESS`` (read and write rules for records that belong to a
registry without being one, such as a project's milestones). Settings install those packages;
nothing else names them.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib import import_module
from types import ModuleType

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model

from tepai.core.registries.declaration import Access, Registry

DECLARATION_MODULE = "registry"


def _declaring_modules() -> list[ModuleType]:
    modules: list[ModuleType] = []
    for config in apps.get_app_configs():
        name = f"{config.name}.{DECLARATION_MODULE}"
        try:
            modules.append(import_module(name))
        except ModuleNotFoundError as error:
            if error.name != name:
                raise
    return modules


def _menu_order(registry: Registry) -> int:
    return registry.menu.order if registry.menu else 1_000_000


def _dependency_order(found: list[Registry]) -> tuple[Registry, ...]:
    """Order registries so that each comes after those it names in ``after``.

    A spreadsheet of projects names enterprises and commissioners, so importing them (and the
    demo, and the list on the import page) must load those first. Among registries that are
    ready, the one earlier in the menu comes first, so the order is stable and familiar.
    """
    slugs = {registry.slug for registry in found}
    for registry in found:
        unknown = sorted(set(registry.after) - slugs)
        if unknown:
            raise ImproperlyConfigured(f"{registry.slug}: after names no registry: {unknown}")
    waiting = sorted(found, key=_menu_order)
    ordered: list[Registry] = []
    placed: set[str] = set()
    while waiting:
        ready = next((r for r in waiting if set(r.after) <= placed), None)
        if ready is None:
            cycle = sorted(r.slug for r in waiting)
            raise ImproperlyConfigured(f"registries wait for each other in a cycle: {cycle}")
        waiting.remove(ready)
        ordered.append(ready)
        placed.add(ready.slug)
    return tuple(ordered)


def in_menu_order(registries: tuple[Registry, ...]) -> list[Registry]:
    """Return ``registries`` in the order of their menu entries (the site search's groups)."""
    return sorted(registries, key=_menu_order)


@cache
def all_registries() -> tuple[Registry, ...]:
    """Return every registry, each after the registries its records refer to."""
    found: list[Registry] = []
    for module in _declaring_modules():
        found.extend(getattr(module, "REGISTRIES", ()))
    slugs = [registry.slug for registry in found]
    doubles = sorted({slug for slug in slugs if slugs.count(slug) > 1})
    if doubles:
        raise ImproperlyConfigured(f"registry declared twice: {doubles}")
    return _dependency_order(found)


@cache
def registries_by_slug() -> Mapping[str, Registry]:
    """Return the registries by slug ("demands" → the 需求 registry), in dependency order."""
    return {registry.slug: registry for registry in all_registries()}


@cache
def _by_model() -> Mapping[type[Model], Registry]:
    return {registry.model: registry for registry in all_registries()}


def registry_for_model(model: type[Model]) -> Registry | None:
    """Return the registry whose records are ``model``'s, if there is one."""
    return _by_model().get(model)


@cache
def access_rules() -> Mapping[str, Access]:
    """Return each declared model's access rules by its label ("demands.demand")."""
    rules = {registry.model_label: registry.access for registry in all_registries()}
    for module in _declaring_modules():
        for model, access in getattr(module, "EXTRA_ACCESS", ()):
            rules[model._meta.label_lower] = access
    return rules


def forget() -> None:
    """Find the declarations afresh on the next call (for tests that add one)."""
    for cached in (all_registries, registries_by_slug, _by_model, access_rules):
        cached.cache_clear()
