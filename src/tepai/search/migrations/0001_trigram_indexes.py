# Trigram indexes for the site search on PostgreSQL (issue 11), created there only: SQLite
# matches with LIKE over its smaller tables. The registry search compares
# UPPER(column::text) LIKE UPPER('%word%') (Django's icontains), so each index is on that
# expression with pg_trgm's operator class. pg_trgm ships with PostgreSQL (contrib) and is a
# trusted extension: the database owner may create it. No data changes; going back drops them.

from django.db import migrations

# table → every column of its own that the site search compares (the search fields of the
# registry declarations, each app's registry.py; related names are their own tables' columns).
# Texts (bios, problem statements) too: the search asks each field apart and unites the
# answers (tepai.search.query), and one unindexed field would make it read every row.
COLUMNS = {
    "commissioners_commissioner": (
        "name", "name_pinyin", "name_initials", "research_text", "code", "title", "bio",
    ),
    "enterprises_enterprise": (
        "name", "name_pinyin", "name_initials", "code", "credit_code", "county", "description",
    ),
    "institutions_institution": ("name",),
    "demands_demand": ("title", "code", "problem"),
    "outcomes_outcome": ("title", "code", "description", "intellectual_property"),
    "projects_project": ("title", "code", "description"),
    "cases_case": ("title", "code", "body"),
}


def _name(table, column):
    return f"{table}_{column}_trgm"[:63]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table, columns in COLUMNS.items():
        for column in columns:
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {quote(_name(table, column))} ON {quote(table)} "
                f"USING gin (UPPER({quote(column)}::text) gin_trgm_ops)"
            )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, columns in COLUMNS.items():
        for column in columns:
            schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(_name(table, column))}")


class Migration(migrations.Migration):

    dependencies = [
        ("commissioners", "0003_search_keys"),
        ("enterprises", "0002_search_keys"),
        ("institutions", "0002_search_keys"),
        ("demands", "0001_initial"),
        ("outcomes", "0001_initial"),
        ("projects", "0001_initial"),
        ("cases", "0001_initial"),
    ]

    operations = [migrations.RunPython(create, drop)]
