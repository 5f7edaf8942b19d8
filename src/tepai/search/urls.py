"""URL of the site search."""

from django.urls import path

from tepai.search import views

app_name = "search"

urlpatterns = [path("", views.search_page, name="search")]
