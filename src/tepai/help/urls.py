"""Routes of the help pages: the index and one page per topic."""

from django.urls import path

from tepai.help import views

app_name = "help"
urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:slug>/", views.topic, name="topic"),
]
