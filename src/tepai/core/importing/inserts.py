"""Inserting many rows whose keys nobody reads back: one prepared statement, many rows.

``bulk_create`` builds the SQL of every value of every row (a placeholder per value) and a
model instance per row; for the rows an import writes most of — the audit entries and the
rows of the many-to-many tables — nothing needs their primary key afterwards, so they go
through ``executemany`` instead (issue 9, finding 3: about half the cost of those inserts).
No signals are sent, as with ``bulk_create``; call inside the import's transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import islice
from typing import Any

from django.db import connections, models, router

# Rows handed to the driver at a time: bounds the memory of the prepared values.
CHUNK = 2000


def _statement(model: type[models.Model], fields: Sequence[models.Field], connection: Any) -> str:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    return f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({placeholders})"


def _execute(
    model: type[models.Model], fields: Sequence[models.Field], rows: Iterable[list[Any]]
) -> None:
    connection = connections[router.db_for_write(model)]
    sql = _statement(model, fields, connection)
    rows = iter(rows)
    with connection.cursor() as cursor:
        while chunk := list(islice(rows, CHUNK)):
            cursor.executemany(sql, chunk)


def insert_values(
    model: type[models.Model], names: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    """Insert ``rows`` of values for the fields ``names`` (a foreign key by its attname)."""
    connection = connections[router.db_for_write(model)]
    fields = [model._meta.get_field(name) for name in names]
    prepared = (
        [
            field.get_db_prep_save(value, connection)
            for field, value in zip(fields, row, strict=True)
        ]
        for row in rows
    )
    _execute(model, fields, prepared)  # type: ignore[arg-type]


def insert_records(model: type[models.Model], objs: Sequence[models.Model]) -> None:
    """Insert new records of ``model`` (primary key not set) without reading their keys back."""
    if any(obj.pk is not None for obj in objs):
        raise ValueError("insert_records inserts new records only")
    connection = connections[router.db_for_write(model)]
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    prepared = (
        [field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields]
        for obj in objs
    )
    _execute(model, fields, prepared)
