"""The demo's sign-in accounts: one per role, tied to demo records that have material."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Model

from tepai.accounts.models import Account
from tepai.accounts.roles import Role
from tepai.commissioners.models import Commissioner
from tepai.enterprises.models import Enterprise

# 王… of the second batch: in the air-cooling project P2-001 and with four work items.
DEMO_COMMISSIONER_CODE = "ZJ2-10"
# 浙能阿克苏热电有限公司: has demands (D-007) and a signed project.
DEMO_ENTERPRISE_CODE = "ENT-007"


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


def _demo_commissioner() -> Commissioner:
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


def _demo_enterprise() -> Enterprise:
    found = Enterprise.objects.filter(code=DEMO_ENTERPRISE_CODE).first()
    if found is not None:
        return found
    return (
        Enterprise.objects.filter(demands__isnull=False).order_by("code", "pk").first()
        or Enterprise.objects.order_by("pk").first()
    )


@transaction.atomic
def ensure_demo_accounts(password: str) -> list[DemoAccount]:
    """Create or reset the four demo accounts with ``password``; safe to run again.

    Demo accounts never have to change their password, and a re-run lifts any lock.
    """
    accounts = [
        DemoAccount("admin", Role.ADMIN),
        DemoAccount("commissioner", Role.COMMISSIONER, _demo_commissioner()),
        DemoAccount("enterprise", Role.ENTERPRISE, _demo_enterprise()),
        DemoAccount("auditor", Role.AUDITOR),
    ]
    for demo in accounts:
        _ensure(demo, password)
    return accounts


def _ensure(demo: DemoAccount, password: str) -> None:
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
            "commissioner": demo.record if demo.role is Role.COMMISSIONER else None,
            "enterprise": demo.record if demo.role is Role.ENTERPRISE else None,
            "must_change_password": False,
            "failed_logins": 0,
            "locked_until": None,
        },
    )
