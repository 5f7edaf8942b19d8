"""Issue 9, findings 2, 5 and 12 on the registry pages: no sort or search oracle on masked
fields, birth dates as the year only, 出生日期精度 for administrators only, bounded ids."""

from __future__ import annotations

import dataclasses
import datetime
import io
from typing import Any

import pytest
from django.core.exceptions import BadRequest
from django.http import QueryDict
from openpyxl import load_workbook

from tepai.commissioners.models import Commissioner
from tepai.commissioners.registry import COMMISSIONERS
from tepai.core.registries import Filter
from tepai.web.registries.query import list_query, search_paths, sort_options
from tepai.web.tests.conftest import World

pytestmark = pytest.mark.django_db

COLLEAGUE_PHONE = "13900005678"


def _names(world: World, who: str, query: str) -> tuple[int, list[str]]:
    response = world.client(who).get(f"/commissioners/?{query}")
    if response.status_code != 200:
        return response.status_code, []
    return 200, [str(record) for record, _cells in response.context["rows"]]


@pytest.mark.parametrize("sort", ["phone", "-phone", "email", "-email"])
def test_the_sort_oracle_learns_nothing_about_a_colleagues_phone(world: World, sort: str) -> None:
    # The attack: edit one's own phone, sort by phone, see whether one lands before or after
    # the colleague, bisect. Whatever the colleague's number, the answers must be the same.
    answers = []
    for colleague_phone in ("13000000001", "13999999999"):
        Commissioner.objects.filter(pk=world.colleague.pk).update(phone=colleague_phone)
        for probe in ("13000000000", "13500000000", "19999999999"):
            Commissioner.objects.filter(pk=world.me.pk).update(phone=probe)
            answers.append((probe, _names(world, "commissioner", f"sort={sort}")))
    assert answers[:3] == answers[3:]
    assert {status for _probe, (status, _names_) in answers} == {400}


def test_the_refusal_says_why_and_the_header_is_no_sort_link(world: World) -> None:
    response = world.client("commissioner").get("/commissioners/?sort=phone")
    assert response.status_code == 400
    page = world.client("commissioner").get("/commissioners/").content.decode()
    assert "sort=phone" not in page and "sort=email" not in page
    assert "sort=name" in page
    assert "sort=phone" in world.client("admin").get("/commissioners/").content.decode()


def test_administrators_may_still_sort_by_phone(world: World) -> None:
    status, names = _names(world, "admin", "sort=-phone")
    assert status == 200 and names.index("李四") < names.index("张三")


@pytest.mark.parametrize("who", ["commissioner", "enterprise", "auditor", "nobody"])
def test_only_unmasked_columns_sort_for_other_roles(world: World, who: str) -> None:
    assert "phone" not in sort_options(COMMISSIONERS, world.users[who])
    assert "email" not in sort_options(COMMISSIONERS, world.users[who])
    assert {"phone", "email"} <= set(sort_options(COMMISSIONERS, world.users["admin"]))


def test_search_and_filters_skip_fields_the_user_sees_masked(world: World) -> None:
    # No registry searches phones today; the guard keeps a future one from becoming an oracle.
    registry = dataclasses.replace(
        COMMISSIONERS,
        search=("name", "phone"),
        filters=(Filter("phone", "phone", "手机号码", choices=((COLLEAGUE_PHONE, "x"),)),),
    )
    commissioner, admin = world.users["commissioner"], world.users["admin"]
    assert search_paths(registry, commissioner) == ("name",)
    assert search_paths(registry, admin) == ("name", "phone")

    found = list_query(registry, commissioner, QueryDict(f"q={COLLEAGUE_PHONE[:7]}")).queryset
    assert not found.exists()
    found = list_query(registry, admin, QueryDict(f"q={COLLEAGUE_PHONE[:7]}")).queryset
    assert list(found) == [world.colleague]

    with pytest.raises(BadRequest, match="手机号码"):
        list_query(registry, commissioner, QueryDict(f"phone={COLLEAGUE_PHONE}"))
    assert list_query(registry, admin, QueryDict(f"phone={COLLEAGUE_PHONE}")).queryset.exists()


@pytest.mark.parametrize("who", ["enterprise", "commissioner"])
def test_others_see_a_birth_year_and_no_precision(world: World, who: str) -> None:
    Commissioner.objects.filter(pk=world.colleague.pk).update(birth_date=datetime.date(1979, 8, 6))
    page = world.client(who).get(f"/commissioners/{world.colleague.pk}/").content.decode()
    assert "1979年" in page
    assert "1979-08-06" not in page
    assert "出生日期精度" not in page


def test_administrators_see_the_birth_date_and_its_precision(world: World) -> None:
    Commissioner.objects.filter(pk=world.colleague.pk).update(birth_date=datetime.date(1979, 8, 6))
    page = world.client("admin").get(f"/commissioners/{world.colleague.pk}/").content.decode()
    assert "1979-08-06" in page and "出生日期精度" in page


def test_a_commissioner_sees_their_own_birth_date_but_not_the_internal_field(
    world: World,
) -> None:
    Commissioner.objects.filter(pk=world.me.pk).update(birth_date=datetime.date(1980, 2, 3))
    client = world.client("commissioner")
    assert "1980-02-03" in client.get(f"/commissioners/{world.me.pk}/").content.decode()
    detail = client.get(f"/commissioners/{world.me.pk}/").content.decode()
    assert "出生日期精度" not in detail
    form = client.get(f"/commissioners/{world.me.pk}/edit/").context["form"]
    assert "birth_date_precision" not in form.fields


def _export(world: World, who: str) -> dict[str, list[Any]]:
    response = world.client(who).get("/commissioners/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    name = rows[0].index("姓名")
    return {str(row[name]): list(zip(rows[0], row, strict=True)) for row in rows[1:]}


def test_an_enterprise_export_holds_birth_years_only(world: World) -> None:
    Commissioner.objects.filter(pk=world.colleague.pk).update(birth_date=datetime.date(1979, 8, 6))
    cells = dict(_export(world, "enterprise")["李四"])
    assert cells["出生日期"] == "1979"
    assert cells["手机号码"] == "139****5678"
    admin = dict(_export(world, "admin")["李四"])
    assert admin["出生日期"] == "1979-08-06" and admin["手机号码"] == COLLEAGUE_PHONE


# ----- finding 5: integers past the database's range ------------------------------------------
@pytest.mark.parametrize(
    "query",
    [
        "enterprise=99999999999999999999999999",
        "enterprise=-99999999999999999999999999",
        "enterprise=9223372036854775808",
        "enterprise=1e3",
        "lists=99999999999999999999999999",
        "period=0000",
        "period=9999-12",
    ],
)
def test_huge_or_malformed_ids_are_a_clear_400(world: World, query: str) -> None:
    response = world.client("admin").get(f"/demands/?{query}")
    assert response.status_code == 400
    assert "请求有误" in response.content.decode()


def test_the_400_page_names_the_field_and_the_reason(world: World) -> None:
    response = world.client("admin").get("/demands/?enterprise=99999999999999999999999999")
    page = response.content.decode()
    assert "筛选条件“企业”" in page and "超出范围" in page


def test_a_huge_batch_id_in_a_kpi_link_is_a_clear_400(world: World) -> None:
    response = world.client("admin").get("/projects/?kpi=99999999999999999999999:service_contracts")
    assert response.status_code == 400


def test_the_largest_id_is_a_valid_filter_matching_nothing(world: World) -> None:
    response = world.client("admin").get("/demands/?enterprise=9223372036854775807")
    assert response.status_code == 200 and response.context["rows"] == []


def test_a_huge_page_number_shows_the_last_page(world: World) -> None:
    response = world.client("admin").get("/demands/?page=99999999999999999999999999")
    assert response.status_code == 200
