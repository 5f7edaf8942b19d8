"""``GET /api/reports/kpi``: the KPI figures and narrative, as ``tepai report kpi`` gives them."""

from __future__ import annotations

import pytest

from tepai.activities.models import ActivityKind
from tepai.api.tests.world import World
from tepai.reports.kpi import KPI_DEFINITIONS, kpi_report
from tepai.testing.factories import make_activity, make_batch

pytestmark = pytest.mark.django_db


def test_it_reports_every_kpi_with_the_records_counted(world: World) -> None:
    make_activity(ActivityKind.TRAINING, quantity=120, batch=world.batch)
    body = world.client("auditor").get("/api/reports/kpi").json()
    assert body["batch"] is None
    assert [f["key"] for f in body["figures"]] == [d.key for d in KPI_DEFINITIONS]
    figures = {f["key"]: f for f in body["figures"]}
    expected = kpi_report()
    for key, figure in expected.figures.items():
        assert figures[key]["value"] == figure.value
        assert figures[key]["records"] == figure.records
    trained = sum(
        activity.quantity
        for activity in world.base.activities.values()
        if activity.kind == ActivityKind.TRAINING
    )
    assert trained > 0
    assert figures["local_staff_trained"]["value"] == trained + 120  # the world's and these
    assert figures["local_staff_trained"]["label"] == "培训帮带本地人才"
    assert body["narrative"] == expected.narrative()


def test_it_reports_one_batch(world: World) -> None:
    # A batch of its own: the world's two have contracts and activities.
    first = make_batch("第三批")
    make_activity(ActivityKind.VISIT, quantity=40, batch=first)
    body = world.client("admin").get("/api/reports/kpi", {"batch": first.pk}).json()
    assert body["batch"] == {"id": first.pk, "name": "第三批"}
    figures = {f["key"]: f["value"] for f in body["figures"]}
    assert figures["visit_person_times"] == 40
    assert figures["service_contracts"] == 0
    assert body["narrative"].startswith("第三批科技特派员")


def test_an_unknown_batch_is_a_validation_error(world: World) -> None:
    response = world.client("admin").get("/api/reports/kpi", {"batch": 999999})
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {"batch": ["不存在"]}


@pytest.mark.parametrize("role", ["commissioner", "enterprise"])
def test_only_admins_and_auditors_see_kpis(world: World, role: str) -> None:
    assert world.client(role).get("/api/reports/kpi").status_code == 403
