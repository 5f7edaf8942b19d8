from django.contrib import admin

from tepai.engagements.models import Proposal, ServiceRating


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    # Proposals change state only through tepai.engagements.services (which records the
    # signing and the audit trail), so the admin shows them read-only.
    list_display = [
        "demand",
        "commissioner",
        "score",
        "source",
        "status",
        "commissioner_response",
        "enterprise_response",
        "created_at",
    ]
    list_filter = ["status", "source", "decline_reason", "demand_list"]
    list_select_related = ["demand", "commissioner"]
    search_fields = ["demand__title", "commissioner__name", "demand__enterprise__name"]
    readonly_fields = [field.name for field in Proposal._meta.fields]

    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[override]
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[override]
        return False


@admin.register(ServiceRating)
class ServiceRatingAdmin(admin.ModelAdmin):
    list_display = ["project", "demand", "enterprise", "score", "created_at"]
    list_filter = ["score"]
    list_select_related = ["project", "demand", "enterprise"]
    search_fields = ["enterprise__name", "project__title", "demand__title", "comment"]
    readonly_fields = ["created_by", "created_at"]
    autocomplete_fields = ["project", "demand", "enterprise"]
