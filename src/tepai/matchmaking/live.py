"""One process-wide matching engine for web requests, kept current without full rebuilds.

Building the engine indexes every commissioner (segmenting, encoding); a web request must not
pay that. :func:`shared_engine` builds it once, lazily, and before each use asks the database
for a cheap fingerprint of every commissioner: their own ``updated_at`` plus counts and
latest ``updated_at`` of everything :func:`~tepai.matchmaking.records.expert_from` reads
(institution, work items, centres, teams, projects and their enterprises, activities and
their enterprises, declared conflicts). Only commissioners whose fingerprint changed are
loaded and re-indexed; deleted ones are removed.

Work items and declared conflicts have no ``updated_at``, and a membership swap keeps the
counts; the signal receivers below (connected by the engagements app in every process, CLI
imports included) touch the commissioner's ``updated_at`` on those changes, so the
fingerprint sees them too.

Thread safety: the engine is not safe to change while another thread ranks with it, so a
published engine is never changed. A refresh with changes indexes them into a copy (the
analyzer and encoder are shared, not copied) and swaps it in under the lock; requests still
holding the previous engine finish on a consistent snapshot.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Count, Max, Sum
from django.db.models.functions import Length
from django.utils import timezone

from tepai.activities.models import Activity
from tepai.commissioners.models import Commissioner, DeclaredConflict, WorkItem
from tepai.projects.models import Project

if TYPE_CHECKING:
    # Imported when first used: every process connects this module's receivers at start-up
    # and should not pay for loading the engine (numpy, SciPy, the segmenter) to do so.
    from tepai.matching.engine import MatchingEngine

Fingerprint = tuple[Any, ...]

# Beyond this many changed commissioners (a big import) loading them all is cheaper than a
# long IN (...) list.
_FILTER_LIMIT = 500

__all__ = ["LiveEngine", "connect_signals", "fingerprints", "reset", "shared_engine"]


def _grouped(rows: Iterable[dict[str, Any]], key: str) -> dict[int, tuple[Any, ...]]:
    return {row.pop(key): tuple(row.values()) for row in rows}


def fingerprints() -> dict[int, Fingerprint]:
    """Return {commissioner id: fingerprint} in eight grouped queries, without loading texts.

    Two fingerprints differ whenever the commissioner's engine record may differ (given the
    touch-on-change receivers for what has no timestamp of its own).
    """
    base = Commissioner.objects.values_list("pk", "updated_at", "institution__updated_at")
    items = _grouped(
        WorkItem.objects.values("commissioner_id").annotate(
            n=Count("id"), last=Max("id"), size=Sum(Length("title") + Length("text"))
        ),
        "commissioner_id",
    )
    centres = _grouped(
        Commissioner.centres.through.objects.values("commissioner_id").annotate(
            n=Count("id"), changed=Max("innovationcentre__updated_at")
        ),
        "commissioner_id",
    )
    teams = _grouped(
        Commissioner.teams.through.objects.values("commissioner_id").annotate(
            n=Count("id"), changed=Max("team__updated_at")
        ),
        "commissioner_id",
    )
    projects = _grouped(
        Project.commissioners.through.objects.values("commissioner_id").annotate(
            n=Count("id"),
            changed=Max("project__updated_at"),
            enterprise=Max("project__enterprise__updated_at"),
        ),
        "commissioner_id",
    )
    activities = _grouped(
        Activity.commissioners.through.objects.values("commissioner_id").annotate(
            n=Count("id"), changed=Max("activity__updated_at")
        ),
        "commissioner_id",
    )
    served = _grouped(
        Activity.enterprises.through.objects.values("activity__commissioners").annotate(
            n=Count("id"), changed=Max("enterprise__updated_at")
        ),
        "activity__commissioners",
    )
    conflicts = _grouped(
        DeclaredConflict.objects.values("commissioner_id").annotate(
            n=Count("id"), last=Max("id"), changed=Max("enterprise__updated_at")
        ),
        "commissioner_id",
    )
    return {
        pk: (
            updated,
            institution,
            items.get(pk),
            centres.get(pk),
            teams.get(pk),
            projects.get(pk),
            activities.get(pk),
            served.get(pk),
            conflicts.get(pk),
        )
        for pk, updated, institution in base
    }


def _copy(engine: MatchingEngine) -> MatchingEngine:
    """Return an independent copy of ``engine`` that shares its (read-only) analyzer and encoder."""
    shared = [engine.analyzer, engine.config, engine.encoder, getattr(engine, "wording", None)]
    memo = {id(item): item for item in shared if item is not None}
    return copy.deepcopy(engine, memo)


class LiveEngine:
    """A lazily built engine over the database, refreshed incrementally on each :meth:`get`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._engine: MatchingEngine | None = None
        self._encoder_choice = ""
        self._fingerprints: dict[int, Fingerprint] = {}
        # How many commissioners each refresh re-indexed: lets tests (and a curious admin)
        # check that an edit re-indexes one commissioner, not all of them.
        self.last_indexed: list[int] = []

    def get(self) -> MatchingEngine:
        """Return the engine with every commissioner change since the last call applied."""
        from tepai.matching.engine import MatchingEngine
        from tepai.matchmaking.records import commissioner_queryset, experts_from
        from tepai.matchmaking.service import build_encoder

        with self._lock:
            # Fingerprints are read before the records: a change landing in between is
            # loaded now and seen again (harmlessly) next time, never missed.
            current = fingerprints()
            choice = settings.TEPAI_MATCH_ENCODER
            if self._engine is None or choice != self._encoder_choice:
                engine = MatchingEngine(encoder=build_encoder())
                engine.index(experts_from(commissioner_queryset()))
                self.last_indexed = sorted(current)
                self._engine, self._encoder_choice = engine, choice
            else:
                changed = [pk for pk, mark in current.items() if self._fingerprints.get(pk) != mark]
                removed = [pk for pk in self._fingerprints if pk not in current]
                self.last_indexed = sorted(changed)
                if changed or removed:
                    engine = _copy(self._engine)
                    for pk in removed:
                        engine.remove(str(pk))
                    people = commissioner_queryset()
                    if len(changed) <= _FILTER_LIMIT:
                        people = people.filter(pk__in=changed)
                    # Unchanged experts among "all" are skipped by the engine's equality check.
                    engine.index(experts_from(people))
                    self._engine = engine
            self._fingerprints = current
            return self._engine

    def reset(self) -> None:
        """Forget the engine; the next :meth:`get` builds it again."""
        with self._lock:
            self._engine = None
            self._fingerprints = {}
            self.last_indexed = []


_live = LiveEngine()


def shared_engine() -> MatchingEngine:
    """Return the process-wide engine, current with the database. Treat it as read-only."""
    return _live.get()


def live() -> LiveEngine:
    """Return the process-wide :class:`LiveEngine` (for tests and diagnostics)."""
    return _live


def reset() -> None:
    """Drop the process-wide engine (tests; after restoring a database)."""
    _live.reset()


# ----- touching commissioners whose engine record changed without a timestamp -----------------


def _touch(pks: Iterable[int]) -> None:
    ids = [pk for pk in pks if pk is not None]
    if ids:
        # update() sends no signals: this is bookkeeping, not an edit to audit.
        Commissioner.objects.filter(pk__in=ids).update(updated_at=timezone.now())


def _own_record_changed(sender: type, instance: WorkItem | DeclaredConflict, **kwargs: Any) -> None:
    _touch([instance.commissioner_id])


def _members_changed(
    sender: type,
    instance: Any,
    action: str,
    pk_set: set[int] | None,
    **kwargs: Any,
) -> None:
    """Touch the commissioners whose centres, teams, projects or activities were added/removed.

    Cleared relations need nothing: clearing lowers a count in the fingerprint.
    """
    if action not in ("post_add", "post_remove") or not pk_set:
        return
    if isinstance(instance, Commissioner):
        _touch([instance.pk])
    elif sender is Activity.enterprises.through:
        if isinstance(instance, Activity):
            _touch(instance.commissioners.values_list("pk", flat=True))
        else:
            people = Activity.commissioners.through.objects.filter(activity_id__in=pk_set)
            _touch(people.values_list("commissioner_id", flat=True))
    else:
        # project.commissioners.add(...), activity.commissioners.add(...) or the reverse side
        # of a commissioner relation (centre.members.add(...)): pk_set are commissioners.
        _touch(pk_set)


def connect_signals() -> None:
    """Connect the touch-on-change receivers (idempotent; called from an AppConfig.ready)."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    for model in (WorkItem, DeclaredConflict):
        name = model.__name__
        post_save.connect(_own_record_changed, sender=model, dispatch_uid=f"live-{name}-save")
        post_delete.connect(_own_record_changed, sender=model, dispatch_uid=f"live-{name}-delete")
    for through in (
        Commissioner.centres.through,
        Commissioner.teams.through,
        Project.commissioners.through,
        Activity.commissioners.through,
        Activity.enterprises.through,
    ):
        m2m_changed.connect(
            _members_changed, sender=through, dispatch_uid=f"live-members-{through.__name__}"
        )
