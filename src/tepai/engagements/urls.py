"""URL routes of tepai.engagements (names in the ``engagements`` namespace).

Administrators: ``matching/demands/<pk>/`` (demand-matching), ``review/`` (the queue of demands
待审核), ``publishing/`` (demand lists: compose, publish, assign, confirm). Commissioners:
``me/``. Enterprises: ``company/``.
"""

from django.urls import URLPattern, URLResolver, path

from tepai.engagements.views import (
    answers,
    commissioner,
    confirmations,
    enterprise,
    matching,
    publishing,
    review,
)

app_name = "engagements"

urlpatterns: list[URLPattern | URLResolver] = [
    # Administrators
    path(
        "matching/demands/<int:pk>/",
        matching.demand_matching_page,
        name="demand-matching",
    ),
    path("matching/demands/<int:pk>/propose/", matching.propose_view, name="propose"),
    path("matching/proposals/<int:pk>/withdraw/", matching.withdraw_view, name="withdraw"),
    path("review/", review.review_queue, name="review"),
    path("review/<int:pk>/", review.review_demand, name="review-demand"),
    path("publishing/", publishing.list_index, name="lists"),
    path("publishing/<int:pk>/", publishing.list_detail, name="list-detail"),
    path("publishing/<int:pk>/publish/", publishing.list_publish, name="list-publish"),
    path("publishing/<int:pk>/assign/", publishing.list_assign, name="list-assign"),
    path("publishing/<int:pk>/confirm/", publishing.list_confirm, name="list-confirm"),
    # Either party of a proposal
    path("proposals/<int:pk>/answer/", answers.answer, name="answer"),
    # Commissioners
    path("me/", commissioner.workspace, name="me"),
    path("me/activities/", commissioner.log_activity, name="log-activity"),
    path("photos/activities/<int:pk>/", commissioner.activity_photo, name="activity-photo"),
    # Enterprises
    path("company/", enterprise.workspace, name="company"),
    path("company/demands/new/", enterprise.demand_form, name="company-demand-new"),
    path("company/demands/<int:pk>/", enterprise.demand_detail, name="company-demand"),
    path("company/demands/<int:pk>/edit/", enterprise.demand_form, name="company-demand-edit"),
    path("company/projects/<int:pk>/rate/", enterprise.rate_project, name="rate"),
    # Enterprises confirm the work records naming them; administrators settle disputes.
    path(
        "service-records/<int:pk>/",
        confirmations.service_confirmation,
        name="service-confirmation",
    ),
]
