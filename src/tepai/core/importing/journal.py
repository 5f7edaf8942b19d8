"""What an import wrote, and the audit entries for it, written in bulk.

Bulk inserts and updates send no model signals, so :mod:`tepai.audit.signals` sees nothing;
:func:`audit` writes the entries those receivers write for a row-by-row save: "create" with
the new values, "update" with the fields that changed (nothing when nothing did), "update" per
changed many-to-many relation of an existing record, and "transition" for a demand's status
history. One difference, on purpose: a new record's relations (批次, 团队, 中心…) are part of
its "create" entry instead of one "update" entry each.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models.signals import m2m_changed
from django.utils import timezone

from tepai.audit import actions
from tepai.audit.context import Actor, current_actor
from tepai.audit.log import JSON_COLUMNS, entry_values
from tepai.audit.models import AuditEntry
from tepai.audit.signals import tracked_models
from tepai.audit.snapshot import changes, row_snapshot, snapshot, tracked_fields
from tepai.core.importing.inserts import insert_values

_TRANSITION = "demands.demandtransition"


@dataclass
class LinkChange:
    """A many-to-many relation of one record changed from ``before`` to ``after`` (pks)."""

    instance: models.Model
    name: str
    through: type[models.Model]
    before: set[Any]
    after: set[Any]


@dataclass
class Written:
    """Everything one import wrote."""

    created: list[models.Model] = field(default_factory=list)
    # (record, its column values as loaded, the names of the fields that changed)
    updated: list[tuple[models.Model, dict[str, Any], list[str]]] = field(default_factory=list)
    linked: list[LinkChange] = field(default_factory=list)


def _entry(
    action: str,
    actor: Actor,
    target: models.Model,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    detail: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return entry_values(
        action,
        target=target,
        before=before,
        after=after,
        detail=detail,
        actor=actor,
        json_text=True,
    )


class Snapshots:
    """The audit values of records to be inserted, taken before the write transaction.

    Taking a snapshot is most of the cost of the log; taken early, it is not paid while the
    write lock is held. What only the insert decides (the primary key, keys of other new
    records, auto_now_add stamps) is read again afterwards by :meth:`of`.
    """

    def __init__(self, objs: Iterable[models.Model]) -> None:
        self._values = {id(obj): snapshot(obj) for obj in objs}

    def of(self, obj: models.Model) -> dict[str, Any]:
        values = self._values.get(id(obj))
        if values is None:
            return snapshot(obj)
        late = [
            f.name
            for f in tracked_fields(type(obj))
            if f.primary_key or f.is_relation or getattr(f, "auto_now_add", False)
        ]
        return {**values, **snapshot(obj, late)}


def audit(written: Written, snapshots: Snapshots | None = None) -> int:
    """Write the audit entries for ``written`` (in the import's transaction); return how many."""
    snapshots = snapshots or Snapshots(())
    actor = current_actor()
    tracked = set(tracked_models())
    entries: list[dict[str, Any]] = []
    # A new record's relations go into its "create" entry (one entry per record, not four:
    # the log of a 50,000-row roster would otherwise hold 200,000 entries).
    links_of_new: dict[int, dict[str, list[Any]]] = {}
    created_ids = {id(obj) for obj in written.created}
    for link in written.linked:
        if id(link.instance) in created_ids:
            links_of_new.setdefault(id(link.instance), {})[link.name] = sorted(link.after)
    for obj in written.created:
        if type(obj) in tracked:
            after = {**snapshots.of(obj), **links_of_new.get(id(obj), {})}
            entries.append(_entry(actions.CREATE, actor, obj, after=after))
        elif obj._meta.label_lower == _TRANSITION:
            note = getattr(obj, "note", "")
            entries.append(
                _entry(
                    actions.TRANSITION,
                    actor,
                    obj.demand,  # type: ignore[attr-defined]
                    before={"status": obj.from_status},  # type: ignore[attr-defined]
                    after={"status": obj.to_status},  # type: ignore[attr-defined]
                    detail={"note": note} if note else None,
                )
            )
    for obj, loaded, _names in written.updated:
        if type(obj) not in tracked:
            continue
        old, new = changes(row_snapshot(type(obj), loaded), snapshot(obj))
        if new:
            entries.append(_entry(actions.UPDATE, actor, obj, before=old, after=new))
    for link in written.linked:
        if type(link.instance) in tracked and id(link.instance) not in created_ids:
            entries.append(
                _entry(
                    actions.UPDATE,
                    actor,
                    link.instance,
                    before={link.name: sorted(link.before)},
                    after={link.name: sorted(link.after)},
                )
            )
    if entries:
        # One import, one moment: every entry carries the time of the write.
        at = timezone.now()
        columns = ["at", *entries[0]]
        insert_values(
            AuditEntry,
            columns,
            ([at, *entry.values()] for entry in entries),
            ready=JSON_COLUMNS,
        )
    return len(entries)


def announce_links(written: Written, created: set[int]) -> None:
    """Send ``m2m_changed`` ("post_add"/"post_remove") for relations of records that existed.

    Listeners such as the matching index's fingerprint touch (tepai.recommender.live) react
    to these; the audit receiver only logs changes it saw begin, so it writes nothing twice.
    Relations of records created by this import need no announcement: they are new anyway.
    """
    for link in written.linked:
        if id(link.instance) in created:
            continue
        reverse = not any(f.name == link.name for f in type(link.instance)._meta.many_to_many)
        for action, pks in (
            ("post_add", link.after - link.before),
            ("post_remove", link.before - link.after),
        ):
            if pks:
                m2m_changed.send(
                    sender=link.through,
                    instance=link.instance,
                    action=action,
                    reverse=reverse,
                    model=None,
                    pk_set=set(pks),
                    using="default",
                )
