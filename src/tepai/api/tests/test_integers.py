"""Integers at the API's boundary (issue 9, finding 5), and the answers around them.

Numbers above 2^63 in filters, ids and bodies reached the database driver and came back as
500s; non-numeric ids got the site's HTML 404 page; an unparsable body an undocumented 400.
"""

from __future__ import annotations

from typing import Any

import pytest

from tepai.api.main import api
from tepai.api.schemas import DB_INT_MAX
from tepai.api.tests.world import World

pytestmark = pytest.mark.django_db

HUGE = 99999999999999999999999999  # the example, far above 2^63


def _error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    error: dict[str, Any] = response.json()["error"]
    return error


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/demands/?enterprise={n}", "enterprise"),
        ("/api/commissioners/?batch={n}", "batch"),
        ("/api/projects/?commissioner={n}", "commissioner"),
        ("/api/intents/?outcome={n}", "outcome"),
        ("/api/reports/kpi?batch={n}", "batch"),
        ("/api/demands/?page={n}", "page"),
        ("/api/demands/{n}", "id"),
        ("/api/enterprises/{n}", "id"),
    ],
)
def test_a_huge_integer_in_a_query_or_path_is_a_422_naming_it(
    world: World, path: str, field: str
) -> None:
    error = _error(world.client("admin").get(path.format(n=HUGE)), 422)
    assert error["code"] == "validation_error"
    assert error["fields"][field] == [f"不能大于 {DB_INT_MAX}"]
    # The largest stored integer itself passes the boundary: nothing has that id.
    largest = world.client("admin").get(path.format(n=DB_INT_MAX))
    assert largest.status_code in (200, 404, 422), largest.content
    assert "不能大于" not in largest.content.decode()


def test_a_huge_integer_in_a_body_is_a_422_and_nothing_is_saved(world: World) -> None:
    client = world.client("admin")
    created = client.post("/api/demands/", {"title": "x", "problem": "y", "enterprise": HUGE})
    assert _error(created, 422)["fields"]["enterprise"] == [f"不能大于 {DB_INT_MAX}"]
    url = f"/api/activities/{world.activity_mine.pk}"
    changed = client.patch(url, {"quantity": HUGE})
    assert "quantity" in _error(changed, 422)["fields"]
    world.activity_mine.refresh_from_db()
    assert world.activity_mine.quantity != HUGE


@pytest.mark.parametrize("path", ["/api/demands/abc", "/api/demands/%0A", "/api/demands/1%0A"])
def test_a_non_numeric_id_is_a_json_404(world: World, path: str) -> None:
    assert _error(world.client("admin").get(path), 404)["code"] == "not_found"


def test_an_unparsable_body_is_a_documented_400(world: World) -> None:
    client = world.client("admin", token=True)
    response = client.django.post(
        "/api/demands/", b"\xff{", content_type="application/json", headers=client.headers
    )
    error = _error(response, 400)
    assert error["code"] == "invalid_body"
    assert "JSON" in error["message"]
    schema = api.get_openapi_schema(path_prefix="/api/")
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if "requestBody" in operation:
                assert "400" in map(str, operation["responses"]), f"{method.upper()} {path}"


def _integer_schemas(node: Any, where: str) -> list[tuple[str, dict[str, Any]]]:
    found = []
    if isinstance(node, dict):
        if node.get("type") == "integer":
            found.append((where, node))
        for key, value in node.items():
            found += _integer_schemas(value, f"{where}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _integer_schemas(value, f"{where}[{index}]")
    return found


def test_every_integer_the_api_reads_is_bounded_in_the_schema() -> None:
    schema = api.get_openapi_schema(path_prefix="/api/")
    inputs: list[tuple[str, Any]] = []
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            for parameter in operation.get("parameters", []):
                inputs.append((f"{method} {path} {parameter['name']}", parameter["schema"]))
            body = operation.get("requestBody", {}).get("content", {})
            for media in body.values():
                reference = media["schema"].get("$ref", "")
                name = reference.rsplit("/", 1)[-1]
                inputs.append((f"{method} {path} body", schema["components"]["schemas"][name]))
    unbounded = [
        where
        for label, node in inputs
        for where, integer in _integer_schemas(node, label)
        if "minimum" not in integer or integer.get("maximum", DB_INT_MAX + 1) > DB_INT_MAX
    ]
    assert not unbounded, unbounded
