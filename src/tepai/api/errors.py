"""The API's one error shape and the exceptions that produce it.

Every error the API answers — bad credentials, missing permission, unknown record, invalid
input, a state conflict, a crash — has the body::

    {"error": {"code": "validation_error", "message": "中文说明", "fields": {"title": ["…"]}}}

``code`` is a stable English identifier for programs, ``message`` a Chinese sentence for
people, ``fields`` maps input field names to their problems (empty when none applies).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from tepai.demands.models import InvalidTransition
from tepai.demands.workflow import WorkflowError

logger = logging.getLogger(__name__)

FieldErrors = dict[str, list[str]]
_E = TypeVar("_E", bound=Exception)


class ApiError(Exception):
    """An error answered to the client: HTTP status, stable code, Chinese message, fields."""

    status = 400
    code = "bad_request"

    def __init__(
        self,
        message: str,
        *,
        fields: Mapping[str, Iterable[str]] | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = str(message)
        self.fields: FieldErrors = {
            name: [str(problem) for problem in problems]
            for name, problems in (fields or {}).items()
        }
        if code is not None:
            self.code = code


class NotAuthenticated(ApiError):
    status = 401
    code = "not_authenticated"


class Forbidden(ApiError):
    status = 403
    code = "permission_denied"


class NotFound(ApiError):
    status = 404
    code = "not_found"


class Conflict(ApiError):
    status = 409
    code = "conflict"


class InvalidInput(ApiError):
    status = 422
    code = "validation_error"


def error_body(code: str, message: str, fields: FieldErrors | None = None) -> dict[str, Any]:
    """Return the JSON body of an error."""
    return {"error": {"code": code, "message": str(message), "fields": fields or {}}}


def error_response(
    status: int, code: str, message: str, fields: FieldErrors | None = None
) -> JsonResponse:
    """Return an error as a JSON response (for views outside Ninja's handlers)."""
    return JsonResponse(
        error_body(code, message, fields), status=status, json_dumps_params={"ensure_ascii": False}
    )


# ----- pydantic's validation errors, in Chinese ----------------------------------------------

_PYDANTIC_MESSAGES: dict[str, Any] = {
    "missing": gettext_lazy("必填项，不能缺少"),
    "extra_forbidden": gettext_lazy("不是可提交的字段"),
    "int_parsing": gettext_lazy("应为整数"),
    "int_type": gettext_lazy("应为整数"),
    "int_from_float": gettext_lazy("应为整数"),
    "float_parsing": gettext_lazy("应为数字"),
    "float_type": gettext_lazy("应为数字"),
    "decimal_parsing": gettext_lazy("应为数字"),
    "decimal_type": gettext_lazy("应为数字"),
    "decimal_max_digits": gettext_lazy("数字位数过多"),
    "decimal_max_places": gettext_lazy("小数位数过多"),
    "bool_parsing": gettext_lazy("应为 true 或 false"),
    "bool_type": gettext_lazy("应为 true 或 false"),
    "string_type": gettext_lazy("应为文本"),
    "list_type": gettext_lazy("应为列表"),
    "dict_type": gettext_lazy("应为对象"),
    "model_type": gettext_lazy("应为对象"),
    "model_attributes_type": gettext_lazy("应为对象"),
    "date_parsing": gettext_lazy("应为日期，格式 YYYY-MM-DD"),
    "date_from_datetime_parsing": gettext_lazy("应为日期，格式 YYYY-MM-DD"),
    "date_from_datetime_inexact": gettext_lazy("应为日期，不带时间"),
    "date_type": gettext_lazy("应为日期，格式 YYYY-MM-DD"),
    "json_invalid": gettext_lazy("请求体不是有效的 JSON"),
    "json_type": gettext_lazy("请求体不是有效的 JSON"),
}


def _pydantic_message(error: Mapping[str, Any]) -> str:
    kind = error.get("type", "")
    context = error.get("ctx") or {}
    if kind in ("greater_than_equal", "greater_than"):
        return _("不能小于 %(limit)s") % {"limit": context.get("ge", context.get("gt"))}
    if kind in ("less_than_equal", "less_than"):
        return _("不能大于 %(limit)s") % {"limit": context.get("le", context.get("lt"))}
    if kind == "string_too_long":
        return _("不能超过 %(limit)s 个字符") % {"limit": context.get("max_length")}
    if kind == "string_too_short":
        return _("不能少于 %(limit)s 个字符") % {"limit": context.get("min_length")}
    if kind in ("literal_error", "enum"):
        return _("应为以下之一：%(values)s") % {"values": context.get("expected", "")}
    if kind in _PYDANTIC_MESSAGES:
        return str(_PYDANTIC_MESSAGES[kind])
    return _("格式不正确")


def _field_name(location: Iterable[Any]) -> str:
    # Ninja prefixes locations with the source ("body", "query", "path") and, for a body
    # schema, the parameter name; clients know fields by their own names only.
    parts = [str(part) for part in location]
    if parts and parts[0] in ("body", "query", "path", "header", "cookie", "form", "file"):
        parts = parts[1:]
    if len(parts) > 1 and parts[0] in ("payload", "filters"):
        parts = parts[1:]
    return ".".join(parts) or "__all__"


def fields_from_pydantic(errors: Iterable[Mapping[str, Any]]) -> FieldErrors:
    """Return pydantic/Ninja validation errors as field name → Chinese problems."""
    fields: FieldErrors = {}
    for error in errors:
        fields.setdefault(_field_name(error.get("loc", ())), []).append(_pydantic_message(error))
    return fields


def summary(fields: FieldErrors, labels: Mapping[str, str] | None = None) -> str:
    """Return one Chinese sentence naming each field with its first problem."""
    labels = labels or {}
    parts = [
        f"{labels.get(name, name)}：{problems[0]}"
        for name, problems in fields.items()
        if problems and name != "__all__"
    ]
    parts += fields.get("__all__", [])
    return _("提交的数据有误：%(problems)s") % {"problems": "；".join(parts)}


# ----- handlers ------------------------------------------------------------------------------


def install_error_handlers(api: NinjaAPI) -> None:
    """Make every exception raised in ``api`` answer in the one error shape."""

    def respond(request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
        return api.create_response(request, body, status=status)

    def on_api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return respond(request, exc.status, error_body(exc.code, exc.message, exc.fields))

    def on_validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        fields = fields_from_pydantic(exc.errors)
        return respond(request, 422, error_body("validation_error", summary(fields), fields))

    def on_authentication(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        message = _("请先登录，或在 Authorization 请求头中提供有效的接口令牌")
        return respond(request, 401, error_body("not_authenticated", message))

    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400:
            # Ninja's only 400: a body that is not JSON (or not UTF-8) at all.
            message = _("请求体不是有效的 JSON（须为 UTF-8 编码的 JSON 对象）")
            return respond(request, 400, error_body("invalid_body", message))
        codes = {401: "not_authenticated", 403: "permission_denied", 404: "not_found"}
        code = codes.get(exc.status_code, "http_error")
        return respond(request, exc.status_code, error_body(code, str(exc)))

    def on_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        return respond(request, 404, error_body("not_found", _("记录不存在或无权查看")))

    def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return respond(request, 403, error_body("permission_denied", _("无权执行此操作")))

    def on_transition(request: HttpRequest, exc: InvalidTransition) -> HttpResponse:
        fields = {"status": [str(exc)]}
        return respond(request, 409, error_body("invalid_transition", str(exc), fields))

    def on_workflow(request: HttpRequest, exc: WorkflowError) -> HttpResponse:
        # Not yours to do (403), a missing reason (422), or a move the demand's state does not
        # allow (409); the workflow changed nothing.
        body = error_body(exc.code, str(exc), {exc.field: [str(exc)]})
        return respond(request, exc.status, body)

    def on_django_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        fields = {name: [str(m) for m in messages] for name, messages in _dict(exc).items()}
        return respond(request, 422, error_body("validation_error", summary(fields), fields))

    def on_integrity(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
        logger.warning("API integrity error: %s", exc)
        message = _("数据与已有记录冲突（重复或仍被引用），未保存")
        return respond(request, 409, error_body("conflict", message))

    def on_crash(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("API error on %s %s", request.method, request.path, exc_info=exc)
        message = _("服务器内部错误，请稍后重试或联系管理员")
        return respond(request, 500, error_body("server_error", message))

    _add_handler(api, ApiError, on_api_error)
    _add_handler(api, NinjaValidationError, on_validation)
    _add_handler(api, AuthenticationError, on_authentication)
    _add_handler(api, HttpError, on_http_error)
    _add_handler(api, Http404, on_not_found)
    _add_handler(api, ObjectDoesNotExist, on_not_found)
    _add_handler(api, PermissionDenied, on_permission_denied)
    _add_handler(api, InvalidTransition, on_transition)
    _add_handler(api, WorkflowError, on_workflow)
    _add_handler(api, DjangoValidationError, on_django_validation)
    _add_handler(api, IntegrityError, on_integrity)
    _add_handler(api, Exception, on_crash)


def _add_handler(
    api: NinjaAPI, exc_class: type[_E], handler: Callable[[HttpRequest, _E], HttpResponse]
) -> None:
    # django-ninja annotates a handler's argument as "the exception or its class"
    # (ninja.main.ExcHandler), yet always calls it with the raised instance.
    api.add_exception_handler(exc_class, handler)  # type: ignore[arg-type]


def _dict(exc: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {name: list(messages) for name, messages in exc.message_dict.items()}
    return {"__all__": list(exc.messages)}
