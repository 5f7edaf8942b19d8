"""Importing enterprises."""

from __future__ import annotations

from pathlib import Path

import pytest

from tepai.core.tests.import_helpers import import_errors, make_enterprise, run_import, write_csv
from tepai.enterprises.importers import EnterpriseImporter
from tepai.enterprises.models import Enterprise

pytestmark = pytest.mark.django_db

HEADER = [
    "序号",
    "编号",
    "企业名称",
    "统一社会信用代码",
    "所在县市",
    "产业集群",
    "企业规模",
    "联系人",
    "联系电话",
    "电子邮箱",
    "企业简介",
]
VALID_CODE = "91652901MA78K2L31J"


def test_it_imports_enterprises(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "e.csv",
        [
            HEADER,
            [
                1,
                "QY-01",
                "阿克苏纺织有限公司",
                " 91652901ma78k2l31j ",
                "阿克苏市",
                "棉花和纺织服装",
                "中型",
                "李  四",
                "0997 1234567",
                "a@B.COM",
                "第一行\n第二行",
            ],
            [2, None, "温宿果业合作社", None, None, "果蔬", "小型企业", None, None, None, None],
        ],
    )

    result = run_import(EnterpriseImporter, path)

    assert (result.created, result.updated) == (2, 0)
    textile = Enterprise.objects.get(code="QY-01")
    assert (textile.credit_code, textile.cluster, textile.size) == (
        VALID_CODE,
        "cotton_textile",
        "medium",
    )
    assert (textile.contact_name, textile.contact_phone, textile.contact_email) == (
        "李四",
        "0997-1234567",
        "a@b.com",
    )
    assert textile.description == "第一行\n第二行"
    fruit = Enterprise.objects.get(name="温宿果业合作社")
    assert (fruit.cluster, fruit.size) == ("fruit_veg", "small")


def test_it_updates_by_name_and_by_code_keeping_empty_columns(tmp_path: Path) -> None:
    make_enterprise("阿克苏纺织有限公司", "QY-01", county="阿克苏市", size="large")
    make_enterprise("温宿果业合作社", cluster="fruit_veg")
    path = write_csv(
        tmp_path / "e.csv",
        [
            ["编号", "企业名称", "产业集群", "企业规模", "所在县市"],
            ["QY-01", "阿克苏华纺有限公司", "纺织服装", None, None],
            [None, "温宿果业合作社", "粮油", "微型", "温宿县"],
        ],
    )

    result = run_import(EnterpriseImporter, path)

    assert (result.created, result.updated) == (0, 2)
    renamed = Enterprise.objects.get(code="QY-01")
    assert renamed.name == "阿克苏华纺有限公司"
    assert (renamed.county, renamed.size) == ("阿克苏市", "large")
    fruit = Enterprise.objects.get(name="温宿果业合作社")
    assert (fruit.cluster, fruit.size, fruit.county) == ("grain_oil", "micro", "温宿县")


def test_it_checks_credit_codes_cluster_and_size(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "e.csv",
        [
            ["企业名称", "统一社会信用代码", "产业集群", "企业规模"],
            ["甲公司", "91652901MA78K2L31K", "粮油", "中型"],
            ["乙公司", "9165290", "粮油", "中型"],
            ["丙公司", None, "钢铁", "超大型"],
            ["丁公司", None, None, None],
        ],
    )

    errors = import_errors(EnterpriseImporter, path)

    assert errors[0] == (
        "第2行 统一社会信用代码: 统一社会信用代码校验位错误：第18位应为“J”，实为“K”，请核对"
    )
    assert errors[1] == "第3行 统一社会信用代码: 统一社会信用代码应为18位，实为7位"
    assert [error.split(":")[0] for error in errors[2:]] == [
        "第4行 产业集群",
        "第4行 企业规模",
        "第5行 产业集群",
    ]
    assert errors[-1] == "第5行 产业集群: 不能为空"
    assert Enterprise.objects.count() == 0


def test_it_refuses_a_credit_code_another_enterprise_has(tmp_path: Path) -> None:
    make_enterprise("阿克苏纺织有限公司", credit_code=VALID_CODE)
    path = write_csv(
        tmp_path / "e.csv",
        [
            ["企业名称", "统一社会信用代码", "产业集群"],
            ["新公司", VALID_CODE, "粮油"],
        ],
    )

    assert import_errors(EnterpriseImporter, path) == [
        "第2行 统一社会信用代码: 与已有企业“阿克苏纺织有限公司”的统一社会信用代码相同"
    ]
    assert Enterprise.objects.count() == 1


def test_it_reports_duplicate_rows(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "e.csv",
        [
            ["企业名称", "产业集群"],
            ["甲公司", "粮油"],
            ["甲 公司", "粮油"],
            ["甲公司", "粮油"],
        ],
    )

    assert import_errors(EnterpriseImporter, path) == ["第4行 (整行): 与第2行是同一条记录，重复了"]
