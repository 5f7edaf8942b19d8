"""Every endpoint × every role, generated from the OpenAPI schema against a declared policy.

For each path and method in ``/api/openapi.json`` and each role (and anonymous), the request
must either succeed — when POLICY allows that role — or be refused with 401, 403 or 404. An
endpoint added without a POLICY entry fails here, so nobody ships an endpoint whose access
was never decided.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.test import TestCase, override_settings

from tepai.api.main import api
from tepai.api.tests.world import ROLES, World, build_world
from tepai.outcomes.models import Outcome
from tepai.recommender import live

A, C, E, U = "admin", "commissioner", "enterprise", "auditor"
EVERYONE = frozenset(ROLES)
ADMIN = frozenset({A})

Body = Callable[[World], dict[str, Any]]


@dataclass(frozen=True)
class Case:
    """Who may call an endpoint on one record (``target``, a World attribute) with ``body``."""

    allowed: frozenset[str]
    target: str | None = None
    body: Body | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _new_outcome(world: World) -> int:
    return Outcome.objects.create(title="新成果", description="用于登记意向").pk


NEW: dict[str, Body] = {
    "institutions": lambda w: {"name": "新单位", "type": "university"},
    "batches": lambda w: {"name": "第三批", "dispatch_date": "2025-04-20"},
    "teams": lambda w: {"name": "新团队", "batch": w.batch.pk},
    "centres": lambda w: {"name": "新中心"},
    "commissioners": lambda w: {
        "name": "王新",
        "gender": "F",
        "birth_date": "1985-03-01",
        "institution": w.institution.pk,
        "title": "副教授",
        "title_level": "vice_senior",
        "degree": "doctorate",
    },
    "enterprises": lambda w: {"name": "新企业有限公司"},
    "demands": lambda w: {"enterprise": w.mine.pk, "title": "新需求", "problem": "新问题"},
    "outcomes": lambda w: {"title": "新成果", "description": "简介"},
    "intents": lambda w: {
        "outcome": _new_outcome(w),
        "enterprise": w.mine.pk,
        "date": datetime.date(2024, 7, 1).isoformat(),
    },
    "projects": lambda w: {
        "title": "新合同",
        "kind": "service",
        "signed_on": "2024-07-01",
        "commissioners": [w.me.pk],
    },
    "activities": lambda w: {
        "date": "2024-07-01",
        "kind": "training",
        "quantity": 12,
        "commissioners": [w.me.pk],
    },
    "events": lambda w: {"name": "培训会", "kind": "training", "date": "2024-07-01"},
    "cases": lambda w: {"title": "新案例", "body": "正文"},
}


def _reads(path: str, target: str, allowed: frozenset[str] = EVERYONE) -> dict[Any, list[Case]]:
    return {
        ("GET", f"/api/{path}/"): [Case(EVERYONE)],
        ("GET", f"/api/{path}/{{id}}"): [Case(allowed, target)],
    }


def _writes(path: str, updates: list[Case], creators: frozenset[str] = ADMIN) -> dict[Any, Any]:
    return {
        ("POST", f"/api/{path}/"): [Case(creators, body=NEW[path])],
        ("PATCH", f"/api/{path}/{{id}}"): updates,
    }


def _note(field_name: str, value: Any = "已更新") -> Body:
    return lambda w: {field_name: value}


POLICY: dict[tuple[str, str], list[Case]] = {
    ("GET", "/api/me"): [Case(EVERYONE)],
    # Public programme registries: everyone reads, the programme office writes.
    **_reads("institutions", "institution"),
    **_writes("institutions", [Case(ADMIN, "institution", _note("description"))]),
    **_reads("batches", "batch"),
    **_writes("batches", [Case(ADMIN, "batch", _note("description"))]),
    **_reads("teams", "team"),
    **_writes("teams", [Case(ADMIN, "team", _note("description"))]),
    **_reads("centres", "centre"),
    **_writes("centres", [Case(ADMIN, "centre", _note("description"))]),
    **_reads("events", "event"),
    **_writes("events", [Case(ADMIN, "event", _note("description"))]),
    **_reads("outcomes", "outcome"),
    **_writes("outcomes", [Case(ADMIN, "outcome", _note("description"))]),
    **_reads("cases", "case"),
    **_writes("cases", [Case(ADMIN, "case", _note("body"))]),
    # Commissioners: everyone reads; a commissioner edits their own profile only.
    **_reads("commissioners", "colleague"),
    **_writes(
        "commissioners",
        [
            Case(frozenset({A, C}), "me", _note("bio")),
            Case(ADMIN, "colleague", _note("bio")),
        ],
    ),
    # Enterprises: an enterprise user sees and edits only its own record.
    **_reads("enterprises", "other", frozenset({A, C, U})),
    ("GET", "/api/enterprises/{id}"): [
        Case(frozenset({A, C, U}), "other"),
        Case(EVERYONE, "mine"),
    ],
    **_writes(
        "enterprises",
        [
            Case(frozenset({A, E}), "mine", _note("description")),
            Case(ADMIN, "other", _note("description")),
        ],
    ),
    # Demands: enterprises post and edit their own; commissioners read published ones.
    ("GET", "/api/demands/"): [Case(EVERYONE)],
    ("GET", "/api/demands/{id}"): [
        Case(frozenset({A, E, U}), "demand_mine"),
        Case(frozenset({A, C, U}), "demand_published"),
        Case(frozenset({A, U}), "demand_other_draft"),
    ],
    ("POST", "/api/demands/"): [Case(frozenset({A, E}), body=NEW["demands"])],
    ("PATCH", "/api/demands/{id}"): [
        Case(frozenset({A, E}), "demand_mine", _note("target", "效率提升 20%")),
        Case(ADMIN, "demand_published", _note("target", "效率提升 20%")),
    ],
    ("POST", "/api/demands/{id}/transition"): [
        Case(frozenset({A, E}), "demand_mine", lambda w: {"status": "pending"}),
        # 对接中 follows the first proposal (tepai.demands.workflow); closing is a decision.
        Case(ADMIN, "demand_published", lambda w: {"status": "closed"}),
        Case(ADMIN, "demand_other_draft", lambda w: {"status": "pending"}),
    ],
    ("GET", "/api/demands/{id}/recommendations"): [
        Case(frozenset({A, E, U}), "demand_mine"),
        Case(frozenset({A, U}), "demand_published"),
    ],
    # Intents: the enterprise's own and those on a commissioner's outcomes.
    ("GET", "/api/intents/"): [Case(EVERYONE)],
    ("GET", "/api/intents/{id}"): [
        Case(EVERYONE, "intent_mine"),
        Case(frozenset({A, C, U}), "intent_other"),
    ],
    **_writes(
        "intents",
        [
            Case(frozenset({A, E}), "intent_mine", _note("note")),
            Case(ADMIN, "intent_other", _note("note")),
        ],
        creators=frozenset({A, E}),
    ),
    # Projects: the parties to a project see it.
    ("GET", "/api/projects/"): [Case(EVERYONE)],
    ("GET", "/api/projects/{id}"): [
        Case(EVERYONE, "project_mine"),
        Case(frozenset({A, U}), "project_other"),
    ],
    **_writes("projects", [Case(ADMIN, "project_mine", _note("description"))]),
    # The contract step: only administrators confirm a draft (issue 11).
    ("POST", "/api/projects/{id}/confirm"): [Case(ADMIN, "project_draft")],
    # Activities: commissioners record their own work.
    ("GET", "/api/activities/"): [Case(EVERYONE)],
    ("GET", "/api/activities/{id}"): [
        Case(EVERYONE, "activity_mine"),
        Case(frozenset({A, U}), "activity_other"),
    ],
    **_writes(
        "activities",
        [
            Case(frozenset({A, C}), "activity_mine", _note("notes")),
            Case(ADMIN, "activity_other", _note("notes")),
        ],
        creators=frozenset({A, C}),
    ),
    ("GET", "/api/reports/kpi"): [Case(frozenset({A, U}))],
}

SUCCESS = {"GET": 200, "POST": 201, "PATCH": 200}
# Actions (POST on a record) answer 200 with the changed record, not 201.
ACTIONS = {("POST", "/api/demands/{id}/transition"), ("POST", "/api/projects/{id}/confirm")}


def _operations() -> list[tuple[str, str]]:
    schema = api.get_openapi_schema(path_prefix="/api/")
    return sorted(
        (method.upper(), path) for path, item in schema["paths"].items() for method in item
    )


OPERATIONS = _operations()


def test_it_has_a_policy_for_exactly_the_endpoints_that_exist() -> None:
    missing = [f"{m} {p}" for m, p in OPERATIONS if (m, p) not in POLICY]
    stale = [f"{m} {p}" for m, p in POLICY if (m, p) not in OPERATIONS]
    assert not missing, f"endpoints without a policy entry: {missing}"
    assert not stale, f"policy entries for endpoints that do not exist: {stale}"


def _check(world: World, operation: tuple[str, str], role: str | None) -> None:
    method, path = operation
    cases = POLICY.get(operation)
    assert cases, f"{method} {path} has no policy entry"
    for case in cases:
        url = path
        if "{id}" in path:
            assert case.target, f"{method} {path} needs a target record"
            url = path.replace("{id}", str(getattr(world, case.target).pk))
        client = world.client(role, token=True) if role else world.client(None)
        body = case.body(world) if case.body else None
        response = client.get(url) if method == "GET" else client.send(method, url, body)
        where = f"{method} {url} as {role or 'anonymous'}: {response.content[:300]!r}"
        if role in case.allowed:
            expected = 200 if operation in ACTIONS else SUCCESS[method]
            assert response.status_code == expected, where
        elif role is None:
            assert response.status_code == 401, where
        else:
            assert response.status_code in (403, 404), where
        assert response["Content-Type"].startswith("application/json"), where
        if response.status_code >= 400:
            assert set(response.json()) == {"error"}, where


@override_settings(TEPAI_MATCH_ENCODER="hashing")
class TestPermissionMatrix(TestCase):
    """One test per endpoint and role (added below from the schema), on one shared World.

    A TestCase rather than parametrised functions: the World is built once for the class
    and each test runs in a savepoint, which keeps some 300 requests fast.
    """

    world: World

    @classmethod
    def setUpTestData(cls) -> None:
        live.reset()  # built again with the hashing encoder on first use
        cls.world = build_world()


def _add_test(operation: tuple[str, str], role: str | None) -> None:
    def test(self: TestPermissionMatrix) -> None:
        _check(self.world, operation, role)

    method, path = operation
    name = re.sub(r"\W+", "_", f"test_{method}_{path}_as_{role or 'anonymous'}")
    test.__name__ = test.__qualname__ = name
    setattr(TestPermissionMatrix, name, test)


for _operation in OPERATIONS:
    for _role in (None, *ROLES):
        _add_test(_operation, _role)
