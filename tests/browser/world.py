"""The browser flows' world: the shared seeded programme, its users given a password.

:func:`build_world` builds :mod:`tepai.testing.world` and names the users the flows sign in
as. Its 张三 (``me``) researches 印染 and 李四 does not, so a search for 印染 finds only
张三; his enterprise (``mine``) makes printed and dyed cloth, which a search for 印染 finds too.
The flows add the demands, proposals and activities they walk through.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tepai.commissioners.models import Commissioner
from tepai.enterprises.models import Enterprise
from tepai.testing import world as shared

from .conftest import PASSWORD


@dataclass
class World:
    base: shared.World  # the shared programme, for the records not named below
    admin: Any
    auditor: Any
    commissioner: Any
    enterprise: Any
    me: Commissioner
    mine: Enterprise


def build_world() -> World:
    """Return the shared world, its users given a password the login form accepts."""
    base = shared.build_world()
    users = {role: base.users[role] for role in ("admin", "auditor", "commissioner", "enterprise")}
    for user in users.values():
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    return World(base=base, me=base.me, mine=base.mine, **users)
