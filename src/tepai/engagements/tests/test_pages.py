"""Each page renders for its roles, answers 403 to the others, and its forms do their job."""

from __future__ import annotations

import datetime
import io

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from tepai.activities.models import Activity, ActivityKind
from tepai.core.choices import IndustryCluster
from tepai.demands.models import Demand, DemandStatus
from tepai.engagements import services
from tepai.engagements.models import Proposal, ProposalStatus
from tepai.engagements.tests.conftest import World, make_demand
from tepai.projects.contracts import confirm
from tepai.projects.models import ProjectStatus
from tepai.recommender.catalogs import OPEN_DEMANDS
from tepai.recommender.service import explain_pair
from tepai.testing.factories import make_commissioner

pytestmark = pytest.mark.django_db


def _png() -> bytes:
    # A real image: uploads are decoded and re-encoded, so a bare PNG signature is refused.
    out = io.BytesIO()
    Image.new("RGB", (2, 2), "white").save(out, format="PNG")
    return out.getvalue()


PNG = _png()


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _personas(world: World) -> dict[str, object]:
    return {
        "admin": world.admin,
        "auditor": world.auditor,
        "commissioner": world.commissioner_user,
        "enterprise": world.enterprise_user,
        "nobody": world.nobody,
    }


@pytest.mark.parametrize(
    ("name", "allowed"),
    [
        ("me", {"commissioner"}),
        ("company", {"enterprise"}),
        ("review", {"admin"}),
        ("lists", {"admin"}),
        ("demand-matching", {"admin", "auditor"}),
        ("company-demand-new", {"enterprise"}),
    ],
)
def test_pages_render_for_their_roles_and_refuse_the_others(
    world: World, name: str, allowed: set[str]
) -> None:
    url = reverse(
        f"engagements:{name}", args=[world.demand.pk] if name == "demand-matching" else []
    )
    for persona, user in _personas(world).items():
        response = _client(user).get(url)
        expected = 200 if persona in allowed else 403
        assert response.status_code == expected, (persona, response.status_code)
    assert Client().get(url).status_code == 302  # anonymous: to the login page


def test_the_matching_page_explains_and_proposes(world: World) -> None:
    client = _client(world.admin)
    url = reverse("engagements:demand-matching", args=[world.demand.pk])
    page = client.get(url).content.decode()
    assert "周印染" in page and "推荐对接" in page
    assert "<mark>" in page  # matched terms are highlighted
    assert "建议组团" in page
    response = client.post(
        reverse("engagements:propose", args=[world.demand.pk]),
        {"commissioner": world.commissioner.pk},
        follow=True,
    )
    assert "已向特派员周印染推荐对接" in response.content.decode()
    proposal = Proposal.objects.get()
    assert proposal.created_by == world.admin and proposal.score > 0
    page = client.get(url).content.decode()
    assert "待回复" in page and "撤回" in page
    client.post(reverse("engagements:withdraw", args=[proposal.pk]))
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.WITHDRAWN


def test_auditors_see_the_matching_page_but_cannot_propose(world: World) -> None:
    client = _client(world.auditor)
    page = client.get(reverse("engagements:demand-matching", args=[world.demand.pk]))
    assert "推荐对接</button>" not in page.content.decode()
    response = client.post(
        reverse("engagements:propose", args=[world.demand.pk]),
        {"commissioner": world.commissioner.pk},
    )
    assert response.status_code == 403
    assert not Proposal.objects.exists()


def test_commissioner_answers_in_the_workspace(world: World) -> None:
    proposal = services.propose(world.demand, world.commissioner, world.admin)
    client = _client(world.commissioner_user)
    page = client.get(reverse("engagements:me")).content.decode()
    assert world.demand.title in page and "拒绝原因" in page
    answer = reverse("engagements:answer", args=[proposal.pk])
    response = client.post(answer, {"accept": "0", "reason": ""}, follow=True)
    assert "拒绝时请选择原因" in response.content.decode()
    client.post(answer, {"accept": "1"})
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.COMMISSIONER_ACCEPTED


def test_date_fields_render_as_iso_so_browsers_keep_them(world: World) -> None:
    # <input type="date"> only accepts YYYY-MM-DD; a localised 2024/05/01 shows as empty.
    page = _client(world.commissioner_user).get(reverse("engagements:me")).content.decode()
    today = timezone.localdate().isoformat()
    assert f'value="{today}"' in page


def test_the_workspace_suggests_open_demands_that_fit_the_commissioner(world: World) -> None:
    OPEN_DEMANDS.reset()
    world.demand.status = DemandStatus.PUBLISHED
    world.demand.save()
    page = _client(world.commissioner_user).get(reverse("engagements:me")).content.decode()
    suggested = page.split('id="suggested"', 1)[1].split("</section>", 1)[0]
    assert reverse("web:demands-detail", args=[world.demand.pk]) in suggested
    # The same score and wording as the demand's matching page shows for this pair.
    _score, explanation, _terms = explain_pair(world.demand, world.commissioner)
    assert explanation and explanation in suggested
    world.demand.status = DemandStatus.CLOSED
    world.demand.save()
    page = _client(world.commissioner_user).get(reverse("engagements:me")).content.decode()
    assert "暂无与您方向相近的开放需求" in page


def _profile_section(client: Client) -> str:
    page = client.get(reverse("engagements:me")).content.decode()
    return page.split('id="profile"', 1)[1].split("</section>", 1)[0]


def test_the_workspace_shows_how_complete_the_matching_profile_is(world: World) -> None:
    # 周印染 has research fields and a work item but no bio.
    client = _client(world.commissioner_user)
    section = _profile_section(client)
    assert "完整度 67%" in section and "基本完整" in section
    assert "研究方向/关键词：已填写 2 项" in section
    assert "代表性成果：已填写 1 项" in section
    assert "个人简介：未填写" in section
    assert "补充个人简介" in section and "添加代表性成果：" not in section
    edit = reverse("web:commissioners-edit", args=[world.commissioner.pk])
    mine = f"{reverse('web:work-items-list')}?commissioner={world.commissioner.pk}"
    assert f'href="{edit}"' in section
    assert f'href="{reverse("web:work-items-create")}"' in section
    assert f'href="{mine}"' in section
    # The links lead to pages the commissioner may use: their profile form, a new work item.
    assert client.get(edit).status_code == 200
    assert client.get(reverse("web:work-items-create")).status_code == 200
    assert "印染车间在线测色与染色自动化" in client.get(mine).content.decode()

    world.commissioner.bio = "长期从事印染工艺研究。"
    world.commissioner.save()
    section = _profile_section(client)
    assert "完整度 100%" in section and "请补充" not in section


def test_a_roster_only_profile_asks_for_outcomes_and_a_bio_in_either_language(
    world: World,
) -> None:
    client = _client(world.other_commissioner_user)  # 林果树: one research field, nothing else
    section = _profile_section(client)
    assert "完整度 33%" in section and "待完善" in section
    assert "添加代表性成果：" in section and "补充个人简介：" in section

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    section = _profile_section(client)
    assert "33% complete" in section and "Incomplete" in section
    assert "Research fields/keywords: 1 entry" in section
    assert "Biography: missing" in section
    assert "Add representative work: projects you led" in section
    assert "Add a biography:" in section


def test_nobody_answers_someone_elses_proposal(world: World) -> None:
    proposal = services.propose(world.demand, world.commissioner, world.admin)
    answer = reverse("engagements:answer", args=[proposal.pk])
    assert _client(world.other_commissioner_user).post(answer, {"accept": "1"}).status_code == 403
    assert _client(world.other_enterprise_user).post(answer, {"accept": "1"}).status_code == 403
    assert _client(world.auditor).post(answer, {"accept": "1"}).status_code == 403
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PENDING


def test_enterprise_declines_with_a_reason_and_both_accepting_signs(world: World) -> None:
    first = services.propose(world.demand, world.commissioner, world.admin)
    second = services.propose(world.demand, world.other_commissioner, world.admin, score=0.1)
    client = _client(world.enterprise_user)
    page = client.get(reverse("engagements:company")).content.decode()
    assert "周印染" in page and "林果树" in page
    client.post(
        reverse("engagements:answer", args=[second.pk]),
        {"accept": "0", "reason": "mismatch", "text": ""},
    )
    second.refresh_from_db()
    assert (second.status, second.decline_reason) == ("declined", "mismatch")
    client.post(reverse("engagements:answer", args=[first.pk]), {"accept": "1"})
    _client(world.commissioner_user).post(
        reverse("engagements:answer", args=[first.pk]), {"accept": "1"}
    )
    first.refresh_from_db()
    assert first.status == ProposalStatus.ACCEPTED and first.project is not None
    # A draft contract waits for the administrator (issue 11); the demand with it.
    world.demand.refresh_from_db()
    assert world.demand.status == DemandStatus.MATCHING
    first.project.amount, first.project.signed_on = 12, datetime.date(2024, 6, 1)
    first.project.save()
    confirm(first.project, world.admin)
    world.demand.refresh_from_db()
    assert world.demand.status == DemandStatus.SIGNED
    detail = client.get(reverse("engagements:company-demand", args=[world.demand.pk]))
    assert "已签约" in detail.content.decode()


def test_enterprise_posts_a_demand_that_waits_for_review(world: World) -> None:
    client = _client(world.enterprise_user)
    response = client.post(
        reverse("engagements:company-demand-new"),
        {
            "title": "红枣分级分选",
            "problem": "人工分拣效率低",
            "current_solution": "人工",
            "target": "每小时3吨",
            "required_skills": "机器视觉、分选设备",
            "cluster": "other",
            "budget": "50",
            "deadline": "2025-06-30",
            "collaboration_mode": "joint_rd",
        },
    )
    demand = Demand.objects.get(title="红枣分级分选")
    assert response.status_code == 302
    assert demand.enterprise == world.enterprise
    assert demand.status == DemandStatus.PENDING_REVIEW
    assert demand.required_skills == ["机器视觉", "分选设备"]
    # The same title again is a field error, not a crash.
    again = client.post(
        reverse("engagements:company-demand-new"),
        {"title": "红枣分级分选", "problem": "x", "cluster": "other"},
    )
    assert "本企业已有名为“红枣分级分选”的需求" in again.content.decode()


def test_enterprises_see_only_their_own_demands(world: World) -> None:
    url = reverse("engagements:company-demand", args=[world.demand.pk])
    assert _client(world.enterprise_user).get(url).status_code == 200
    assert _client(world.other_enterprise_user).get(url).status_code == 404
    edit = reverse("engagements:company-demand-edit", args=[world.demand.pk])
    assert _client(world.other_enterprise_user).get(edit).status_code == 404


def test_review_queue_publishes_or_sends_back(world: World) -> None:
    first = make_demand(world.enterprise, DemandStatus.PENDING_REVIEW, title="甲")
    second = make_demand(world.enterprise, DemandStatus.PENDING_REVIEW, title="乙")
    client = _client(world.admin)
    page = client.get(reverse("engagements:review")).content.decode()
    assert "甲" in page and "乙" in page
    client.post(reverse("engagements:review-demand", args=[first.pk]), {"decision": "publish"})
    response = client.post(
        reverse("engagements:review-demand", args=[second.pk]),
        {"decision": "return", "note": ""},
        follow=True,
    )
    assert "退回修改时请写明需要修改的地方" in response.content.decode()
    client.post(
        reverse("engagements:review-demand", args=[second.pk]),
        {"decision": "return", "note": "请补充预算"},
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (DemandStatus.PUBLISHED, DemandStatus.DRAFT)
    # The enterprise sees the note, edits and resubmits.
    company = _client(world.enterprise_user)
    edit = reverse("engagements:company-demand-edit", args=[second.pk])
    assert "请补充预算" in company.get(edit).content.decode()
    company.post(
        edit, {"title": "乙", "problem": "补充后的描述", "cluster": "other", "budget": "5"}
    )
    second.refresh_from_db()
    assert second.status == DemandStatus.PENDING_REVIEW and second.budget == 5


def test_commissioner_logs_work_with_a_photo(world: World) -> None:
    client = _client(world.commissioner_user)
    response = client.post(
        reverse("engagements:log-activity"),
        {
            "date": "2024-06-01",
            "kind": ActivityKind.ENTERPRISE_SERVICE,
            "quantity": "1",
            "enterprise": world.enterprise.pk,
            "notes": "现场诊断染色工艺",
            "photo": SimpleUploadedFile("site.png", PNG, content_type="image/png"),
        },
    )
    assert response.status_code == 302
    activity = Activity.objects.get()
    assert list(activity.commissioners.all()) == [world.commissioner]
    assert list(activity.enterprises.all()) == [world.enterprise]
    assert activity.batch is not None and activity.batch.name == "第二批"
    assert activity.date == datetime.date(2024, 6, 1)
    photo = client.get(reverse("engagements:activity-photo", args=[activity.pk]))
    # An opaque picture is stored (and served) as a JPEG, whatever it came as.
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"
    # Somebody who may not read the record does not get its photo.
    other = _client(world.other_commissioner_user)
    assert other.get(reverse("engagements:activity-photo", args=[activity.pk])).status_code == 404
    page = client.get(reverse("engagements:me")).content.decode()
    assert "现场诊断" in page


def test_commissioner_logs_work_with_teammates_and_place(world: World) -> None:
    batch = world.commissioner.batches.get()
    teammate = make_commissioner(name="钱纺织", batch=batch)
    client = _client(world.commissioner_user)
    page = client.get(reverse("engagements:me")).content.decode()
    # The form comes right after the proposals waiting for an answer, above the profile and
    # the suggestions, so that on a phone it is the first thing below them.
    assert page.index('id="log"') < page.index('id="profile"') < page.index('id="suggested"')
    # Only the batch's other members are offered: not oneself, not somebody from elsewhere.
    assert "钱纺织" in page and world.other_commissioner.name not in page
    fields = {
        "date": "2024-06-02",
        "kind": ActivityKind.TRAINING,
        "quantity": "12",
        "place": "阿瓦提县",
        "notes": "染色工艺培训",
    }
    outsider = client.post(
        reverse("engagements:log-activity"),
        {**fields, "co_participants": [world.other_commissioner.pk]},
    )
    assert outsider.status_code == 200 and not Activity.objects.exists()
    response = client.post(
        reverse("engagements:log-activity"), {**fields, "co_participants": [teammate.pk]}
    )
    assert response.status_code == 302
    activity = Activity.objects.get()
    assert activity.place == "阿瓦提县"
    assert set(activity.commissioners.all()) == {world.commissioner, teammate}
    # The record counts for the teammate too, and they may open it.
    assert Activity.objects.filter(commissioners=teammate).count() == 1
    assert "阿瓦提县" in client.get(reverse("engagements:me")).content.decode()


def test_the_log_form_refuses_non_images_and_explains(world: World) -> None:
    client = _client(world.commissioner_user)
    response = client.post(
        reverse("engagements:log-activity"),
        {
            "date": "2024-06-01",
            "kind": ActivityKind.TRAINING,
            "quantity": "3",
            "is_trial": "on",
            "photo": SimpleUploadedFile("x.png", b"MZ not an image", content_type="image/png"),
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "照片：无法识别为图片" in page
    assert "只有“品种引进”可以标为试验示范" in page
    assert not Activity.objects.exists()


def test_enterprise_rates_a_completed_project_once(world: World) -> None:
    proposal = services.propose(world.demand, world.commissioner, world.admin, score=0.5)
    services.respond(proposal, services.Party.COMMISSIONER, True)
    proposal = services.respond(proposal, services.Party.ENTERPRISE, True)
    project = proposal.project
    assert project is not None
    client = _client(world.enterprise_user)
    assert "完成（验收）后可评价" in client.get(reverse("engagements:company")).content.decode()
    project.status = ProjectStatus.ACCEPTED
    project.save()
    assert "提交评价" in client.get(reverse("engagements:company")).content.decode()
    rate = reverse("engagements:rate", args=[project.pk])
    assert _client(world.other_enterprise_user).post(rate, {"score": "5"}).status_code == 404
    client.post(rate, {"score": "4", "comment": "很好"})
    assert project.rating.score == 4
    assert "已评价：4 分" in client.get(reverse("engagements:company")).content.decode()


def test_a_new_demand_starts_in_the_enterprise_s_cluster(world: World) -> None:
    world.enterprise.cluster = IndustryCluster.COTTON_TEXTILE
    world.enterprise.save()
    client = Client()
    client.force_login(world.enterprise_user)
    form = client.get("/company/demands/new/").context["form"]
    assert form["cluster"].value() == IndustryCluster.COTTON_TEXTILE


def test_the_log_form_says_what_to_count_for_each_kind(world: World) -> None:
    html = _client(world.commissioner_user).get("/me/").content.decode()
    assert "数量（人数、人次、个数或批次）" in html
    assert "培训帮带填培训人数；入疆服务填人次" in html
