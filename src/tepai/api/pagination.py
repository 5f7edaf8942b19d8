"""Page-number pagination: ``?page=&page_size=`` answered with count, next, previous, results."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query

from tepai.api.errors import NotFound
from tepai.api.schemas import DB_INT_MAX

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100

PageParam = Query(1, ge=1, le=DB_INT_MAX, description="页码，从 1 开始")
PageSizeParam = Query(
    DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description=f"每页条数，1–{MAX_PAGE_SIZE}"
)


def _page_url(request: HttpRequest, page: int) -> str:
    query = request.GET.copy()
    query["page"] = str(page)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


def paginate(request: HttpRequest, queryset: QuerySet, page: int, page_size: int) -> dict[str, Any]:
    """Return one page of ``queryset``; a page past the last one is a 404 error.

    Page 1 of an empty list is an empty page, not an error.
    """
    count = queryset.count()
    pages = max(1, -(-count // page_size))
    if page > pages:
        raise NotFound(
            _("第 %(page)s 页不存在（共 %(pages)s 页）") % {"page": page, "pages": pages},
            fields={"page": [_("超出范围")]},
        )
    start = (page - 1) * page_size
    return {
        "count": count,
        "next": _page_url(request, page + 1) if page < pages else None,
        "previous": _page_url(request, page - 1) if page > 1 else None,
        "results": list(queryset[start : start + page_size]),
    }
