"""The unit of work of one import: reads served from memory, writes recorded, applied in bulk.

Importers used to save row by row inside one transaction, so an import (and its preview, a
rolled-back import) held SQLite's write lock for minutes (issue 9 finding 3). Now an importer's
``save_row`` asks :class:`UnitOfWork` instead of the ORM: lookups read each table once into
memory and see the rows planned so far; ``save``, ``add`` and ``set`` only record. Validation
and the preview therefore take no lock at all. :meth:`UnitOfWork.apply` then writes everything
in one short transaction with bulk inserts and updates, and writes the audit entries the
model signals would have written (which bulk writes do not send), in bulk too.
"""

from __future__ import annotations

import builtins
import datetime
import functools
import itertools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar, cast

from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from tepai.core.importing import journal
from tepai.core.importing.inserts import insert_new, insert_values, keys_reservable

M = TypeVar("M", bound=models.Model)
# SQLite allows 32,766 variables per statement; Django splits further where it must.
BATCH_SIZE = 500

_Ref = tuple[str, Any]  # ("pk", 12) for a stored record, ("new", id(obj)) for a planned one


def ref(obj: models.Model) -> _Ref:
    """Return how ``obj`` is known before the write: by pk, or by identity while unsaved."""
    return ("pk", obj.pk) if obj.pk is not None else ("new", id(obj))


@dataclass
class _Relation:
    """A many-to-many relation seen from one side: its through model and two columns."""

    name: str  # the attribute on the instance ("batches", or a reverse accessor "demands")
    through: type[models.Model]
    source: str  # attname of the through model's column pointing at the instance
    target: str  # attname of the column pointing at the related records


@dataclass
class _Links:
    """The related records of one instance through one relation: before and as planned."""

    instance: models.Model
    relation: _Relation
    before: set[Any]
    current: dict[_Ref, models.Model | None] = field(default_factory=dict)


class UnitOfWork:
    """Plan an import in memory, then write it in one short transaction."""

    def __init__(self) -> None:
        self._rows: dict[type[models.Model], list[models.Model]] = {}
        self._indexes: dict[tuple[type[models.Model], tuple[str, ...]], dict[Any, list[Any]]] = {}
        self._keys: dict[int, dict[tuple[str, ...], Any]] = defaultdict(dict)
        self._seq: dict[int, int] = {}
        self._counter = itertools.count()
        self._loaded_values: dict[int, dict[str, Any]] = {}
        self._new: dict[int, models.Model] = {}
        self._dirty: dict[int, models.Model] = {}
        self._links: dict[tuple[int, str], _Links] = {}
        self._through_rows: dict[tuple[type[models.Model], str, str], dict[Any, set[Any]]] = {}

    # ----- reading ---------------------------------------------------------------------------
    def _all(self, model: type[M]) -> list[M]:
        rows = self._rows.get(model)
        if rows is None:
            attnames = [f.attname for f in model._meta.concrete_fields]
            rows = list(model._base_manager.order_by("pk"))
            for obj in rows:
                self._seq[id(obj)] = next(self._counter)
                # What the database holds, to compute the audit log's before/after values.
                self._loaded_values[id(obj)] = {name: obj.__dict__[name] for name in attnames}
            self._rows[model] = rows
        return rows  # type: ignore[return-value]

    def _key(self, obj: models.Model, names: tuple[str, ...]) -> tuple[Any, ...]:
        return tuple(_value_key(obj, name) for name in names)

    def _index(self, model: type[models.Model], names: tuple[str, ...]) -> dict[Any, list[Any]]:
        index = self._indexes.get((model, names))
        if index is None:
            index = defaultdict(list)
            for obj in self._all(model):
                key = self._key(obj, names)
                index[key].append(obj)
                self._keys[id(obj)][names] = key
            self._indexes[(model, names)] = index
        return index

    def filter(self, model: type[M], **lookup: Any) -> list[M]:
        """Return the records (stored or planned) matching ``lookup``, oldest first.

        Supports ``field=value`` (a related record or its pk for a foreign key) and
        ``field__in=[…]``; that is all the importers need.
        """
        exact = {k: v for k, v in lookup.items() if not k.endswith("__in")}
        within = {k.removesuffix("__in"): v for k, v in lookup.items() if k.endswith("__in")}
        names = tuple(sorted(exact))
        wanted = tuple(_lookup_key(model, name, exact[name]) for name in names)
        candidates = self._index(model, names).get(wanted, []) if names else self._all(model)
        for name, values in within.items():
            allowed = {_lookup_key(model, name, value) for value in values}
            candidates = [obj for obj in candidates if _value_key(obj, name) in allowed]
        if len(candidates) < 2:  # most lookups find one record or none: nothing to order
            return list(candidates)
        return sorted(candidates, key=lambda obj: self._seq[id(obj)])

    def first(self, model: type[M], **lookup: Any) -> M | None:
        """Return the oldest record matching ``lookup``, or None (like ``.first()``)."""
        found = self.filter(model, **lookup)
        return found[0] if found else None

    def exists_other(self, model: type[M], than: models.Model | None, **lookup: Any) -> bool:
        """Return True when a record other than ``than`` matches ``lookup``."""
        return any(obj is not than for obj in self.filter(model, **lookup))

    def get(self, model: type[M], pk: Any) -> M:
        """Return the stored record with primary key ``pk`` (KeyError when there is none)."""
        found = self.first(model, pk=pk)
        if found is None:
            raise KeyError(pk)
        return found

    def validate_constraints(self, instance: models.Model, exclude: Iterable[str] = ()) -> None:
        """Raise ValidationError when ``instance`` breaks one of its model's constraints.

        Django's own check runs one query per constraint and row (90 % of the time of a
        large import) and cannot see the records planned so far; this one uses the planned
        state. Unique constraints skip empty values: every condition in tepai is "not empty".
        """
        model = type(instance)
        skipped = set(exclude)
        errors: dict[str, list[ValidationError]] = defaultdict(list)
        for constraint in model._meta.constraints:
            if isinstance(constraint, models.UniqueConstraint) and constraint.fields:
                names = tuple(sorted(constraint.fields))
                if skipped & set(names):
                    continue
                key = self._key(instance, names)
                if any(value in (None, "") for value in key):
                    continue
                if any(obj is not instance for obj in self._index(model, names).get(key, [])):
                    error = instance.unique_error_message(model, tuple(constraint.fields))
                    field_name = constraint.fields[0] if len(constraint.fields) == 1 else None
                    errors[field_name or NON_FIELD_ERRORS].append(error)
            elif isinstance(constraint, models.CheckConstraint):
                holds = _holds(constraint.condition, instance)
                if holds is None:  # a condition the evaluator does not know: ask the database
                    try:
                        constraint.validate(model, instance, exclude=skipped)
                    except ValidationError as exc:
                        errors[NON_FIELD_ERRORS].append(exc)
                elif not holds:
                    message = constraint.get_violation_error_message()
                    errors[NON_FIELD_ERRORS].append(ValidationError(message))
        if errors:
            raise ValidationError(dict(errors))

    # ----- recording -------------------------------------------------------------------------
    def save(self, obj: models.Model) -> None:
        """Record that ``obj`` (new or stored) is to be written as it is now."""
        model = type(obj)
        # The bulk write bypasses Model.save(): derive here what save() would (the pinyin
        # keys of names, issue 11), before the audit log's snapshots are taken.
        refresh = getattr(obj, "refresh_search_keys", None)
        if refresh is not None:
            refresh()
        self._all(model)
        if obj.pk is None:
            if id(obj) not in self._new:
                self._new[id(obj)] = obj
                self._seq[id(obj)] = next(self._counter)
                self._rows[model].append(obj)
        else:
            self._dirty[id(obj)] = obj
        # Keep every index of the model current: a renamed record moves to its new key.
        for (indexed, names), index in self._indexes.items():
            if indexed is not model:
                continue
            old = self._keys[id(obj)].get(names)
            new = self._key(obj, names)
            if old == new and id(obj) not in self._new:
                continue
            if old is not None and obj in index.get(old, []):
                index[old].remove(obj)
            if obj not in index[new]:
                index[new].append(obj)
            self._keys[id(obj)][names] = new

    def create(self, model: type[M], **values: Any) -> M:
        """Return a new record of ``model`` with ``values``, recorded to be inserted."""
        obj = model(**values)
        self.save(obj)
        return obj

    def is_new(self, obj: models.Model) -> bool:
        return id(obj) in self._new

    def related_refs(self, instance: models.Model, name: str) -> set[_Ref]:
        return set(self._links_of(instance, name).current)

    def add(self, instance: models.Model, name: str, objs: Iterable[models.Model]) -> None:
        """Record ``instance.<name>.add(*objs)``."""
        links = self._links_of(instance, name)
        for obj in objs:
            links.current.setdefault(ref(obj), obj)

    def set(self, instance: models.Model, name: str, objs: Iterable[models.Model]) -> None:
        """Record ``instance.<name>.set(objs)``."""
        links = self._links_of(instance, name)
        links.current = {ref(obj): obj for obj in objs}

    def _links_of(self, instance: models.Model, name: str) -> _Links:
        key = (id(instance), name)
        links = self._links.get(key)
        if links is None:
            relation = _relation(type(instance), name)
            before: set[Any] = set()
            if instance.pk is not None:
                table = self._through(relation)
                before = set(table.get(instance.pk, ()))
            links = _Links(instance, relation, before, {("pk", pk): None for pk in before})
            self._links[key] = links
        return links

    # builtins.set: in the class body "set" is the method above.
    def _through(self, relation: _Relation) -> dict[Any, builtins.set[Any]]:
        key = (relation.through, relation.source, relation.target)
        table = self._through_rows.get(key)
        if table is None:
            table = defaultdict(set)
            pairs = relation.through._base_manager.values_list(relation.source, relation.target)
            for source, target in pairs:
                table[source].add(target)
            self._through_rows[key] = table
        return table

    # ----- writing ---------------------------------------------------------------------------
    def planned_inserts(self) -> list[models.Model]:
        """Return the records to be inserted, in the order they were planned."""
        return list(self._new.values())

    def apply(self) -> journal.Written:
        """Write everything recorded; call inside ``transaction.atomic()``.

        Returns what was written, for the audit log and the matching index.
        """
        written = journal.Written()
        now = timezone.now()
        for model in _insert_order({type(obj) for obj in self._new.values()}):
            objs = [obj for obj in self._new.values() if type(obj) is model]
            for obj in objs:
                _point_at_inserted(obj)
            if keys_reservable(model):
                insert_new(model, objs)
            else:
                model._base_manager.bulk_create(objs, batch_size=BATCH_SIZE)
            written.created.extend(objs)
        for obj in self._dirty.values():
            if id(obj) in self._new:
                continue
            _point_at_inserted(obj)
            loaded = self._loaded_values[id(obj)]
            changed = [
                f
                for f in type(obj)._meta.concrete_fields
                if not f.primary_key and obj.__dict__.get(f.attname) != loaded.get(f.attname)
            ]
            if not changed:
                continue
            for stamp in type(obj)._meta.concrete_fields:
                if getattr(stamp, "auto_now", False):
                    setattr(obj, stamp.attname, now)
            written.updated.append((obj, loaded, [f.name for f in changed]))
        _bulk_update(written.updated)
        # Through rows as (instance, related) keys: nothing reads them back as records.
        inserts: dict[tuple[type[models.Model], str, str], list[tuple[Any, Any]]] = defaultdict(
            list
        )
        for links in self._links.values():
            before = links.before
            after = {obj.pk if obj is not None else key[1] for key, obj in links.current.items()}
            instance_pk = links.instance.pk
            added, removed = after - before, before - after
            relation = links.relation
            if removed:
                relation.through._base_manager.filter(
                    **{relation.source: instance_pk, f"{relation.target}__in": removed}
                ).delete()
            inserts[(relation.through, relation.source, relation.target)] += [
                (instance_pk, pk) for pk in sorted(added)
            ]
            if added or removed:
                written.linked.append(
                    journal.LinkChange(
                        links.instance, relation.name, relation.through, before, after
                    )
                )
        for (through, source, target), rows in inserts.items():
            insert_values(through, (source, target), rows)
        return written


def _point_at_inserted(obj: models.Model) -> None:
    """Fill the foreign keys of ``obj`` that refer to records inserted by this import.

    Assigning an unsaved record to a foreign key leaves the id column None; the record has
    its pk now.
    """
    for fk in obj._meta.concrete_fields:
        if fk.is_relation and fk.is_cached(obj):  # type: ignore[attr-defined]
            related = fk.get_cached_value(obj)  # type: ignore[attr-defined]
            if related is not None and getattr(obj, fk.attname) != related.pk:
                setattr(obj, fk.attname, related.pk)
                # Setting the id drops the cached record; reading it again would cost a query
                # per row (the audit entry of each demand's status change reads its demand).
                fk.set_cached_value(obj, related)  # type: ignore[attr-defined]


_COMPARE = {
    "exact": lambda a, b: a == b,
    "gte": lambda a, b: a >= b,
    "lte": lambda a, b: a <= b,
    "gt": lambda a, b: a > b,
    "lt": lambda a, b: a < b,
}


def _holds(condition: Any, instance: models.Model) -> bool | None:
    """Return whether a CheckConstraint's Q holds for ``instance``; None when not evaluable."""
    if not isinstance(condition, Q):
        return None
    results: list[bool] = []
    for child in condition.children:
        if isinstance(child, Q):
            result = _holds(child, instance)
        else:
            # A Q's other children are its (lookup, value) pairs.
            pair = cast("Sequence[Any]", child)
            result = _lookup_holds(pair[0], pair[1], instance)
        if result is None:
            return None
        results.append(result)
    value = all(results) if condition.connector == Q.AND else any(results)
    return not value if condition.negated else value


def _lookup_holds(lookup: str, expected: Any, instance: models.Model) -> bool | None:
    name, _sep, operator = lookup.partition("__")
    operator = operator or "exact"
    try:
        attname = instance._meta.get_field(name).attname  # type: ignore[union-attr]
    except FieldDoesNotExist:
        return None
    actual = getattr(instance, attname)
    if operator == "isnull":
        return (actual is None) == bool(expected)
    if isinstance(expected, F):
        # attr-defined: django-stubs do not declare F.name, which F.__init__ sets.
        other = expected.name  # type: ignore[attr-defined]
        expected = getattr(instance, instance._meta.get_field(other).attname)  # type: ignore[union-attr]
    elif not isinstance(expected, str | int | float | bool | Decimal | datetime.date):
        return None
    compare = _COMPARE.get(operator)
    if compare is None:
        return None
    if actual is None or expected is None:
        return False  # SQL: a comparison with NULL is not true
    try:
        return bool(compare(actual, expected))
    except TypeError:
        return None


def _bulk_update(updated: list[tuple[models.Model, dict[str, Any], list[str]]]) -> None:
    groups: dict[tuple[type[models.Model], tuple[str, ...]], list[models.Model]] = defaultdict(list)
    for obj, _loaded, names in updated:
        stamps = [f.name for f in type(obj)._meta.concrete_fields if getattr(f, "auto_now", False)]
        groups[(type(obj), tuple(sorted({*names, *stamps})))].append(obj)
    for (model, field_names), objs in groups.items():
        model._base_manager.bulk_update(objs, list(field_names), batch_size=BATCH_SIZE)


def _value_key(obj: models.Model, name: str) -> Any:
    if name == "pk":
        return obj.pk
    field_ = obj._meta.get_field(name)
    if field_.many_to_one or field_.one_to_one:
        if field_.is_cached(obj):  # type: ignore[union-attr]
            related = field_.get_cached_value(obj)  # type: ignore[union-attr]
            if related is not None:
                return ref(related)
        value = getattr(obj, field_.attname)  # type: ignore[union-attr]
        return None if value is None else ("pk", value)
    return getattr(obj, field_.attname)  # type: ignore[union-attr]


@functools.cache
def _is_reference(model: type[models.Model], name: str) -> bool:
    """Return True when ``name`` is a foreign key or one-to-one field of ``model``."""
    if name == "pk":
        return False
    field_ = model._meta.get_field(name)
    return bool(field_.many_to_one or field_.one_to_one)


def _lookup_key(model: type[models.Model], name: str, value: Any) -> Any:
    if _is_reference(model, name):
        if value is None:
            return None
        return ref(value) if isinstance(value, models.Model) else ("pk", value)
    return value


@functools.cache
def _relation(model: type[models.Model], name: str) -> _Relation:
    """Return the many-to-many relation ``name`` of ``model``, forward or reverse."""
    for field_ in model._meta.many_to_many:
        if field_.name == name:
            through = _through_model(field_)
            return _Relation(
                name,
                through,
                _attname(through, field_.m2m_field_name()),
                _attname(through, field_.m2m_reverse_field_name()),
            )
    for relation in model._meta.related_objects:
        if relation.many_to_many and relation.get_accessor_name() == name:
            m2m = relation.field
            assert isinstance(m2m, models.ManyToManyField)  # the relation is many-to-many
            through = _through_model(m2m)
            return _Relation(
                name,
                through,
                _attname(through, m2m.m2m_reverse_field_name()),
                _attname(through, m2m.m2m_field_name()),
            )
    raise LookupError(f"{model.__name__} has no many-to-many relation {name!r}")


def _through_model(m2m: models.ManyToManyField) -> type[models.Model]:
    through = m2m.remote_field.through
    # Django sets it (to an automatic model if none was declared) once the apps are loaded.
    assert through is not None
    return through


def _attname(model: type[models.Model], name: str) -> str:
    """Return the column attribute of ``model``'s field ``name`` (a through model's key)."""
    field_ = model._meta.get_field(name)
    assert isinstance(field_, models.Field)  # not a reverse relation: those have no column
    return field_.attname


def _insert_order(models_: set[type[models.Model]]) -> list[type[models.Model]]:
    """Return ``models_`` ordered so that every model comes after those it refers to."""
    ordered: list[type[models.Model]] = []
    visiting: set[type[models.Model]] = set()

    def visit(model: type[models.Model]) -> None:
        if model in ordered or model in visiting:
            return
        visiting.add(model)
        for fk in model._meta.concrete_fields:
            target = fk.related_model if fk.is_relation else None
            if target in models_ and target is not model:
                visit(target)
        visiting.discard(model)
        ordered.append(model)

    for model in sorted(models_, key=lambda m: m._meta.label):
        visit(model)
    return ordered
