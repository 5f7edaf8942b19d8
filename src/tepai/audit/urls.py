"""URL routes of tepai.audit (mounted at /audit/)."""

from django.urls import URLPattern, URLResolver, path

from tepai.audit import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.audit_log, name="audit_log"),
]
