"""Every kind of error answers in the one shape: {"error": {"code", "message", "fields"}}."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tepai.api.endpoints import reports
from tepai.api.tests.world import World
from tepai.demands.models import DemandStatus

pytestmark = pytest.mark.django_db

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert list(body) == ["error"]
    error: dict[str, Any] = body["error"]
    assert set(error) == {"code", "message", "fields"}
    assert error["code"] == code
    assert CHINESE.search(error["message"]), error["message"]
    assert isinstance(error["fields"], dict)
    return error


def test_401_not_signed_in(world: World) -> None:
    _error(world.client(None).get("/api/me"), 401, "not_authenticated")


def test_403_no_permission(world: World) -> None:
    error = _error(
        world.client("auditor").post("/api/institutions/", {"name": "审计员建的单位"}),
        403,
        "permission_denied",
    )
    assert "单位" in error["message"]


def test_403_names_the_fields_a_role_may_not_change(world: World) -> None:
    error = _error(
        world.client("commissioner").patch(
            f"/api/commissioners/{world.me.pk}", {"name": "改名", "bio": "新简介"}
        ),
        403,
        "permission_denied",
    )
    assert list(error["fields"]) == ["name"]


def test_404_unknown_record(world: World) -> None:
    error = _error(world.client("admin").get("/api/demands/999999"), 404, "not_found")
    assert "999999" in error["message"]


def test_404_record_the_user_may_not_see_looks_the_same_as_a_missing_one(world: World) -> None:
    client = world.client("enterprise")
    hidden = _error(client.get(f"/api/demands/{world.demand_other_draft.pk}"), 404, "not_found")
    missing = _error(client.get("/api/demands/999999"), 404, "not_found")
    assert hidden["message"].replace(str(world.demand_other_draft.pk), "N") == missing[
        "message"
    ].replace("999999", "N")


@pytest.mark.parametrize("path", ["/api/nothing-here", "/api/demands/abc", "/api/"])
def test_404_unknown_address(world: World, path: str) -> None:
    _error(world.client("admin").get(path), 404, "not_found")


def test_404_page_past_the_end(world: World) -> None:
    error = _error(world.client("admin").get("/api/demands/", {"page": 9}), 404, "not_found")
    assert "page" in error["fields"]


def test_405_method_not_allowed(world: World) -> None:
    response = world.client("admin").send("DELETE", f"/api/demands/{world.demand_mine.pk}")
    _error(response, 405, "method_not_allowed")
    assert "GET" in response["Allow"]


def test_422_wrong_json_types_name_each_field(world: World) -> None:
    error = _error(
        world.client("admin").post(
            "/api/demands/",
            {"title": 7, "budget": "很多", "deadline": "明天", "surprise": 1},
        ),
        422,
        "validation_error",
    )
    assert error["fields"] == {
        "title": ["应为文本"],
        "problem": ["必填项，不能缺少"],
        "budget": ["应为数字"],
        "deadline": ["应为日期，格式 YYYY-MM-DD"],
        "surprise": ["不是可提交的字段"],
    }
    assert "problem" in error["message"]


def test_422_values_the_form_refuses_are_explained_in_chinese(world: World) -> None:
    error = _error(
        world.client("admin").post(
            "/api/enterprises/",
            {"name": world.other.name, "contact_phone": "12345", "credit_code": "ABC"},
        ),
        422,
        "validation_error",
    )
    assert set(error["fields"]) == {"name", "contact_phone", "credit_code"}
    assert "企业名称" in error["message"]
    assert all(CHINESE.search(problems[0]) for problems in error["fields"].values())


def test_422_bad_query_parameters(world: World) -> None:
    error = _error(
        world.client("admin").get("/api/demands/", {"page_size": 1000, "status": "lost"}),
        422,
        "validation_error",
    )
    assert error["fields"]["page_size"] == ["不能大于 100"]
    assert "status" in error["fields"]


def test_409_transition_the_workflow_does_not_allow(world: World) -> None:
    error = _error(
        world.client("admin").post(
            f"/api/demands/{world.demand_mine.pk}/transition", {"status": "signed"}
        ),
        409,
        "invalid_transition",
    )
    assert "草稿" in error["message"] and "已签约" in error["message"]
    world.demand_mine.refresh_from_db()
    assert world.demand_mine.status == DemandStatus.DRAFT


def test_409_enterprise_editing_a_published_demand(world: World) -> None:
    world.demand_mine.transition_to(DemandStatus.PENDING_REVIEW)
    world.demand_mine.transition_to(DemandStatus.PUBLISHED)
    error = _error(
        world.client("enterprise").patch(
            f"/api/demands/{world.demand_mine.pk}", {"title": "改个名字"}
        ),
        409,
        "invalid_state",
    )
    assert "已发布" in error["message"]


def test_500_unexpected_failure(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(reports, "kpi_report", broken)
    error = _error(world.client("admin").get("/api/reports/kpi"), 500, "server_error")
    assert "boom" not in error["message"]  # internals stay in the log
    assert any("boom" in str(record.exc_info) for record in caplog.records)
