"""Trust on every surface: "nobody here fits", confidence, filters, thin roster profiles."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from tepai.engagements.tests.conftest import World, make_demand
from tepai.testing.factories import make_batch, make_commissioner


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _recommend(*args: str) -> dict[str, Any]:
    out = StringIO()
    call_command("match", "recommend", *args, "--format", "json", stdout=out)
    result: dict[str, Any] = json.loads(out.getvalue())
    return result


def _chip_demand(world: World):  # type: ignore[no-untyped-def]
    return make_demand(
        world.enterprise,
        title="功率模块封装焊料层空洞率高",
        problem="IGBT功率模块真空回流焊后焊料层空洞率超过5%，芯片结温升高，键合线脱落。",
        target="空洞率降到1%以下",
    )


def test_a_demand_nobody_fits_says_so_on_the_page_the_cli_and_the_api(world: World) -> None:
    demand = _chip_demand(world)
    data = _recommend("--demand", str(demand.pk))
    assert data["no_fit"] is True
    assert data["no_fit_reason"].startswith("现有特派员中没有合适人选")
    assert data["uncovered"]
    assert all(row["confidence"] == "低" for row in data["recommendations"])
    assert any(line.startswith("建议向派出单位征集") for line in data["advice"])

    page = _client(world.admin).get(reverse("engagements:demand-matching", args=[demand.pk]))
    html = page.content.decode()
    assert data["no_fit_reason"] in html
    assert 'class="eg-nofit"' in html

    api = _client(world.admin).get(f"/api/demands/{demand.pk}/recommendations")
    body = api.json()
    assert body["no_fit"] is True and body["no_fit_reason"] == data["no_fit_reason"]
    assert [r["confidence"] for r in body["results"]] == [
        r["confidence"] for r in data["recommendations"][: len(body["results"])]
    ]


def test_a_fitting_demand_is_not_flagged_and_shows_its_confidence(world: World) -> None:
    data = _recommend("--demand", str(world.demand.pk))
    assert data["no_fit"] is False and data["no_fit_reason"] == ""
    top = data["recommendations"][0]
    assert top["name"] == "周印染" and top["confidence"] in {"高", "中"}
    html = (
        _client(world.admin)
        .get(reverse("engagements:demand-matching", args=[world.demand.pk]))
        .content.decode()
    )
    assert 'class="eg-nofit"' not in html
    assert "eg-confidence-" in html


def test_the_matching_page_filters_by_batch_centre_and_institution(world: World) -> None:
    url = reverse("engagements:demand-matching", args=[world.demand.pk])
    client = _client(world.admin)
    everyone = client.get(url).content.decode()
    assert "周印染" in everyone and "林果树" in everyone
    only_batch = client.get(url, {"batch": "第二批"}).content.decode()
    ranked = only_batch.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert "周印染" in ranked and "林果树" not in ranked
    assert '<option value="第二批" selected>' in only_batch
    # An unknown value is ignored (the choices come from the registries), not an error.
    assert client.get(url, {"institution": "不存在的大学"}).status_code == 200


def test_a_batch_from_a_roster_line_is_found_for_a_plain_demand_in_its_field(
    world: World,
) -> None:
    third = make_batch("第三批")
    spinner = make_commissioner(
        name="周纺纱",
        batch=third,
        institution="浙江理工大学",
        research_fields=["纺织工程", "纺纱学", "新型纱线"],
    )
    make_commissioner(
        name="陈热能",
        batch=third,
        institution="浙江大学",
        research_fields=["热能工程", "燃烧学", "污染物控制"],
    )
    make_commissioner(
        name="吴作物",
        batch=third,
        institution="浙江农林大学",
        research_fields=["作物栽培学与耕作学", "棉花生理"],
    )
    demand = make_demand(
        world.enterprise,
        title="细纱断头多",
        problem="细纱断头率高，夏天车间闷热，想降低能耗。",
        target="",
    )
    data = _recommend("--demand", str(demand.pk), "--batch", "第三批", "--top", "1")
    assert [row["name"] for row in data["recommendations"]] == [spinner.name]
