"""Process-wide matching indexes over the database, kept current without full rebuilds.

Building an engine indexes every record (segmenting, encoding); a web request must not pay
that. A :class:`LiveIndex` builds its engine once, lazily, and before each use asks the
database for a cheap fingerprint of every record ({pk: fingerprint}, no texts loaded). Only
records whose fingerprint changed are loaded and re-indexed; records that left the query are
removed. One class serves every index, parameterised by

(a) the fingerprint query, (b) a loader of records by pk (``None``: all of them), (c) the
conversion of a record into the engine's document (an :class:`~tepai.matching.Expert`), and
(d) the explanation wording.

The process-wide indexes are :data:`EXPERTS` (commissioners; :func:`shared_engine`) here, and
``OUTCOMES`` and ``OPEN_DEMANDS`` in :mod:`tepai.recommender.catalogs`.

The commissioners' fingerprint is their own ``updated_at`` plus counts and latest
``updated_at`` of everything :func:`~tepai.recommender.conversion.expert_from` reads
(institution, work items, centres, teams, projects and their enterprises, activities and
their enterprises, declared conflicts). Work items and declared conflicts have no
``updated_at``, and a membership swap keeps the counts; the signal receivers below (connected
by the engagements app in every process, CLI imports included) touch the commissioner's (or
outcome's) ``updated_at`` on those changes, so the fingerprint sees them too.

Thread safety (copy-on-write): a published engine is never changed. A refresh with changes
indexes them into a copy (the analyzer and encoder are shared, not copied) and swaps it in
under the index's lock; ranking happens outside the lock, so readers holding an engine never
wait for indexing and finish on a consistent snapshot. A caller of :meth:`LiveIndex.get`
during a build or refresh waits for it and then shares its result: there is never a second
build of the same index.

Every index builds its engine with the process's one encoder
(:func:`tepai.recommender.service.build_encoder`). Inside :func:`snapshots` (``tepai match``,
the warm-up of ``tepai init``/``tepai demo``) the indexes are also kept on disk, so the next
CLI process refreshes the previous one's index instead of building its own.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import logging
import os
import pickle
import sys
import threading
from collections.abc import Callable, Collection, Hashable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from django.conf import settings
from django.db.models import Count, Max, Sum
from django.db.models.functions import Length
from django.utils import timezone

from tepai.activities.models import Activity
from tepai.commissioners.models import Commissioner, DeclaredConflict, WorkItem
from tepai.outcomes.models import Outcome
from tepai.projects.models import Project

if TYPE_CHECKING:
    # Imported when first used: every process connects this module's receivers at start-up
    # and should not pay for loading the engine (numpy, the segmenter) to do so.
    from tepai.matching import Expert, MatchingEngine, Wording

Fingerprint = Hashable
Progress = Callable[[int, int], None]

# Beyond this many changed records (a big import) loading them all is cheaper than a long
# IN (...) list; unchanged ones among "all" are skipped by the engine's equality check.
FILTER_LIMIT = 500

__all__ = [
    "EXPERTS",
    "LiveIndex",
    "connect_signals",
    "fingerprints",
    "indexes",
    "reset",
    "shared_engine",
    "snapshots",
]


_LOCK = type(threading.Lock())
_RLOCK = type(threading.RLock())


def _fresh_locks(parent: object, memo: dict[int, Any], depth: int = 2) -> None:
    """Map every lock among ``parent``'s attributes (``depth`` levels down) to a new one.

    Locks cannot be deep-copied; an engine's helpers (a vocabulary, a cache) may hold one
    to guard their own state, and the copy needs its own.
    """
    try:
        values = list(vars(parent).values())
    except TypeError:  # no __dict__ (slots, builtins)
        return
    for value in values:
        if isinstance(value, _LOCK):
            memo.setdefault(id(value), threading.Lock())
        elif isinstance(value, _RLOCK):
            memo.setdefault(id(value), threading.RLock())
        elif depth > 1 and id(value) not in memo:
            _fresh_locks(value, memo, depth - 1)


def _copy(engine: MatchingEngine) -> MatchingEngine:
    """Return an independent copy of ``engine`` that shares its read-only parts.

    The analyzer, encoder, config, wording and discipline lexicon never change; the demand
    vocabulary is replaced, never changed in place, once an engine is published
    (:func:`_with_current_demands`), so the copy may share it too.
    """
    shared = [
        engine.analyzer,
        engine.config,
        engine.encoder,
        getattr(engine, "wording", None),
        getattr(engine, "vocabulary", None),
        getattr(engine, "disciplines", None),
    ]
    memo: dict[int, Any] = {id(item): item for item in shared if item is not None}
    _fresh_locks(engine, memo)
    return copy.deepcopy(engine, memo)


# ----- snapshots ------------------------------------------------------------------------------
#
# A CLI process (``tepai match …``) would otherwise index every record on each call; with
# snapshots on it loads the index the previous process left under $TEPAI_HOME/cache/engines
# (a pickle: that directory is as trusted as the secret key beside it), then refreshes it by
# fingerprints like any other index. The file is keyed on the code of the engine and of the
# record conversion, the encoder and the database, so any of them changing means a rebuild.
# The analyzer, encoder, config and wording are the process's own, not pickled.

_persist: ContextVar[bool] = ContextVar("tepai_live_snapshots", default=False)
_log = logging.getLogger(__name__)


@contextmanager
def snapshots() -> Iterator[None]:
    """Keep the indexes used inside this block on disk between processes (CLI commands)."""
    token = _persist.set(True)
    try:
        yield
    finally:
        _persist.reset(token)


@functools.cache
def _code_key() -> str:
    """Return a digest of the files an index's content depends on (size and mtime of each)."""
    import numpy

    import tepai

    root = Path(tepai.__file__).resolve().parent
    files = [
        *(root / "matching").rglob("*"),
        *(root / "recommender" / name for name in ("conversion.py", "live.py", "catalogs.py")),
    ]
    parts = [tepai.__version__, sys.version, numpy.__version__]
    for path in sorted(files):
        if path.is_file() and "__pycache__" not in path.parts and "tests" not in path.parts:
            stat = path.stat()
            parts.append(f"{path.relative_to(root)} {stat.st_size} {stat.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _shared_parts(engine: MatchingEngine) -> dict[str, Any]:
    return {
        "analyzer": engine.analyzer,
        "config": engine.config,
        "encoder": engine.encoder,
        "wording": getattr(engine, "wording", None),
    }


class _Pickler(pickle.Pickler):
    """Pickles an engine without the process's own parts, and its locks as new locks."""

    def __init__(self, file: BinaryIO, shared: dict[str, Any]) -> None:
        super().__init__(file, protocol=5)
        self._shared = {id(item): name for name, item in shared.items() if item is not None}

    def persistent_id(self, obj: Any) -> str | None:
        return self._shared.get(id(obj))

    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, _LOCK):
            return threading.Lock, ()
        if isinstance(obj, _RLOCK):
            return threading.RLock, ()
        return NotImplemented


class _Unpickler(pickle.Unpickler):
    def __init__(self, file: BinaryIO, shared: dict[str, Any]) -> None:
        super().__init__(file)
        self._shared = shared

    def persistent_load(self, pid: Any) -> Any:
        return self._shared[pid]


_INDEXES: list[LiveIndex] = []


class LiveIndex:
    """One lazily built engine over database records, refreshed incrementally by :meth:`get`.

    ``fingerprints()`` returns {pk: fingerprint}, two fingerprints differing whenever the
    record's document may differ; ``load(pks)`` returns the records with those pks (all
    records when ``pks`` is None), ready for ``to_document``; ``wording`` names the ranked
    records in explanations (None: commissioners). ``label`` names the records in progress
    messages ("名特派员"); ``snapshot`` names the file the index is kept in between
    processes when snapshots are on (see :func:`snapshots`).
    """

    def __init__(
        self,
        label: str,
        *,
        fingerprints: Callable[[], Mapping[int, Fingerprint]],
        load: Callable[[Collection[int] | None], Iterable[Any]],
        to_document: Callable[[Any], Expert],
        wording: Wording | None = None,
        snapshot: str = "",
        filter_limit: int = FILTER_LIMIT,
        observe_demands: bool = False,
    ) -> None:
        self.label = label
        # Whether the engine also learns the demand corpus (every stored demand's terms, for
        # weighing down the boilerplate most demands share; tepai.matching.vocabulary).
        self.observe_demands = observe_demands
        self.snapshot = snapshot
        self._fingerprints_of = fingerprints
        self._load = load
        self._to_document = to_document
        self._wording = wording
        self._filter_limit = filter_limit
        self._lock = threading.Lock()
        self._engine: MatchingEngine | None = None
        self._encoder_choice = ""
        self._fingerprints: Mapping[int, Fingerprint] = {}
        # Which records the last refresh (re-)indexed: lets tests (and a curious admin) check
        # that an edit re-indexes one record, not all of them.
        self.last_indexed: list[int] = []
        # How many times the engine was built from scratch (tests: never twice at once).
        self.builds = 0
        _INDEXES.append(self)

    @property
    def built(self) -> bool:
        """True once an engine has been published (it may be out of date)."""
        return self._engine is not None

    def get(self, progress: Progress | None = None) -> MatchingEngine:
        """Return the engine with every change since the last call applied. Treat it as read-only.

        ``progress(done, total)`` is called while a first build indexes the records.
        """
        with self._lock:
            # Fingerprints are read before the records: a change landing in between is
            # loaded now and seen again (harmlessly) next time, never missed.
            current = self._fingerprints_of()
            choice = settings.TEPAI_MATCH_ENCODER
            persist = _persist.get() and bool(self.snapshot)
            if self._engine is None and persist:
                self._restore(choice)
            if self._engine is None or choice != self._encoder_choice:
                engine = self._new_engine()
                engine.index(self._documents(None), progress=progress)
                self.builds += 1
                self.last_indexed = sorted(current)
                self._engine, self._encoder_choice = engine, choice
                changed_any = True
            else:
                changed = [pk for pk, mark in current.items() if self._fingerprints.get(pk) != mark]
                removed = [pk for pk in self._fingerprints if pk not in current]
                self.last_indexed = sorted(changed)
                changed_any = bool(changed or removed)
                if changed_any:
                    engine = _copy(self._engine)
                    for pk in removed:
                        engine.remove(str(pk))
                    if changed:
                        wanted = changed if len(changed) <= self._filter_limit else None
                        engine.index(self._documents(wanted))
                    self._engine = engine
            self._fingerprints = current
            if self.observe_demands:
                engine = _with_current_demands(self._engine)
                changed_any = changed_any or engine is not self._engine
                self._engine = engine
            if persist and changed_any:
                self._save(choice)
            return self._engine

    def reset(self) -> None:
        """Forget the engine; the next :meth:`get` builds it again."""
        with self._lock:
            self._engine = None
            self._fingerprints = {}
            self.last_indexed = []

    # -- snapshots: the index kept on disk between CLI processes ------------------------------

    def _snapshot_path(self) -> Path:
        return Path(settings.TEPAI_CACHE_DIR) / "engines" / f"{self.snapshot}.pickle"

    def _snapshot_key(self, choice: str, engine: MatchingEngine) -> str:
        database = settings.DATABASES["default"]
        encoder = getattr(engine.encoder, "name", "none")
        parts = [_code_key(), choice, encoder, str(database["NAME"]), str(database.get("HOST"))]
        return "\n".join(parts)

    def _restore(self, choice: str) -> None:
        """Publish the snapshot's engine, if there is one for this code, encoder and database."""
        path = self._snapshot_path()
        if not path.is_file():
            return
        fresh = self._new_engine()
        try:
            with path.open("rb") as file:
                key = pickle.load(file)
                if key != self._snapshot_key(choice, fresh):
                    return
                fingerprints, engine = _Unpickler(file, _shared_parts(fresh)).load()
        except Exception as error:  # stale, truncated, from another version: rebuild
            _log.info("matching index snapshot %s not used (%s)", path, error)
            return
        self._engine, self._fingerprints, self._encoder_choice = engine, fingerprints, choice

    def _save(self, choice: str) -> None:
        """Write the published engine and its fingerprints to the snapshot file (atomically)."""
        engine = self._engine
        assert engine is not None
        path = self._snapshot_path()
        temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with temporary.open("wb") as file:
                os.chmod(temporary, 0o600)
                pickle.dump(self._snapshot_key(choice, engine), file, protocol=5)
                pickler = _Pickler(file, _shared_parts(engine))
                pickler.dump((self._fingerprints, engine))
            os.replace(temporary, path)
        except Exception as error:  # a snapshot is an optimisation: never fail the caller
            _log.warning("could not write the matching index snapshot %s: %s", path, error)
            temporary.unlink(missing_ok=True)

    def _new_engine(self) -> MatchingEngine:
        from tepai.matching import MatchingEngine
        from tepai.recommender.service import build_encoder

        if self._wording is None:
            return MatchingEngine(encoder=build_encoder())
        return MatchingEngine(encoder=build_encoder(), wording=self._wording)

    def _documents(self, pks: Collection[int] | None) -> list[Expert]:
        return [self._to_document(record) for record in self._load(pks)]


def _with_current_demands(engine: MatchingEngine) -> MatchingEngine:
    """Return ``engine`` with its demand vocabulary current with the stored demands.

    Unchanged, it is returned as it is; otherwise a shallow copy with its own vocabulary is
    (the rest of the engine is shared: it is never changed once published).
    """
    from tepai.demands.models import Demand as DemandRecord
    from tepai.recommender.conversion import demand_from

    current = {str(pk): stamp for pk, stamp in DemandRecord.objects.values_list("pk", "updated_at")}
    known = engine.vocabulary.marks()
    changed = [pk for pk, mark in current.items() if known.get(pk) != mark]
    removed = [pk for pk in known if pk not in current]
    if not changed and not removed:
        return engine
    fresh = copy.copy(engine)
    fresh.vocabulary = engine.vocabulary.copy()
    for pk in removed:
        fresh.forget_demand(pk)
    records = DemandRecord.objects.select_related("enterprise")
    if len(changed) <= FILTER_LIMIT:
        records = records.filter(pk__in=[int(pk) for pk in changed])
    fresh.observe_demands((demand_from(record) for record in records), current)
    return fresh


def indexes() -> list[LiveIndex]:
    """Return every process-wide index created so far."""
    return list(_INDEXES)


def reset() -> None:
    """Drop every process-wide engine (tests; after restoring a database)."""
    for index in _INDEXES:
        index.reset()


# ----- commissioners ------------------------------------------------------------------------


# Rows of values() querysets: each query's own TypedDict, all read the same way here.
def _grouped(rows: Iterable[Any], key: str) -> dict[int, tuple[Any, ...]]:
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


def _load_commissioners(pks: Collection[int] | None) -> Iterable[Commissioner]:
    from tepai.recommender.conversion import commissioner_queryset

    people = commissioner_queryset()
    return people if pks is None else people.filter(pk__in=list(pks))


def _expert_document(commissioner: Commissioner) -> Expert:
    from tepai.recommender.conversion import expert_from

    return expert_from(commissioner)


EXPERTS = LiveIndex(
    "名特派员",
    snapshot="experts",
    fingerprints=fingerprints,
    load=_load_commissioners,
    to_document=_expert_document,
    observe_demands=True,
)


def shared_engine(progress: Progress | None = None) -> MatchingEngine:
    """Return the process-wide commissioner engine, current with the database (read-only)."""
    return EXPERTS.get(progress)


def live() -> LiveIndex:
    """Return the process-wide commissioner index (for tests and diagnostics)."""
    return EXPERTS


# ----- touching records whose engine document changed without a timestamp -------------------


def _touch(model: type[Commissioner] | type[Outcome], pks: Iterable[int | None]) -> None:
    ids = [pk for pk in pks if pk is not None]
    if ids:
        # update() sends no signals: this is bookkeeping, not an edit to audit.
        model.objects.filter(pk__in=ids).update(updated_at=timezone.now())


def _own_record_changed(sender: type, instance: WorkItem | DeclaredConflict, **kwargs: Any) -> None:
    _touch(Commissioner, [instance.commissioner_id])


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
        _touch(Commissioner, [instance.pk])
    elif sender is Activity.enterprises.through:
        if isinstance(instance, Activity):
            _touch(Commissioner, instance.commissioners.values_list("pk", flat=True))
        else:
            people = Activity.commissioners.through.objects.filter(activity_id__in=pk_set)
            _touch(Commissioner, people.values_list("commissioner_id", flat=True))
    else:
        # project.commissioners.add(...), activity.commissioners.add(...) or the reverse side
        # of a commissioner relation (centre.members.add(...)): pk_set are commissioners.
        _touch(Commissioner, pk_set)


def _owners_changed(
    sender: type,
    instance: Any,
    action: str,
    pk_set: set[int] | None,
    **kwargs: Any,
) -> None:
    """Touch the outcomes whose owners (完成人) were added or removed (a swap keeps the count)."""
    if action not in ("post_add", "post_remove") or not pk_set:
        return
    if isinstance(instance, Outcome):
        _touch(Outcome, [instance.pk])
    else:  # commissioner.outcomes.add(...): pk_set are outcomes
        _touch(Outcome, pk_set)


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
    m2m_changed.connect(
        _owners_changed, sender=Outcome.owners.through, dispatch_uid="live-outcome-owners"
    )
