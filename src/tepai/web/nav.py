"""The main navigation: which entries a user's role sees, and the tabs within an entry.

A registry entry is shown when the user's read scope for it is not empty by construction
(:func:`tepai.accounts.permissions.visible` returns ``none()`` for registries a role may not
read), so the menu follows the permissions instead of repeating them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from tepai.accounts.permissions import visible
from tepai.accounts.roles import Role, role_of
from tepai.core.registries import Label, all_registries, registries_by_slug


@dataclass(frozen=True)
class NavEntry:
    """A menu entry: a group of registries (the first is its page) or another app's page."""

    key: str
    label: Label
    order: int
    slugs: tuple[str, ...] = ()
    # Pages of other apps, tried in order (the first name that resolves is used).
    url_names: tuple[str, ...] = ()
    roles: frozenset[Role] = frozenset(Role)
    # Views (name prefixes, e.g. "engagements:review") whose pages belong to this entry.
    views: tuple[str, ...] = ()


# The entries of pages that are not registries. The registries' entries come from their
# declarations (Registry.menu), each placed by its ``order`` among these.
OTHER_PAGES: tuple[NavEntry, ...] = (
    NavEntry("dashboard", _("总览"), 10, url_names=("web:dashboard",)),
    # The workspaces of tepai.engagements: a commissioner's proposals and work log, an
    # enterprise's demands and projects.
    NavEntry(
        "workspace",
        _("工作台"),
        20,
        url_names=("engagements:me",),
        roles=frozenset({Role.COMMISSIONER}),
        views=("engagements:me", "engagements:log-activity"),
    ),
    NavEntry(
        "workspace",
        _("工作台"),
        20,
        url_names=("engagements:company",),
        roles=frozenset({Role.ENTERPRISE}),
        views=("engagements:company", "engagements:rate"),
    ),
    NavEntry(
        "review",
        _("需求审核"),
        80,
        url_names=("engagements:review",),
        roles=frozenset({Role.ADMIN}),
        views=("engagements:review",),
    ),
    NavEntry(
        "accounts",
        _("账号"),
        150,
        url_names=("user_list",),
        roles=frozenset({Role.ADMIN}),
        views=("user_",),
    ),
    NavEntry(
        "reports",
        _("报告"),
        160,
        url_names=("web:reports",),
        roles=frozenset({Role.ADMIN, Role.AUDITOR}),
        views=("web:report",),
    ),
    NavEntry(
        "audit",
        _("审计"),
        170,
        url_names=("audit_log",),
        roles=frozenset({Role.ADMIN, Role.AUDITOR}),
        views=("audit_log",),
    ),
)


def _registry_entries() -> list[NavEntry]:
    """One entry per menu the registries declare, its registries as tabs in their order."""
    found: dict[str, NavEntry] = {}
    for registry in all_registries():
        menu = registry.menu
        if menu is None:
            continue
        entry = found.get(menu.key)
        if entry is None:
            found[menu.key] = NavEntry(
                menu.key, menu.label, menu.order, (registry.slug,), views=menu.views
            )
        else:
            found[menu.key] = replace(entry, slugs=(*entry.slugs, registry.slug))
    return list(found.values())


@cache
def entries() -> tuple[NavEntry, ...]:
    """Return every menu entry in menu order."""
    return tuple(sorted((*OTHER_PAGES, *_registry_entries()), key=lambda entry: entry.order))


@dataclass(frozen=True)
class NavLink:
    key: str
    label: Label
    url: str
    active: bool = False


def soft_reverse(*names: str, args: tuple[Any, ...] = ()) -> str | None:
    """Return the URL of the first of ``names`` that exists (other apps' pages may not yet)."""
    for name in names:
        try:
            return reverse(name, args=args)
        except NoReverseMatch:
            continue
    return None


def may_read(user: Any, slug: str) -> bool:
    """Return True if ``user``'s role may read registry ``slug`` at all (no query is made)."""
    model = registries_by_slug()[slug].model
    return not visible(user, model._default_manager.all()).query.is_empty()


def _is_current(entry: NavEntry, current: str, view_name: str) -> bool:
    if current:
        return entry.key == current
    return bool(view_name) and any(view_name.startswith(prefix) for prefix in entry.views)


def main_nav(user: Any, current: str = "", view_name: str = "") -> list[NavLink]:
    """Return the menu for ``user``, the current entry marked active.

    ``current`` is the entry key a web page names; pages of other apps are matched by their
    ``view_name`` (e.g. "engagements:review-demand" belongs to 需求审核).
    """
    role = role_of(user)
    if role is None:
        return []
    links = []
    for entry in entries():
        if role not in entry.roles:
            continue
        if entry.slugs:
            readable = [slug for slug in entry.slugs if may_read(user, slug)]
            url = reverse(f"web:{readable[0]}-list") if readable else None
        else:
            url = soft_reverse(*entry.url_names)
        if url:
            links.append(
                NavLink(entry.key, entry.label, url, _is_current(entry, current, view_name))
            )
    return links


def tabs(user: Any, slug: str) -> list[NavLink]:
    """Return the sibling registries of ``slug`` in its menu group (teams next to batches)."""
    entry = next((e for e in entries() if slug in e.slugs), None)
    if entry is None or len(entry.slugs) < 2:
        return []
    return [
        NavLink(s, registries_by_slug()[s].label, reverse(f"web:{s}-list"), s == slug)
        for s in entry.slugs
        if may_read(user, s)
    ]


def nav_key(slug: str) -> str:
    """Return the menu entry a registry's pages belong to."""
    return next((e.key for e in entries() if slug in e.slugs), "")
