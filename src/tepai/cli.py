"""The ``tepai`` console command: Django management under the hood.

``tepai init``, ``tepai demo``, ``tepai import …`` and friends are management commands; this
wrapper only sets the settings module, answers ``--version`` without touching the database or
the environment, and answers ``tepai``, ``tepai --help`` and ``tepai help`` with tepai's own
commands only (issue 11 finding 4: Django's list of flush, sqlflush, startproject … with no
descriptions told a new operator nothing). Django's commands still run by name;
``tepai --all-commands`` lists them.
"""

from __future__ import annotations

import os
import re
import sys

from tepai import __version__

HELP_FLAGS: tuple[list[str], ...] = (["--help"], ["-h"], ["help"], [])
ALL_COMMANDS_FLAG = "--all-commands"


def main(argv: list[str] | None = None) -> None:
    """Run the tepai command line with ``argv`` (default: ``sys.argv[1:]``)."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] in (["--version"], ["-V"], ["version"]):
        print(f"tepai {__version__}")
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tepai.settings")
    from tepai.config import ConfigError

    try:
        from django.core.management import execute_from_command_line

        if args in HELP_FLAGS:
            import django

            django.setup()
            print(overview())
            return
        if args == [ALL_COMMANDS_FLAG]:
            args = ["help"]
        execute_from_command_line(["tepai", *args])
    except ConfigError as exc:
        print(f"配置错误 / configuration error: {exc}", file=sys.stderr)
        raise SystemExit(2) from exc


def own_commands() -> dict[str, str]:
    """Return tepai's management commands (name → one-line summary), sorted by name.

    Found in tepai's installed apps, so a command added to any tepai app is listed without
    editing this module; Django's and third-party packages' commands are left out.
    """
    from django.core.management import get_commands, load_command_class

    commands = {}
    for name, app in sorted(get_commands().items()):
        if app == "tepai" or app.startswith("tepai."):
            try:
                commands[name] = summary(str(load_command_class(app, name).help))
            except Exception as error:  # one broken command must not hide the others' help
                commands[name] = f"（无法加载：{error}）"
    return commands


def summary(help_text: str) -> str:
    """Return the first sentence of a command's ``help`` on one line (all of it if no 。)."""
    text = re.sub(r"\s+", " ", help_text).strip()
    first, stop, _rest = text.partition("。")
    return first + stop


def overview() -> str:
    """Return the text of ``tepai --help``: usage, tepai's commands, where to read more."""
    commands = own_commands()
    width = max(len(name) for name in commands)
    lines = [
        f"tepai {__version__} · 科技特派员工作平台",
        "",
        "用法：tepai <命令> [选项]",
        "",
        "命令：",
        *(f"  {name.ljust(width)}  {text}" for name, text in commands.items()),
        "",
        "查看某个命令的用法和选项：tepai <命令> --help（例如 tepai import --help）",
        "新安装的步骤：tepai init → tepai createadmin → tepai serve",
        "显示版本：tepai --version",
        "Django 的内部命令（migrate、shell、dbshell 等）仍可运行，"
        f"列表见 tepai {ALL_COMMANDS_FLAG}",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
