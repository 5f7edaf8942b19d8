"""How an import writes (issue 9 findings 3 and 13): a lock-free preview, one short bulk write,
the audit entries the row-by-row save wrote, and no upload left behind."""

from __future__ import annotations

import datetime
import io
import os
import time
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tepai.audit import actions
from tepai.audit import context as audit_context
from tepai.audit.log import write_entry
from tepai.audit.models import AuditEntry
from tepai.audit.snapshot import snapshot
from tepai.commissioners.importers import CommissionerImporter, WorkItemImporter
from tepai.commissioners.models import Commissioner
from tepai.core.importing import ImportFailed, read_table
from tepai.core.importing.uploads import import_dir
from tepai.core.tests.import_helpers import make_batch, make_commissioner, write_csv
from tepai.institutions.models import Institution

pytestmark = pytest.mark.django_db

HEADER = ["姓名", "性别", "出生日期", "工作单位", "职称", "学位", "研究方向", "批次", "手机号码"]


def roster(tmp_path: Path, count: int, *, institution: str = "浙江大学") -> Path:
    rows: list[list[Any]] = [HEADER]
    for n in range(count):
        rows.append(
            [
                f"特派员{chr(0x4E00 + n)}",
                "男",
                f"19{70 + n % 20}-03-0{1 + n % 9}",
                institution if n % 2 else f"{institution}{n % 7}",
                "教授",
                "博士",
                "纺织材料",
                "第二批",
                f"1381234{n:04d}",
            ]
        )
    return write_csv(tmp_path / "roster.csv", rows)


def _writes(queries: CaptureQueriesContext) -> list[str]:
    verbs = ("INSERT", "UPDATE", "DELETE", "SAVEPOINT", "BEGIN")
    return [
        q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith(verbs)
    ]


def test_the_preview_writes_nothing_and_opens_no_transaction(tmp_path: Path) -> None:
    # Before: the preview was the import rolled back, holding SQLite's write lock throughout.
    make_batch()
    table = read_table(roster(tmp_path, 40))
    importer = CommissionerImporter()
    depth: list[int] = []
    save_row = importer.save_row

    def watched(row: Any) -> bool:
        depth.append(len(connection.atomic_blocks))
        return save_row(row)

    importer.save_row = watched  # type: ignore[method-assign]
    outer = len(connection.atomic_blocks)
    with CaptureQueriesContext(connection) as queries:
        result = importer.run(table, dry_run=True)
    assert (result.rows, result.created) == (40, 40)
    assert _writes(queries) == []
    assert set(depth) == {outer}
    assert not Commissioner.objects.exists()


def test_the_write_phase_is_a_few_bulk_statements(tmp_path: Path) -> None:
    # Before: several statements per row (and a savepoint each), 135 rows/s.
    make_batch()
    table = read_table(roster(tmp_path, 300))
    with CaptureQueriesContext(connection) as queries:
        CommissionerImporter().run(table)
    assert Commissioner.objects.count() == 300
    assert Commissioner.objects.filter(batches__name="第二批").count() == 300
    assert len(_writes(queries)) < 20


def test_a_clash_at_write_time_leaves_nothing_half_written(tmp_path: Path) -> None:
    make_batch()
    importer = CommissionerImporter()
    table = read_table(roster(tmp_path, 30, institution="新单位"))
    write = importer._write

    def someone_else_first() -> None:
        # Another user saves an institution of the same name between validation and write.
        Institution.objects.create(name="新单位")
        write()

    importer._write = someone_else_first  # type: ignore[method-assign]
    with pytest.raises(ImportFailed) as failure:
        importer.run(table)
    assert "已全部撤销" in str(failure.value)
    assert not Commissioner.objects.exists()
    assert Institution.objects.filter(name__startswith="新单位").count() == 1
    assert not AuditEntry.objects.filter(model_label="commissioners.commissioner").exists()


def _entry_fields(entry: AuditEntry) -> tuple[Any, ...]:
    return (
        entry.actor_username,
        entry.action,
        entry.model_label,
        entry.object_id,
        entry.object_repr,
        entry.before,
        entry.after,
        entry.detail,
        entry.path,
        entry.search_text,
    )


def test_audit_entries_are_those_a_single_save_writes(tmp_path: Path) -> None:
    batch = make_batch()
    path = write_csv(
        tmp_path / "one.csv",
        [
            HEADER,
            [
                "张三",
                "男",
                "1980-01-01",
                "浙江大学",
                "教授",
                "博士",
                "纺织",
                "第二批",
                "13812345678",
            ],
        ],
    )
    with audit_context.command("tepai import commissioners"):
        CommissionerImporter().run(read_table(path))
    person = Commissioner.objects.get()
    bulk = AuditEntry.objects.get(action="create", model_label="commissioners.commissioner")
    # The relation is part of the create entry; otherwise field for field what write_entry
    # stores (masking included), so the two cannot drift apart unnoticed.
    assert bulk.after is not None
    assert bulk.after["batches"] == [batch.pk]
    assert "13812345678" not in bulk.search_text
    with audit_context.command("tepai import commissioners"):
        single = write_entry(
            actions.CREATE, target=person, after={**snapshot(person), "batches": [batch.pk]}
        )
    assert _entry_fields(bulk) == _entry_fields(single)


def test_a_re_import_logs_only_what_changed(tmp_path: Path) -> None:
    make_batch()
    other = make_batch("第三批")
    person = make_commissioner("张三", institution=Institution.objects.create(name="浙江大学"))
    row = ["张三", "男", "1980-01-01", "浙江大学", "教授", "博士", "纺织", "第二批", ""]
    path = write_csv(tmp_path / "one.csv", [HEADER, row])
    before = set(AuditEntry.objects.values_list("pk", flat=True))
    CommissionerImporter().run(read_table(path))
    entries = AuditEntry.objects.exclude(pk__in=before).order_by("pk")
    changed = set()
    for entry in entries:
        if entry.action == "update":
            assert entry.after is not None  # an update records what it changed
            changed.add(tuple(entry.after))
    # The roster's 研究方向 replaced the factory's; the search text derived from it is no news.
    assert ("research_fields",) in changed
    assert ("batches",) in changed
    # The same file again changes nothing and logs nothing.
    seen = set(AuditEntry.objects.values_list("pk", flat=True))
    result = CommissionerImporter().run(read_table(path))
    assert (result.created, result.updated) == (0, 1)
    assert not AuditEntry.objects.exclude(pk__in=seen).exists()
    person.refresh_from_db()
    assert list(person.batches.values_list("name", flat=True)) == ["第二批"]
    assert other.pk not in person.batches.values_list("pk", flat=True)


def test_a_work_item_import_marks_the_commissioner_for_matching(tmp_path: Path) -> None:
    person = make_commissioner("张三", code="ZJ-1")
    stale = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    Commissioner.objects.filter(pk=person.pk).update(updated_at=stale)
    path = write_csv(
        tmp_path / "items.csv", [["特派员", "类型", "标题"], ["ZJ-1", "论文", "棉纺新工艺"]]
    )
    WorkItemImporter().run(read_table(path))
    person.refresh_from_db()
    assert person.updated_at > stale


def test_cleanup_removes_abandoned_uploads_only(settings: Any, tmp_path: Path) -> None:
    settings.TEPAI_IMPORT_UPLOAD_DIR = tmp_path / "uploads"
    old = import_dir() / ("a" * 32 + ".xlsx")
    old.write_bytes(b"phones")
    fresh = import_dir() / ("b" * 32 + ".csv")
    fresh.write_bytes(b"phones")
    two_days_ago = time.time() - 48 * 3600
    os.utime(old, (two_days_ago, two_days_ago))
    out = io.StringIO()
    call_command("import", "--cleanup", stdout=out)
    assert "已删除 1 个" in out.getvalue()
    assert list(import_dir().iterdir()) == [fresh]
    assert not str(import_dir()).startswith(str(settings.MEDIA_ROOT))


def test_an_existing_record_can_point_at_a_record_the_import_creates(tmp_path: Path) -> None:
    make_batch()
    person = make_commissioner("张三", code="ZJ-1")
    row = ["ZJ-1", "张三", "男", "1980-01-01", "新建大学", "教授", "博士", "纺织", "第二批", ""]
    path = write_csv(tmp_path / "moved.csv", [["编号", *HEADER], row])
    CommissionerImporter().run(read_table(path))
    person.refresh_from_db()
    assert person.institution.name == "新建大学"
