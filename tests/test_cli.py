"""The `tepai` console command as a user runs it: a real process with its own TEPAI_HOME."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
from pathlib import Path

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
