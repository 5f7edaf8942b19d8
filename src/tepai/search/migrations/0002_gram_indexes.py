# Indexes for words of one or two characters on PostgreSQL (tepai.search.grams): trigram
# indexes (0001) cannot answer them, and most Chinese words and pinyin initials are that
# short. Each searched column gets a GIN index on its grams (distinct characters and pairs of
# adjacent characters, upper-cased as icontains compares); PostgreSQL only. No data changes;
# going back drops the indexes and the function.

import importlib

from django.db import migrations

from tepai.search.grams import FUNCTION

# The same columns as the trigram indexes: the site search asks each field apart, and one
# unindexed field would make it read every row.
COLUMNS = importlib.import_module("tepai.search.migrations.0001_trigram_indexes").COLUMNS

# IMMUTABLE (the grams depend on the text alone), so an index may be built on it; STRICT: no
# grams for NULL. Only pg_catalog functions, so it needs no search path.
GRAMS = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT g), '{{}}'::text[]) FROM (
    SELECT substr(t, i, 1) AS g FROM generate_series(1, length(t)) AS i
    UNION ALL
    SELECT substr(t, i, 2) FROM generate_series(1, length(t) - 1) AS i
  ) AS grams
$$
"""


def _name(table, column):
    return f"{table}_{column}_grams"[:63]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    schema_editor.execute(GRAMS)
    for table, columns in COLUMNS.items():
        for column in columns:
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {quote(_name(table, column))} ON {quote(table)} "
                f"USING gin ({FUNCTION}(UPPER({quote(column)}::text)))"
            )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    for table, columns in COLUMNS.items():
        for column in columns:
            schema_editor.execute(f"DROP INDEX IF EXISTS {quote(_name(table, column))}")
    schema_editor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}(text)")


class Migration(migrations.Migration):

    dependencies = [("search", "0001_trigram_indexes")]

    operations = [migrations.RunPython(create, drop)]
