"""Importing enterprises, and resolving the enterprise names other registries' sheets give."""

from __future__ import annotations

from typing import Any, ClassVar

from tepai.core.cleaning import (
    clean_name,
    clean_text,
    parse_email,
    parse_phone,
    validate_credit_code,
)
from tepai.core.importing import Column, Importer, RowError
from tepai.core.importing.base import RowValues, find_existing
from tepai.core.importing.parsers import choice, text_block
from tepai.core.importing.references import Reference
from tepai.core.personal_data import unless_masked
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


# An existing enterprise named by its name or 编号; ``resolve_enterprise.many`` lists every
# unknown name of a cell in one error.
resolve_enterprise = Reference(
    Enterprise, ("name", "code"), missing="企业“{token}”不存在，请先导入企业（enterprises）"
)


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
