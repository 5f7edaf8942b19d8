"""Inserting many rows whose keys nobody reads back: one prepared statement, many rows.

``bulk_create`` builds the SQL of every value of every row (a placeholder per value) and a
model instance per row; for the rows an import writes most of — the audit entries and the
rows of the many-to-many tables — nothing needs their primary key afterwards, so they go
through ``executemany`` instead (issue 9, finding 3: about half the cost of those inserts).
No signals are sent, as with ``bulk_create``; call inside the import's transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from itertools import islice
from typing import Any

from django.db import connections, models, router
from django.db.models.fields import AutoFieldMixin

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


def _preparer(field: models.Field, connection: Any) -> Callable[[Any], Any]:
    """Return ``field.get_db_prep_save`` for ``connection``, short-cut where it is the identity.

    Django turns a str of a text field into itself through four calls per value, for every
    value of every row; an import of 50,000 commissioners prepares over a million values.
    """
    prepare = field.get_db_prep_save
    if isinstance(field, models.CharField | models.TextField):
        return lambda value: value if type(value) is str else prepare(value, connection)
    # Consecutive rows often share a value (the import's moment, the actor, the batch): the
    # same object is prepared once.
    last: list[Any] = [_UNSET, None]

    def prepared(value: Any) -> Any:
        if value is not last[0]:
            last[0], last[1] = value, prepare(value, connection)
        return last[1]

    return prepared


_UNSET = object()


def _as_is(value: Any) -> Any:
    return value


def insert_values(
    model: type[models.Model],
    names: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    ready: Collection[str] = (),
) -> None:
    """Insert ``rows`` of values for the fields ``names`` (a foreign key by its attname).

    The values of the fields named in ``ready`` are passed to the database as they are (a
    JSON field's text, already encoded by the caller).
    """
    connection = connections[router.db_for_write(model)]
    fields = [_column_field(model, name) for name in names]
    preparers = [
        _as_is if name in ready else _preparer(field, connection)
        for name, field in zip(names, fields, strict=True)
    ]
    prepared = (
        [prepare(value) for prepare, value in zip(preparers, row, strict=True)] for row in rows
    )
    _execute(model, fields, prepared)


def _column_field(model: type[models.Model], name: str) -> models.Field:
    field = model._meta.get_field(name)
    # get_field also finds reverse relations; they have no column, so no name here is one.
    assert isinstance(field, models.Field), f"{name} is no column of {model._meta.label}"
    return field


def insert_records(model: type[models.Model], objs: Sequence[models.Model]) -> None:
    """Insert new records of ``model`` (primary key not set) without reading their keys back."""
    if any(obj.pk is not None for obj in objs):
        raise ValueError("insert_records inserts new records only")
    connection = connections[router.db_for_write(model)]
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    prepared = _prepared_rows(fields, objs, connection)
    _execute(model, fields, prepared)


def keys_reservable(model: type[models.Model]) -> bool:
    """Return True when :func:`insert_new` can number new records of ``model`` itself."""
    connection = connections[router.db_for_write(model)]
    return isinstance(model._meta.pk, AutoFieldMixin) and connection.vendor in (
        "sqlite",
        "postgresql",
    )


def _reserve_keys(model: type[models.Model], count: int) -> list[int]:
    """Return ``count`` unused primary keys of ``model``; call inside the write transaction.

    PostgreSQL hands them out from the column's sequence, safe beside other writers. SQLite
    writes in IMMEDIATE transactions (settings), so inside one nobody else can insert; the
    keys continue from both the largest key and AUTOINCREMENT's high-water mark (never reused
    after a delete), and inserting them moves that mark past them.
    """
    connection = connections[router.db_for_write(model)]
    table, column = model._meta.db_table, model._meta.pk.column
    assert column is not None  # only a field without a column (a relation) has none
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, column, count],
            )
            return [row[0] for row in cursor.fetchall()]
        quote = connection.ops.quote_name
        cursor.execute(f"SELECT MAX({quote(column)}) FROM {quote(table)}")
        largest = cursor.fetchone()[0] or 0
        cursor.execute("SELECT MAX(seq) FROM sqlite_sequence WHERE name = %s", [table])
        mark = cursor.fetchone()[0] or 0
    first = max(largest, mark) + 1
    return list(range(first, first + count))


def insert_new(model: type[models.Model], objs: Sequence[models.Model]) -> None:
    """Insert new records of ``model``, numbering them here so their keys need no reading back.

    ``bulk_create`` must read each key back (RETURNING) and compiles every value into one
    large statement: for 50,000 commissioners a quarter of an import's write phase. Here keys
    are reserved first (:func:`_reserve_keys`), set on the records and inserted with one
    prepared statement. Call inside the import's transaction; check :func:`keys_reservable`.
    """
    if not objs:
        return
    if any(obj.pk is not None for obj in objs):
        raise ValueError("insert_new inserts new records only")
    connection = connections[router.db_for_write(model)]
    for obj, key in zip(objs, _reserve_keys(model, len(objs)), strict=True):
        obj.pk = key
    fields = list(model._meta.concrete_fields)
    prepared = _prepared_rows(fields, objs, connection)
    _execute(model, fields, prepared)
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias


def _prepared_rows(
    fields: Sequence[models.Field], objs: Iterable[models.Model], connection: Any
) -> Iterable[list[Any]]:
    """Return each record's values for ``fields`` as the database takes them (lazily)."""
    # pre_save commits files; other fields just return the attribute, but for auto_now(_add)
    # stamps, which are taken once: records inserted together were written at one moment.
    stamped = [
        f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    filed = [f for f in fields if isinstance(f, models.FileField)]
    stamps: dict[str, Any] = {}
    steps = [(field.attname, _preparer(field, connection)) for field in fields]
    for obj in objs:
        for field in stamped:
            if field.attname not in stamps:
                stamps[field.attname] = field.pre_save(obj, True)
            setattr(obj, field.attname, stamps[field.attname])
        for field in filed:
            field.pre_save(obj, True)
        values = obj.__dict__
        yield [prepare(values[attname]) for attname, prepare in steps]
