"""``tepai token``: issue, list and revoke API tokens."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tepai.api.models import Token
from tepai.api.tokens import find_user, issue_token, revoke_token
from tepai.audit import context as audit_context


class Command(BaseCommand):
    help = "接口令牌：create 为用户生成令牌（只显示一次）；list 列出令牌；revoke 撤销令牌。"

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="为用户生成接口令牌，令牌只显示这一次")
        create.add_argument("username", help="用户名")
        create.add_argument("--name", default="", help="令牌名称，如用途或使用它的系统")
        listing = sub.add_parser("list", help="列出令牌（不含令牌本身）")
        listing.add_argument("username", nargs="?", help="只列出该用户的令牌")
        revoke = sub.add_parser("revoke", help="撤销令牌，撤销后立即失效")
        revoke.add_argument("token_id", type=int, help="令牌 ID（见 tepai token list）")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "list":
            self._list(options["username"])
            return
        # Issuing and revoking are recorded in the audit log as done by this command.
        with audit_context.command(f"tepai token {action}"):
            if action == "create":
                self._create(options["username"], options["name"])
            else:
                self._revoke(options["token_id"])

    def _create(self, username: str, name: str) -> None:
        user = find_user(username)
        if user is None:
            raise CommandError(f"用户“{username}”不存在")
        if not user.is_active:
            raise CommandError(f"用户“{username}”已停用，不能生成令牌")
        token, raw = issue_token(user, name)
        self.stdout.write(raw)
        self.stderr.write(
            f"已为 {username} 生成令牌（ID {token.pk}），有效期至 "
            f"{timezone.localtime(token.expires_at):%Y-%m-%d %H:%M}。令牌只显示这一次，请妥善保存；"
            f"用法：Authorization: Bearer <令牌>"
        )

    def _list(self, username: str | None) -> None:
        tokens = Token.objects.select_related("user").order_by("user__username", "id")
        if username:
            if find_user(username) is None:
                raise CommandError(f"用户“{username}”不存在")
            tokens = tokens.filter(user__username=username)
        for token in tokens:
            used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "从未使用"
            if token.revoked_at:
                state = f"已撤销 {token.revoked_at:%Y-%m-%d %H:%M}"
            elif token.expires_at <= timezone.now():
                state = f"已过期 {token.expires_at:%Y-%m-%d %H:%M}"
            else:
                state = f"有效至 {token.expires_at:%Y-%m-%d %H:%M}"
            self.stdout.write(
                f"{token.pk}\t{token.user.get_username()}\t{token.prefix}…\t{token.name or '—'}\t"
                f"创建 {token.created_at:%Y-%m-%d %H:%M}\t最近使用 {used}\t{state}"
            )

    def _revoke(self, token_id: int) -> None:
        token = Token.objects.select_related("user").filter(pk=token_id).first()
        if token is None:
            raise CommandError(f"令牌 ID {token_id} 不存在")
        if not revoke_token(token):
            raise CommandError(f"令牌 ID {token_id} 已于 {token.revoked_at:%Y-%m-%d %H:%M} 撤销")
        self.stdout.write(
            f"已撤销 {token.user.get_username()} 的令牌 {token.prefix}…（ID {token_id}）"
        )
