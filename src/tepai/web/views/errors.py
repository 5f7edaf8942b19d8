"""The 400 page: the reason a list's query string was refused, in Chinese, never a 500.

Registry lists raise BadRequest with a reason naming the field (筛选条件“企业”的值…超出范围);
Django's own 400 page shows none. Other SuspiciousOperation messages may name internals
(a forged Host header) and get a generic sentence instead.
"""

from __future__ import annotations

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.template import loader
from django.utils.translation import gettext as _


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Return the 400 page with ``exception``'s reason when it is one of tepai's own."""
    if isinstance(exception, BadRequest) and exception.args:
        reason = str(exception.args[0])
    else:
        reason = _("请求的参数无效，请检查后重试。")
    back_url = request.path if request.GET else ""
    try:
        body = loader.render_to_string(
            "web/errors/400.html", {"reason": reason, "back_url": back_url}, request
        )
    except Exception:  # the page itself must never turn a 400 into a 500
        body = f"<!doctype html><title>400</title><p>{_('请求有误')}</p>"
    return HttpResponseBadRequest(body)
