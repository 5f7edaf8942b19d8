"""What a to-do list is made of: items, the groups they come in, and the providers of a kind.

A *provider* knows one kind of waiting work (proposals waiting for my answer, demands waiting
for review, …): which roles it concerns, the queryset of records waiting for a given user, and
how one record reads as an item. Adding a kind of item is adding one provider to
:data:`tepai.todo.providers.PROVIDERS`; the panel, the /todo/ page, the top-bar badge and
``tepai remind`` all walk that one list.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils.functional import Promise

from tepai.accounts.roles import Role


@dataclass(frozen=True)
class QuickAnswer:
    """A one-click answer on the item itself: a POST of ``fields`` to ``url`` (the button
    reads ``label``), beside a link to the item's page for the other answers (``other``)."""

    url: str
    fields: tuple[tuple[str, str], ...]
    label: str
    other: str


@dataclass(frozen=True)
class Item:
    """One thing waiting for the user, and the page (or button) that deals with it."""

    # Stable name of what waits ("proposal-answer:12"): ``tepai remind`` notifies each once.
    key: str
    title: str
    detail: str
    url: str
    action: str
    overdue: bool = False
    # The proposal an answer item is about.
    proposal: Any = None
    # The answer given right here (接受 a proposal, 确认属实 a service record), if any.
    quick: QuickAnswer | None = None


@dataclass(frozen=True)
class Provider:
    """One kind of waiting work.

    ``records(user, today)`` returns the records waiting for ``user`` (already scoped to what
    the user may see), ordered most urgent first; ``item(record, today)`` turns one into an
    :class:`Item`. ``more_url`` is a page listing all of them, when one exists.
    """

    kind: str
    label: str | Promise
    roles: frozenset[Role]
    records: Callable[[Any, datetime.date], QuerySet[Any]]
    item: Callable[[Any, datetime.date], Item]
    more_url: Callable[[Any], str] | None = None


@dataclass
class Group:
    """The items of one provider for one user: how many in all, and the first few."""

    kind: str
    label: str | Promise
    count: int
    items: list[Item] = field(default_factory=list)
    more_url: str = ""

    @property
    def hidden(self) -> int:
        """Return how many items are counted but not listed."""
        return max(0, self.count - len(self.items))
