"""The site search: the registries' own list search, run over several registries at once.

Each kind of record is searched by :func:`tepai.web.registries.query.list_query` with ``q``,
the very query its list page runs for ``?q=``: the same permission scope
(:func:`tepai.accounts.permissions.visible`), the same fields (never one the viewer sees
masked, :func:`tepai.web.registries.query.search_paths`), so a group's count and the list
its "查看全部" link opens cannot disagree. Names are also found by their pinyin and initials
(the registries search ``name_pinyin`` / ``name_initials``, kept by the models' ``save()``
and by the import).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connections
from django.db.models import Model, QuerySet
from django.http import QueryDict
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from tepai.core.registries import Registry, all_registries, in_menu_order
from tepai.search.grams import lookup_for
from tepai.web.nav import may_read
from tepai.web.registries.cells import detail_url
from tepai.web.registries.query import list_query, matching, search_paths

# The longest search text and the most words taken: each word adds a condition per field.
MAX_LENGTH = 100
MAX_WORDS = 8
# Records shown per kind; the rest are one click away on the registry's list.
SHOWN = 8
# Keys read at most per kind (a few kilobytes); a search matching more is counted apart.
CAP = 5000


class SearchError(ValueError):
    """Search text that cannot be searched; the message is for the user (Chinese)."""


@dataclass
class Hit:
    """One record found: its name, the line under it and its page."""

    record: Model
    title: str
    summary: str
    url: str | None


@dataclass
class Group:
    """The records of one registry that match: how many, the first few, the full list's URL."""

    registry: Registry
    count: int
    hits: list[Hit] = field(default_factory=list)
    list_url: str = ""

    @property
    def label(self) -> str:
        return str(self.registry.label)

    @property
    def more(self) -> bool:
        return self.count > len(self.hits)


def _hit(obj: Any, summary: Callable[[Any], str]) -> Hit:
    return Hit(obj, str(obj), summary(obj), detail_url(obj))


def clean(text: str) -> str:
    """Return the search text normalised, or raise :class:`SearchError` naming the problem."""
    text = " ".join(text.split())
    if len(text) > MAX_LENGTH:
        raise SearchError(
            _("搜索词过长：最多 %(max)d 个字符，现有 %(count)d 个")
            % {"max": MAX_LENGTH, "count": len(text)}
        )
    if len(text.split()) > MAX_WORDS:
        raise SearchError(_("搜索词过多：最多 %(max)d 个词") % {"max": MAX_WORDS})
    return text


def _keys_in_order(queryset: QuerySet) -> list[Any]:
    """Return the keys of up to CAP records of ``queryset``, in its order.

    On SQLite the rows are read in table order and sorted here: walking the list's ordering
    index fetches every row out of order, about twice the time of a plain scan (10,000
    commissioners: ~60 against ~35 ms). Python compares text as SQLite's BINARY collation
    does (by code point) and puts NULL first, as SQLite does. PostgreSQL sorts itself.
    """
    if connections[queryset.db].vendor != "sqlite":
        return list(queryset.values_list("pk", flat=True)[:CAP])
    ordering = [name for name in queryset.query.order_by if isinstance(name, str)]
    names = [name.removeprefix("-") for name in ordering]
    rows = list(queryset.order_by().values_list("pk", *names))
    # Stable sorts from the last key to the first give the order of all keys together.
    for index in range(len(names), 0, -1):

        def by_column(row: Any, i: int = index) -> tuple[bool, Any]:
            return (row[i] is not None, row[i])

        rows.sort(key=by_column, reverse=ordering[index - 1].startswith("-"))
    return [row[0] for row in rows[:CAP]]


def _matching(registry: Registry, user: Any, text: str, params: QueryDict) -> QuerySet:
    """Return the records of ``registry`` that ``user`` may see and that match ``text``.

    SQLite: the list's own search, one LIKE scan per table (fast enough at 50,000 rows).
    PostgreSQL: the same fields with the same ``icontains`` test, asked one field at a time
    and united, so that each field's trigram index (migration search 0001) answers its part;
    the list's single OR over all fields and a related name's subquery would make the
    planner read every row instead. A word of one or two characters, which has no trigram,
    is asked through the gram indexes instead (migration search 0002, the same test).
    (Lists keep the OR: measured on PostgreSQL, a list's union was slower where most rows
    match — 问题 in 38,890 of 50,000 demands — and on tables without these indexes.)
    """
    if connections[registry.model._default_manager.db].vendor != "postgresql":
        return list_query(registry, user, params).queryset
    queryset = list_query(registry, user, QueryDict()).queryset
    model = registry.model
    paths = search_paths(registry, user)
    for word in text.split():
        lookup = lookup_for(word)
        parts = [
            model._base_manager.filter(matching(model, f"{path}__{lookup}", word))
            .order_by()
            .values("pk")
            for path in paths
        ]
        queryset = queryset.filter(pk__in=parts[0].union(*parts[1:]))
    return queryset


def search(user: Any, text: str) -> list[Group]:
    """Return, per kind ``user`` may read, the records matching every word of ``text``.

    ``text`` must have passed :func:`clean`. Kinds without a match are left out.
    """
    groups = []
    params = QueryDict(mutable=True)
    params["q"] = text
    for registry in in_menu_order(all_registries()):
        summary, slug = registry.site_search, registry.slug
        if summary is None or not may_read(user, slug):
            continue
        queryset = _matching(registry, user, text, params)
        # One pass over the table gives both the count and the first records (in the list's
        # order): LIKE over 50,000 demands costs the same for COUNT(*) as for the keys, and a
        # separate count would scan them twice. Past CAP matches the count is asked apart.
        keys = _keys_in_order(queryset)
        if not keys:
            continue
        count = len(keys) if len(keys) < CAP else queryset.count()
        first = keys[:SHOWN]
        found = registry.base_queryset().in_bulk(first)
        hits = [_hit(found[key], summary) for key in first if key in found]
        url = reverse(f"web:{slug}-list") + "?" + urlencode({"q": text})
        groups.append(Group(registry, count, hits, url))
    return groups
