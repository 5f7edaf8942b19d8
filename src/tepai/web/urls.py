"""URL routes of tepai.web: the dashboard, every registry's pages, import.

Each registry ``slug`` gets ``<slug>/`` (list, name ``web:<slug>-list``), ``<slug>/new/``,
``<slug>/export.xlsx``, ``<slug>/<pk>/``, ``<slug>/<pk>/edit/`` and ``<slug>/<pk>/delete/``.
"""

from django.urls import URLPattern, URLResolver, path

from tepai.core.registries import registries_by_slug
from tepai.web.views import dashboard, importing, reports
from tepai.web.views.registry import DeletePage, DetailPage, ExportPage, FormPage, ListPage

app_name = "web"


def _registry_urls() -> list[URLPattern]:
    urls = []
    for slug, registry in registries_by_slug().items():
        urls += [
            path(f"{slug}/", ListPage.as_view(registry=registry), name=f"{slug}-list"),
            path(f"{slug}/new/", FormPage.as_view(registry=registry), name=f"{slug}-create"),
            path(
                f"{slug}/export.xlsx", ExportPage.as_view(registry=registry), name=f"{slug}-export"
            ),
            path(f"{slug}/<int:pk>/", DetailPage.as_view(registry=registry), name=f"{slug}-detail"),
            path(
                f"{slug}/<int:pk>/edit/", FormPage.as_view(registry=registry), name=f"{slug}-edit"
            ),
            path(
                f"{slug}/<int:pk>/delete/",
                DeletePage.as_view(registry=registry),
                name=f"{slug}-delete",
            ),
        ]
    return urls


urlpatterns: list[URLPattern | URLResolver] = [
    path("", dashboard.dashboard, name="dashboard"),
    path("import/", importing.upload, name="import"),
    path("import/<str:token>/confirm/", importing.confirm, name="import-confirm"),
    path("import/<str:token>/cancel/", importing.cancel, name="import-cancel"),
    path("import/template/<str:registry>.xlsx", importing.template, name="import-template"),
    path("reports/", reports.reports, name="reports"),
    path("reports/jobs/<int:pk>/", reports.job_page, name="report-job"),
    path("reports/jobs/<int:pk>/status.json", reports.job_status, name="report-job-status"),
    path("reports/jobs/<int:pk>/download/", reports.job_download, name="report-job-download"),
    *_registry_urls(),
]
