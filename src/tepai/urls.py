"""URL routes: the web platform, its REST API, and the Django admin for data maintenance."""

from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("特派 · 科技特派员工作平台")
admin.site.site_title = _("特派")
admin.site.index_title = _("数据管理")

urlpatterns = [
    path("", include("tepai.accounts.urls")),
    path("audit/", include("tepai.audit.urls")),
    path("api/", include("tepai.api.urls")),
    path("admin/", admin.site.urls),
    # POST language=en|zh-hans switches the interface language (Django's set_language view).
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("tepai.engagements.urls")),
    path("", include("tepai.web.urls")),
]
