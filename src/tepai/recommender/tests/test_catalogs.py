"""Outcomes for a demand, demands for a commissioner, and the exclusions every list respects."""

from __future__ import annotations

import json
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import override_settings

from tepai.commissioners.models import Commissioner, DeclaredConflict
from tepai.demands.models import Demand
from tepai.demo.loader import load_demo
from tepai.outcomes.models import Outcome
from tepai.projects.models import ProjectStatus
from tepai.recommender import service
from tepai.recommender.catalogs import OPEN_DEMANDS, OUTCOMES
from tepai.testing.factories import make_project

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_catalogs")]


@pytest.fixture
def fresh_catalogs() -> Iterator[None]:
    # The catalogs are process-wide; each test starts from its own database.
    OUTCOMES.reset()
    OPEN_DEMANDS.reset()
    with override_settings(TEPAI_MATCH_ENCODER="hashing"):
        yield
    OUTCOMES.reset()
    OPEN_DEMANDS.reset()


def _json(*args: str) -> Any:
    out = StringIO()
    call_command("match", *args, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def _recommendations(*args: str) -> list[dict[str, Any]]:
    """Return the ranked rows of `tepai match recommend --format json`."""
    data = _json("recommend", *args)
    assert isinstance(data, dict)
    rows: list[dict[str, Any]] = data["recommendations"]
    return rows


def test_outcomes_for_a_demand_put_the_same_technology_first() -> None:
    load_demo()
    rows = _json("outcomes", "--demand", "D-011", "--top", "3")  # 电解槽电耗一年比一年高
    assert rows[0]["title"] == "氯碱离子膜电解槽能效诊断与运行优化技术"
    assert str(rows[0]["explanation"]).startswith("推荐成果氯碱离子膜电解槽")
    assert "电解槽" in rows[0]["matched_terms"]


def test_outcomes_below_the_threshold_are_not_padded_in() -> None:
    load_demo()
    record = Demand.objects.get(code="D-011")
    everything = service.recommend_outcomes(
        record, 10, min_score=float("-inf"), confident_only=False
    )
    kept = service.recommend_outcomes(record, 10)
    assert len(everything) == 10
    assert 0 < len(kept) < len(everything)
    assert all(match.score >= service.OUTCOME_MIN_SCORE for match in kept)


def test_no_outcome_is_offered_for_a_demand_no_outcome_fits() -> None:
    load_demo()
    oilfield = Demand.objects.get(code="D-001")  # produced water; no outcome is about oil
    assert service.recommend_outcomes(oilfield, 5) == []
    assert service.recommend_outcomes(oilfield, 5, min_score=float("-inf"), confident_only=False)


def test_demands_for_a_commissioner_and_their_conflicts() -> None:
    load_demo()
    person = Commissioner.objects.get(code="ZJ2-16")  # 潘思远, electrochemical energy storage
    rows = _json("demands", "--expert", "ZJ2-16", "--top", "5")
    assert rows[0]["demand_id"] == Demand.objects.get(code="D-049").pk
    battery = Demand.objects.get(code="D-049")
    DeclaredConflict.objects.create(
        commissioner=person, enterprise=battery.enterprise, reason="在该企业兼职"
    )
    after = service.recommend_demands(person, 5)
    assert battery.pk not in [match.id for match in after]


def test_demands_for_a_commissioner_are_only_open_ones() -> None:
    load_demo()
    person = Commissioner.objects.get(code="ZJ2-16")
    found = service.recommend_demands(person, 50, min_score=float("-inf"))
    statuses = set(
        Demand.objects.filter(pk__in=[m.id for m in found]).values_list("status", flat=True)
    )
    assert statuses and statuses <= {"published", "matching"}


def test_a_declared_conflict_keeps_the_commissioner_out_of_recommendations() -> None:
    load_demo()
    rows = _recommendations("--demand", "D-049", "--top", "3")
    best = Commissioner.objects.get(code=rows[0]["expert_code"])
    DeclaredConflict.objects.create(
        commissioner=best, enterprise=Demand.objects.get(code="D-049").enterprise, reason="持股"
    )
    again = _recommendations("--demand", "D-049", "--top", "3")
    assert best.code not in [row["expert_code"] for row in again]


def test_a_full_workload_is_skipped_unless_asked() -> None:
    load_demo()
    rows = _recommendations("--demand", "D-049", "--top", "3")
    best = Commissioner.objects.get(code=rows[0]["expert_code"])
    active = best.projects.filter(status__in=[ProjectStatus.SIGNED, ProjectStatus.IN_PROGRESS])
    if not active.exists():
        make_project(commissioners=[best], status=ProjectStatus.IN_PROGRESS)
    best.max_load = active.count()
    best.save()
    codes = [row["expert_code"] for row in _recommendations("--demand", "D-049")]
    assert best.code not in codes
    everyone = _recommendations("--demand", "D-049", "--include-full")
    assert everyone[0]["expert_code"] == best.code


def test_the_outcome_index_follows_edits_one_record_at_a_time() -> None:
    load_demo()
    engine = OUTCOMES.get()
    assert len(engine) == Outcome.objects.count()
    outcome = Outcome.objects.get(title="氯碱离子膜电解槽能效诊断与运行优化技术")
    outcome.description += " 盐水精制"
    outcome.save()
    gone = Outcome.objects.exclude(pk=outcome.pk).first()
    assert gone is not None
    gone_id = str(gone.pk)
    gone.intents.all().delete()
    gone.delete()
    after = OUTCOMES.get()
    assert OUTCOMES.last_indexed == [outcome.pk]
    assert after is not engine  # copy-on-write: the published engine is never changed
    assert gone_id not in after.experts and gone_id in engine.experts
    assert "盐水精制" in after.experts[str(outcome.pk)].profile
    assert "盐水精制" not in engine.experts[str(outcome.pk)].profile
    assert OUTCOMES.get() is after  # nothing changed since


def test_an_owner_swap_reindexes_the_outcome() -> None:
    load_demo()
    outcome = Outcome.objects.filter(owners__isnull=False).first()
    assert outcome is not None
    before = OUTCOMES.get()
    owner = outcome.owners.first()
    stranger = Commissioner.objects.exclude(outcomes=outcome).first()
    assert owner is not None and stranger is not None
    outcome.owners.remove(owner)
    outcome.owners.add(stranger)  # the same count: seen through the touch on change
    after = OUTCOMES.get()
    assert OUTCOMES.last_indexed == [outcome.pk]
    assert stranger.name in after.experts[str(outcome.pk)].tags[0]
    assert stranger.name not in before.experts[str(outcome.pk)].tags[0]


def test_a_demand_leaving_the_open_states_leaves_the_demand_index() -> None:
    load_demo()
    engine = OPEN_DEMANDS.get()
    demand = Demand.objects.filter(status="published").first()
    assert demand is not None and str(demand.pk) in engine.experts
    Demand.objects.filter(pk=demand.pk).update(status="closed")
    assert str(demand.pk) not in OPEN_DEMANDS.get().experts
    demand.enterprise.name = "改名后的企业"
    demand.enterprise.save()
    Demand.objects.filter(pk=demand.pk).update(status="published")
    assert OPEN_DEMANDS.get().experts[str(demand.pk)].institution == "改名后的企业"
