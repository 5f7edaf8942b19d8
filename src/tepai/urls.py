"""URL routes: the Django admin (in Chinese) until the web platform lands."""

from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

admin.site.site_header = "特派 · 科技特派员工作平台"
admin.site.site_title = "特派"
admin.site.index_title = "数据管理"

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("admin/", admin.site.urls),
]
