"""The tepai REST API: one NinjaAPI mounted at ``/api/``.

Every endpoint requires a signed-in user (bearer token or browser session) and answers
errors in the one shape of :mod:`tepai.api.errors`. The OpenAPI schema is at
``/api/openapi.json``; the interactive docs at ``/api/docs`` load Swagger UI from the static
files shipped in the django-ninja package, never from a CDN.
"""

from __future__ import annotations

from ninja import NinjaAPI, Swagger
from ninja.renderers import JSONRenderer

from tepai import __version__
from tepai.api.auth import BearerTokenAuth, SessionAuth
from tepai.api.endpoints import build_router
from tepai.api.errors import install_error_handlers

DESCRIPTION = """\
特派平台的 REST 接口。认证方式二选一：

- 接口令牌：请求头 `Authorization: Bearer <令牌>`，令牌由管理员用 `tepai token create 用户名` 生成；
- 浏览器会话：已登录网页的会话 Cookie，修改类请求须带 `X-CSRFToken` 请求头。

所见数据与网页一致：按角色过滤，手机号码和邮箱除管理员和本人外脱敏。列表分页参数为
`page`、`page_size`，返回 `count`、`next`、`previous`、`results`。所有错误均返回
`{"error": {"code": …, "message": …, "fields": {…}}}`。
"""


class Utf8JSONRenderer(JSONRenderer):
    # Chinese text as UTF-8 rather than \\u escapes: half the size and readable in logs.
    json_dumps_params = {"ensure_ascii": False}


def build_api() -> NinjaAPI:
    """Return the API with its authentication, error handlers and endpoints."""
    api = NinjaAPI(
        title="特派 · 科技特派员工作平台接口",
        version=__version__,
        description=DESCRIPTION,
        urls_namespace="api",
        auth=[BearerTokenAuth(), SessionAuth()],
        # validatorUrl: Swagger UI would otherwise fetch a badge from validator.swagger.io.
        docs=Swagger(settings={"validatorUrl": None, "persistAuthorization": False}),
        docs_url="/docs",
        openapi_url="/openapi.json",
        renderer=Utf8JSONRenderer(),
    )
    install_error_handlers(api)
    api.add_router("", build_router())
    return api


api = build_api()
