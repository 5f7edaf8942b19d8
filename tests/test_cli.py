"""The `tepai` console command as a user runs it: a real process with its own TEPAI_HOME."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
from pathlib import Path

import pytest

from tepai import __version__


def run(home: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("TEPAI_")}
    environment.update({"TEPAI_HOME": str(home), **env})
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        ["tepai", *args], env=environment, capture_output=True, text=True, timeout=300
    )


def test_it_answers_version_without_a_database(tmp_path: Path) -> None:
    result = run(tmp_path, "--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"tepai {__version__}"
    assert not (tmp_path / "tepai.db").exists()


def test_init_is_idempotent_and_configures_sqlite(tmp_path: Path) -> None:
    first = run(tmp_path, "init")
    assert first.returncode == 0, first.stderr
    second = run(tmp_path, "init")
    assert second.returncode == 0, second.stderr
    assert "数据库已就绪" in second.stdout
    assert (tmp_path / "secret_key").exists()
    with sqlite3.connect(tmp_path / "tepai.db") as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_bad_settings_stop_the_command_with_a_clear_message(tmp_path: Path) -> None:
    result = run(tmp_path, "init", TEPAI_DEBUG="perhaps")
    assert result.returncode == 2
    assert "TEPAI_DEBUG" in result.stderr
    result = run(tmp_path, "init", TEPAI_DATABASE_URL="mysql://x/y")
    assert result.returncode == 2
    assert "TEPAI_DATABASE_URL" in result.stderr


def test_batch_create_import_and_report_from_the_shell(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "序号,姓名,性别,出生日期,工作单位,职称,学位,研究方向\n"
        "1,张 三,男,1980年1月,浙江大学,教授,工学博士,纺织\n"
        "2,李四,女,1990/5/6,浙江理工大学,副研究员,硕士研究生,印染、纺织\n",
        encoding="utf-8",
    )
    assert run(tmp_path, "init").returncode == 0
    created = run(tmp_path, "batch", "create", "第二批", "--dispatch-date", "2024-04-24")
    assert created.returncode == 0, created.stderr
    imported = run(tmp_path, "import", "commissioners", str(roster), "--batch", "第二批")
    assert imported.returncode == 0, imported.stderr
    report = run(tmp_path, "report", "batch", "第二批", "--format", "json")
    data = json.loads(report.stdout)
    assert (data["members"], data["institutions"], data["average_age"]) == (2, 2, 38.5)
    assert data["doctorate_percent"] == 50.0


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_refuses_an_uninitialised_database(tmp_path: Path) -> None:
    result = run(tmp_path, "serve", "--port", str(_free_port()))
    assert result.returncode != 0
    assert "tepai init" in result.stderr


def test_serve_answers_with_the_chinese_admin_and_its_static_files(tmp_path: Path) -> None:
    import time
    import urllib.request

    assert run(tmp_path, "init").returncode == 0
    port = _free_port()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("TEPAI_")}
    environment["TEPAI_HOME"] = str(tmp_path)
    server = subprocess.Popen(
        ["tepai", "serve", "--port", str(port)],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        page = ""
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/admin/login/") as response:
                    page = response.read().decode("utf-8")
                break
            except OSError:
                time.sleep(0.3)
        assert "特派" in page
        assert "登录" in page
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/static/admin/css/base.css") as css:
            assert css.status == 200
    finally:
        server.terminate()
        server.wait(timeout=30)


# --- issue 11: tepai's own help, and the first administrator ------------------------------

DJANGO_INTERNALS = ("flush", "sqlflush", "startproject", "runserver", "createsuperuser", "shell")


def _listed_commands(text: str) -> dict[str, str]:
    """Return command → summary from the 命令： block of ``tepai --help``."""
    block = text.split("命令：", 1)[1].split("\n\n", 1)[0]
    rows = [line.split(None, 1) for line in block.splitlines() if line.strip()]
    return {name: summary for name, summary in rows}


def test_help_lists_only_tepais_commands_with_chinese_summaries(tmp_path: Path) -> None:
    import re

    from django.core.management import get_commands, load_command_class

    from tepai.cli import summary

    ours = {name: app for name, app in get_commands().items() if app.startswith("tepai.")}
    for args in (["--help"], [], ["help"], ["-h"]):
        result = run(tmp_path, *args)
        assert result.returncode == 0, result.stderr
        listed = _listed_commands(result.stdout)
        assert set(listed) == set(ours), args
        for name, app in ours.items():
            assert listed[name] == summary(str(load_command_class(app, name).help))
            assert re.search(r"[\u4e00-\u9fff]", listed[name]), name
        for internal in DJANGO_INTERNALS:
            assert internal not in listed
            assert f" {internal} " not in result.stdout
        assert "tepai <命令> --help" in result.stdout
        assert "--all-commands" in result.stdout
    assert {"init", "demo", "serve", "import", "createadmin", "report", "token"} <= set(ours)


def test_django_commands_stay_runnable_and_listed_on_request(tmp_path: Path) -> None:
    everything = run(tmp_path, "--all-commands")
    assert everything.returncode == 0, everything.stderr
    for internal in ("flush", "sqlflush", "runserver"):
        assert internal in everything.stdout
    assert run(tmp_path, "showmigrations", "--help").returncode == 0
    own = run(tmp_path, "import", "--help")
    assert own.returncode == 0
    assert "usage: tepai import" in own.stdout
    assert "--dry-run" in own.stdout
    assert "usage: tepai token" in run(tmp_path, "help", "token").stdout


def test_help_summary_is_the_first_sentence_on_one_line() -> None:
    from tepai.cli import summary

    text = "备份数据库，\n  写成一个文件。恢复见 restore。"
    assert summary(text) == "备份数据库， 写成一个文件。"
    assert summary("没有句号的说明") == "没有句号的说明"


def test_help_survives_a_command_that_cannot_load(monkeypatch: pytest.MonkeyPatch) -> None:
    import django.core.management as management

    from tepai.cli import own_commands

    original = management.load_command_class

    def broken(app: str, name: str) -> object:
        if name == "match":
            raise ImportError("scipy missing")
        return original(app, name)

    monkeypatch.setattr(management, "load_command_class", broken)
    commands = own_commands()
    assert commands["match"] == "（无法加载：scipy missing）"
    assert commands["init"].startswith("创建或升级数据库")


def test_createadmin_makes_the_first_administrator_and_refuses_a_second(tmp_path: Path) -> None:
    password_file = tmp_path / "password"
    password_file.write_text("Erst-Admin-2024\n", encoding="utf-8")
    not_ready = run(tmp_path, "createadmin", "chief", "--password-file", str(password_file))
    assert not_ready.returncode != 0
    assert "tepai init" in not_ready.stderr
    assert run(tmp_path, "init", "--skip-warm-up").returncode == 0

    password_file.write_text("short\n", encoding="utf-8")
    weak = run(tmp_path, "createadmin", "chief", "--password-file", str(password_file))
    assert weak.returncode == 1
    assert "密码：密码太短，至少需要 8 个字符" in weak.stderr
    assert "密码须包含大写字母、小写字母、数字、符号中的至少 3 类" in weak.stderr
    bad_mail = run(tmp_path, "createadmin", "chief", "--email", "chief", "--password-file", "-")
    assert bad_mail.returncode == 1
    assert "电子邮箱" in bad_mail.stderr

    password_file.write_text("Erst-Admin-2024\n", encoding="utf-8")
    created = run(
        tmp_path, "createadmin", "chief", "--email", "chief@kjt.example.cn",
        "--password-file", str(password_file),
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    assert "已创建管理员账号“chief”" in created.stdout
    assert "两步验证" in created.stdout
    with sqlite3.connect(tmp_path / "tepai.db") as connection:
        row = connection.execute(
            "SELECT a.role, a.must_change_password, a.two_factor_exempt, u.email, u.is_superuser"
            " FROM accounts_account a JOIN auth_user u ON u.id = a.user_id"
            " WHERE u.username = 'chief'"
        ).fetchone()
        audited = connection.execute(
            "SELECT count(*) FROM audit_auditentry WHERE path = 'tepai createadmin'"
        ).fetchone()[0]
    assert row == ("admin", 0, 0, "chief@kjt.example.cn", 1)
    assert audited == 1

    second = run(tmp_path, "createadmin", "deputy", TEPAI_ADMIN_PASSWORD="Zweit-Admin-2024")
    assert second.returncode == 1
    assert "已有管理员账号：chief" in second.stderr
    assert "--force" in second.stderr
    forced = run(
        tmp_path, "createadmin", "deputy", "--force", TEPAI_ADMIN_PASSWORD="Zweit-Admin-2024"
    )
    assert forced.returncode == 0, forced.stderr
    taken = run(tmp_path, "createadmin", "chief", "--force", TEPAI_ADMIN_PASSWORD="Dritt-Admin-24")
    assert taken.returncode == 1
    assert "用户名“chief”已被使用" in taken.stderr
    no_terminal = run(tmp_path, "createadmin", "third", "--force")
    assert no_terminal.returncode == 1
    assert "--password-file" in no_terminal.stderr
