"""Import pages (administrators): upload → preview (dry run) → confirm, and blank templates."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tepai.accounts.roles import Role
from tepai.core.importing.limits import ImportLimits
from tepai.core.importing.registry import UnknownRegistry, get_importer, importer_names
from tepai.core.importing.templates import build_xlsx
from tepai.programs.models import Batch
from tepai.web.importing import (
    ALLOWED_SUFFIXES,
    MAX_UPLOAD_BYTES,
    SESSION_KEY,
    discard,
    run_import,
    store_upload,
    stored_path,
)
from tepai.web.views.common import audit, require_role


def _registry_choices() -> list[tuple[str, str]]:
    # The Chinese name alone: the command line's name (`tepai import institutions …`) read as
    # an English slug inside Chinese text ("单位（institutions）").
    return [(name, str(get_importer(name).label)) for name in importer_names()]


class UploadForm(forms.Form):
    registry = forms.ChoiceField(label=gettext_lazy("数据类别"), choices=_registry_choices)
    file = forms.FileField(
        label=gettext_lazy("文件"),
        help_text=gettext_lazy("Excel（.xlsx）或 CSV 文件，第1行为表头"),
    )
    batch = forms.ModelChoiceField(
        label=gettext_lazy("加入批次"),
        queryset=Batch.objects.all(),
        required=False,
        help_text=gettext_lazy("仅特派员名册：把名册中的所有人加入该批次"),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        suffix = Path(upload.name or "").suffix.lower()
        if suffix not in ALLOWED_SUFFIXES:
            raise forms.ValidationError(
                _("不支持的文件类型“%(suffix)s”，请上传 .xlsx 或 .csv 文件")
                % {"suffix": suffix or upload.name}
            )
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("文件过大（上限 %(limit)s MB）") % {"limit": MAX_UPLOAD_BYTES // 1024 // 1024}
            )
        return upload

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("batch") and cleaned.get("registry") != "commissioners":
            self.add_error("batch", _("只有导入特派员名册时才能指定批次"))
        return cleaned


def _options(pending: dict[str, Any]) -> dict[str, Any]:
    return {"batch": pending["batch"]} if pending.get("batch") else {}


def _page(request: HttpRequest, template: str, **context: Any) -> TemplateResponse:
    limits = ImportLimits.from_settings()
    return TemplateResponse(
        request,
        template,
        {
            "nav_current": "import",
            "max_upload_mb": MAX_UPLOAD_BYTES // 1024 // 1024,
            "max_rows": limits.max_rows,
            "max_columns": limits.max_columns,
            **context,
        },
    )


@login_required
def upload(request: HttpRequest) -> HttpResponse:
    """Show the upload form; on POST keep the file and show what importing it would do."""
    require_role(request, Role.ADMIN)
    if request.method != "POST":
        form = UploadForm(initial={"registry": request.GET.get("registry", "")})
        return _page(request, "web/importing/upload.html", form=form)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, "web/importing/upload.html", form=form)
    registry = form.cleaned_data["registry"]
    batch = form.cleaned_data["batch"]
    token, suffix = store_upload(form.cleaned_data["file"])
    pending = {
        "registry": registry,
        "suffix": suffix,
        "filename": form.cleaned_data["file"].name,
        "batch": batch.name if batch else "",
        "at": time.time(),
    }
    run = run_import(
        registry,
        stored_path(token, suffix),
        pending["filename"],
        dry_run=True,
        options=_options(pending),
    )
    if run.ok:
        request.session.setdefault(SESSION_KEY, {})[token] = pending
        request.session.modified = True
    else:
        # A file with errors cannot be confirmed; nothing to keep.
        discard(token, suffix)
    return _page(
        request,
        "web/importing/preview.html",
        run=run,
        token=token if run.ok else "",
        pending=pending,
        label=get_importer(registry).label,
    )


def _pending(request: HttpRequest, token: str) -> dict[str, Any]:
    pending: dict[str, Any] | None = request.session.get(SESSION_KEY, {}).get(token)
    if pending is None:
        raise Http404(_("导入已完成、已取消或已过期，请重新上传文件。"))
    return pending


@login_required
@require_POST
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """Import the previewed file, all rows or none; the file is read from the server again."""
    require_role(request, Role.ADMIN)
    pending = _pending(request, token)
    path = stored_path(token, pending["suffix"])
    registry = pending["registry"]
    if not path.exists():
        request.session[SESSION_KEY].pop(token, None)
        request.session.modified = True
        messages.error(request, _("上传的文件已过期，请重新上传。"))
        return redirect("web:import")
    run = run_import(registry, path, pending["filename"], dry_run=False, options=_options(pending))
    request.session[SESSION_KEY].pop(token, None)
    request.session.modified = True
    discard(token, pending["suffix"])
    label = get_importer(registry).label
    if not run.ok:
        # The data changed since the preview (e.g. someone else imported first).
        return _page(
            request, "web/importing/preview.html", run=run, token="", pending=pending, label=label
        )
    assert run.result is not None
    audit(
        "import",
        request,
        detail={
            "registry": registry,
            "file": pending["filename"],
            "rows": run.result.rows,
            "created": run.result.created,
            "updated": run.result.updated,
            "batch": pending["batch"],
        },
    )
    messages.success(request, run.result.summary())
    return redirect(f"web:{registry}-list")


@login_required
@require_POST
def cancel(request: HttpRequest, token: str) -> HttpResponse:
    """Abandon a previewed upload and delete the stored file."""
    require_role(request, Role.ADMIN)
    pending = request.session.get(SESSION_KEY, {}).pop(token, None)
    request.session.modified = True
    if pending is not None:
        discard(token, pending["suffix"])
    messages.info(request, _("已取消导入，文件已删除。"))
    return redirect("web:import")


@login_required
def template(request: HttpRequest, registry: str) -> HttpResponse:
    """Return the blank .xlsx template of ``registry`` (header row plus column notes)."""
    require_role(request, Role.ADMIN)
    try:
        importer = get_importer(registry)
    except UnknownRegistry:
        raise Http404 from None
    response = HttpResponse(
        build_xlsx(importer),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = content_disposition_header(
        True, f"{importer.label}导入模板.xlsx"
    )
    return response
