"""URL routes of the contract step (names in the ``projects`` namespace)."""

from django.urls import URLPattern, path

from tepai.projects import views

app_name = "projects"

urlpatterns: list[URLPattern] = [
    path("contracts/", views.contract_list, name="contracts"),
    path("contracts/<int:pk>/", views.contract_form, name="contract"),
    path("contracts/<int:pk>/scan/", views.contract_scan, name="contract-scan"),
]
