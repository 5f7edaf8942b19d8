"""Registries: the one declaration per kind of record that tepai's other parts derive from.

Declarations (:class:`Registry`, its page parts, :class:`Access`, :class:`Menu`) are cheap to
import; :func:`all_registries` and friends find them in the apps' ``registry.py`` modules once
Django has loaded the apps.
"""

from tepai.core.registries.declaration import (
    Access,
    Action,
    ChangeRule,
    Menu,
    ReadRule,
    Registry,
)
from tepai.core.registries.discovery import (
    access_rules,
    all_registries,
    in_menu_order,
    registries_by_slug,
    registry_for_model,
)
from tepai.core.registries.pages import (
    Filter,
    Inline,
    Label,
    ListColumn,
    Related,
    choice,
    flag,
    hidden,
    relation,
)

__all__ = [
    "Access",
    "Action",
    "ChangeRule",
    "Filter",
    "Inline",
    "Label",
    "ListColumn",
    "Menu",
    "ReadRule",
    "Registry",
    "Related",
    "access_rules",
    "all_registries",
    "choice",
    "flag",
    "hidden",
    "in_menu_order",
    "registries_by_slug",
    "registry_for_model",
    "relation",
]
