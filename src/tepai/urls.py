"""URL routes: the web platform, its REST API, and the Django admin for data maintenance."""

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

admin.site.site_header = _("特派 · 科技特派员工作平台")
admin.site.site_title = _("特派")
admin.site.index_title = _("数据管理")

urlpatterns = [
    path("", include("tepai.accounts.urls")),
    path("audit/", include("tepai.audit.urls")),
    path("search/", include("tepai.search.urls")),
    path("help/", include("tepai.help.urls")),
    path("api/", include("tepai.api.urls")),
    path("admin/", admin.site.urls),
    # POST language=en|zh-hans switches the interface language (Django's set_language view);
    # public, so that the sign-in page can switch too.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("", include("tepai.engagements.urls")),
    path("", include("tepai.projects.urls")),  # the contract step (issue 11)
    path("", include("tepai.todo.urls")),
    path("", include("tepai.web.urls")),
]

# A refused query string shows its reason in Chinese (issue 9, finding 5), not Django's bare page.
handler400 = "tepai.web.views.errors.bad_request"
# 403, 404 and 500 styled like the site, in the user's language (issue 11, finding 10).
handler403 = "tepai.web.views.errors.permission_denied"
handler404 = "tepai.web.views.errors.page_not_found"
handler500 = "tepai.web.views.errors.server_error"
