"""Warming the matching engine: build the shared indexes and fill the vector cache.

A process that matches pays, on first use, for indexing every commissioner, outcome and open
demand, and for encoding any text the on-disk vector cache does not hold yet (which loads
the sentence encoder, ~1 s and ~100 MB, and costs ~4 ms a text). :func:`warm_up` pays it
ahead: ``tepai serve`` runs it on a daemon thread at start (:func:`start_background`) so the
first matching page is fast, and ``tepai demo`` / ``tepai init`` run it so that
``tepai match …`` finds every vector in the cache and never loads the encoder.

Besides the indexed documents, the cache is filled with the texts the pages and commands
encode as queries: each demand's text (recommend, outcomes), each team skill phrase (team)
and each commissioner's profile as a query (demands for a commissioner).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

from django.db import connections

from tepai.recommender.live import EXPERTS, LiveIndex, Progress, snapshots

log = logging.getLogger(__name__)

# Texts are encoded (or looked up in the cache) this many at a time.
_BATCH = 256

__all__ = ["WarmUp", "start_background", "warm_up"]


@dataclass
class WarmUp:
    """What a warm-up did: records indexed per index label, query texts, seconds taken."""

    indexed: dict[str, int] = field(default_factory=dict)
    query_texts: int = 0
    seconds: float = 0.0


def _progress(label: str) -> Progress:
    """Return a progress callback logging about every tenth of the way (and the end)."""
    state = {"step": -1}

    def report(done: int, total: int) -> None:
        step = done * 10 // max(total, 1)
        if step != state["step"] or done >= total:
            state["step"] = step
            log.info("匹配引擎预热：已索引 %d/%d %s", done, total, label)

    return report


def _catalogs() -> list[LiveIndex]:
    from tepai.recommender.catalogs import OPEN_DEMANDS, OUTCOMES

    return [EXPERTS, OUTCOMES, OPEN_DEMANDS]


def _batched(texts: Iterable[str]) -> Iterator[list[str]]:
    batch: list[str] = []
    for text in texts:
        batch.append(text)
        if len(batch) == _BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def query_texts(*, keyword_skills: bool = True) -> Iterator[str]:
    """Yield the texts the pages and commands encode as queries (duplicates included).

    ``keyword_skills``: also the keywords a team is built on for demands that list no
    所需技能 (segmenting every demand; the declared skills are always included).
    """
    from tepai.demands.models import Demand as DemandRecord
    from tepai.matching import Demand, demand_text
    from tepai.recommender.conversion import commissioner_queryset, demand_from, expert_query
    from tepai.recommender.service import team_skills

    engine = EXPERTS.get()
    for record in DemandRecord.objects.select_related("enterprise").iterator(chunk_size=2000):
        demand = demand_from(record)
        yield demand_text(demand)
        skills = team_skills(engine, record) if keyword_skills else demand.skills
        for skill in skills:
            # What engine.skill_affinity encodes for each skill of a team.
            yield demand_text(Demand(id="skill", title=skill))
    for person in commissioner_queryset().iterator(chunk_size=2000):
        yield demand_text(expert_query(person))


def warm_up(
    *,
    queries: bool = True,
    keyword_skills: bool = True,
    load_model: bool = False,
    rehearse: bool = False,
    persist: bool = False,
    progress: Callable[[str], None] | None = None,
) -> WarmUp:
    """Build the process-wide indexes and fill the vector cache; return what was done.

    ``queries`` also encodes the query texts (:func:`query_texts`); ``load_model`` loads the
    sentence encoder even if every text was cached (a server will need it for new texts;
    not on an empty database); ``rehearse`` computes one demand's matching page (which
    loads SciPy for the team, compiles the thesaurus, fills the engines' lazy maps), so the
    first real page pays none of it; ``persist`` also writes the indexes' snapshots for the
    next CLI process (:func:`tepai.recommender.live.snapshots`).
    Progress goes to the ``tepai.recommender.warmup`` logger; the closing summary too, or to
    ``progress`` if given (a command's output).
    """
    from tepai.recommender.service import build_encoder

    start = time.perf_counter()
    done = WarmUp()
    with snapshots() if persist else nullcontext():
        for index in _catalogs():
            engine = index.get(progress=_progress(index.label))
            done.indexed[index.label] = len(engine)
    encoder = build_encoder()
    if queries and encoder is not None:
        seen: set[str] = set()
        for batch in _batched(query_texts(keyword_skills=keyword_skills)):
            fresh = [text for text in batch if text not in seen]
            seen.update(fresh)
            if fresh:
                encoder.encode(fresh)
        done.query_texts = len(seen)
        if seen:
            log.info("匹配引擎预热：已缓存 %d 条查询文本的向量", done.query_texts)
    if load_model and encoder is not None and any(done.indexed.values()):
        inner = getattr(encoder, "inner", encoder)
        if hasattr(inner, "load"):
            inner.load()
    if rehearse:
        _rehearse()
    done.seconds = time.perf_counter() - start
    counts = "，".join(f"{count} {label}" for label, count in done.indexed.items())
    message = f"匹配引擎预热完成：{counts}，用时 {done.seconds:.1f} 秒"
    if progress is not None:
        progress(message)
    else:
        log.info(message)
    return done


def _rehearse() -> None:
    """Compute what a demand's matching page computes, for one open demand (if any)."""
    from tepai.demands.models import Demand
    from tepai.recommender import service
    from tepai.recommender.catalogs import OPEN_DEMAND_STATUSES
    from tepai.recommender.conversion import commissioner_queryset

    record = (
        Demand.objects.filter(status__in=OPEN_DEMAND_STATUSES).select_related("enterprise").first()
    )
    engine = EXPERTS.get()
    if record is not None:
        service.recommend(engine, record, 10)
        service.propose_team(engine, record)
        service.recommend_outcomes(record, 5)
    person = commissioner_queryset().first()
    if person is not None:
        service.recommend_demands(person, 5)


def start_background(**options: Any) -> threading.Thread:
    """Run :func:`warm_up` on a daemon thread; requests meanwhile wait for or share its builds."""

    def run() -> None:
        try:
            warm_up(**options)
        except Exception:  # a failed warm-up only means the first request builds instead
            log.exception("匹配引擎预热失败；首次匹配时再建立索引")
        finally:
            connections.close_all()  # this thread's connections, not the server's

    thread = threading.Thread(target=run, name="tepai-warm-up", daemon=True)
    thread.start()
    return thread
