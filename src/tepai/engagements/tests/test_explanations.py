"""Explanations worth reading: telling terms only, no empty bullets, on real demo demands."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from tepai.accounts.roles import Role
from tepai.demands.models import Demand
from tepai.demo.loader import load_demo
from tepai.engagements.tests.conftest import make_user
from tepai.recommender import service
from tepai.recommender.live import shared_engine

pytestmark = pytest.mark.django_db

# Generic words the issue found in 匹配要点 (and the engine's own generic list's commonest),
# and bridges it found explaining nothing.
JUNK = {"研发", "项目", "生产", "科技", "试验", "直接", "运行", "技术", "研究", "方法", "系统"}
JUNK_BRIDGES = ("评价（需求中的“不安全”）", "计划（需求中的“停机”）", "自动化（需求中的“靠人”）")


def test_matched_terms_are_telling_and_bridges_real_on_every_demo_demand() -> None:
    load_demo()
    engine = shared_engine()
    for record in Demand.objects.select_related("enterprise"):
        result = service.recommend(engine, record, 5)
        for item in result.recommendations:
            explanation = item.explanation
            assert explanation is not None
            for term in explanation.matched_terms:
                assert len(term) >= 2 and term not in JUNK, (record.code, term)
            assert not any(bridge in explanation.text for bridge in JUNK_BRIDGES), explanation
            assert "同一产业集群（其他" not in explanation.text


def test_the_matching_page_lists_no_evidence_bullet_without_terms() -> None:
    load_demo()
    client = Client()
    client.force_login(make_user("clerk", Role.ADMIN))
    for code in ("D-026", "D-007", "D-042", "D-053"):
        record = Demand.objects.get(code=code)
        html = client.get(reverse("engagements:demand-matching", args=[record.pk])).content
        page = html.decode()
        for bullets in re.findall(r'<ul class="eg-evidence muted">(.*?)</ul>', page, re.S):
            for bullet in re.findall(r"<li>(.*?)</li>", bullets, re.S):
                assert "<mark>" in bullet, (code, bullet)
