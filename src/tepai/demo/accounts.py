"""The demo's sign-in accounts: one per role, tied to demo records that have material."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Model

from tepai.accounts import lockout, two_factor
from tepai.accounts.models import Account
from tepai.accounts.roles import Role
from tepai.commissioners.models import Commissioner
from tepai.enterprises.models import Enterprise

# 王… of the second batch: in the air-cooling project P2-001 and with four work items.
DEMO_COMMISSIONER_CODE = "ZJ2-10"
# 浙能阿克苏热电有限公司: has demands (D-007) and a signed project.
DEMO_ENTERPRISE_CODE = "ENT-007"


# A base32 secret: the demo's administrator and auditor then sign in with the codes of an
# authenticator app holding it. Without it they sign in with their password only.
TOTP_SECRET_VARIABLE = "TEPAI_DEMO_TOTP_SECRET"


class DemoSecretInvalid(ValueError):
    """TEPAI_DEMO_TOTP_SECRET is set but is not a usable base32 secret."""


def demo_totp_secret() -> str | None:
    """Return TEPAI_DEMO_TOTP_SECRET (checked), or None when it is not set.

    Raises DemoSecretInvalid, with a Chinese message naming the variable, for a bad value.
    """
    secret = os.environ.get(TOTP_SECRET_VARIABLE, "").strip()
    if not secret:
        return None
    try:
        two_factor.parse_secret(secret)
    except ValueError as error:
        raise DemoSecretInvalid(
            f"{TOTP_SECRET_VARIABLE} 无效：须为 base32 编码（字母 A–Z 和数字 2–7）、"
            f"至少 16 个字符的密钥"
        ) from error
    return secret


@dataclass(frozen=True)
class DemoAccount:
    """A demo login: user name, role and the record it acts for (if any)."""

    username: str
    role: Role
    record: Model | None = None

    def describe(self) -> str:
        """Return e.g. "特派员 · 王立新" for the command's output."""
        label = str(self.role.label)
        return f"{label} · {self.record}" if self.record is not None else label


def _demo_commissioner() -> Commissioner | None:
    found = Commissioner.objects.filter(code=DEMO_COMMISSIONER_CODE).first()
    if found is not None:
        return found
    # The demo data changed: take anyone with both projects and work items.
    return (
        Commissioner.objects.annotate(p=Count("projects", distinct=True), w=Count("work_items"))
        .filter(p__gt=0, w__gt=0)
        .order_by("code", "pk")
        .first()
        or Commissioner.objects.order_by("pk").first()
    )


def _demo_enterprise() -> Enterprise | None:
    found = Enterprise.objects.filter(code=DEMO_ENTERPRISE_CODE).first()
    if found is not None:
        return found
    return (
        Enterprise.objects.filter(demands__isnull=False).order_by("code", "pk").first()
        or Enterprise.objects.order_by("pk").first()
    )


@transaction.atomic
def ensure_demo_accounts(password: str, totp_secret: str | None = None) -> list[DemoAccount]:
    """Create or reset the four demo accounts with ``password``; safe to run again.

    Demo accounts never have to change their password, and a re-run lifts any pause. With
    ``totp_secret`` (base32) the administrator and the auditor are enrolled with it and must
    give its codes; without it they are exempt from the second factor (the demo only: every
    other administrator and auditor must use it) and have no authenticator.
    """
    accounts = [
        DemoAccount("admin", Role.ADMIN),
        DemoAccount("commissioner", Role.COMMISSIONER, _demo_commissioner()),
        DemoAccount("enterprise", Role.ENTERPRISE, _demo_enterprise()),
        DemoAccount("auditor", Role.AUDITOR),
    ]
    for demo in accounts:
        user = _ensure(demo, password, exempt=totp_secret is None)
        if demo.role in two_factor.REQUIRED_ROLES:
            if totp_secret is None:
                two_factor.remove(user)
            else:
                two_factor.enrol_with_secret(user, totp_secret)
    return accounts


def _ensure(demo: DemoAccount, password: str, *, exempt: bool) -> Any:
    user, _created = get_user_model().objects.get_or_create(username=demo.username)
    # The administrator may also use the data-maintenance admin (/admin/).
    user.is_staff = user.is_superuser = demo.role is Role.ADMIN
    user.is_active = True
    user.first_name = f"演示{demo.role.label}"
    user.set_password(password)
    user.save()
    Account.objects.update_or_create(
        user=user,
        defaults={
            "role": demo.role,
            # Each role's record is of its own kind (ensure_demo_accounts), None for the others.
            "commissioner": demo.record if isinstance(demo.record, Commissioner) else None,
            "enterprise": demo.record if isinstance(demo.record, Enterprise) else None,
            "must_change_password": False,
            "two_factor_exempt": exempt and demo.role in two_factor.REQUIRED_ROLES,
        },
    )
    lockout.unlock(demo.username)
    return user
