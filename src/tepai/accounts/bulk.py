"""Accounts for a whole batch from its roster, with one-time passwords handed over once.

The programme office opens 特派员 accounts for a batch in one step (issue 11, item 5): every
member without an account gets a user name made from the pinyin of their name (``wanglei``,
namesakes ``wanglei2``, ``wanglei3`` … in roster order) and a random one-time password they
must change at first sign-in.

The passwords are never stored in clear: only their hashes reach the database, and the sheet
listing them (:func:`password_sheet`) is built in memory and sent as the response to the
creating request itself, so there is nothing to download a second time and nothing to leak
from disk or from a backup. A lost sheet is answered by resetting that user's password.

Hashing is Argon2 on purpose (about 0.1–0.3 s a password), so the hashes are computed before
the write transaction opens, on two threads (argon2 releases the GIL): the database is locked
only for the inserts.
"""

from __future__ import annotations

import hashlib
import io
import re
import secrets
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from pypinyin import lazy_pinyin

from tepai.accounts.models import Account
from tepai.accounts.roles import Role
from tepai.audit import actions
from tepai.audit.log import record
from tepai.commissioners.models import Commissioner
from tepai.core.personal_data import mask_phone_text
from tepai.programs.models import Batch

__all__ = [
    "BULK_CREATE",
    "BulkPlan",
    "IssuedAccount",
    "PlanChanged",
    "PlannedAccount",
    "create_accounts",
    "one_time_password",
    "password_sheet",
    "plan_for_batch",
    "username_stem",
]

# The audit action of one bulk creation (the accounts themselves are recorded one by one by
# tepai.audit.signals as "create").
BULK_CREATE = actions.ACCOUNTS_BULK_CREATE

# Letters and digits that cannot be misread on paper or a phone screen (no 0/O, 1/l/I).
_UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ"
_LOWER = "abcdefghijkmnpqrstuvwxyz"
_DIGITS = "23456789"
_PASSWORD_LENGTH = 12
_MAX_STEM = 30
_HASH_THREADS = 2


class PlanChanged(Exception):
    """The roster or the accounts changed since the preview; the message says what to do."""


@dataclass(frozen=True)
class PlannedAccount:
    """A member of the batch who gets a new account under ``username``."""

    commissioner: Commissioner
    username: str


@dataclass(frozen=True)
class IssuedAccount:
    """A created account and its one-time password (held in memory for one response only)."""

    commissioner: Commissioner
    username: str
    password: str = field(repr=False)


@dataclass
class BulkPlan:
    """What creating accounts for ``batch`` would do: who gets one, who already has one."""

    batch: Batch
    new: list[PlannedAccount]
    existing: list[tuple[Commissioner, str]]

    @property
    def fingerprint(self) -> str:
        """Return a short digest of the plan, so a confirmation matches what was previewed."""
        text = ";".join(f"{p.commissioner.pk}:{p.username}" for p in self.new)
        return hashlib.sha256(f"{self.batch.pk}|{text}".encode()).hexdigest()[:32]


def username_stem(name: str) -> str:
    """Return the user-name stem of a person's name: its toneless pinyin, lower case.

    Only ASCII letters and digits are kept ("古丽·买买提" → "gulimaimaiti", "John Smith" →
    "johnsmith"); the result may be empty for a name with nothing usable.
    """
    text = "".join(lazy_pinyin(name.strip())).lower()
    return re.sub(r"[^a-z0-9]", "", text)[:_MAX_STEM]


def _taken_usernames() -> set[str]:
    return {
        name.lower()
        for name in get_user_model()._default_manager.values_list("username", flat=True)
    }


def _assign_usernames(members: Iterable[Commissioner], taken: set[str]) -> list[PlannedAccount]:
    planned = []
    for commissioner in members:
        stem = username_stem(commissioner.name) or f"tpy{commissioner.pk}"
        candidate, number = stem, 1
        while candidate in taken:
            number += 1
            candidate = f"{stem}{number}"
        taken.add(candidate)
        planned.append(PlannedAccount(commissioner, candidate))
    return planned


def plan_for_batch(batch: Batch) -> BulkPlan:
    """Return the plan for ``batch``: new user names for members without an account.

    Members are taken in roster order (the order they were recorded, i.e. by id), so the same
    roster and the same existing accounts always give the same names.
    """
    members = list(
        Commissioner.objects.filter(batches=batch)
        .select_related("institution")
        .prefetch_related("batches")
        .order_by("pk")
    )
    accounts = {
        commissioner_id: username
        for commissioner_id, username in Account.objects.filter(
            commissioner__in=members
        ).values_list("commissioner_id", "user__username")
    }
    existing = [(c, accounts[c.pk]) for c in members if c.pk in accounts]
    without = [c for c in members if c.pk not in accounts]
    return BulkPlan(batch, _assign_usernames(without, _taken_usernames()), existing)


def one_time_password(user: Any = None) -> str:
    """Return a random password that meets the password policy for ``user``.

    Twelve characters of upper case, lower case and digits (each at least once), with no
    characters that are easily misread; checked against every configured validator.
    """
    alphabet = _UPPER + _LOWER + _DIGITS
    while True:
        chars = [secrets.choice(pool) for pool in (_UPPER, _LOWER, _DIGITS)]
        chars += [secrets.choice(alphabet) for _ in range(_PASSWORD_LENGTH - len(chars))]
        secrets.SystemRandom().shuffle(chars)
        password = "".join(chars)
        try:
            password_validation.validate_password(password, user)
        except ValidationError:
            continue
        return password


def _hash_all(passwords: list[str]) -> list[str]:
    with ThreadPoolExecutor(max_workers=_HASH_THREADS) as pool:
        return list(pool.map(make_password, passwords))


def create_accounts(plan: BulkPlan, *, request: HttpRequest | None = None) -> list[IssuedAccount]:
    """Create the planned accounts in one transaction; return them with their passwords.

    Every account is a 特派员 account tied to its commissioner and must change its password at
    first sign-in. Raises :class:`PlanChanged` (and creates nothing) when a planned member got
    an account or a planned user name was taken since the plan was made.
    """
    user_model = get_user_model()
    users = [
        user_model(username=p.username, first_name=p.commissioner.name[:150]) for p in plan.new
    ]
    passwords = [one_time_password(user) for user in users]
    hashes = _hash_all(passwords)
    with transaction.atomic():
        _check_still_free(plan)
        issued = []
        for planned, user, password, hashed in zip(plan.new, users, passwords, hashes, strict=True):
            user.password = hashed
            user.save()
            Account.objects.create(
                user=user,
                role=Role.COMMISSIONER,
                commissioner=planned.commissioner,
                must_change_password=True,
            )
            issued.append(IssuedAccount(planned.commissioner, planned.username, password))
        record(
            BULK_CREATE,
            request=request,
            target=plan.batch,
            detail={
                "batch": plan.batch.name,
                "created": len(issued),
                "skipped": len(plan.existing),
                "usernames": [account.username for account in issued],
            },
        )
    return issued


def _check_still_free(plan: BulkPlan) -> None:
    members = [p.commissioner.pk for p in plan.new]
    if Account.objects.select_for_update().filter(commissioner__in=members).exists():
        raise PlanChanged(_("批次成员的账号已有变化（可能已由他人创建），请重新预览后再确认。"))
    names = [p.username for p in plan.new]
    if names and get_user_model()._default_manager.filter(username__in=names).exists():
        raise PlanChanged(_("预览中的用户名已被占用，请重新预览后再确认。"))


def password_sheet(batch: Batch, issued: list[IssuedAccount]) -> bytes:
    """Return the .xlsx of the one-time passwords: name, institution, user name, password.

    Phones are masked (138****1234): the sheet is handed on and printed, and only needs the
    phone to tell people apart.
    """
    book = Workbook()
    sheet = book.active
    sheet.title = _("一次性密码")[:31]
    sheet.append([_("%(batch)s 特派员账号（一次性密码）") % {"batch": batch.name}])
    sheet.append(
        [
            _(
                "生成于 %(time)s。首次登录须修改密码。本表只提供这一次下载，"
                "系统不保存明文密码；分发后请销毁。"
            )
            % {"time": timezone.localtime().strftime("%Y-%m-%d %H:%M")}
        ]
    )
    headers = [_("姓名"), _("工作单位"), _("手机号码（已遮挡）"), _("用户名"), _("一次性密码")]
    sheet.append(headers)
    for account in issued:
        commissioner = account.commissioner
        sheet.append(
            [
                commissioner.name,
                commissioner.institution.name,
                mask_phone_text(commissioner.phone) if commissioner.phone else "",
                account.username,
                account.password,
            ]
        )
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"].alignment = Alignment(wrap_text=False)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for column, width in zip("ABCDE", (12, 28, 18, 18, 18), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A4"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
