"""Words of one or two characters, found through an index on PostgreSQL.

pg_trgm's indexes (migration 0001) answer ``icontains`` only for words of three characters or
more: a shorter word has no trigram, so PostgreSQL reads every row. Yet most Chinese searches
are two characters (张三, 印染, 纺织), and pinyin initials are two letters (zs). Migration 0002
indexes each searched column's *grams*: its distinct single characters and pairs of adjacent
characters, upper-cased as ``icontains`` compares them, so "does the text contain this word of
≤ 2 characters" becomes "is the word among the text's grams", which a GIN index answers. The
two tests are equivalent by construction, so results are the same as ``icontains``.

Elsewhere (SQLite) the lookup is ``icontains`` itself.
"""

from __future__ import annotations

from typing import Any

from django.db.models import CharField, Lookup, TextField
from django.db.models.lookups import IContains

# The longest word the gram index answers; longer words go to the trigram index.
LONGEST = 2
# The SQL function of migration 0002 (IMMUTABLE, so that an index may be built on it).
FUNCTION = "tepai_grams"


class ContainsShortWord(Lookup):
    """``field__has_short=word``: the text contains ``word`` (≤ 2 characters), any case."""

    lookup_name = "has_short"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        # Anything but PostgreSQL: exactly icontains.
        fallback = IContains(self.lhs, self.rhs)
        return fallback.as_sql(compiler, connection)

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        # The same expression as the index, so the planner uses it.
        sql = f"{FUNCTION}(UPPER(({lhs})::text)) @> ARRAY[UPPER({rhs})]::text[]"
        return sql, [*lhs_params, *rhs_params]


def register() -> None:
    """Make ``has_short`` available on every text column (called once, at start-up)."""
    CharField.register_lookup(ContainsShortWord)
    TextField.register_lookup(ContainsShortWord)


def lookup_for(word: str) -> str:
    """Return the lookup that finds ``word`` inside a text through an index."""
    return ContainsShortWord.lookup_name if len(word) <= LONGEST else "icontains"
