"""The site's URLs plus one view that fails, for the tests of the 500 page."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from tepai import urls as site


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


urlpatterns = [path("boom/", boom), *site.urlpatterns]
handler400 = site.handler400
handler403 = site.handler403
handler404 = site.handler404
handler500 = site.handler500
