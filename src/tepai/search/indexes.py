"""The site search's PostgreSQL indexes for a registry's searched columns, as one migration step.

The site search asks every searched column apart (tepai.search.query), so one column without
its indexes makes it read every row of its table. Migrations 0001 and 0002 of this app index
the first registries' columns; a registry added later indexes its own in a migration of its
own app, so adding it touches its folder only::

    from tepai.search.indexes import search_indexes

    class Migration(migrations.Migration):
        dependencies = [("search", "0002_gram_indexes"), ("ratings", "0001_initial")]
        operations = [search_indexes("ratings_rating", ("comment",))]

The indexes are those of 0001 (pg_trgm on ``UPPER(column::text)``, for words of three or more
characters) and 0002 (the grams function, for one or two), under the same names; on SQLite the
step does nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import migrations

from tepai.search.grams import FUNCTION


def trigram_index_name(table: str, column: str) -> str:
    return f"{table}_{column}_trgm"[:63]


def gram_index_name(table: str, column: str) -> str:
    return f"{table}_{column}_grams"[:63]


def search_indexes(table: str, columns: Sequence[str]) -> migrations.RunPython:
    """Return the migration step that indexes ``columns`` of ``table`` for the site search."""

    def create(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        quote = schema_editor.quote_name
        for column in columns:
            expression = f"UPPER({quote(column)}::text)"
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {quote(trigram_index_name(table, column))} "
                f"ON {quote(table)} USING gin ({expression} gin_trgm_ops)"
            )
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {quote(gram_index_name(table, column))} "
                f"ON {quote(table)} USING gin ({FUNCTION}({expression}))"
            )

    def drop(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        quote = schema_editor.quote_name
        for column in columns:
            for name in (trigram_index_name(table, column), gram_index_name(table, column)):
                schema_editor.execute(f"DROP INDEX IF EXISTS {quote(name)}")

    return migrations.RunPython(create, drop)
