import pytest
from django.contrib.auth import get_user_model

from tepai.demands.models import Demand, DemandStatus, InvalidTransition
from tepai.testing.factories import make_enterprise

pytestmark = pytest.mark.django_db


@pytest.fixture
def demand() -> Demand:
    return Demand.objects.create(enterprise=make_enterprise(), title="空冷岛清洗", problem="脏")


def test_it_walks_the_life_cycle_and_logs_each_step(demand: Demand) -> None:
    clerk = get_user_model().objects.create_user("clerk")
    path = [
        DemandStatus.PENDING_REVIEW,
        DemandStatus.PUBLISHED,
        DemandStatus.MATCHING,
        DemandStatus.SIGNED,
        DemandStatus.COMPLETED,
    ]
    for status in path:
        demand.transition_to(status, by=clerk, note="ok")
    demand.refresh_from_db()
    assert demand.status == DemandStatus.COMPLETED
    log = list(demand.transitions.values_list("from_status", "to_status", "by__username"))
    assert log == [
        (DemandStatus.DRAFT, DemandStatus.PENDING_REVIEW, "clerk"),
        (DemandStatus.PENDING_REVIEW, DemandStatus.PUBLISHED, "clerk"),
        (DemandStatus.PUBLISHED, DemandStatus.MATCHING, "clerk"),
        (DemandStatus.MATCHING, DemandStatus.SIGNED, "clerk"),
        (DemandStatus.SIGNED, DemandStatus.COMPLETED, "clerk"),
    ]


def test_it_refuses_skipping_review(demand: Demand) -> None:
    with pytest.raises(InvalidTransition, match=r"草稿.*已签约"):
        demand.transition_to(DemandStatus.SIGNED)
    demand.refresh_from_db()
    assert demand.status == DemandStatus.DRAFT
    assert not demand.transitions.exists()


def test_closed_is_final(demand: Demand) -> None:
    demand.transition_to(DemandStatus.CLOSED)
    assert not demand.can_transition_to(DemandStatus.DRAFT)
    with pytest.raises(InvalidTransition):
        demand.transition_to(DemandStatus.PUBLISHED)
