"""Importing enterprises, and resolving the enterprise names other registries' sheets give."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from tepai.core.admin_helpers import mask_email
from tepai.core.cleaning import (
    clean_name,
    clean_text,
    parse_email,
    parse_phone,
    validate_credit_code,
)
from tepai.core.importing import Column, Importer, RowError
from tepai.core.importing.base import ImportContext, RowValues, find_existing
from tepai.core.importing.exporting import mask_phone_cell, unless_masked
from tepai.core.importing.parsers import choice, text_block
from tepai.enterprises.models import Enterprise, EnterpriseSize
from tepai.programs.importers import cluster

_SIZE_ALIASES = {
    "大型企业": EnterpriseSize.LARGE,
    "大": EnterpriseSize.LARGE,
    "中型企业": EnterpriseSize.MEDIUM,
    "中": EnterpriseSize.MEDIUM,
    "小型企业": EnterpriseSize.SMALL,
    "小": EnterpriseSize.SMALL,
    "微型企业": EnterpriseSize.MICRO,
    "微": EnterpriseSize.MICRO,
}


def _lookup_enterprise(token: str, ctx: ImportContext) -> Enterprise | None:
    return ctx.uow.first(Enterprise, name=token) or ctx.uow.first(Enterprise, code=token)


def resolve_enterprise(name: str, number: int, header: str, ctx: ImportContext) -> Enterprise:
    """Return the existing enterprise called ``name`` (or with that 编号), or raise RowError."""
    return resolve_enterprises([name], number, header, ctx)[0]


def resolve_enterprises(
    names: Iterable[str], number: int, header: str, ctx: ImportContext
) -> list[Enterprise]:
    """Return the existing enterprises named, or raise one RowError listing every unknown name."""
    found: list[Enterprise] = []
    unknown: list[str] = []
    for name in names:
        key = ("enterprise", name)
        if key not in ctx.cache:
            enterprise = _lookup_enterprise(name, ctx)
            if enterprise is None:
                unknown.append(name)
                continue
            ctx.cache[key] = enterprise
        found.append(ctx.cache[key])
    if unknown:
        listed = "、".join(f"“{name}”" for name in unknown)
        raise RowError(number, header, f"企业{listed}不存在，请先导入企业（enterprises）")
    return found


class EnterpriseImporter(Importer):
    registry = "enterprises"
    label = "企业"
    model = Enterprise
    description = "受援地区的企业（及医院等单位）。企业名称相同（或编号相同）再次导入时更新。"
    columns: ClassVar[list[Column]] = [
        Column("编号", "code", help="稳定的外部编号，可选", example="QY-001"),
        Column("企业名称", "name", clean_text, required=True, example="阿克苏某纺织有限公司"),
        Column(
            "统一社会信用代码",
            "credit_code",
            validate_credit_code,
            help="18位，自动核对校验位",
            example="91652901MA78K2L31J",
        ),
        Column("所在县市", "county", clean_text, example="阿克苏市"),
        Column(
            "产业集群",
            "cluster",
            cluster,
            required=True,
            help="八大产业集群之一或“其他”",
            example="棉花和纺织服装",
        ),
        Column(
            "企业规模",
            "size",
            choice(EnterpriseSize, _SIZE_ALIASES),
            help="大型/中型/小型/微型",
            example="中型",
        ),
        Column("联系人", "contact_name", clean_name, example="李四"),
        # A masked value (from `tepai export` without --include-personal-data) keeps the
        # record's phone or e-mail.
        Column("联系电话", "contact_phone", unless_masked(parse_phone), example="0997-1234567"),
        Column("电子邮箱", "contact_email", unless_masked(parse_email), aliases=("邮箱",)),
        Column("企业简介", "description", text_block, aliases=("简介",)),
    ]

    def natural_key(self, row: RowValues) -> Any:
        return ("code", row["code"]) if row["code"] else row["name"]

    def save_row(self, row: RowValues) -> bool:
        uow = self.context.uow
        enterprise = find_existing(Enterprise, row["code"], ctx=self.context, name=row["name"])
        created = enterprise is None
        enterprise = enterprise or Enterprise()
        if uow.exists_other(Enterprise, enterprise, name=row["name"]):
            raise RowError(row.number, "企业名称", f"已有另一家企业叫“{row['name']}”（编号不同）")
        if row["credit_code"]:
            clash = next(
                (
                    other
                    for other in uow.filter(Enterprise, credit_code=row["credit_code"])
                    if other is not enterprise
                ),
                None,
            )
            if clash is not None:
                reason = f"与已有企业“{clash.name}”的统一社会信用代码相同"
                raise RowError(row.number, "统一社会信用代码", reason)
        enterprise.code = row["code"] or enterprise.code
        enterprise.name = row["name"]
        enterprise.cluster = row["cluster"]
        # Optional columns left empty keep what the record already has.
        for key in (
            "credit_code",
            "county",
            "size",
            "contact_name",
            "contact_phone",
            "contact_email",
            "description",
        ):
            if row[key]:
                setattr(enterprise, key, row[key])
        self.full_clean(enterprise, row)
        uow.save(enterprise)
        return created

    # ----- export ------------------------------------------------------------------------
    personal_data: ClassVar[dict[str, Callable[[str], str]]] = {
        "contact_phone": mask_phone_cell,
        "contact_email": mask_email,
    }
