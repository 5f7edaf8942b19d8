"""Warming the engine: every index built once, the vector cache filled, progress logged."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Collection, Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse

from tepai.commissioners.models import Commissioner
from tepai.demands.models import Demand, DemandStatus
from tepai.demo.loader import load_demo
from tepai.outcomes.models import Outcome
from tepai.recommender import live, service, warmup
from tepai.recommender.catalogs import OPEN_DEMANDS, OUTCOMES
from tepai.recommender.live import EXPERTS
from tepai.testing.factories import make_commissioner, make_enterprise


@pytest.fixture(autouse=True)
def _fresh_indexes(tmp_path: Path) -> Iterator[None]:
    # An empty vector cache of this test's own (build_encoder keys on the directory), so
    # what the warm-up did not cache shows as a miss.
    live.reset()
    with override_settings(TEPAI_MATCH_ENCODER="hashing", TEPAI_CACHE_DIR=tmp_path):
        yield
    live.reset()


def _small_programme() -> None:
    for name, field in (("棉纺专家", "棉纺织"), ("印染专家", "印染工艺"), ("果树专家", "林果栽培")):
        make_commissioner(name=name, research_fields=[field])
    Outcome.objects.create(title="高支棉纱纺纱工艺", description="降低断头率")
    Demand.objects.create(
        enterprise=make_enterprise("阿克苏纺织厂"),
        title="棉纱断头率高",
        problem="纺纱工艺落后",
        status=DemandStatus.PUBLISHED,
    )


def _misses() -> int:
    encoder = service.build_encoder()
    assert encoder is not None
    return encoder.stats().misses


@pytest.mark.django_db
def test_warm_up_builds_every_index_and_logs_its_progress(
    caplog: pytest.LogCaptureFixture,
) -> None:
    _small_programme()
    caplog.set_level(logging.INFO, logger="tepai.recommender.warmup")
    done = warmup.warm_up()
    assert EXPERTS.built and OUTCOMES.built and OPEN_DEMANDS.built
    assert done.indexed == {"名特派员": 3, "项科技成果": 1, "项开放需求": 1}
    assert done.query_texts > 0
    messages = [record.getMessage() for record in caplog.records]
    assert "匹配引擎预热：已索引 3/3 名特派员" in messages
    assert "匹配引擎预热：已索引 1/1 项开放需求" in messages
    final = messages[-1]
    assert final.startswith("匹配引擎预热完成：3 名特派员，1 项科技成果，1 项开放需求，用时 ")
    assert final.endswith(" 秒")


def test_the_settings_send_tepai_info_messages_to_the_console() -> None:
    logger = logging.getLogger("tepai.recommender.warmup")
    assert logger.isEnabledFor(logging.INFO)
    handlers = logging.getLogger().handlers  # the root logger's, which tepai's reach
    assert any(type(handler) is logging.StreamHandler for handler in handlers)


@pytest.mark.django_db
def test_after_the_demo_warm_up_matching_encodes_nothing_new() -> None:
    load_demo()
    warmup.warm_up()
    before = _misses()
    builds = EXPERTS.builds
    bare = Demand.objects.filter(required_skills=[]).first()  # team skills from keywords
    for record in [*Demand.objects.order_by("pk")[:3], *([bare] if bare else [])]:
        engine = live.shared_engine()
        service.recommend(engine, record, 10)
        service.propose_team(engine, record)
        service.recommend_outcomes(record, 5)
    service.recommend_demands(Commissioner.objects.get(code="ZJ2-16"), 5)
    call_command("match", "recommend", "--demand", "D-001", stdout=StringIO())
    assert _misses() == before, "a query text was not in the vector cache"
    assert EXPERTS.builds == builds  # and nothing was indexed again


@pytest.mark.django_db(transaction=True)
def test_a_request_during_the_background_warm_up_shares_its_build() -> None:
    _small_programme()
    entered = threading.Event()
    original = EXPERTS._load

    def slow_load(pks: Collection[int] | None) -> Any:
        entered.set()
        time.sleep(0.3)  # the request below arrives while the warm-up builds
        return original(pks)

    builds = EXPERTS.builds
    EXPERTS._load = slow_load
    try:
        thread = warmup.start_background(queries=False)
        assert entered.wait(10)
        engine = live.shared_engine()  # waits for the build, then shares it
        thread.join(30)
    finally:
        EXPERTS._load = original
    assert not thread.is_alive()
    assert EXPERTS.builds == builds + 1  # one build, shared by the warm-up and the request
    assert live.shared_engine() is engine
    assert len(engine) == 3


@pytest.mark.django_db
def test_the_first_matching_page_after_the_warm_up_builds_and_encodes_nothing() -> None:
    from tepai.accounts.models import Account
    from tepai.accounts.roles import Role
    from tepai.engagements.tests.conftest import make_user

    _small_programme()
    warmup.warm_up()
    before, builds = _misses(), EXPERTS.builds
    admin = make_user("clerk", Role.ADMIN)
    assert Account.objects.filter(user=admin).exists()
    client = Client()
    client.force_login(admin)
    demand = Demand.objects.get()
    page = client.get(reverse("engagements:demand-matching", args=[demand.pk]))
    assert page.status_code == 200
    assert "棉纺专家" in page.content.decode()
    assert (_misses(), EXPERTS.builds) == (before, builds)
