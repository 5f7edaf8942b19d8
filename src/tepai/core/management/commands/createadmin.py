"""``tepai createadmin``: the first 管理员 of a fresh (non-demo) installation.

Issue 11 finding 4: README said nothing about how the first administrator comes to exist
outside ``tepai demo``; Django's ``createsuperuser`` would make a user without a tepai account
(no role, no audit trail, the password policy's messages unexplained). This command goes
through the same form as 账号管理 → 新建账号 (user name rules, password policy, audit entry),
with two differences that suit the person typing it: no forced password change at first
sign-in (they chose it), and it refuses to add a second administrator without ``--force``.
"""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q

from tepai.accounts.forms import AccountCreateForm
from tepai.accounts.models import Account
from tepai.accounts.roles import Role
from tepai.audit import context as audit_context
from tepai.core.management.commands.serve import pending_migrations

# For scripts that cannot type: the password in the environment (or --password-file).
PASSWORD_VARIABLE = "TEPAI_ADMIN_PASSWORD"


class Command(BaseCommand):
    help = (
        "新安装时创建第一个管理员账号（密码输入两次、不回显；也可用 --password-file 或环境变量 "
        f"{PASSWORD_VARIABLE}）。已有管理员时拒绝，除非加 --force。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", nargs="?", help="用户名（不给出时在终端询问）")
        parser.add_argument("--email", default="", help="电子邮箱（可选）")
        parser.add_argument("--name", default="", help="姓名（可选）")
        parser.add_argument(
            "--password-file",
            type=Path,
            help=f"从文件第一行读取密码（供脚本使用；也可设置环境变量 {PASSWORD_VARIABLE}）",
        )
        parser.add_argument("--force", action="store_true", help="已有管理员时仍再添加一名")

    def handle(self, *args: Any, **options: Any) -> None:
        if pending_migrations():
            raise CommandError("数据库尚未初始化或需要升级，请先运行 tepai init")
        existing = existing_admins()
        if existing and not options["force"]:
            raise CommandError(
                f"已有管理员账号：{'、'.join(existing)}。如需再添加一名管理员，请加 --force；"
                "忘记密码时可由其他管理员在“账号管理”中重设。"
            )
        username = options["username"] or self._ask("用户名：")
        email = options["email"].strip()
        if email:
            try:
                validate_email(email)
            except ValidationError as error:
                raise CommandError(f"电子邮箱：“{email}”不是有效的电子邮箱地址") from error
        password = self._password(options["password_file"])
        with audit_context.command("tepai createadmin"), transaction.atomic():
            account = create_admin(username, password, email=email, name=options["name"])
        self.stdout.write(
            f"已创建管理员账号“{account.user.username}”。\n"
            "管理员必须使用两步验证：首次登录输入密码后，页面会显示二维码，请用手机上的身份验证器"
            "应用（如 Microsoft Authenticator、Google 身份验证器、FreeOTP）扫描，输入其显示的 "
            "6 位验证码，并妥善保存页面给出的 10 个恢复码。\n"
            "下一步：tepai serve，然后在浏览器打开 http://127.0.0.1:8000/login/ 登录。"
        )

    def _ask(self, prompt: str) -> str:
        if not sys.stdin.isatty():
            raise CommandError("请给出用户名：tepai createadmin 用户名")
        return input(prompt).strip()

    def _password(self, password_file: Path | None) -> str:
        if password_file is not None:
            try:
                lines = password_file.read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError) as error:
                raise CommandError(
                    f"--password-file：无法读取 {password_file}（{error}）"
                ) from error
            if not lines or not lines[0]:
                raise CommandError(f"--password-file：{password_file} 的第一行是空的")
            return lines[0]
        from_environment = os.environ.get(PASSWORD_VARIABLE, "")
        if from_environment:
            return from_environment
        if not sys.stdin.isatty():
            raise CommandError(
                f"没有终端可输入密码：请用 --password-file 文件 或环境变量 {PASSWORD_VARIABLE}"
            )
        first = getpass.getpass("密码（不显示）：")
        second = getpass.getpass("再次输入密码：")
        if first != second:
            raise CommandError("两次输入的密码不一致，未创建账号")
        return first


def existing_admins() -> list[str]:
    """Return the user names of every active administrator (by tepai role or superuser flag)."""
    users = get_user_model()._default_manager.filter(
        Q(account__role=Role.ADMIN) | Q(account__isnull=True, is_superuser=True), is_active=True
    )
    return sorted(users.values_list("username", flat=True).distinct())


def create_admin(username: str, password: str, *, email: str = "", name: str = "") -> Account:
    """Create an administrator through the account form, who need not change the password.

    Raises CommandError naming each field that the form refused (user name taken or invalid,
    password against the policy) in the form's own Chinese words.
    """
    form = AccountCreateForm(
        data={
            "username": username,
            "first_name": name,
            "role": Role.ADMIN,
            "password1": password,
            "password2": password,
        }
    )
    if not form.is_valid():
        problems = [
            f"{_LABELS.get(field, form.fields[field].label if field in form.fields else field)}："
            f"{message}"
            for field, messages in form.errors.items()
            for message in messages
        ]
        raise CommandError("未创建账号。\n" + "\n".join(problems))
    account = form.save()
    Account.objects.filter(pk=account.pk).update(must_change_password=False)
    account.must_change_password = False
    if email:
        account.user.email = email
        account.user.save(update_fields=["email"])
    return account


# The form calls the password "初始密码" (an administrator gives it to someone else).
_LABELS = {"password1": "密码", "password2": "密码", "username": "用户名"}
