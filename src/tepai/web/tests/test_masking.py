"""Phones and e-mails reach the browser only for users who may see them."""

from __future__ import annotations

import pytest

from tepai.web.tests.conftest import World

pytestmark = pytest.mark.django_db

PHONE, MASKED_PHONE = "13800001234", "138****1234"
EMAIL, MASKED_EMAIL = "zhangsan@example.com", "z***@example.com"


@pytest.mark.parametrize("who", ["auditor", "enterprise"])
def test_lists_and_details_mask_other_peoples_contacts(world: World, who: str) -> None:
    client = world.client(who)
    for url in ("/commissioners/", f"/commissioners/{world.me.pk}/"):
        html = client.get(url).content.decode()
        assert MASKED_PHONE in html and MASKED_EMAIL in html
        assert PHONE not in html and EMAIL not in html


def test_administrators_see_contacts_in_full(world: World) -> None:
    html = world.client("admin").get("/commissioners/").content.decode()
    assert PHONE in html and EMAIL in html


def test_a_commissioner_sees_their_own_contacts_but_not_a_colleagues(world: World) -> None:
    client = world.client("commissioner")
    own = client.get(f"/commissioners/{world.me.pk}/").content.decode()
    assert PHONE in own
    colleague = client.get(f"/commissioners/{world.colleague.pk}/").content.decode()
    assert "13900005678" not in colleague and "139****5678" in colleague


def test_an_enterprise_sees_its_own_contact_and_commissioners_see_it_masked(world: World) -> None:
    own = world.client("enterprise").get(f"/enterprises/{world.mine.pk}/").content.decode()
    assert "13700001111" in own and "boss@aksu.example.cn" in own
    seen = world.client("commissioner").get(f"/enterprises/{world.mine.pk}/").content.decode()
    assert "13700001111" not in seen and "137****1111" in seen
    assert "b***@aksu.example.cn" in seen


def test_forms_leave_out_contacts_the_user_may_not_see(world: World) -> None:
    form = world.client("admin").get(f"/commissioners/{world.me.pk}/edit/").context["form"]
    assert "phone" in form.fields
    own = world.client("commissioner").get(f"/commissioners/{world.me.pk}/edit/")
    assert "phone" in own.context["form"].fields
