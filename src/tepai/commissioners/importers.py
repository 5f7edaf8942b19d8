"""Importing commissioner rosters and their past work items."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tepai.commissioners.models import Commissioner, DatePrecision, WorkItem, WorkItemKind
from tepai.core.cleaning import (
    CleaningError,
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
from tepai.core.importing import Column, Importer, ImportFailed, RowError
from tepai.core.importing.base import ImportContext, RowValues
from tepai.core.importing.exporting import code_or
from tepai.core.importing.journal import Written
from tepai.core.importing.parsers import choice, text_block, year
from tepai.core.importing.references import Reference
from tepai.core.personal_data import unless_masked
from tepai.institutions.importers import get_or_create_institution
from tepai.programs.importers import resolve_batch, resolve_centre, resolve_team
from tepai.programs.models import Batch, Team


def _title(raw: object) -> tuple[str, str]:
    text = clean_text(raw)
    return text, parse_title_level(text)


# Rosters type keywords with spaces ("翅片积灰 高支纱"); a space between two Latin words or
# numbers belongs to one English term ("machine learning") and is kept.
_KEYWORD_SPACE = re.compile(r"(?<![A-Za-z0-9])\s+|\s+(?![A-Za-z0-9])")


def parse_keywords(raw: object) -> list[str]:
    """Return the keywords of a 关键词 cell: separated like 研究方向, and by spaces too."""
    keywords: list[str] = []
    for item in split_multi(raw):
        for word in _KEYWORD_SPACE.split(item):
            if word and word not in keywords:
                keywords.append(word)
    return keywords


# Outcome titles often contain 、 and ， (一种棉花、小麦通用播种机), so entries are separated
# only by semicolons and line breaks.
_OUTCOME_SEPARATOR = re.compile(r"[;；\n]")
# "标题：说明". A half-width colon between digits is a ratio (1:1), not the separator.
_OUTCOME_NOTE = re.compile(r"：|(?<!\d):|:(?!\d)")
OUTCOMES_HEADER = "代表性成果"
_TITLE_MAX_LENGTH: int = WorkItem._meta.get_field("title").max_length  # type: ignore[assignment]


@dataclass(frozen=True)
class OutcomeEntry:
    """One entry of a 代表性成果 cell: ``written`` as typed, split into ``title`` and ``note``.

    ``written`` is kept because a title may itself contain a colon: an entry that is exactly
    the title of one of the commissioner's work items names that item (so an exported cell
    re-imports without splitting such titles).
    """

    written: str
    title: str
    note: str = ""

    def __str__(self) -> str:
        return self.written


def parse_outcomes(raw: object) -> list[OutcomeEntry]:
    """Return the entries of a 代表性成果 cell ("标题：说明；标题2" or one per line).

    An entry repeated is kept once; the same title with two different 说明 is an error.
    """
    entries: dict[str, OutcomeEntry] = {}
    for piece in _OUTCOME_SEPARATOR.split(clean_text(raw, keep_newlines=True)):
        written = clean_text(piece)
        if not written:
            continue
        title, _colon, note = (clean_text(part) for part in _partition(written))
        if not title:
            raise CleaningError(f"“{written}”缺少标题（每项写“标题”或“标题：说明”）")
        if len(title) > _TITLE_MAX_LENGTH:
            raise CleaningError(f"标题“{title[:20]}…”超过{_TITLE_MAX_LENGTH}字")
        previous = entries.get(title)
        if previous is not None:
            if note and previous.note and note != previous.note:
                raise CleaningError(f"“{title}”写了两次，说明不同")
            if previous.note or not note:
                continue
        entries[title] = OutcomeEntry(written=written, title=title, note=note)
    return list(entries.values())


def _partition(written: str) -> tuple[str, str, str]:
    found = _OUTCOME_NOTE.search(written)
    if found is None:
        return written, "", ""
    return written[: found.start()], found.group(), written[found.end() :]


def outcomes_cell(items: list[WorkItem]) -> str:
    """Return work items as a 代表性成果 cell: their titles, separated by ；.

    Only titles go out (内容, 类型 and 年份 are in the work-items export): re-importing the
    cell finds each item by title and changes nothing. A title containing a separator would
    come back as several new items, so such a title is left out of the cell.
    """
    titles = [item.title for item in items if not _OUTCOME_SEPARATOR.search(item.title)]
    return "；".join(titles)


def touch_for_matching(written: Written) -> None:
    """Mark commissioners whose work items the import changed, for the matching index.

    A saved WorkItem does this through a signal (tepai.recommender.live); bulk writes send none.
    """
    new = {obj.pk for obj in written.created if isinstance(obj, Commissioner)}
    items = [*written.created, *(obj for obj, _loaded, _names in written.updated)]
    ids = {obj.commissioner_id for obj in items if isinstance(obj, WorkItem)} - new
    if ids:
        Commissioner.objects.filter(pk__in=ids).update(updated_at=timezone.now())


class CommissionerImporter(Importer):
    registry = "commissioners"
    label = "科技特派员"
    preview_keys = ("name", "institution", "title", "degree", "batches")
    model = Commissioner
    description = (
        "特派员名册。同一人（编号相同，或姓名+出生日期+工作单位相同）再次导入时更新而不重复。"
        "只有一行名册信息时难以匹配需求，建议同时填写关键词和代表性成果。"
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
        # Keywords join research_fields: that list is what the matching engine reads as an
        # expert's field keywords (tepai.recommender.conversion.expert_from), so they count in
        # matching without a second list for every reader of a profile to merge.
        Column(
            "关键词",
            "keywords",
            parse_keywords,
            help="多个用、，；/或空格分隔；与研究方向合并保存，供需求匹配使用",
            example="翅片积灰、高支纱 断头",
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
        Column(
            OUTCOMES_HEADER,
            "outcomes",
            parse_outcomes,
            help=(
                "多项用；或换行分隔，每项写“标题”或“标题：说明”；按标题新增或更新本人的"
                "代表性成果（新增的类型记为“其他”），再次导入不会重复，也不删除已有成果"
            ),
            example="高支棉纱纺纱工艺优化：断头率降低30%；一种棉花播种机",
        ),
    ]

    def after_write(self, written: Written) -> None:
        touch_for_matching(written)

    def natural_key(self, row: RowValues) -> Any:
        if row["code"]:
            return ("code", row["code"])
        birth: PartialDate = row["birth_date"]
        return (row["name"], birth.to_date(), row["institution"])

    def _find(self, row: RowValues, birth: PartialDate, institution: Any) -> Commissioner | None:
        uow = self.context.uow
        if row["code"]:
            found = uow.first(Commissioner, code=row["code"])
            if found:
                return found
        return uow.first(
            Commissioner, name=row["name"], birth_date=birth.to_date(), institution=institution
        )

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
        fields: list[str] = list(row["research_fields"])
        fields += [word for word in row.get("keywords") or [] if word not in fields]
        commissioner.research_fields = fields
        # Optional columns left empty keep what the record already has.
        for key in ("phone", "email", "bio"):
            if row.get(key):
                setattr(commissioner, key, row[key])
        self.full_clean(commissioner, row, exclude=["institution"])
        ctx.uow.save(commissioner)
        self._save_memberships(commissioner, row, ctx)
        self._save_outcomes(commissioner, row, ctx)
        return created

    def _save_outcomes(
        self, commissioner: Commissioner, row: RowValues, ctx: ImportContext
    ) -> None:
        """Create or update a work item per 代表性成果 entry, found by title (never duplicated).

        Items the cell does not name are kept: they may come from the work-items import or
        the commissioner's own page. A new item is of kind 其他, the closest to "成果"; an
        existing item keeps its kind and year, and its 内容 unless the entry gives a 说明.
        """
        entries: list[OutcomeEntry] = row.get("outcomes") or []
        if not entries:
            return
        existing = {
            item.title: item for item in ctx.uow.filter(WorkItem, commissioner=commissioner)
        }
        for entry in entries:
            item = existing.get(entry.written) or existing.get(entry.title)
            created = item is None
            if item is None:
                item = WorkItem(
                    commissioner=commissioner, title=entry.title, kind=WorkItemKind.OTHER
                )
            elif item.title != entry.title or not entry.note or item.text == entry.note:
                continue  # named by its whole title, or nothing to change
            if entry.note:
                item.text = entry.note
            try:
                item.full_clean(exclude=["commissioner"], validate_unique=False)
            except ValidationError as exc:
                raise ImportFailed(
                    [
                        RowError(row.number, OUTCOMES_HEADER, f"“{entry.title}”：{message}")
                        for message in exc.messages
                    ]
                ) from exc
            ctx.uow.save(item)
            existing[item.title] = item
            if created:
                ctx.note_created(OUTCOMES_HEADER, item.title)

    def _save_memberships(
        self, commissioner: Commissioner, row: RowValues, ctx: ImportContext
    ) -> None:
        batch_names = list(row.get("batches") or [])
        forced = ctx.options.get("batch")
        if forced and forced not in batch_names:
            batch_names.append(forced)
        batches = [resolve_batch(name, row.number, "批次", ctx) for name in batch_names]
        ctx.uow.add(commissioner, "batches", batches)
        for team_name in row.get("teams") or []:
            ctx.uow.add(commissioner, "teams", [self._team(team_name, batches, row.number, ctx)])
        for centre_name in row.get("centres") or []:
            ctx.uow.add(commissioner, "centres", [resolve_centre(centre_name, ctx)])

    def _team(self, name: str, batches: list[Batch], number: int, ctx: ImportContext) -> Team:
        """Return the team ``name`` in one of the row's batches (created if there is one batch).

        A person in several batches (re-dispatched) names a team that already exists in one
        of them; a new team can only be created when the batch is unambiguous.
        """
        existing = ctx.uow.filter(Team, name=name, batch__in=batches)[:2]
        if len(existing) == 1:
            return existing[0]
        if len(batches) == 1:
            return resolve_team(name, batches[0], ctx)
        if not batches:
            raise RowError(number, "所属团队", _("填写团队时须同时填写批次"))
        raise RowError(
            number, "所属团队", _("多个批次都有或都没有团队“%(name)s”，无法确定") % {"name": name}
        )

    # ----- export ------------------------------------------------------------------------
    batch_filter: ClassVar[str] = "batches"

    @classmethod
    def export_queryset(cls) -> QuerySet[Commissioner]:
        return Commissioner.objects.select_related("institution").prefetch_related(
            "batches",
            "teams",
            "centres",
            # In the order they were recorded: stable, and the order a clerk typed them in.
            Prefetch(
                "work_items", queryset=WorkItem.objects.order_by("id").only("commissioner", "title")
            ),
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
            # Keywords were merged into 研究方向 on import and go out there.
            "keywords": None,
            "outcomes": outcomes_cell(list(obj.work_items.all())),
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

    def after_write(self, written: Written) -> None:
        touch_for_matching(written)

    def natural_key(self, row: RowValues) -> Any:
        return (row["commissioner"], row["title"])

    def save_row(self, row: RowValues) -> bool:
        commissioner = resolve_commissioner(row["commissioner"], row.number, "特派员", self.context)
        uow = self.context.uow
        item = uow.first(WorkItem, commissioner=commissioner, title=row["title"])
        created = item is None
        if item is None:
            item = WorkItem(commissioner=commissioner, title=row["title"], kind=row["kind"])
        item.kind = row["kind"]
        item.text = row["text"] or item.text
        item.year = row["year"] or item.year
        self.full_clean(item, row, exclude=["commissioner"])
        uow.save(item)
        return created

    # ----- export ------------------------------------------------------------------------
    @classmethod
    def export_queryset(cls) -> QuerySet[WorkItem]:
        return WorkItem.objects.select_related("commissioner")

    def export_row(self, obj: WorkItem) -> dict[str, object]:
        return {**super().export_row(obj), "commissioner": code_or(obj.commissioner)}


# A commissioner named by a 编号 or a unique name.
resolve_commissioner = Reference(
    Commissioner,
    ("code", "name"),
    missing="找不到特派员“{token}”（请填写编号或姓名）",
    ambiguous="有多名特派员叫“{token}”，请改填编号",
)
