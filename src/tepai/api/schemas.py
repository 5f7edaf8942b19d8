"""Schemas shared by every endpoint: linked records, errors, pages."""

from __future__ import annotations

import datetime
from typing import Annotated, Any

from ninja import Schema
from pydantic import Field, create_model

# The largest value a database integer column holds (PostgreSQL bigint, SQLite INTEGER).
# Every integer the API reads is bounded by it, so an oversized number is a 422 naming the
# field rather than an OverflowError in the database driver (issue 9, finding 5).
DB_INT_MAX = 2**63 - 1
DB_INT_MIN = -(2**63)

DbInt = Annotated[int, Field(ge=DB_INT_MIN, le=DB_INT_MAX)]
"""Any integer stored in the database."""

RecordIdInt = Annotated[int, Field(ge=1, le=DB_INT_MAX)]
"""The id of a record (ids start at 1)."""


class Ref(Schema):
    """A linked record as its id and display name (e.g. a demand's enterprise)."""

    id: int = Field(description="记录 ID")
    name: str = Field(description="显示名称")

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj)


class ErrorDetail(Schema):
    code: str = Field(
        description="错误代码（稳定的英文标识）：invalid_body（400，请求体不是有效的 JSON）；"
        "not_authenticated、invalid_token、token_expired（401）；"
        "permission_denied、csrf_failed、password_change_required（403）；not_found（404）；"
        "method_not_allowed（405）；conflict、invalid_transition、invalid_state（409）；"
        "validation_error（422）；server_error（500）"
    )
    message: str = Field(description="中文说明")
    fields: dict[str, list[str]] = Field(description="各字段的问题（字段名 → 问题列表），无则为空")


class ErrorOut(Schema):
    """The body of every error answer."""

    error: ErrorDetail = Field(description="错误")


ERRORS: dict[int, type[Schema]] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
# Requests with a body may also get 400: the body is not JSON (or not UTF-8) at all.
WRITE_ERRORS: dict[int, type[Schema]] = {400: ErrorOut, **ERRORS, 409: ErrorOut}


def page_of(item: type[Schema]) -> type[Schema]:
    """Return the paginated-list schema ``<Item>Page`` for ``item`` (named for the OpenAPI)."""
    name = item.__name__.removesuffix("Out") + "Page"
    return create_model(
        name,
        __base__=Schema,
        __doc__=f"分页列表：{item.__doc__ or item.__name__}",
        count=(int, Field(description="符合条件的记录总数")),
        next=(str | None, Field(description="下一页的地址，已是最后一页时为 null")),
        previous=(str | None, Field(description="上一页的地址，已是第一页时为 null")),
        results=(list[item], Field(description="本页记录")),  # type: ignore[valid-type]
    )


def label_of(field: str, description: str) -> Any:
    """Return a schema field that reads the Chinese label of the model's choice ``field``."""
    return Field(validation_alias=f"get_{field}_display", description=description)


class RecordOut(Schema):
    """Fields every registry record has."""

    id: int = Field(description="记录 ID")
    code: str = Field(description="编号（可为空）")
    created_at: datetime.datetime = Field(description="创建时间")
    updated_at: datetime.datetime = Field(description="更新时间")
