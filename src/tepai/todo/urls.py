"""URL routes of tepai.todo (namespace ``todo``): ``todo/`` everything waiting for me,
``notifications/`` my reminders (POST ``notifications/read/`` with ``id``, and
``notifications/read-all/``)."""

from django.urls import URLPattern, path

from tepai.todo import views

app_name = "todo"

urlpatterns: list[URLPattern] = [
    path("todo/", views.todo_page, name="todo"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.read, name="read"),
    path("notifications/read-all/", views.read_all, name="read-all"),
]
