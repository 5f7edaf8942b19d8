"""A commissioner's KPI contribution counts what the programme KPIs count, over their records."""

from __future__ import annotations

import pytest

from tepai.activities.models import ActivityKind
from tepai.engagements.kpi import contribution
from tepai.projects.models import ProjectKind, ProjectLevel
from tepai.reports.kpi import kpi_report
from tepai.testing.factories import make_activity, make_commissioner, make_enterprise, make_project

pytestmark = pytest.mark.django_db


def test_alone_a_commissioner_contributes_exactly_the_programme_figures() -> None:
    me = make_commissioner()
    enterprise = make_enterprise()
    make_project(commissioners=[me], kind=ProjectKind.SERVICE_CONTRACT)
    make_project(commissioners=[me], kind=ProjectKind.TRANSFER_CONTRACT)
    make_project(
        commissioners=[me],
        kind=ProjectKind.RESEARCH,
        level=ProjectLevel.PROVINCIAL,
        led_by_commissioner=True,
    )
    make_activity(ActivityKind.TRAINING, 12, commissioners=[me])
    make_activity(ActivityKind.VISIT, 3, commissioners=[me])
    make_activity(ActivityKind.VARIETY, 2, commissioners=[me], is_trial=True)
    make_activity(ActivityKind.ENTERPRISE_SERVICE, 1, commissioners=[me], enterprises=[enterprise])
    make_activity(ActivityKind.ENTERPRISE_SERVICE, 1, commissioners=[me], enterprises=[enterprise])
    mine = {figure.definition.key: figure.value for figure in contribution(me)}
    programme = {key: figure.value for key, figure in kpi_report().figures.items()}
    assert mine == programme
    assert mine["service_contracts"] == 2 and mine["local_staff_trained"] == 12
    assert mine["enterprises_benefited"] == 1


def test_other_commissioners_records_do_not_count() -> None:
    me, other = make_commissioner(), make_commissioner()
    make_activity(ActivityKind.TRAINING, 5, commissioners=[me, other])
    make_activity(ActivityKind.TRAINING, 7, commissioners=[other])
    make_project(commissioners=[other])
    mine = {figure.definition.key: figure for figure in contribution(me)}
    assert mine["local_staff_trained"].value == 5
    assert mine["service_contracts"].value == 0
    assert len(mine["local_staff_trained"].records["activities"]) == 1
