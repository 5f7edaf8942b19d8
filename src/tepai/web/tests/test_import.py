"""Import in the browser: upload → preview (nothing written) → confirm (all or nothing)."""

from __future__ import annotations

import io
import os
import time
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from tepai.commissioners.models import Commissioner
from tepai.institutions.models import Institution
from tepai.web.importing import SESSION_KEY, import_dir, purge_stale
from tepai.web.tests.conftest import World

pytestmark = pytest.mark.django_db

GOOD = "单位名称,单位类型,所在省份\n浙江工业大学,高校,浙江\n浙江理工大学,高校,浙江\n"
ROSTER_HEADER = "姓名,性别,出生日期,工作单位,职称,学位,研究方向,手机号码\n"
BAD = ROSTER_HEADER + (
    "王五,男,1980-02-03,浙江大学,教授,博士,纺织,13812345678\n"
    ",男,1980-02-03,浙江大学,教授,博士,纺织,\n"
    "赵六,男,1980-02-30,浙江大学,教授,博士,纺织,123\n"
)


def upload(client: Client, registry: str, text: str, name: str = "data.csv", **extra: Any) -> Any:
    data = {"registry": registry, "file": SimpleUploadedFile(name, text.encode("utf-8"))}
    data.update(extra)
    return client.post("/import/", data)


def stored_files() -> list[Path]:
    return list(import_dir().iterdir())


def test_a_file_with_errors_lists_every_row_problem_and_writes_nothing(world: World) -> None:
    before = Commissioner.objects.count()
    response = upload(world.client("admin"), "commissioners", BAD)
    assert response.status_code == 200
    errors = [str(error) for error in response.context["run"].errors]
    assert "第3行 姓名: 不能为空" in errors
    assert any(error.startswith("第4行 出生日期:") for error in errors)
    assert any(error.startswith("第4行 手机号码:") for error in errors)
    html = response.content.decode()
    assert "第3行 姓名: 不能为空" in html and "确认导入" not in html
    assert Commissioner.objects.count() == before
    assert stored_files() == []
    assert not response.wsgi_request.session.get(SESSION_KEY)


def test_a_good_file_is_previewed_then_imported_on_confirmation(
    world: World, audit_calls: list[tuple[str, dict[str, Any]]]
) -> None:
    client = world.client("admin")
    response = upload(client, "institutions", GOOD)
    run = response.context["run"]
    assert [(row.number, row.created) for row in run.rows] == [(2, True), (3, False)]
    assert run.rows[0].summary == "单位名称：浙江工业大学；单位类型：高校；所在省份：浙江"
    html = response.content.decode()
    assert "新增" in html and "更新" in html and "确认导入" in html
    assert not Institution.objects.filter(name="浙江工业大学").exists()
    token = response.context["token"]
    assert [path.name for path in stored_files()] == [f"{token}.csv"]

    confirmed = client.post(f"/import/{token}/confirm/", follow=True)
    assert confirmed.redirect_chain[-1][0] == "/institutions/"
    assert "新增 1 条，更新 1 条" in confirmed.content.decode()
    assert Institution.objects.get(name="浙江工业大学").province == "浙江"
    assert stored_files() == []
    assert audit_calls[-1][0] == "import"
    assert audit_calls[-1][1]["created"] == 1 and audit_calls[-1][1]["file"] == "data.csv"
    # The same token cannot be used twice.
    assert client.post(f"/import/{token}/confirm/").status_code == 404


def test_the_confirmed_file_is_the_stored_one_not_anything_sent_again(world: World) -> None:
    client = world.client("admin")
    token = upload(client, "institutions", GOOD).context["token"]
    client.post(
        f"/import/{token}/confirm/",
        {"file": SimpleUploadedFile("x.csv", "单位名称\n冒充大学\n".encode())},
    )
    assert Institution.objects.filter(name="浙江工业大学").exists()
    assert not Institution.objects.filter(name="冒充大学").exists()


def test_a_token_from_another_session_is_not_found(world: World) -> None:
    token = upload(world.client("admin"), "institutions", GOOD).context["token"]
    other = Client()
    other.force_login(world.users["admin"])  # a second session of the same user
    assert other.post(f"/import/{token}/confirm/").status_code == 404
    assert not Institution.objects.filter(name="浙江工业大学").exists()


def test_a_preview_can_be_cancelled(world: World) -> None:
    client = world.client("admin")
    token = upload(client, "institutions", GOOD).context["token"]
    client.post(f"/import/{token}/cancel/")
    assert stored_files() == []
    assert client.post(f"/import/{token}/confirm/").status_code == 404


def test_a_roster_can_be_added_to_a_batch(world: World) -> None:
    client = world.client("admin")
    roster = ROSTER_HEADER + "王五,男,1980-02-03,浙江大学,教授,博士,纺织,13812345678\n"
    response = upload(client, "commissioners", roster, batch=world.first_batch.pk)
    client.post(f"/import/{response.context['token']}/confirm/")
    assert list(Commissioner.objects.get(name="王五").batches.all()) == [world.first_batch]
    refused = upload(client, "institutions", GOOD, batch=world.first_batch.pk)
    assert "batch" in refused.context["form"].errors


def test_an_xlsx_file_is_read_and_other_types_are_refused(world: World) -> None:
    client = world.client("admin")
    template = client.get("/import/template/institutions.xlsx")
    assert template.status_code == 200
    book = load_workbook(io.BytesIO(template.content))
    book.active.append(["", "浙江海洋大学", "高校"])
    buffer = io.BytesIO()
    book.save(buffer)
    response = client.post(
        "/import/",
        {"registry": "institutions", "file": SimpleUploadedFile("名单.xlsx", buffer.getvalue())},
    )
    assert [row.created for row in response.context["run"].rows] == [True]
    refused = upload(client, "institutions", GOOD, name="名单.xls")
    assert "不支持的文件类型" in str(refused.context["form"].errors["file"])


def test_only_administrators_import(world: World) -> None:
    for who in ("auditor", "commissioner", "enterprise"):
        client = world.client(who)
        assert client.get("/import/").status_code == 403
        assert upload(client, "institutions", GOOD).status_code == 403
        assert client.get("/import/template/institutions.xlsx").status_code == 403
    assert stored_files() == []


def test_abandoned_uploads_are_removed_after_a_day(settings: Any) -> None:
    old = import_dir() / ("a" * 32 + ".csv")
    old.write_text("x")
    fresh = import_dir() / ("b" * 32 + ".csv")
    fresh.write_text("x")
    day_ago = time.time() - 25 * 3600
    os.utime(old, (day_ago, day_ago))
    assert purge_stale() == 1
    assert stored_files() == [fresh]
    # Uploads hold phones: kept outside media (which backups copy), owner-only.
    assert not str(import_dir()).startswith(str(settings.MEDIA_ROOT))
    assert import_dir().stat().st_mode & 0o077 == 0


def test_the_kinds_of_data_are_named_in_chinese_without_slugs(world: World) -> None:
    html = world.client("admin").get("/import/").content.decode()
    assert "单位</option>" in html
    assert "（institutions）" not in html and "（commissioners）" not in html


def test_a_roster_preview_shows_how_titles_and_degrees_were_read_and_what_is_new(
    world: World,
) -> None:
    text = ROSTER_HEADER + (
        "王五,男,1980-02-03,塔里木大学,研究员,工学博士,纺织,\n"
        "赵六,女,1983-05-01,阿克苏职业技术学院,副教授,硕士研究生,印染,\n"
    )
    response = upload(world.client("admin"), "commissioners", text)
    rows = response.context["run"].rows
    assert rows[0].summary == "姓名：王五；工作单位：塔里木大学；职称：研究员 → 正高级；学位：博士"
    assert "职称：副教授 → 副高级；学位：硕士" in rows[1].summary
    html = response.content.decode()
    assert "将新建单位 2 个：塔里木大学、阿克苏职业技术学院" in html
    assert not Institution.objects.filter(name="塔里木大学").exists()
