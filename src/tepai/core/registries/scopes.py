"""Conditions the access rules of registries are written with (tepai.core.registries.Access).

Both ask "is this record linked to mine?" in the form each database answers fastest for a
long list; the reasons are measured, see each function.
"""

from __future__ import annotations

from django.db import connections
from django.db.models import Exists, OuterRef, Q, QuerySet

from tepai.core.registries.declaration import ChangeRule, ReadRule


def among(queryset: QuerySet, **lookup: object) -> Q:
    """Return "the record is one of those matching ``lookup``" as a primary-key subquery.

    Used for many-to-many and reverse paths: filtering across the join itself repeats a record
    once per matching related row, and the DISTINCT that would undo it makes every count and
    page of a large list sort all its columns. ``pk IN (subquery)`` keeps each record once and
    lets the database start from the related rows' index.
    """
    return Q(pk__in=queryset.model._default_manager.filter(**lookup).values("pk"))


def linked(queryset: QuerySet, relation: str, **lookup: object) -> Q:
    """Return "the record has a ``relation`` row matching ``lookup``", for the rare branch of
    an OR whose other branch matches most records (a commissioner's demands: published, or
    in my projects).

    ``relation`` is a reverse foreign key (a demand's ``projects``); the subquery reads only
    the related rows. The two databases need different forms to walk the list's ordering
    index instead of sorting every matching record for one page: SQLite (without statistics)
    turns ``pk IN (…) OR …`` into a union of two index searches and a sort, so it gets a
    correlated EXISTS, asked only about the records the common branch leaves out; PostgreSQL
    hashes an IN subquery once, while it costs a correlated EXISTS under OR so high that
    it JIT-compiles every query (~200 ms).
    """
    field = queryset.model._meta.get_field(relation)
    rows = field.related_model._default_manager.filter(**lookup)
    if connections[queryset.db].vendor == "sqlite":
        return Q(Exists(rows.filter(**{field.field.name: OuterRef("pk")})))
    return Q(pk__in=rows.values(field.field.name))


# The common shapes of a registry's access rules (tepai.core.registries.Access), so that an
# app declares "an enterprise reads the records whose enterprise is its own" as one line.


def all_records(queryset: QuerySet, own: int | None) -> Q:
    """Read rule: every record (public to that role)."""
    return Q()


def field_is(lookup: str) -> ReadRule:
    """Read rule: the records whose ``lookup`` is the user's own commissioner or enterprise."""
    return lambda queryset, own: Q(**{lookup: own})


def linked_by(path: str) -> ReadRule:
    """Read rule: the records linked to the user's own record through many-to-many or reverse
    ``path`` (asked as a key subquery, see :func:`among`)."""
    return lambda queryset, own: among(queryset, **{path: own})


def attribute_is(attribute: str) -> ChangeRule:
    """Change rule: the record's ``attribute`` is the user's own commissioner or enterprise."""
    return lambda record, own: bool(getattr(record, attribute) == own)
