"""Fresh planner statistics for the tables an import filled (PostgreSQL).

PostgreSQL plans a query from each table's statistics, which autovacuum refreshes some time
after rows change. Right after a large import — a new installation's first roster, the demo —
they may still describe the empty tables, and the planner then nests loops it believes run
once over tables of hundreds of rows: the first report after loading the demo ran for minutes
in the test suite. ``ANALYZE`` inside the import's transaction counts the rows the transaction
wrote, so the statistics are right as soon as the import commits. It reads a sample (at most
30,000 rows a table) and takes no lock that readers or writers wait for.
"""

from __future__ import annotations

from collections import Counter

from django.db import connections, models, router

from tepai.core.importing.journal import Written

__all__ = ["MIN_ROWS", "refresh_statistics"]

# Tables with fewer new or changed rows keep their statistics (autovacuum's own threshold is
# 50 rows plus a tenth of the table).
MIN_ROWS = 20


def refresh_statistics(written: Written) -> list[str]:
    """Analyse the tables ``written`` added or changed at least MIN_ROWS rows of.

    Call inside the import's transaction. Return the tables analysed (none but on PostgreSQL).
    """
    rows: Counter[type[models.Model]] = Counter(type(obj) for obj in written.created)
    rows.update(type(obj) for obj, _loaded, _names in written.updated)
    for link in written.linked:
        rows[link.through] += len(link.after ^ link.before)
    analysed = []
    for model, count in sorted(rows.items(), key=lambda item: item[0]._meta.db_table):
        connection = connections[router.db_for_write(model)]
        if count < MIN_ROWS or connection.vendor != "postgresql":
            continue
        table = model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
        analysed.append(table)
    return analysed
