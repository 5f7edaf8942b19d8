"""The search page: what it finds, for whom, and the pinyin order of the name lists."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.db.models import Field
from django.test import Client
from django.urls import reverse

from tepai.accounts.roles import Role
from tepai.commissioners.importers import CommissionerImporter
from tepai.commissioners.models import Commissioner
from tepai.core.tests.import_helpers import run_import, write_csv
from tepai.enterprises.importers import EnterpriseImporter
from tepai.enterprises.models import Enterprise
from tepai.institutions.models import Institution
from tepai.testing.accounts import make_user
from tepai.testing.factories import make_commissioner, make_enterprise, make_institution

pytestmark = pytest.mark.django_db


def _client(role: Role | None = Role.ADMIN, **account: Any) -> Client:
    client = Client()
    client.force_login(make_user(role, **account))
    return client


def _found(client: Client, q: str) -> dict[str, list[str]]:
    """Return the search's hits by registry slug (titles)."""
    response = client.get(reverse("search:search"), {"q": q})
    assert response.status_code == 200
    return {g.registry.slug: [hit.title for hit in g.hits] for g in response.context["groups"]}


@pytest.fixture
def people() -> None:
    make_commissioner(name="张三", research_fields=["棉花育种", "纺织材料"], institution="浙江大学")
    make_commissioner(name="李四", research_fields=["果树栽培"])
    make_commissioner(name="赵帅", research_fields=["电力系统"])


def test_it_finds_a_commissioner_by_name_pinyin_initials_and_research_field(people: None) -> None:
    client = _client()
    assert _found(client, "张三")["commissioners"] == ["张三"]
    assert _found(client, "zs")["commissioners"] == ["张三", "赵帅"]  # 张三 zs, 赵帅 zs
    assert _found(client, "ZS")["commissioners"] == ["张三", "赵帅"]
    assert _found(client, "zhangsan")["commissioners"] == ["张三"]
    assert _found(client, "zhang san")["commissioners"] == ["张三"]
    assert _found(client, "棉花育种")["commissioners"] == ["张三"]
    assert _found(client, "果树")["commissioners"] == ["李四"]
    assert _found(client, "浙江大学")["commissioners"] == ["张三"]


def test_groups_count_and_link_to_the_registry_list_with_the_same_words(people: None) -> None:
    make_enterprise("张三科技有限公司")
    client = _client()
    response = client.get(reverse("search:search"), {"q": "张三"})
    groups = {group.registry.slug: group for group in response.context["groups"]}
    assert set(groups) == {"commissioners", "enterprises"}
    assert groups["enterprises"].count == 1
    listed = client.get(groups["enterprises"].list_url)
    assert listed.status_code == 200
    assert listed.context["paginator"].count == 1
    page = response.content.decode()
    assert "张三科技有限公司" in page
    assert reverse("web:enterprises-detail", args=[Enterprise.objects.get().pk]) in page
    # The registry list finds by pinyin too: the link opens what the search counted.
    by_initials = client.get(reverse("web:commissioners-list"), {"q": "zs"})
    assert [str(c) for c in by_initials.context["page"].object_list] == ["张三", "赵帅"]


def test_an_empty_search_shows_the_form_and_a_bad_one_says_why() -> None:
    client = _client()
    empty = client.get(reverse("search:search"))
    assert empty.status_code == 200
    assert empty.context["groups"] == []
    assert 'name="q"' in empty.content.decode()
    too_long = client.get(reverse("search:search"), {"q": "长" * 101})
    assert too_long.status_code == 400
    assert "搜索词过长：最多 100 个字符" in too_long.content.decode()
    nothing = client.get(reverse("search:search"), {"q": "不存在的东西"})
    assert "没有找到" in nothing.content.decode()


def test_the_search_needs_a_signed_in_user_with_a_role() -> None:
    anonymous = Client().get(reverse("search:search"), {"q": "张三"})
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/login/")
    assert _client(None).get(reverse("search:search"), {"q": "张三"}).status_code == 403


def test_phones_and_emails_are_never_searched_even_by_administrators() -> None:
    make_commissioner(name="王五", phone="13812345678", email="wangwu@example.cn")
    make_enterprise("温宿果业", contact_phone="13987654321", contact_email="mailbox@example.cn")
    client = _client()
    for q in ("13812345678", "1381234", "wangwu@example", "13987654321", "mailbox"):
        assert _found(client, q) == {}, q


def test_the_top_bar_has_the_search_box_for_signed_in_users_only() -> None:
    page = _client().get(reverse("web:dashboard")).content.decode()
    assert f'action="{reverse("search:search")}"' in page
    assert 'class="topbar-search"' in page
    login = Client().get(reverse("login")).content.decode()
    assert 'class="topbar-search"' not in login


def test_name_lists_come_in_pinyin_order() -> None:
    for name in ("俞敏", "冯军", "何平", "丁一"):
        make_commissioner(name=name)
        make_enterprise(f"{name}公司")
        make_institution(f"{name}大学")
    assert [str(c) for c in Commissioner.objects.all()] == ["丁一", "冯军", "何平", "俞敏"]
    client = _client()
    listed = client.get(reverse("web:commissioners-list"))
    assert [str(c) for c in listed.context["page"].object_list] == ["丁一", "冯军", "何平", "俞敏"]
    by_name = client.get(reverse("web:enterprises-list"), {"sort": "-name"})
    assert [str(e) for e in by_name.context["page"].object_list] == [
        "俞敏公司",
        "何平公司",
        "冯军公司",
        "丁一公司",
    ]
    institutions = client.get(reverse("web:institutions-list"), {"sort": "name"})
    names = [str(i) for i in institutions.context["page"].object_list]
    assert [n for n in names if n.endswith("大学") and n[:2] in "俞敏冯军何平丁一"] == [
        "丁一大学",
        "冯军大学",
        "何平大学",
        "俞敏大学",
    ]


def test_saving_keeps_the_keys_current_even_with_update_fields() -> None:
    person = make_commissioner(name="张三", research_fields=["纺织"])
    person.name = "曾四"
    person.research_fields = ["印染", "染色"]
    person.save(update_fields=["name", "research_fields"])
    person.refresh_from_db()
    assert (person.name_pinyin, person.name_initials, person.name_sort) == (
        "zengsi",
        "zs",
        "zeng1si4",
    )
    assert person.research_text == "印染 染色"


def test_the_import_fills_the_keys_of_new_and_updated_records(tmp_path: Path) -> None:
    header = ["编号", "姓名", "性别", "出生日期", "工作单位", "职称", "学位", "研究方向"]
    row = ["ZJ-01", "张三", "男", "1981-03-02", "重庆大学", "教授", "博士", "纺织、印染"]
    run_import(CommissionerImporter, write_csv(tmp_path / "a.csv", [header, row]))
    person = Commissioner.objects.get(code="ZJ-01")
    assert (person.name_pinyin, person.name_initials) == ("zhangsan", "zs")
    assert person.research_text == "纺织 印染"
    assert Institution.objects.get(name="重庆大学").name_pinyin == "chongqingdaxue"
    renamed = ["ZJ-01", "曾三", "男", "1981-03-02", "重庆大学", "教授", "博士", "纺织"]
    run_import(CommissionerImporter, write_csv(tmp_path / "b.csv", [header, renamed]))
    person.refresh_from_db()
    assert (person.name, person.name_pinyin, person.research_text) == ("曾三", "zengsan", "纺织")

    companies = [["企业名称", "产业集群"], ["阿克苏纺织有限公司", "纺织服装"]]
    run_import(EnterpriseImporter, write_csv(tmp_path / "e.csv", companies))
    assert Enterprise.objects.get().name_initials == "aksfzyxgs"


@pytest.mark.parametrize(
    ("app", "migration", "model"),
    [
        ("commissioners", "0003_search_keys", Commissioner),
        ("enterprises", "0002_search_keys", Enterprise),
        ("institutions", "0002_search_keys", Institution),
    ],
)
def test_the_migration_fills_the_keys_of_existing_rows(
    app: str, migration: str, model: Any
) -> None:
    make_commissioner(name="何平", research_fields=["果树"], institution="重庆大学")
    make_enterprise("丁一公司")
    # Rows as they were before the migration: no keys (update() bypasses save()).
    blank = {name: "" for name in model.SEARCH_KEY_FIELDS}
    model.objects.update(**blank)
    module = importlib.import_module(f"tepai.{app}.migrations.{migration}")
    module.fill_keys(apps, None)
    for record in model.objects.all():
        assert record.name_pinyin and record.name_initials and record.name_sort, record
        before = {name: getattr(record, name) for name in model.SEARCH_KEY_FIELDS}
        record.save()
        assert {name: getattr(record, name) for name in model.SEARCH_KEY_FIELDS} == before


def test_the_count_is_exact_past_the_keys_read_at_once(monkeypatch: Any) -> None:
    from tepai.search import query

    monkeypatch.setattr(query, "CAP", 2)
    for name in ("张一", "张二", "张三", "张四"):
        make_commissioner(name=name)
    groups = query.search(make_user(Role.AUDITOR), "张")
    assert [(g.registry.slug, g.count, len(g.hits)) for g in groups] == [("commissioners", 4, 2)]


def _searched_columns() -> list[tuple[str, str, str]]:
    """(registry, table, column) of every column the site search compares."""
    from tepai.core.registries import all_registries

    found = []
    for registry in all_registries():
        if registry.site_search is None:
            continue
        for path in registry.search:
            *relations, name = path.split("__")
            target = registry.model
            for relation in relations:
                related = target._meta.get_field(relation).related_model
                assert related is not None, path  # a search path follows relations only
                target = related
            searched = target._meta.get_field(name)
            assert isinstance(searched, Field), path  # a column, not a reverse relation
            assert searched.column is not None, path
            found.append((registry.slug, target._meta.db_table, searched.column))
    return found


def test_every_searched_column_has_its_indexes_on_postgresql() -> None:
    from django.db import connection

    from tepai.search.indexes import gram_index_name, trigram_index_name

    if connection.vendor != "postgresql":
        pytest.skip("the search indexes exist on PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes")
        present = {row[0] for row in cursor.fetchall()}
    missing = [
        f"{slug}: {table}.{column}"
        for slug, table, column in _searched_columns()
        if not {trigram_index_name(table, column), gram_index_name(table, column)} <= present
    ]
    assert not missing, "searched without its indexes on PostgreSQL: " + ", ".join(missing)


def test_the_first_registries_searched_columns_are_in_the_index_migrations() -> None:
    # Checked on SQLite too: the PostgreSQL test above runs only there.
    columns = importlib.import_module("tepai.search.migrations.0001_trigram_indexes").COLUMNS
    missing = [
        f"{slug}: {table}.{column}"
        for slug, table, column in _searched_columns()
        if column not in columns.get(table, ())
    ]
    assert not missing, "searched without a trigram index on PostgreSQL: " + ", ".join(missing)


def test_the_first_records_come_in_the_lists_own_order() -> None:
    import datetime

    from django.http import QueryDict

    from tepai.core.registries import registries_by_slug
    from tepai.search.query import _keys_in_order
    from tepai.testing.factories import make_project
    from tepai.web.registries.query import list_query

    for title, day in (("乙项目", 3), ("甲项目", 3), ("丙项目", 9), ("丁项目", 1), ("戊项目", 9)):
        make_project(title=title, signed_on=datetime.date(2024, 5, day))
    for name in ("俞敏", "冯军", "何平", "丁一", "丁一"):
        make_commissioner(name=name, birth=datetime.date(1980, 1, len(name)))
    user = make_user(Role.AUDITOR)
    for slug in ("projects", "commissioners"):
        queryset = list_query(registries_by_slug()[slug], user, QueryDict()).queryset
        assert _keys_in_order(queryset) == list(queryset.values_list("pk", flat=True)), slug


SHORT_WORDS = ("张", "张三", "三丰", "zs", "ZS", "Z", "印染", "染色", "丰", "x")


@pytest.mark.parametrize(
    ("model", "field"),
    [(Commissioner, "name"), (Commissioner, "name_initials"), (Commissioner, "bio")],
)
def test_a_short_word_finds_exactly_what_icontains_finds(model: Any, field: str) -> None:
    make_commissioner(name="张三丰", bio="印染废水脱色；染色工艺")
    make_commissioner(name="张三", bio="ZS-2 型纺纱机")
    make_commissioner(name="李四", bio="")
    for word in SHORT_WORDS:
        short = set(model.objects.filter(**{f"{field}__has_short": word}))
        plain = set(model.objects.filter(**{f"{field}__icontains": word}))
        assert short == plain, (field, word)


def test_short_words_are_asked_through_the_gram_indexes_on_postgresql() -> None:
    from django.db import connection

    from tepai.search.grams import lookup_for

    assert lookup_for("张三") == "has_short" and lookup_for("张三丰") == "icontains"
    if connection.vendor != "postgresql":
        pytest.skip("the gram indexes exist on PostgreSQL only")
    make_commissioner(name="张三")
    columns = importlib.import_module("tepai.search.migrations.0002_gram_indexes").COLUMNS
    assert columns["demands_demand"] == ("title", "code", "problem")
    query = Commissioner.objects.filter(name__has_short="张三").order_by().values("pk").query
    sql, params = query.sql_with_params()
    with connection.cursor() as cursor:
        # A handful of rows would be read in full anyway, or along another index; forbid
        # both to see whether the condition matches the gram index at all.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "commissioners_commissioner_name_grams" in plan, plan
