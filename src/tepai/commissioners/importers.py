"""Importing commissioner rosters and their past work items."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from tepai.commissioners.models import Commissioner, DatePrecision, WorkItem, WorkItemKind
from tepai.core.admin_helpers import mask_email
from tepai.core.cleaning import (
    PartialDate,
    clean_name,
    clean_text,
    parse_degree,
    parse_email,
    parse_gender,
    parse_partial_date,
    parse_phone,
    parse_title_level,
    split_multi,
)
from tepai.core.importing import Column, Importer, RowError
from tepai.core.importing.base import ImportContext, RowValues, resolve_reference
from tepai.core.importing.exporting import code_or, mask_phone_cell, unless_masked
from tepai.core.importing.parsers import choice, text_block, year
from tepai.institutions.importers import get_or_create_institution
from tepai.programs.importers import resolve_batch, resolve_centre, resolve_team
from tepai.programs.models import Batch, Team


def _title(raw: object) -> tuple[str, str]:
    text = clean_text(raw)
    return text, parse_title_level(text)


class CommissionerImporter(Importer):
    registry = "commissioners"
    label = "科技特派员"
    model = Commissioner
    description = (
        "特派员名册。同一人（编号相同，或姓名+出生日期+工作单位相同）再次导入时更新而不重复。"
    )
    columns: ClassVar[list[Column]] = [
        Column("编号", "code", help="稳定的外部编号，可选", example="ZJ2-01"),
        Column("姓名", "name", clean_name, required=True, example="张三"),
        Column("性别", "gender", parse_gender, required=True, example="男"),
        Column(
            "出生日期",
            "birth_date",
            parse_partial_date,
            required=True,
            help="可只写年月",
            example="1981-03-02 或 1981.03",
            aliases=("出生年月",),
        ),
        Column(
            "工作单位",
            "institution",
            clean_text,
            required=True,
            example="浙江大学",
            aliases=("单位",),
        ),
        Column("职称", "title", _title, required=True, example="教授"),
        Column("学位", "degree", parse_degree, required=True, example="博士"),
        Column(
            "研究方向",
            "research_fields",
            split_multi,
            required=True,
            help="多个用、分隔",
            example="纺织材料、印染工艺",
            aliases=("专业领域",),
        ),
        Column("批次", "batches", split_multi, example="第二批"),
        Column("所属团队", "teams", split_multi, example="纺织服装团队"),
        Column(
            "所属中心", "centres", split_multi, example="浙阿纺织服装科技创新（国家高新区）中心"
        ),
        # A masked value (from `tepai export` without --include-personal-data) keeps the
        # record's phone or e-mail.
        Column(
            "手机号码",
            "phone",
            unless_masked(parse_phone),
            example="13800000000",
            aliases=("手机", "联系电话"),
        ),
        Column(
            "电子邮箱",
            "email",
            unless_masked(parse_email),
            example="name@example.edu.cn",
            aliases=("邮箱",),
        ),
        Column("个人简介", "bio", text_block, aliases=("简介",)),
    ]

    def natural_key(self, row: RowValues) -> Any:
        if row["code"]:
            return ("code", row["code"])
        birth: PartialDate = row["birth_date"]
        return (row["name"], birth.to_date(), row["institution"])

    def _find(self, row: RowValues, birth: PartialDate, institution: Any) -> Commissioner | None:
        if row["code"]:
            found = Commissioner.objects.filter(code=row["code"]).first()
            if found:
                return found
        return Commissioner.objects.filter(
            name=row["name"], birth_date=birth.to_date(), institution=institution
        ).first()

    def save_row(self, row: RowValues) -> bool:
        ctx = self.context
        institution = get_or_create_institution(row["institution"], ctx)
        birth: PartialDate = row["birth_date"]
        title_text, title_level = row["title"]
        commissioner = self._find(row, birth, institution)
        created = commissioner is None
        if commissioner is None:
            commissioner = Commissioner()
        commissioner.code = row["code"] or commissioner.code
        commissioner.name = row["name"]
        commissioner.gender = row["gender"]
        commissioner.birth_date = birth.to_date()
        commissioner.birth_date_precision = (
            DatePrecision.DAY if birth.day is not None else DatePrecision.MONTH
        )
        commissioner.institution = institution
        commissioner.title = title_text
        commissioner.title_level = title_level
        commissioner.degree = row["degree"]
        commissioner.research_fields = row["research_fields"]
        # Optional columns left empty keep what the record already has.
        for key in ("phone", "email", "bio"):
            if row.get(key):
                setattr(commissioner, key, row[key])
        self.full_clean(commissioner, row, exclude=["institution"])
        commissioner.save()
        self._save_memberships(commissioner, row, ctx)
        return created

    def _save_memberships(
        self, commissioner: Commissioner, row: RowValues, ctx: ImportContext
    ) -> None:
        batch_names = list(row.get("batches") or [])
        forced = ctx.options.get("batch")
        if forced and forced not in batch_names:
            batch_names.append(forced)
        batches = [resolve_batch(name, row.number, "批次", ctx) for name in batch_names]
        commissioner.batches.add(*batches)
        for team_name in row.get("teams") or []:
            commissioner.teams.add(self._team(team_name, batches, row.number, ctx))
        for centre_name in row.get("centres") or []:
            commissioner.centres.add(resolve_centre(centre_name, ctx))

    def _team(self, name: str, batches: list[Batch], number: int, ctx: ImportContext) -> Team:
        """Return the team ``name`` in one of the row's batches (created if there is one batch).

        A person in several batches (re-dispatched) names a team that already exists in one
        of them; a new team can only be created when the batch is unambiguous.
        """
        existing = list(Team.objects.filter(name=name, batch__in=batches)[:2])
        if len(existing) == 1:
            return existing[0]
        if len(batches) == 1:
            return resolve_team(name, batches[0], number, ctx)
        if not batches:
            raise RowError(number, "所属团队", _("填写团队时须同时填写批次"))
        raise RowError(
            number, "所属团队", _("多个批次都有或都没有团队“%(name)s”，无法确定") % {"name": name}
        )

    # ----- export ------------------------------------------------------------------------
    batch_filter: ClassVar[str] = "batches"
    personal_data: ClassVar[dict[str, Callable[[str], str]]] = {
        "phone": mask_phone_cell,
        "email": mask_email,
    }

    @classmethod
    def export_queryset(cls) -> QuerySet[Commissioner]:
        return Commissioner.objects.select_related("institution").prefetch_related(
            "batches", "teams", "centres"
        )

    def export_row(self, obj: Commissioner) -> dict[str, object]:
        return {
            **super().export_row(obj),
            "birth_date": obj.partial_birth_date,  # 1981-03 when only the month is known
            "institution": obj.institution.name,
            # Teams and centres are found (or created) by name, batches by name first.
            "batches": [batch.name for batch in obj.batches.all()],
            "teams": [team.name for team in obj.teams.all()],
            "centres": [centre.name for centre in obj.centres.all()],
        }


class WorkItemImporter(Importer):
    registry = "work-items"
    label = "代表性成果"
    model = WorkItem
    description = "特派员过往的项目、论文、专利，供需求匹配使用。"
    columns: ClassVar[list[Column]] = [
        Column(
            "特派员", "commissioner", clean_name, required=True, help="编号或姓名", example="ZJ2-01"
        ),
        Column("类型", "kind", choice(WorkItemKind), required=True, example="论文"),
        Column("标题", "title", clean_text, required=True),
        Column("内容", "text", text_block, aliases=("摘要",)),
        Column("年份", "year", year, example="2022"),
    ]

    def natural_key(self, row: RowValues) -> Any:
        return (row["commissioner"], row["title"])

    def save_row(self, row: RowValues) -> bool:
        commissioner = resolve_commissioner(row["commissioner"], row.number, "特派员", self.context)
        item, created = WorkItem.objects.get_or_create(
            commissioner=commissioner, title=row["title"], defaults={"kind": row["kind"]}
        )
        item.kind = row["kind"]
        item.text = row["text"] or item.text
        item.year = row["year"] or item.year
        self.full_clean(item, row, exclude=["commissioner"])
        item.save()
        return created

    # ----- export ------------------------------------------------------------------------
    @classmethod
    def export_queryset(cls) -> QuerySet[WorkItem]:
        return WorkItem.objects.select_related("commissioner")

    def export_row(self, obj: WorkItem) -> dict[str, object]:
        return {**super().export_row(obj), "commissioner": code_or(obj.commissioner)}


def resolve_commissioner(token: str, number: int, header: str, ctx: ImportContext) -> Commissioner:
    """Return the commissioner named by a 编号 or a unique name, or raise RowError."""
    return resolve_reference(
        Commissioner,
        token,
        fields=["code", "name"],
        ctx=ctx,
        number=number,
        header=header,
        missing=f"找不到特派员“{token}”（请填写编号或姓名）",
        ambiguous=f"有多名特派员叫“{token}”，请改填编号",
    )
