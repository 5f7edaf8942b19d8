"""URL routes: the Django admin (in Chinese) until the web platform lands."""

from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

admin.site.site_header = _("特派 · 科技特派员工作平台")
admin.site.site_title = _("特派")
admin.site.index_title = _("数据管理")

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("admin/", admin.site.urls),
    # POST language=en|zh-hans switches the interface language (Django's set_language view).
    path("i18n/", include("django.conf.urls.i18n")),
]
