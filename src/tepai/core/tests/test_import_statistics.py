"""An import leaves the planner statistics of the tables it filled right (PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection

from tepai.audit import context as audit_context
from tepai.core.importing import read_table
from tepai.core.importing.registry import get_importer
from tepai.testing.factories import make_batch

pytestmark = pytest.mark.django_db

HEADER = "姓名,性别,出生日期,工作单位,职称,学位,研究方向,批次\n"


def _estimated_rows(table: str) -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
        estimate: float = cursor.fetchone()[0]
        return estimate


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="planner statistics are PostgreSQL's (stage 2)"
)
def test_the_planner_counts_the_imported_rows_before_the_import_commits(tmp_path: Path) -> None:
    make_batch("第二批")
    rows = "".join(
        f"测试{index},男,1980-01-{1 + index % 28:02d},浙江大学,教授,博士,纺织,第二批\n"
        for index in range(60)
    )
    path = tmp_path / "roster.csv"
    path.write_text(HEADER + rows, encoding="utf-8")
    with audit_context.command("test"):
        result = get_importer("commissioners")().run(read_table(path))
    assert result.created == 60
    # Inside the test's transaction, as inside an import's: ANALYZE counted its own rows.
    assert _estimated_rows("commissioners_commissioner") >= 60
    assert _estimated_rows("commissioners_commissioner_batches") >= 60


def test_small_imports_and_other_databases_analyse_nothing() -> None:
    from tepai.core.importing.journal import Written
    from tepai.core.importing.planner import refresh_statistics
    from tepai.testing.factories import make_commissioner

    few = Written(created=[make_commissioner() for _ in range(3)])
    assert refresh_statistics(few) == []
    many = Written(created=[make_commissioner() for _ in range(25)])
    expected = ["commissioners_commissioner"] if connection.vendor == "postgresql" else []
    assert refresh_statistics(many) == expected
