"""The OpenAPI schema documents everything in Chinese, and the docs page works offline."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.staticfiles import finders

from tepai.api.main import api
from tepai.api.tests.world import World

CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return api.get_openapi_schema(path_prefix="/api/")


def _operations(schema: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [
        (f"{method.upper()} {path}", operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
    ]


def test_every_operation_has_a_chinese_summary_and_unique_id(schema: dict[str, Any]) -> None:
    operations = _operations(schema)
    assert [name for name, op in operations if not CHINESE.search(op.get("summary", ""))] == []
    ids = [op["operationId"] for _, op in operations]
    assert len(ids) == len(set(ids))


def test_every_parameter_is_described_in_chinese(schema: dict[str, Any]) -> None:
    undescribed = [
        f"{name}: {parameter['name']}"
        for name, operation in _operations(schema)
        for parameter in operation.get("parameters", [])
        if not CHINESE.search(parameter.get("description", ""))
    ]
    assert undescribed == []


def test_every_schema_field_is_described_in_chinese(schema: dict[str, Any]) -> None:
    undescribed = [
        f"{name}.{field}"
        for name, component in schema["components"]["schemas"].items()
        for field, spec in component.get("properties", {}).items()
        if not CHINESE.search(spec.get("description", ""))
    ]
    assert undescribed == []


def test_every_operation_documents_its_errors(schema: dict[str, Any]) -> None:
    for name, operation in _operations(schema):
        responses = {str(status): spec for status, spec in operation["responses"].items()}
        assert {"401", "403", "404", "422"} <= set(responses), name
        error = responses["401"]["content"]["application/json"]["schema"]
        assert error == {"$ref": "#/components/schemas/ErrorOut"}, name


def test_the_docs_page_loads_swagger_ui_from_this_server(world: World) -> None:
    page = world.client("admin").get("/api/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", html, re.IGNORECASE), html
    assets = re.findall(r'(?:src|href)="/static/([^"]+)"', html)
    assert {"ninja/swagger-ui-bundle.js", "ninja/swagger-ui.css"} <= set(assets)
    for asset in assets:
        assert finders.find(asset), f"{asset} is not among the static files"
    assert '"validatorUrl": null' in html  # no badge fetched from validator.swagger.io
