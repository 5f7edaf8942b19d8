"""The work-log form narrows its long enterprise list as the commissioner types (issue 11)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tepai.testing.factories import make_enterprise

from .world import build_world


@pytest.mark.django_db(transaction=True)
def test_typing_part_of_a_name_narrows_the_enterprises_and_picks_the_only_match(
    phone: Any, login: Any, screenshot: Any
) -> None:
    world = build_world()
    for n in range(30):
        make_enterprise(f"库车县第{n}棉纺有限公司")
    login(phone, world.commissioner)
    phone.goto("/me/")
    form = phone.locator("#log form")
    box = form.locator("input.choice-search")
    expect(box).to_be_visible()
    box.fill(world.mine.name[2:6])
    select = form.locator("select[name=enterprise]")
    expect(select).to_have_value(str(world.mine.pk))
    visible = select.evaluate("s => [...s.options].filter(o => !o.hidden && o.value).length")
    assert visible == 1
    box.fill("棉纺")
    visible = select.evaluate("s => [...s.options].filter(o => !o.hidden && o.value).length")
    assert visible == 30
    screenshot(phone, "phone-worklog-enterprise-search")
