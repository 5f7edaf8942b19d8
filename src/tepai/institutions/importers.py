"""Importing institutions, and finding or creating them from other registries' sheets."""

from __future__ import annotations

from typing import Any, ClassVar

from tepai.core.choices import InstitutionType
from tepai.core.cleaning import clean_text
from tepai.core.importing import Column, Importer
from tepai.core.importing.base import ImportContext, RowValues
from tepai.core.importing.parsers import choice, text_block
from tepai.core.importing.references import find_or_create
from tepai.institutions.models import Institution

_TYPE_ALIASES = {
    "大学": InstitutionType.UNIVERSITY,
    "学院": InstitutionType.UNIVERSITY,
    "研究院": InstitutionType.RESEARCH_INSTITUTE,
    "研究所": InstitutionType.RESEARCH_INSTITUTE,
    "科研机构": InstitutionType.RESEARCH_INSTITUTE,
}


def guess_institution_type(name: str) -> str:
    """Return the likely type of an institution from its name (for ones created on the fly)."""
    if "医院" in name:
        return InstitutionType.HOSPITAL
    # Before the university endings: 浙江省农业科学院 ends in 学院 but is an institute.
    if any(word in name for word in ("研究院", "研究所", "科学院", "研究中心")):
        return InstitutionType.RESEARCH_INSTITUTE
    if name.endswith(("大学", "学院", "学校")):
        return InstitutionType.UNIVERSITY
    if name.endswith(("公司", "集团", "厂")):
        return InstitutionType.ENTERPRISE
    return InstitutionType.OTHER


def get_or_create_institution(name: str, ctx: ImportContext) -> Institution:
    """Return the institution called ``name``, creating it (type guessed) if it is unknown."""
    return find_or_create(
        Institution, name, ctx=ctx, kind="单位", values={"type": guess_institution_type(name)}
    )


class InstitutionImporter(Importer):
    registry = "institutions"
    label = "单位"
    model = Institution
    description = "特派员的工作单位、创新中心的牵头单位等。"
    columns: ClassVar[list[Column]] = [
        Column("编号", "code"),
        Column("单位名称", "name", clean_text, required=True, example="浙江大学"),
        Column("单位类型", "type", choice(InstitutionType, _TYPE_ALIASES), example="高校"),
        Column("所在省份", "province", clean_text, example="浙江省"),
        Column("简介", "description", text_block),
    ]

    def natural_key(self, row: RowValues) -> Any:
        return ("code", row["code"]) if row["code"] else row["name"]

    def save_row(self, row: RowValues) -> bool:
        institution = None
        if row["code"]:
            institution = self.context.uow.first(Institution, code=row["code"])
        if institution is None:
            institution = self.context.uow.first(Institution, name=row["name"])
        created = institution is None
        institution = institution or Institution()
        institution.code = row["code"] or institution.code
        institution.name = row["name"]
        institution.type = row["type"] or (
            institution.type if not created else guess_institution_type(row["name"])
        )
        institution.province = row["province"] or institution.province
        institution.description = row["description"] or institution.description
        self.full_clean(institution, row)
        self.context.uow.save(institution)
        return created
