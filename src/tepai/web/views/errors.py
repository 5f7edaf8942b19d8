"""The error pages (400, 403, 404, 500, CSRF failure): styled like the site, in the user's language.

Issue 11 finding 10: with DEBUG off, Django answered 403/404/500 with its own bare English
pages ("Not Found", "Server Error (500)", "Forbidden"). Each page here says what happened, what
to do, and links back (the first page, and the list a refused query came from).

Registry lists raise BadRequest with a reason naming the field (筛选条件“企业”的值…超出范围);
Django's own 400 page shows none. Other SuspiciousOperation messages may name internals
(a forged Host header) and get a generic sentence instead.

400/403/404 extend the site's base template (navigation included); if that fails they fall back
to the self-contained page that 500 always uses: no database, no context processors, no
template tags that read the user — when the server fails, the error page must still work.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.utils.translation import get_language
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

FULL_TEMPLATE = "web/errors/error.html"
PLAIN_TEMPLATE = "web/errors/plain.html"


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Return the 400 page with ``exception``'s reason when it is one of tepai's own."""
    if isinstance(exception, BadRequest) and exception.args:
        reason = str(exception.args[0])
    else:
        reason = _("请求的参数无效，请检查后重试。")
    back_url = request.path if request.GET else ""
    return _page(
        request,
        400,
        title=_("请求有误"),
        message=reason,
        back_url=back_url,
        back_label=_("返回列表"),
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Return the 403 page: this account's role may not open the page."""
    return _page(
        request,
        403,
        title=_("没有权限"),
        message=_("您的账号没有查看或修改此页面的权限。如确需使用，请联系管理员。"),
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Return the 404 page: no such address, or a record that no longer exists."""
    return _page(
        request,
        404,
        title=_("页面不存在"),
        message=_("您访问的地址不存在，或该记录已被删除。请检查地址，或从首页重新进入。"),
    )


def server_error(request: HttpRequest) -> HttpResponse:
    """Return the 500 page without touching the database or any context processor."""
    return HttpResponse(_plain(request, 500, _server_error_text()), status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Return the 403 page for a form sent without a valid CSRF token (often an old tab)."""
    return _page(
        request,
        403,
        title=_("表单已过期"),
        message=_("表单已失效（页面打开过久或已在别处退出登录）。请返回上一页，刷新后重新提交。"),
        back_url=_same_site_referer(request),
        back_label=_("返回上一页"),
    )


def _server_error_text() -> dict[str, str]:
    return {
        "title": _("服务器出错"),
        "message": _(
            "服务器处理请求时出错，已记录在日志中。请稍后重试；如问题持续，"
            "请把下面的请求编号告诉管理员。"
        ),
    }


def _page(
    request: HttpRequest,
    status: int,
    *,
    title: str,
    message: str,
    back_url: str = "",
    back_label: str = "",
) -> HttpResponse:
    context = {
        "status": status,
        "title": title,
        "message": message,
        "back_url": back_url,
        "back_label": back_label,
        "request_id": _request_id(request),
    }
    try:
        body: str = loader.render_to_string(FULL_TEMPLATE, context, request)
    except Exception:  # the page must never turn a 4xx into a 500
        logger.exception("error page %s could not be rendered with the site's layout", status)
        body = _plain(request, status, context)
    return HttpResponse(body, status=status)


def _plain(request: HttpRequest, status: int, text: dict[str, Any]) -> str:
    context = {
        "status": status,
        "request_id": _request_id(request),
        "LANGUAGE_CODE": get_language() or "zh-hans",
        **text,
    }
    try:
        # No request: no context processors run (they read the session and the user).
        return loader.get_template(PLAIN_TEMPLATE).render(context)
    except Exception:
        logger.exception("the plain error page could not be rendered")
        return f"<!doctype html><title>{status}</title><h1>{status}</h1>"


def _request_id(request: HttpRequest) -> str:
    # Set by tepai.core.requestid (a sane id only); the log lines of this request carry it.
    return str(getattr(request, "request_id", ""))


def _same_site_referer(request: HttpRequest) -> str:
    referer = request.META.get("HTTP_REFERER", "")
    try:
        origin = f"{request.scheme}://{request.get_host()}/"
    except Exception:  # a refused Host header: no link back rather than a second error
        return ""
    return referer if referer.startswith(origin) else ""
