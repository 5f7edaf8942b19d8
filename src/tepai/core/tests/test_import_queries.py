"""An import's write phase runs as many queries for 40 rows as for 4 (issue 9, finding 3).

Filling in the id of a record inserted earlier in the same import used to drop the record
cached on the foreign key, so the audit entry of every new demand's status change read its
demand back: one query per row while the write lock was held.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tepai.audit.models import AuditEntry
from tepai.commissioners.importers import CommissionerImporter
from tepai.core.importing import read_table
from tepai.core.importing.base import Importer
from tepai.core.tests.import_helpers import make_batch, write_csv
from tepai.demands.importers import DemandImporter

pytestmark = pytest.mark.django_db


def _demands(count: int, offset: int) -> list[list[str]]:
    return [["企业名称", "需求名称", "问题描述", "状态"]] + [
        [f"第{offset + i % 3}纺织有限公司", f"需求{offset + i}", "断头率高", "已发布"]
        for i in range(count)
    ]


def _commissioners(count: int, offset: int) -> list[list[str]]:
    header = ["姓名", "性别", "出生日期", "工作单位", "职称", "学位", "研究方向", "批次"]
    header += ["所属团队", "所属中心", "手机号码"]
    rows = [header]
    for i in range(offset, offset + count):
        institution, team, centre = (
            f"第{offset + i % 3}大学",
            f"团队{offset + i % 2}",
            f"中心{offset}",
        )
        rows.append(
            [f"张{i}", "男", "1980-01-02", institution, "教授", "博士", "纺织材料", "第二批"]
        )
        rows[-1] += [team, centre, f"139{i:08d}"]
    return rows


def _write_queries(importer: type[Importer], path: Path) -> int:
    instance = importer()
    write = instance._write
    counted: list[int] = []

    def counting_write() -> None:
        with CaptureQueriesContext(connection) as queries:
            write()
        # PostgreSQL's ANALYZE of the filled tables is one statement per table, above a few
        # rows (tepai.core.importing.planner): not a query per row.
        counted.append(sum(1 for q in queries if not q["sql"].startswith("ANALYZE ")))

    instance._write = counting_write  # type: ignore[method-assign]
    instance.run(read_table(path))
    return counted[0]


@pytest.mark.parametrize(
    ("importer", "rows"),
    [(DemandImporter, _demands), (CommissionerImporter, _commissioners)],
)
def test_write_queries_do_not_grow_with_the_rows(
    tmp_path: Path, importer: type[Importer], rows: Callable[[int, int], list[list[object]]]
) -> None:
    make_batch()
    few = _write_queries(importer, write_csv(tmp_path / "few.csv", rows(4, 0)))
    many = _write_queries(importer, write_csv(tmp_path / "many.csv", rows(40, 100)))
    assert many == few
    assert AuditEntry.objects.filter(action="transition").count() == (
        44 if importer is DemandImporter else 0
    )
