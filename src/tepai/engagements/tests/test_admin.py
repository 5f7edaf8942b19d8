"""The admin proposes through the workflow service and never edits a proposal in place."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tepai.demands.models import DemandStatus
from tepai.engagements.models import Proposal
from tepai.engagements.tests.conftest import World

pytestmark = pytest.mark.django_db


def test_adding_a_proposal_in_the_admin_proposes_it(world: World) -> None:
    world.admin.is_staff = world.admin.is_superuser = True
    world.admin.save()
    client = Client()
    client.force_login(world.admin)
    add = reverse("admin:engagements_proposal_add")
    data = {"demand": world.demand.pk, "commissioner": world.commissioner.pk}
    assert client.post(add, data).status_code == 302
    proposal = Proposal.objects.get()
    assert proposal.score > 0 and proposal.explanation and proposal.created_by == world.admin
    world.demand.refresh_from_db()
    assert world.demand.status == DemandStatus.MATCHING
    again = client.post(add, data)
    assert "已有待答复的推荐" in again.content.decode()
    change = reverse("admin:engagements_proposal_change", args=[proposal.pk])
    page = client.get(change)
    assert page.status_code == 200 and 'name="status"' not in page.content.decode()
