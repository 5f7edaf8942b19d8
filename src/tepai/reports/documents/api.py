"""What the CLI and the 报告 page call: the kinds of document and :func:`generate`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tepai.events.models import Event
from tepai.programs.models import Batch
from tepai.reports.documents import context, press
from tepai.reports.periods import Period

Format = Literal["docx", "pdf", "html"]
FORMATS: tuple[Format, ...] = ("docx", "pdf", "html")
CONTENT_TYPES: dict[str, str] = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
}
Progress = Callable[[int, str], None]


class DocumentError(ValueError):
    """A document that cannot be made from what was asked; the message is for the user."""


@dataclass(frozen=True)
class Kind:
    """A kind of document: its key (CLI subcommand), Chinese name and what it needs."""

    key: str
    label: str
    needs: Literal["period", "batch", "event"]
    template: str

    @property
    def display_label(self) -> str:
        return _(self.label)


KINDS: tuple[Kind, ...] = (
    Kind("bulletin", gettext_noop("工作简报"), "period", "bulletin"),
    Kind("monthly", gettext_noop("月报"), "period", "bulletin"),
    Kind("summary", gettext_noop("工作总结"), "batch", "summary"),
    Kind("notice", gettext_noop("通报"), "period", "notice"),
    Kind("press", gettext_noop("新闻通稿"), "event", "press"),
)
KIND_BY_KEY = {kind.key: kind for kind in KINDS}


def kind_of(key: str) -> Kind:
    found = KIND_BY_KEY.get(key)
    if found is None:
        known = "、".join(f"{k.key}（{k.display_label}）" for k in KINDS)
        raise DocumentError(
            _("报告类型“%(kind)s”无效，应为：%(known)s") % {"kind": key[:40], "known": known}
        )
    return found


def find_event(text: str) -> Event:
    """Return the event named ``text`` (its id, 编号 or name, or a unique part of its name)."""
    text = text.strip()
    if not text:
        raise DocumentError(_("活动：请指定活动的名称、编号或 ID"))
    candidates = Event.objects.filter(code=text) | Event.objects.filter(name=text)
    if text.isdigit() and len(text) < 19:
        candidates = candidates | Event.objects.filter(pk=int(text))
    found = list(candidates.distinct()[:2])
    if not found:
        found = list(Event.objects.filter(name__contains=text).order_by("date")[:5])
    if len(found) == 1:
        return found[0]
    if not found:
        raise DocumentError(_("活动“%(event)s”不存在") % {"event": text[:60]})
    names = "；".join(str(event) for event in found)
    raise DocumentError(
        _("活动“%(event)s”对应多个活动，请写出完整名称或编号：%(names)s")
        % {"event": text[:60], "names": names}
    )


def fields(
    kind: str,
    *,
    period: Period | None = None,
    batch: Batch | None = None,
    event: Event | None = None,
) -> dict[str, Any]:
    """Return the template fields of a document (docs/reports.md lists them)."""
    chosen = kind_of(kind)
    if chosen.key == "monthly" and (period is None or period.kind != "month"):
        raise DocumentError(_("时间段：月报须为一个自然月，如 --from 2024-05-01 --to 2024-05-31"))
    with translation.override(settings.LANGUAGE_CODE):  # official text stays Chinese
        if chosen.key == "bulletin":
            return context.bulletin(batch, period)
        if chosen.key == "monthly":
            return context.bulletin(batch, period, title="科技特派员工作月报")
        if chosen.key == "summary":
            if batch is None:
                raise DocumentError(_("批次：工作总结须指定批次，如 --batch 第二批"))
            return context.summary(batch, period)
        if chosen.key == "notice":
            return context.notice(batch, period)
        if event is None:
            raise DocumentError(_("活动：新闻通稿须指定活动，如 --event 出征仪式"))
        return press.press(event, period)


def generate(
    kind: str,
    *,
    period: Period | None = None,
    batch: Batch | None = None,
    event: Event | None = None,
    fmt: Format = "pdf",
    progress: Progress | None = None,
) -> bytes:
    """Return the document ``kind`` as Word (.docx), PDF or HTML bytes.

    ``progress(percent, message)`` is told how far it got (counting, drawing, rendering).
    Raise :class:`DocumentError` with a Chinese message naming the field for bad input.
    """
    report = progress or (lambda _percent, _message: None)
    if fmt not in FORMATS:
        raise DocumentError(
            _("格式“%(format)s”无效，应为 docx、pdf 或 html") % {"format": str(fmt)[:20]}
        )
    chosen = kind_of(kind)
    report(5, _("正在统计数据"))
    data = fields(chosen.key, period=period, batch=batch, event=event)
    report(60, _("正在生成文档"))
    with translation.override(settings.LANGUAGE_CODE):
        if fmt == "docx":
            from tepai.reports.documents.word import render_docx

            result = render_docx(chosen.template, data)
        else:
            from tepai.reports.documents.html import render_html, render_pdf

            html = render_html(chosen.template, data)
            result = html.encode() if fmt == "html" else render_pdf(html)
    report(100, _("完成"))
    return result


def filename(
    kind: str, *, period: Period | None = None, batch: Batch | None = None, fmt: Format = "pdf"
) -> str:
    """Return a file name for the document: 工作简报-第二批-2024-Q2.pdf."""
    parts = [kind_of(kind).label]
    if batch is not None:
        parts.append(batch.name)
    if period is not None:
        parts.append(period.token.replace("..", "至"))
    return "-".join(parts) + f".{fmt}"
