"""A recommendation is the same whatever language the page is in."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.utils import translation

from tepai.demands.models import Demand
from tepai.demo.loader import load_demo
from tepai.matching import MatchingEngine, MatchResult
from tepai.recommender.conversion import commissioner_queryset, demand_from, experts_from

pytestmark = pytest.mark.django_db


def _match_in(language: str, code: str) -> MatchResult:
    # Everything built inside the language: the experts' records, the demand, the ranking.
    with translation.override(language):
        engine = MatchingEngine(encoder=None)
        engine.index(experts_from(commissioner_queryset()))
        record = Demand.objects.select_related("enterprise").get(code=code)
        return engine.match(demand_from(record), 5)


@override_settings(TEPAI_MATCH_ENCODER="hashing")
@pytest.mark.parametrize("code", ["D-026", "D-042", "D-007"])
def test_recommendations_scores_and_texts_do_not_depend_on_the_language(code: str) -> None:
    load_demo()
    chinese, english = _match_in("zh-hans", code), _match_in("en", code)
    assert chinese.recommendations
    assert [
        (r.expert_id, r.score, r.confidence, r.explanation and r.explanation.text)
        for r in chinese.recommendations
    ] == [
        (r.expert_id, r.score, r.confidence, r.explanation and r.explanation.text)
        for r in english.recommendations
    ]
    assert (chinese.no_fit, chinese.fit_probability) == (english.no_fit, english.fit_probability)
    # The cluster reaches the engine in Chinese whatever the language (it is compared with
    # the experts' clusters, and shown in the Chinese explanation).
    record = Demand.objects.get(code=code)
    with translation.override("zh-hans"):
        chinese_label = demand_from(record).cluster
    with translation.override("en"):
        assert demand_from(record).cluster == chinese_label != record.get_cluster_display()
