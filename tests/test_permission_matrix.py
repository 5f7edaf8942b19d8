"""Every URL of the site × every role, checked against one declared policy table.

The test walks the whole URL configuration (web pages, workspaces, accounts, audit, the REST
API and the Django admin), fills each route's converters with real records of a seeded
programme, requests it as anonymous, 管理员, 特派员, 企业用户 and 审计员, and compares the
answer with :data:`POLICY`:

- a role the policy allows gets the page (200, or the status the rule names);
- anonymous visitors are sent to ``/login/?next=…`` (pages) or get 401 JSON (the API);
- any other role is refused: 403, 404 (object-level scoping: the record "does not exist" for
  them) or a redirect to a sign-in page.

A URL name without a policy entry fails :func:`test_every_url_has_a_policy`, so a new page
cannot ship without someone deciding who may open it. The rules come from the issue: admins
everything; auditors read everything and change nothing, plus the audit log; commissioners
their workspace, their profile and published demands; enterprises their workspace and their
own demands; programme information (institutions, batches, outcomes, cases …) is open to
every signed-in role (``tepai.accounts.permissions``).

Each request runs in a savepoint that is rolled back, so a POST never changes what the next
request sees. Write endpoints of the API are checked in depth, with valid bodies, by
``tepai/api/tests/test_permission_matrix.py``; here their create endpoints get an empty body,
which Ninja rejects (422) before the handler's permission check, so for them a forbidden role
only has to be refused somehow (nothing is created).
"""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Model
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from PIL import Image

from tepai.accounts.roles import Role
from tepai.commissioners.models import WorkItem, WorkItemKind
from tepai.core.choices import IndustryCluster
from tepai.demands.models import Demand, DemandStatus
from tepai.engagements.models import Proposal
from tepai.outcomes.models import CooperationIntent
from tepai.reports import jobs as report_jobs
from tepai.reports.models import JobStatus, ReportJob
from tepai.testing.factories import make_project
from tepai.testing.world import build_world

A, C, E, U = Role.ADMIN, Role.COMMISSIONER, Role.ENTERPRISE, Role.AUDITOR
SIGNED_IN = frozenset(Role)
READERS = SIGNED_IN
NOBODY: frozenset[Role] = frozenset()
ADMIN = frozenset({A})
STAFF = frozenset({A, U})
ANONYMOUS = "anonymous"
PARTS = ("anonymous", A, C, E, U)


@dataclass(frozen=True)
class Rule:
    """Who may open one URL (filled with ``subject``) with ``method``.

    ``status`` is what an allowed role gets (None: anything but a refusal, for actions whose
    answer depends on their input). ``public`` pages answer anonymous visitors too.
    """

    allowed: frozenset[Role]
    subject: str = ""
    method: str = "GET"
    status: int | None = 200
    public: bool = False
    data: tuple[tuple[str, str], ...] = ()


def _rules(*rules: Rule) -> tuple[Rule, ...]:
    return rules


# ----- registries: who reads and who changes which record ------------------------------------
@dataclass(frozen=True)
class Access:
    """A registry's list readers, creators, and per seeded record its readers and editors."""

    subjects: dict[str, tuple[frozenset[Role], frozenset[Role]]]
    list: frozenset[Role] = READERS
    create: frozenset[Role] = ADMIN


REGISTRY_ACCESS: dict[str, Access] = {
    "institutions": Access({"institution": (READERS, ADMIN)}),
    "batches": Access({"batch": (READERS, ADMIN)}),
    "teams": Access({"team": (READERS, ADMIN)}),
    "centres": Access({"centre": (READERS, ADMIN)}),
    "events": Access({"event": (READERS, ADMIN)}),
    "outcomes": Access({"outcome": (READERS, ADMIN)}),
    "cases": Access({"case": (READERS, ADMIN)}),
    # Commissioners are public programme information (phones masked); each edits their own.
    "commissioners": Access(
        {
            "commissioner:me": (READERS, frozenset({A, C})),
            "commissioner:colleague": (READERS, ADMIN),
        }
    ),
    "work-items": Access(
        {"work-item:mine": (READERS, frozenset({A, C})), "work-item:theirs": (READERS, ADMIN)},
        create=frozenset({A, C}),
    ),
    # An enterprise sees only itself; commissioners see the enterprises they may serve.
    "enterprises": Access(
        {
            "enterprise:mine": (READERS, frozenset({A, E})),
            "enterprise:theirs": (frozenset({A, U, C}), ADMIN),
        }
    ),
    # Commissioners: published demands; enterprises: their own. Once reviewed and published,
    # a demand is changed by the programme office only (as the workspace and the API do).
    "demands": Access(
        {
            "demand:draft-mine": (frozenset({A, U, E}), frozenset({A, E})),
            "demand:published-mine": (READERS, ADMIN),
            "demand:published-theirs": (frozenset({A, U, C}), ADMIN),
        },
        create=frozenset({A, E}),
    ),
    "demand-lists": Access(
        {"demand-list": (frozenset({A, U, C}), ADMIN)}, list=frozenset({A, U, C})
    ),
    "intents": Access(
        {
            "intent:mine": (READERS, frozenset({A, E})),
            "intent:theirs": (STAFF, ADMIN),
        },
        create=frozenset({A, E}),
    ),
    "projects": Access({"project:mine": (READERS, ADMIN), "project:theirs": (STAFF, ADMIN)}),
    "activities": Access(
        {
            "activity:mine": (READERS, frozenset({A, C})),
            "activity:theirs": (STAFF, ADMIN),
        },
        create=frozenset({A, C}),
    ),
}


def _web_registry_rules() -> dict[str, tuple[Rule, ...]]:
    rules: dict[str, tuple[Rule, ...]] = {}
    for slug, access in REGISTRY_ACCESS.items():
        rules[f"web:{slug}-list"] = _rules(Rule(access.list))
        rules[f"web:{slug}-export"] = _rules(Rule(access.list))
        rules[f"web:{slug}-create"] = _rules(Rule(access.create))
        for action, pick in (("detail", 0), ("edit", 1), ("delete", 1)):
            rules[f"web:{slug}-{action}"] = tuple(
                Rule(roles[pick], subject) for subject, roles in access.subjects.items()
            )
    return rules


# The registries the API serves (no work items, no demand lists).
API_REGISTRIES = tuple(
    slug for slug in REGISTRY_ACCESS if slug not in ("work-items", "demand-lists")
)


def _api_registry_rules() -> dict[str, tuple[Rule, ...]]:
    rules: dict[str, tuple[Rule, ...]] = {}
    for slug in API_REGISTRIES:
        access = REGISTRY_ACCESS[slug]
        # An API list is never refused: it holds what the role may read, possibly nothing.
        rules[f"api:{slug}-list"] = _rules(Rule(SIGNED_IN))
        rules[f"api:{slug}-create"] = _rules(Rule(access.create, method="POST", status=None))
        rules[f"api:{slug}-detail"] = tuple(
            Rule(readers, subject) for subject, (readers, _e) in access.subjects.items()
        )
        rules[f"api:{slug}-update"] = tuple(
            Rule(editors, subject, method="PATCH", status=None)
            for subject, (_r, editors) in access.subjects.items()
        )
    return rules


PAGE_RULES: dict[str, tuple[Rule, ...]] = {
    # Accounts: sign-in is public; a signed-in user is sent on to the dashboard.
    "login": _rules(Rule(SIGNED_IN, public=True, status=None)),
    "logout": _rules(Rule(SIGNED_IN, method="POST", public=True, status=302)),
    "password_change": _rules(Rule(SIGNED_IN)),
    "set_language": _rules(Rule(SIGNED_IN, method="POST", public=True, status=302)),
    "user_list": _rules(Rule(ADMIN)),
    "user_create": _rules(Rule(ADMIN)),
    "user_password_reset": _rules(Rule(ADMIN, "user:enterprise")),
    "user_unlock": _rules(Rule(ADMIN, "user:enterprise", method="POST", status=302)),
    "user_two_factor_reset": _rules(Rule(ADMIN, "user:enterprise", method="POST", status=302)),
    "user_bulk_create": _rules(Rule(ADMIN), Rule(ADMIN, method="POST", status=None)),
    "user_edit": _rules(Rule(ADMIN, "user:enterprise")),
    "user_deactivate": _rules(
        Rule(ADMIN, "user:enterprise"), Rule(ADMIN, "user:enterprise", method="POST", status=302)
    ),
    "user_reactivate": _rules(
        Rule(ADMIN, "user:enterprise"), Rule(ADMIN, "user:enterprise", method="POST", status=302)
    ),
    # The code step and first enrolment come between password and session: public pages that
    # send anyone without a passed password step back to the sign-in page.
    "login_verify": _rules(Rule(SIGNED_IN, public=True, status=None)),
    "login_enrol": _rules(Rule(SIGNED_IN, public=True, status=None)),
    # Everyone manages their own second factor.
    "two_factor": _rules(Rule(SIGNED_IN)),
    "two_factor_setup": _rules(Rule(SIGNED_IN)),
    "two_factor_recovery_codes": _rules(Rule(SIGNED_IN, method="POST", status=None)),
    "two_factor_disable": _rules(Rule(SIGNED_IN, method="POST", status=302)),
    # The audit log: auditors and administrators only.
    "audit_log": _rules(Rule(STAFF)),
    # Dashboard (总览): every role's home page.
    "web:dashboard": _rules(Rule(SIGNED_IN)),
    # The site search (issue 11): every role, over what that role may read.
    "search:search": _rules(Rule(SIGNED_IN)),
    # The help pages (issue 11): every role reads every page, its own role's and the others'.
    "help:index": _rules(Rule(SIGNED_IN)),
    "help:topic": _rules(Rule(SIGNED_IN, "help-topic")),
    # Import is the programme office's job.
    "web:import": _rules(Rule(ADMIN)),
    "web:import-template": _rules(Rule(ADMIN, "registry")),
    # Confirming an upload nobody previewed: "not found" for the administrator too.
    "web:import-confirm": _rules(Rule(ADMIN, "token", method="POST", status=404)),
    "web:import-cancel": _rules(Rule(ADMIN, "token", method="POST", status=302)),
    # Reports (报告): the programme office and auditors; a job is seen by its owner only (the
    # seeded one is the administrator's, so the auditor is told it does not exist).
    "web:reports": _rules(Rule(STAFF)),
    "web:report-job": _rules(Rule(ADMIN, "report-job")),
    "web:report-job-status": _rules(Rule(ADMIN, "report-job")),
    "web:report-job-download": _rules(Rule(ADMIN, "report-job")),
    # Matching and the review queue (programme office); auditors may look at a matching page.
    "engagements:demand-matching": _rules(Rule(STAFF, "demand:published-mine")),
    "engagements:propose": _rules(
        Rule(
            ADMIN,
            "demand:published-mine",
            method="POST",
            status=302,
            data=(("commissioner", "commissioner:colleague"),),
        )
    ),
    "engagements:withdraw": _rules(Rule(ADMIN, "proposal", method="POST", status=302)),
    "engagements:review": _rules(Rule(ADMIN), Rule(ADMIN, method="POST", status=302)),
    "engagements:review-demand": _rules(
        Rule(ADMIN, "demand:pending-theirs", method="POST", status=302)
    ),
    "engagements:lists": _rules(Rule(ADMIN)),
    "engagements:list-detail": _rules(Rule(ADMIN, "demand-list")),
    "engagements:list-publish": _rules(Rule(ADMIN, "demand-list", method="POST", status=302)),
    "engagements:list-assign": _rules(Rule(ADMIN, "demand-list")),
    "engagements:list-confirm": _rules(Rule(ADMIN, "demand-list", method="POST", status=302)),
    # The parties of a proposal answer it: its commissioner and the demand's enterprise.
    "engagements:answer": _rules(Rule(frozenset({C, E}), "proposal", method="POST", status=302)),
    # Workspaces: a commissioner's /me/, an enterprise's /company/.
    "engagements:me": _rules(Rule(frozenset({C}))),
    # GET of the activity form's target goes back to the workspace.
    "engagements:log-activity": _rules(Rule(frozenset({C}), status=302)),
    "engagements:activity-photo": _rules(
        Rule(READERS, "activity:mine"), Rule(STAFF, "activity:theirs")
    ),
    # A work record waiting for confirmation: the enterprise it names answers, administrators
    # settle disputes; other enterprises do not see it.
    "engagements:service-confirmation": _rules(
        Rule(frozenset({A, E}), "activity:mine"), Rule(ADMIN, "activity:theirs")
    ),
    "engagements:company": _rules(Rule(frozenset({E}))),
    "engagements:company-demand-new": _rules(Rule(frozenset({E}))),
    "engagements:company-demand": _rules(
        Rule(frozenset({E}), "demand:draft-mine"), Rule(NOBODY, "demand:published-theirs")
    ),
    "engagements:company-demand-edit": _rules(
        Rule(frozenset({E}), "demand:draft-mine"), Rule(NOBODY, "demand:published-theirs")
    ),
    "engagements:rate": _rules(
        Rule(frozenset({E}), "project:mine", method="POST", status=302),
        Rule(NOBODY, "project:theirs", method="POST"),
    ),
    # 待办 and reminders (issue 11): every role has its own (auditors an empty list); a
    # reminder is marked read only by its owner (without an id: a message, back to the list).
    "todo:todo": _rules(Rule(SIGNED_IN)),
    "todo:notifications": _rules(Rule(SIGNED_IN)),
    "todo:read": _rules(Rule(SIGNED_IN, method="POST", status=302)),
    "todo:read-all": _rules(Rule(SIGNED_IN, method="POST", status=302)),
    # The contract step (issue 11): the enterprise completes its own drafts, administrators
    # complete and confirm any; the scan goes to whoever may read the project.
    "projects:contracts": _rules(Rule(frozenset({A, E}))),
    "projects:contract": _rules(
        Rule(frozenset({A, E}), "project:draft-mine"), Rule(ADMIN, "project:draft-theirs")
    ),
    "projects:contract-scan": _rules(
        Rule(READERS, "project:draft-mine"), Rule(STAFF, "project:draft-theirs")
    ),
}

API_RULES: dict[str, tuple[Rule, ...]] = {
    "api:openapi-json": _rules(Rule(SIGNED_IN)),
    "api:openapi-view": _rules(Rule(SIGNED_IN)),  # an HTML page: anonymous → sign-in page
    "api:me": _rules(Rule(SIGNED_IN)),
    # Unknown API addresses answer 404 JSON to everybody.
    "api:api-root": _rules(Rule(SIGNED_IN, public=True, status=404)),
    "api:demands-transition": _rules(
        Rule(frozenset({A, E}), "demand:draft-mine", method="POST", status=None),
        Rule(ADMIN, "demand:published-theirs", method="POST", status=None),
    ),
    # Ranking commissioners for a demand: the programme office and the demand's enterprise.
    "api:demands-recommendations": _rules(
        Rule(frozenset({A, U, E}), "demand:published-mine"),
        Rule(STAFF, "demand:published-theirs"),
    ),
    "api:reports-kpi": _rules(Rule(STAFF)),
    "api:projects-confirm": _rules(
        Rule(ADMIN, "project:draft-mine", method="POST", status=None),
        Rule(ADMIN, "project:draft-theirs", method="POST", status=None),
    ),
}

POLICY: dict[str, tuple[Rule, ...]] = {
    **PAGE_RULES,
    **_web_registry_rules(),
    **API_RULES,
    **_api_registry_rules(),
}
# HTML pages under /api/ (login redirect for anonymous visitors rather than 401).
API_HTML_PAGES = frozenset({"api:openapi-view"})
# The Django admin (data maintenance) is for staff administrators; Django's own admin views
# send everybody else to the admin's sign-in page. Its sign-in page itself is public.
ADMIN_NAMESPACE = "admin:"
ADMIN_PUBLIC = frozenset({"admin:login"})
# Routes without a name: the API's catch-all (404 JSON for any unknown /api/ address).
UNNAMED_ROUTES = frozenset({r"api/^[\s\S]*$"})  # the API's JSON 404 for any other address


# ----- the URL configuration -----------------------------------------------------------------
@dataclass(frozen=True)
class Route:
    name: str  # with namespaces: "web:demands-detail"; "" for unnamed routes
    route: str  # "demands/<int:pk>/"
    params: tuple[str, ...]


def _params(pattern: Any) -> tuple[str, ...]:
    converters = getattr(pattern, "converters", None)
    if converters:
        return tuple(converters)
    regex = getattr(pattern, "regex", None)
    return tuple(regex.groupindex) if regex is not None else ()


def walk(
    patterns: list[URLPattern | URLResolver] | None = None,
    prefix: str = "",
    namespace: str = "",
    params: tuple[str, ...] = (),
) -> Iterator[Route]:
    """Yield every route of the URL configuration, depth first, with its full name."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            yield from walk(
                pattern.url_patterns,
                prefix + str(pattern.pattern),
                inner,
                params + _params(pattern.pattern),
            )
        else:
            name = f"{namespace}{pattern.name}" if pattern.name else ""
            yield Route(name, prefix + str(pattern.pattern), params + _params(pattern.pattern))


def named_routes() -> dict[str, Route]:
    """Return the routes by name (the first route of a name is the one reverse() builds)."""
    routes: dict[str, Route] = {}
    for route in walk():
        if route.name:
            routes.setdefault(route.name, route)
    return routes


def test_every_url_has_a_policy() -> None:
    routes = list(walk())
    names = {route.name for route in routes if route.name}
    missing = sorted(
        name for name in names if name not in POLICY and not name.startswith(ADMIN_NAMESPACE)
    )
    assert not missing, "URL names without a rule in POLICY: " + ", ".join(missing)
    stale = sorted(set(POLICY) - names)
    assert not stale, "POLICY names URLs that no longer exist: " + ", ".join(stale)
    unnamed = sorted(
        route.route
        for route in routes
        if not route.name
        and route.route not in UNNAMED_ROUTES
        # The Django admin's own redirects (object URL → change page, catch-all).
        and not route.route.startswith("admin/")
    )
    assert not unnamed, "routes without a name (give them one and a rule): " + ", ".join(unnamed)


def test_the_walk_sees_every_part_of_the_site() -> None:
    names = set(named_routes())
    for expected in (
        "web:dashboard",
        "web:demands-detail",
        "engagements:me",
        "api:demands-detail",
        "audit_log",
        "login",
        "admin:index",
    ):
        assert expected in names


# ----- the seeded programme ------------------------------------------------------------------
D = datetime.date


@dataclass
class Seeded:
    users: dict[str, Any]
    subjects: dict[str, Model]


def _png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (2, 2), "white").save(out, format="PNG")
    return out.getvalue()


def _user(user: Any, role: Role) -> Any:
    # A password as a real account has; the administrator is staff and superuser, as the
    # demo's is, so the Django admin works too.
    user.set_password("Matrix-Pass-2024")
    user.is_staff = user.is_superuser = role is Role.ADMIN
    user.save(update_fields=["password", "is_staff", "is_superuser"])
    return user


@pytest.fixture
def seeded(db: Any, tmp_path: Any) -> Iterator[Seeded]:
    with override_settings(
        MEDIA_ROOT=tmp_path / "media",
        TEPAI_REPORT_DIR=tmp_path / "report-files",
        TEPAI_MATCH_ENCODER="hashing",
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    ):
        yield _seed()


def _seed() -> Seeded:
    """The shared world (:mod:`tepai.testing.world`), plus what only some routes need.

    Each role's records have a counterpart that is not theirs; added here: the other side's
    published and pending demands, work item, outcome and intent, a draft contract of each
    side with its scan, activity photos, a proposal and a finished report job.
    """
    world = build_world()
    me, colleague, mine, theirs = world.me, world.colleague, world.mine, world.theirs

    def demand(enterprise: Any, status: str, title: str) -> Demand:
        return Demand.objects.create(
            enterprise=enterprise,
            title=title,
            problem="印染废水处理和染色合格率低",
            status=status,
            cluster=IndustryCluster.COTTON_TEXTILE,
        )

    demands = {
        "demand:draft-mine": world.demands["draft"],
        "demand:published-mine": world.demands["published"],
        "demand:published-theirs": demand(theirs, DemandStatus.PUBLISHED, "果品保鲜"),
        "demand:pending-theirs": demand(theirs, DemandStatus.PENDING_REVIEW, "冷库节能"),
    }
    demand_list = world.demand_list
    demand_list.published_on = D(2024, 6, 1)
    demand_list.save(update_fields=["published_on"])
    demand_list.demands.add(demands["demand:published-theirs"])
    their_outcome = world.outcomes["unshown"]
    their_outcome.owners.add(colleague)
    drafts = {
        "project:draft-mine": make_project(
            title="印染数字化", enterprise=mine, commissioners=[me], state="draft"
        ),
        "project:draft-theirs": make_project(
            title="果品冷链", enterprise=theirs, commissioners=[colleague], state="draft"
        ),
    }
    for draft in drafts.values():
        draft.attachment.save("scan.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=True)
    activity_mine = world.activities["service"]  # me's, at my enterprise (and theirs)
    activity_theirs = world.activities["training_later"]  # the colleague's
    for activity in (activity_mine, activity_theirs):
        # A real image: only what decodes as JPEG or PNG is served.
        activity.photo.save("site.png", ContentFile(_png_bytes()), save=True)
    proposal = Proposal.objects.create(
        demand=demands["demand:published-mine"], commissioner=me, score=0.5
    )
    users = {
        A: _user(world.users["admin"], A),
        U: _user(world.users["auditor"], U),
        C: _user(world.users["commissioner"], C),
        E: _user(world.users["enterprise"], E),
    }
    subjects: dict[str, Model] = {
        "institution": world.institution,
        "batch": world.batch,
        "team": world.team,
        "centre": world.centre,
        "event": world.signing,
        "outcome": world.outcomes["shown"],
        "case": world.case,
        "commissioner:me": me,
        "commissioner:colleague": colleague,
        "work-item:mine": world.work_item,
        "work-item:theirs": WorkItem.objects.create(
            commissioner=colleague, kind=WorkItemKind.PAPER, title="果品保鲜", year=2021
        ),
        "enterprise:mine": mine,
        "enterprise:theirs": theirs,
        **demands,
        "demand-list": demand_list,
        "intent:mine": world.intents["signed"],
        "intent:theirs": CooperationIntent.objects.create(
            outcome=their_outcome, enterprise=theirs, date=D(2024, 6, 7)
        ),
        "project:mine": world.projects["contract"],
        "project:theirs": world.projects["development"],
        **drafts,
        "activity:mine": activity_mine,
        "activity:theirs": activity_theirs,
        "proposal": proposal,
        "user:enterprise": users[E],
        "report-job": _report_job(users[A]),
    }
    return Seeded(users=users, subjects=subjects)


def _report_job(owner: Any) -> Model:
    """Return a finished report job of ``owner`` with its file (as the worker leaves it)."""
    return ReportJob.objects.create(
        user=owner,
        kind="bulletin",
        fmt="pdf",
        title="工作简报 · 2024年第二季度 · 全部批次",
        status=JobStatus.DONE,
        result_name=report_jobs.store_result(b"%PDF-1.7", "pdf"),
    )


# ----- requests and verdicts -----------------------------------------------------------------
def _admin_models() -> dict[str, type[Model]]:
    return {f"{m._meta.app_label}_{m._meta.model_name}": m for m in admin.site._registry}


def _value(param: str, rule: Rule | None, route: Route, seeded: Seeded) -> Any:
    """Return the value for converter ``param`` of ``route``."""
    if rule is not None and rule.subject:
        if rule.subject == "token":
            return "0123456789abcdef"
        if rule.subject == "registry":
            return "commissioners"
        if rule.subject == "help-topic":
            return "admin"  # the administrators' page, read by every role
        return seeded.subjects[rule.subject].pk
    # The Django admin's routes: the first record of the model the name is about.
    if param == "app_label":
        return "institutions"
    if param == "id":  # admin/auth/user/<id>/password/
        return seeded.users[E].pk
    if param == "content_type_id":
        return ContentType.objects.get_for_model(seeded.subjects["institution"]).pk
    match = re.match(r"admin:(\w+?_\w+?)_(change|history|delete)$", route.name)
    if param == "object_id" and match is None:
        return seeded.subjects["institution"].pk
    if param == "object_id":
        model = _admin_models()[match.group(1)]
        first = model._default_manager.order_by("pk").first()
        return first.pk if first is not None else 1
    raise AssertionError(f"{route.name}: no rule says what fills <{param}> ({route.route})")


def _url(route: Route, rule: Rule | None, seeded: Seeded) -> str:
    kwargs = {param: _value(param, rule, route, seeded) for param in route.params}
    return reverse(route.name, kwargs=kwargs)


def _client(part: str, seeded: Seeded) -> Client:
    client = Client()
    if part != ANONYMOUS:
        client.force_login(seeded.users[part])
    return client


def _request(client: Client, rule: Rule | None, url: str, seeded: Seeded) -> Any:
    method = rule.method if rule is not None else "GET"
    data = {key: seeded.subjects[value].pk for key, value in (rule.data if rule else ())}
    # Roll every request back: an allowed POST must not change what the next request sees;
    # the client's cookies too (signing out, switching the language).
    cookies = client.cookies
    client.cookies = SimpleCookie(cookies.output(header="", sep=";"))
    with transaction.atomic():
        if method == "GET":
            response = client.get(url)
        elif method == "POST" and url.startswith("/api/"):
            response = client.post(url, data={}, content_type="application/json")
        elif method == "POST":
            response = client.post(url, data=data)
        else:
            response = client.generic(method, url, b"{}", content_type="application/json")
        transaction.set_rollback(True)
    client.cookies = cookies
    if response.streaming:
        # Reading a file download to its end closes the file (the test client's wrapper);
        # response.close() would also close the database connection of this test.
        response.getvalue()
    return response


def _to_sign_in(response: Any) -> bool:
    location = response.get("Location", "") if response.status_code == 302 else ""
    return location.startswith("/login/?next=") or location.startswith("/admin/login/?next=")


def _denied(response: Any) -> bool:
    return _to_sign_in(response) or response.status_code in (401, 403, 404)


def _refused(response: Any, method: str) -> bool:
    if _denied(response):
        return True
    # Writes the role may not make can also be stopped by the state (409) or, on the API's
    # create endpoints, by the body check that Ninja runs before the handler (422).
    return method != "GET" and response.status_code in (409, 422)


def _verdict(part: str, route: Route, rule: Rule | None, response: Any) -> str | None:
    """Return what is wrong with ``response``, or None if it follows the policy."""
    status = response.status_code
    method = rule.method if rule is not None else "GET"
    if rule is None:  # the Django admin
        if part != A:
            # Signing out of the admin without being signed in to it leads to its index.
            to_index = route.name == "admin:logout" and response.get("Location") == "/admin/"
            ok = _to_sign_in(response) or to_index or (route.name in ADMIN_PUBLIC and status == 200)
            return None if ok else f"expected the admin sign-in page, got {status}"
        # Read-only models (the audit log) refuse add and delete even to superusers (403).
        return None if not _to_sign_in(response) else "sent the administrator to sign in"
    allowed = rule.public or (part != ANONYMOUS and part in rule.allowed)
    if allowed:
        if rule.status is not None:
            return None if status == rule.status else f"expected {rule.status}, got {status}"
        return None if not _denied(response) else f"expected access, got {status}"
    if part == ANONYMOUS:
        if route.name.startswith("api:") and route.name not in API_HTML_PAGES:
            return None if status == 401 else f"expected 401, got {status}"
        return None if _to_sign_in(response) else f"expected the sign-in redirect, got {status}"
    return None if _refused(response, method) else f"expected a refusal, got {status}"


# Of the Django admin's pages, the administrator opens the index and each model's list (its
# forms are Django's and slow to render); every other role is checked on all of them.
ADMIN_SAMPLE = re.compile(r"admin:(index|app_list|\w+_changelist)$")


def _checks(part: str) -> Iterator[tuple[Route, Rule | None]]:
    for name, route in sorted(named_routes().items()):
        if name.startswith(ADMIN_NAMESPACE) and name not in POLICY:
            if part != A or ADMIN_SAMPLE.match(name):
                yield route, None
            continue
        for rule in POLICY.get(name, ()):
            yield route, rule


@pytest.mark.parametrize("part", PARTS, ids=[str(p) for p in PARTS])
def test_each_url_answers_each_role_as_the_policy_says(part: str, seeded: Seeded) -> None:
    client = _client(part, seeded)
    problems = []
    checked = 0
    for route, rule in _checks(part):
        url = _url(route, rule, seeded)
        response = _request(client, rule, url, seeded)
        checked += 1
        problem = _verdict(part, route, rule, response)
        if problem:
            subject = f" [{rule.subject}]" if rule and rule.subject else ""
            method = rule.method if rule else "GET"
            problems.append(f"{route.name}{subject} {method} {url}: {problem}")
    assert checked > 200
    assert not problems, f"{len(problems)} of {checked} answers break the policy for {part}:\n" + (
        "\n".join(problems)
    )


# ----- CSRF ----------------------------------------------------------------------------------
def test_a_form_post_without_the_csrf_token_is_refused(seeded: Seeded) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(seeded.users[A])
    page = client.get(reverse("web:institutions-create"))
    assert page.status_code == 200
    assert b"csrfmiddlewaretoken" in page.content
    before = seeded.subjects["institution"].__class__.objects.count()
    response = client.post(reverse("web:institutions-create"), {"name": "伪造单位"})
    assert response.status_code == 403
    assert seeded.subjects["institution"].__class__.objects.count() == before
    # The sign-in form and the API's session writes are protected the same way.
    anonymous = Client(enforce_csrf_checks=True)
    login = anonymous.post(reverse("login"), {"username": "admin", "password": "x"})
    assert login.status_code == 403
    api = client.post(
        reverse("api:institutions-create"),
        data={"name": "伪造单位", "type": "university"},
        content_type="application/json",
    )
    assert api.status_code == 403
    assert seeded.subjects["institution"].__class__.objects.count() == before


# ----- search (issue 11) ---------------------------------------------------------------------
# Words that between them reach every seeded demand, project, enterprise, outcome, case and
# commissioner (titles, names, pinyin initials, research fields), drafts and others' included.
SEARCH_WORDS = ("印染", "果品", "阿克苏", "纺", "冷库", "张三", "zs", "ls", "染色", "有限公司")


@pytest.mark.parametrize("part", (A, C, E, U), ids=str)
def test_search_results_stay_within_what_the_role_may_see(part: Role, seeded: Seeded) -> None:
    from tepai.accounts.permissions import visible

    client = _client(part, seeded)
    user = seeded.users[part]
    seen: set[tuple[str, int]] = set()
    for q in SEARCH_WORDS:
        response = client.get(reverse("search:search"), {"q": q})
        assert response.status_code == 200, q
        for group in response.context["groups"]:
            model = group.registry.model
            allowed = set(visible(user, model._default_manager.all()).values_list("pk", flat=True))
            for hit in group.hits:
                assert hit.record.pk in allowed, f"{part} found {model.__name__} {hit.title} ({q})"
                seen.add((group.registry.slug, hit.record.pk))
            # The count is of the visible records too, not only the hits shown.
            assert group.count <= len(allowed), (part, q, group.registry.slug)
    subjects = seeded.subjects
    # What each role must find, and what it must not, among the seeded records.
    must = {"demand:published-mine", "project:mine", "enterprise:mine", "case", "outcome"}
    never: set[str] = set()
    if part == C:
        never = {"demand:draft-mine", "demand:pending-theirs", "project:theirs"}
    if part == E:
        never = {"demand:published-theirs", "demand:pending-theirs", "project:theirs"}
        never.add("enterprise:theirs")
    for name in must:
        slug = {"demand": "demands", "project": "projects", "enterprise": "enterprises"}.get(
            name.split(":")[0], name + "s"
        )
        assert (slug, subjects[name].pk) in seen, f"{part} did not find {name}"
    for name in never:
        slug = {"demand": "demands", "project": "projects", "enterprise": "enterprises"}[
            name.split(":")[0]
        ]
        assert (slug, subjects[name].pk) not in seen, f"{part} found {name}"
    if part in (A, U):
        assert ("demands", subjects["demand:draft-mine"].pk) in seen


@pytest.mark.parametrize("part", (A, C, E, U), ids=str)
def test_search_never_matches_a_masked_or_personal_field(part: Role, seeded: Seeded) -> None:
    client = _client(part, seeded)
    # The seeded phones (张三 13800001234, the enterprise 13700001111), whole and in part.
    for q in ("13800001234", "0001234", "13700001111", "7000011"):
        response = client.get(reverse("search:search"), {"q": q})
        assert response.context["groups"] == [], (part, q)
