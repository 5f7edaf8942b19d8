"""Profile completeness: which parts of a commissioner's matching profile are filled in."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from tepai.commissioners.models import Commissioner, WorkItem
from tepai.commissioners.profile import CompletenessLevel, profile_completeness
from tepai.core.tests.import_helpers import make_commissioner

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u4e00-\u9fff]")


def _state(commissioner: Commissioner) -> tuple[int, str, list[str]]:
    profile = profile_completeness(commissioner)
    return profile.percent, profile.level, [part.key for part in profile.missing]


def test_a_roster_line_alone_is_incomplete_and_each_part_adds_a_third() -> None:
    commissioner = make_commissioner("张三", research_fields=["纺织"])
    assert _state(commissioner) == (33, CompletenessLevel.INCOMPLETE, ["bio", "work_items"])

    commissioner.bio = "长期从事棉纺织工艺研究。"
    assert _state(commissioner) == (67, CompletenessLevel.PARTIAL, ["work_items"])

    WorkItem.objects.create(commissioner=commissioner, kind="other", title="彩棉纺纱工艺")
    assert _state(commissioner) == (100, CompletenessLevel.COMPLETE, [])


def test_blank_bio_and_fields_count_as_missing() -> None:
    commissioner = make_commissioner("张三", research_fields=[" "], bio=" \n ")
    WorkItem.objects.create(commissioner=commissioner, kind="paper", title="论文")

    profile = profile_completeness(commissioner)

    assert (profile.percent, profile.level) == (33, CompletenessLevel.INCOMPLETE)
    assert [part.key for part in profile.missing] == ["fields", "bio"]
    assert profile.by_key["work_items"].count == 1


def test_it_counts_keywords_and_work_items() -> None:
    commissioner = make_commissioner("张三", research_fields=["纺织", "翅片积灰"], bio="简介")
    for title in ("甲", "乙"):
        WorkItem.objects.create(commissioner=commissioner, kind="paper", title=title)

    profile = profile_completeness(commissioner)

    assert [(part.key, part.present, part.count) for part in profile.parts] == [
        ("fields", True, 2),
        ("bio", True, 1),
        ("work_items", True, 2),
    ]


def test_prefetched_work_items_need_no_query() -> None:
    make_commissioner("张三")
    commissioner = Commissioner.objects.prefetch_related("work_items").get()

    with CaptureQueriesContext(connection) as queries:
        profile_completeness(commissioner)

    assert len(queries) == 0


def test_labels_and_prompts_are_translated() -> None:
    profile = profile_completeness(make_commissioner("张三"))
    with translation.override("en"):
        english = [str(part.label) for part in profile.parts] + [str(profile.level.label)]
        prompts = [str(part.prompt) for part in profile.missing]
    with translation.override("zh-hans"):
        chinese = [str(part.label) for part in profile.parts]

    assert english == ["Research fields/keywords", "Biography", "Representative work", "Incomplete"]
    assert len(prompts) == 3
    assert not any(CJK.search(prompt) for prompt in prompts), prompts
    assert chinese == ["研究方向/关键词", "个人简介", "代表性成果"]
