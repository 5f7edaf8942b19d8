"""The contract step (issue 11): a mutually accepted proposal is a draft until confirmed."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from tepai.audit.models import AuditEntry
from tepai.demands.models import DemandStatus
from tepai.engagements import services
from tepai.engagements.services import Party
from tepai.engagements.tests.conftest import World
from tepai.projects import contracts
from tepai.projects.models import ContractState, Project
from tepai.reports.kpi import kpi_report
from tepai.web.kpi_days import kpi_days

pytestmark = pytest.mark.django_db
SIGNED = datetime.date(2026, 11, 20)
DETAILS = {
    "title": "印染车间数字化改造技术服务合同",
    "amount": "35.50",
    "signed_on": SIGNED.isoformat(),
    "client_party": "阿克苏印染有限公司",
    "contractor_party": "浙江理工大学",
    "starts_on": "2026-12-01",
    "ends_on": "2027-06-30",
    "description": "",
}


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _agree(world: World) -> Project:
    """Return the draft contract of a proposal both parties accepted."""
    proposal = services.propose(world.demand, world.commissioner, world.admin, score=0.8)
    services.respond(proposal, Party.COMMISSIONER, True, by=world.commissioner_user)
    proposal = services.respond(proposal, Party.ENTERPRISE, True, by=world.enterprise_user)
    assert proposal.project is not None
    return proposal.project


def _contracts_kpi(client: Client) -> tuple[int, int, int]:
    """Return service_contracts by kpi_report, by kpi_days and as the dashboard shows it."""
    board = client.get("/", {"batch": "all"}).context["board"]
    shown = next(f.value for f in board.kpis if f.url and "service_contracts" in f.url)
    return (
        kpi_report().figures["service_contracts"].value,
        kpi_days(None, None).value("service_contracts"),
        shown,
    )


def _pdf(name: str = "合同.pdf") -> SimpleUploadedFile:
    body = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    return SimpleUploadedFile(name, body, content_type="application/pdf")


@pytest.mark.usefixtures("_no_dashboard_cache")
def test_a_mutually_accepted_proposal_counts_only_once_the_admin_confirms_it(
    world: World,
) -> None:
    admin = _client(world.admin)
    before = _contracts_kpi(admin)
    assert before[0] == before[1] == before[2]
    draft = _agree(world)
    assert draft.state == ContractState.DRAFT
    assert _contracts_kpi(admin) == before
    world.demand.refresh_from_db()
    assert world.demand.status == DemandStatus.MATCHING
    # The enterprise completes it with the signed contract's details: still not counted.
    answer = _client(world.enterprise_user).post(
        reverse("projects:contract", args=[draft.pk]),
        {**DETAILS, "action": "save", "attachment": _pdf()},
    )
    assert answer.status_code == 302
    assert _contracts_kpi(admin) == before
    # The administrator confirms it: counted, by the report and the dashboard alike.
    answer = admin.post(
        reverse("projects:contract", args=[draft.pk]), {**DETAILS, "action": "confirm"}
    )
    assert answer.status_code == 302, answer.content.decode()
    after = _contracts_kpi(admin)
    assert after == tuple(n + 1 for n in before)
    draft.refresh_from_db()
    assert (draft.state, draft.amount, draft.signed_on) == (
        ContractState.CONFIRMED,
        Decimal("35.50"),
        SIGNED,
    )
    assert draft.confirmed_by == world.admin and draft.confirmed_at is not None
    assert draft.pk in kpi_report().figures["service_contracts"].records["projects"]
    world.demand.refresh_from_db()
    assert world.demand.status == DemandStatus.SIGNED
    entry = AuditEntry.objects.get(
        action="transition", model_label="projects.project", object_id=str(draft.pk)
    )
    assert entry.detail["event"] == "contract_confirm"
    assert entry.actor == world.admin


@pytest.fixture
def _no_dashboard_cache(settings: object) -> None:
    # Every request rebuilds the dashboard, so a figure read twice is counted twice.
    settings.TEPAI_DASHBOARD_CACHE_SECONDS = 0  # type: ignore[attr-defined]


def test_the_dashboard_shows_the_drafts_apart_linked_to_exactly_them(world: World) -> None:
    draft = _agree(world)
    for user in (world.admin, world.enterprise_user):
        client = _client(user)
        page = client.get("/", {"batch": "all"})
        figure = page.context["board"].drafts
        assert figure is not None and figure.value == 1
        listed = client.get(figure.url)
        assert [p.pk for p in listed.context["paginator"].object_list] == [draft.pk]
        assert "待确认合同 1 份" in page.content.decode()
    # Another enterprise has no draft: no line.
    other = _client(world.other_enterprise_user).get("/", {"batch": "all"})
    assert other.context["board"].drafts is None


def test_only_the_enterprise_and_admins_complete_and_only_admins_confirm(world: World) -> None:
    draft = _agree(world)
    url = reverse("projects:contract", args=[draft.pk])
    assert _client(world.other_enterprise_user).get(url).status_code == 404
    assert _client(world.commissioner_user).get(url).status_code == 403
    assert _client(world.auditor).post(url, DETAILS).status_code == 403
    enterprise = _client(world.enterprise_user)
    assert enterprise.get(url).status_code == 200
    refused = enterprise.post(url, {**DETAILS, "action": "confirm"})
    assert refused.status_code == 403
    draft.refresh_from_db()
    assert draft.is_draft and draft.amount is None
    with pytest.raises(contracts.NotAllowed):
        contracts.confirm(draft, world.enterprise_user)
    assert [p.pk for p in contracts.awaiting_confirmation(world.enterprise_user)] == [draft.pk]
    assert [p.pk for p in contracts.awaiting_confirmation(world.admin)] == [draft.pk]
    for user in (world.other_enterprise_user, world.commissioner_user, world.auditor):
        assert not contracts.awaiting_confirmation(user).exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "  ", "合同名称"),
        ("amount", "-1", "合同金额：不能为负数"),
        ("amount", "5000000", "合同金额：不能超过"),
        ("signed_on", "2099-01-01", "签约日期：不能晚于今天"),
        ("signed_on", "1990-01-01", "签约日期：不能早于"),
        ("ends_on", "2026-11-01", "履行截止日期：不能早于履行开始日期"),
    ],
)
def test_wrong_details_are_refused_naming_the_field(
    world: World, field: str, value: str, message: str
) -> None:
    draft = _agree(world)
    answer = _client(world.admin).post(
        reverse("projects:contract", args=[draft.pk]),
        {**DETAILS, field: value, "action": "confirm"},
    )
    assert answer.status_code == 200
    errors = answer.context["form"].errors
    assert message in str(errors.get(field, "")) or (field == "title" and "title" in errors)
    draft.refresh_from_db()
    assert draft.is_draft and draft.amount is None


def test_confirming_needs_the_amount_and_the_parties(world: World) -> None:
    draft = _agree(world)
    with pytest.raises(contracts.ContractError, match="合同金额：确认前请填写") as refusal:
        contracts.confirm(draft, world.admin)
    assert refusal.value.field == "amount"
    contracts.complete(draft, world.admin, {"amount": "10", "contractor_party": ""})
    with pytest.raises(contracts.ContractError, match="受托方"):
        contracts.confirm(draft, world.admin)
    contracts.complete(draft, world.admin, {"contractor_party": "浙江大学"})
    confirmed = contracts.confirm(draft, world.admin)
    assert confirmed.state == ContractState.CONFIRMED
    with pytest.raises(contracts.ContractError, match="已确认"):
        contracts.complete(confirmed, world.admin, {"amount": "11"})


def test_the_scan_is_a_pdf_or_a_reencoded_image_served_only_to_readers(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    draft = _agree(world)
    url = reverse("projects:contract", args=[draft.pk])
    enterprise = _client(world.enterprise_user)
    page = b"<html><script>alert(1)</script></html>"
    refused = enterprise.post(
        url, {**DETAILS, "attachment": SimpleUploadedFile("x.pdf", page, "application/pdf")}
    )
    assert refused.status_code == 200
    assert "合同扫描件：请上传 PDF 文件或" in str(refused.context["form"].errors["attachment"])
    picture = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(picture, format="PNG")
    image = SimpleUploadedFile("扫描.png", picture.getvalue(), "image/png")
    assert enterprise.post(url, {**DETAILS, "attachment": image}).status_code == 302
    draft.refresh_from_db()
    image_name = draft.attachment.name or ""
    assert image_name.startswith("contracts/") and "扫描" not in image_name
    scan = reverse("projects:contract-scan", args=[draft.pk])
    shown = enterprise.get(scan)
    assert shown.status_code == 200 and shown["Content-Type"] in ("image/jpeg", "image/png")
    assert _client(world.other_enterprise_user).get(scan).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        assert enterprise.post(url, {**DETAILS, "attachment": _pdf()}).status_code == 302
    draft.refresh_from_db()
    assert (draft.attachment.name or "").endswith(".pdf")
    assert not draft.attachment.storage.exists(image_name)  # the replaced scan is removed
    pdf = _client(world.admin).get(scan)
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"].startswith("attachment;")


def test_the_api_shows_the_state_and_lets_only_admins_confirm(world: World) -> None:
    draft = _agree(world)
    contracts.complete(draft, world.admin, {"amount": "8", "signed_on": SIGNED})
    detail = _client(world.enterprise_user).get(f"/api/projects/{draft.pk}").json()
    assert (detail["state"], detail["state_label"]) == ("draft", "待确认")
    listed = _client(world.admin).get("/api/projects/", {"state": "draft"}).json()
    assert [p["id"] for p in listed["results"]] == [draft.pk]
    url = f"/api/projects/{draft.pk}/confirm"
    refused = _client(world.enterprise_user).post(url)
    assert refused.status_code == 403
    assert "只有管理员可以确认合同" in refused.json()["error"]["message"]
    confirmed = _client(world.admin).post(url)
    assert confirmed.status_code == 200 and confirmed.json()["state"] == "confirmed"
    again = _client(world.admin).post(url)
    assert again.status_code == 422 and "state" in again.json()["error"]["fields"]


def test_a_future_signing_date_is_refused_by_the_service_too(world: World) -> None:
    draft = _agree(world)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(contracts.ContractError, match="签约日期：不能晚于今天") as refusal:
        contracts.complete(draft, world.enterprise_user, {"signed_on": tomorrow})
    assert refusal.value.field == "signed_on"
    with pytest.raises(contracts.ContractError, match="合同金额：须为数字"):
        contracts.complete(draft, world.enterprise_user, {"amount": "NaN"})


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_existing_projects_as_confirmed_records() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate([("projects", "0003_kpi_days_index")])
    old = executor.loader.project_state([("projects", "0003_kpi_days_index")]).apps
    old.get_model("projects", "Project").objects.create(
        title="南疆红枣深加工", kind="service", signed_on=datetime.date(2024, 5, 1)
    )
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    project = Project.objects.get(title="南疆红枣深加工")
    assert project.state == ContractState.CONFIRMED
    assert project.pk in kpi_report().figures["service_contracts"].records["projects"]


@pytest.mark.parametrize("who", ["admin", "enterprise"])
def test_with_a_draft_every_dashboard_figure_still_equals_its_list(world: World, who: str) -> None:
    from tepai.web.tests.test_dashboard import list_total

    _agree(world)
    confirmed = _agree_another(world)
    client = _client(world.admin if who == "admin" else world.enterprise_user)
    board = client.get("/", {"batch": "all"}).context["board"]
    linked = [f for f in board.figures() if f.url]
    assert board.drafts in linked
    for figure in linked:
        assert list_total(client, figure) == figure.value, figure
    days = kpi_days(None, None)
    report = kpi_report()
    for key, figure in report.figures.items():
        assert days.value(key) == figure.value, key
    assert report.figures["service_contracts"].records["projects"] == [confirmed.pk]


def _agree_another(world: World) -> Project:
    """Return a confirmed contract for a second demand of the same enterprise."""
    from tepai.engagements.tests.conftest import make_demand

    world.demand = make_demand(world.enterprise, title="染色废水回用")
    project = _agree(world)
    contracts.complete(project, world.admin, {"amount": "3", "signed_on": SIGNED})
    return contracts.confirm(project, world.admin)
