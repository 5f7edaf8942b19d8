"""Importing typical cases (典型案例) with the projects and work records they tell about."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db.models import QuerySet

from tepai.activities.importers import resolve_activity
from tepai.cases.models import Case
from tepai.core.cleaning import clean_text, split_multi
from tepai.core.importing import Column, Importer, RowError
from tepai.core.importing.base import RowValues, find_existing
from tepai.core.importing.exporting import code_or, name_of
from tepai.core.importing.parsers import text_block
from tepai.programs.importers import resolve_batch
from tepai.projects.importers import resolve_project


class CaseImporter(Importer):
    registry = "cases"
    label = "典型案例"
    model = Case
    description = (
        "典型案例的标题与正文，可关联项目和工作记录。标题相同（或编号相同）再次导入时更新。"
    )
    columns: ClassVar[list[Column]] = [
        Column("编号", "code", help="稳定的外部编号，可选", example="AL-001"),
        Column("标题", "title", clean_text, required=True, example="一根棉纱里的科技力量"),
        Column("正文", "body", text_block, required=True),
        Column(
            "关联项目",
            "projects",
            split_multi,
            help="项目编号或项目名称，可多个，用、分隔",
            example="XM-001",
        ),
        Column(
            "关联工作记录",
            "activities",
            split_multi,
            help="工作记录编号，可多个，用、分隔",
            example="GZ-0001",
        ),
        Column("批次", "batch", clean_text, help="批次名称或编号", example="第二批"),
    ]

    def natural_key(self, row: RowValues) -> Any:
        return ("code", row["code"]) if row["code"] else row["title"]

    def save_row(self, row: RowValues) -> bool:
        ctx = self.context
        projects = [
            resolve_project(token, row.number, "关联项目", ctx) for token in row["projects"] or []
        ]
        activities = [
            resolve_activity(token, row.number, "关联工作记录", ctx)
            for token in row["activities"] or []
        ]
        case = find_existing(Case, row["code"], ctx=ctx, title=row["title"])
        created = case is None
        case = case or Case()
        if ctx.uow.exists_other(Case, case, title=row["title"]):
            raise RowError(row.number, "标题", f"已有另一个案例叫“{row['title']}”（编号不同）")
        case.code = row["code"] or case.code
        case.title = row["title"]
        case.body = row["body"]
        if row["batch"]:
            case.batch = resolve_batch(row["batch"], row.number, "批次", ctx)
        self.full_clean(case, row, exclude=["batch"])
        ctx.uow.save(case)
        if projects:
            ctx.uow.set(case, "projects", projects)
        if activities:
            ctx.uow.set(case, "activities", activities)
        return created

    # ----- export ------------------------------------------------------------------------
    batch_filter: ClassVar[str] = "batch"

    @classmethod
    def export_queryset(cls) -> QuerySet[Case]:
        return Case.objects.select_related("batch").prefetch_related("projects", "activities")

    def export_row(self, obj: Case) -> dict[str, object]:
        return {
            **super().export_row(obj),
            "projects": [code_or(project, "title") for project in obj.projects.all()],
            # Work records are referred to by 编号 only; one without cannot be named here.
            "activities": [activity.code for activity in obj.activities.all() if activity.code],
            "batch": name_of(obj.batch),
        }
