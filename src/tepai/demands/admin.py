from django.contrib import admin
from django.http import HttpRequest

from tepai.demands.forms import DemandForm, DemandListForm
from tepai.demands.models import Demand, DemandList, DemandTransition


class DemandTransitionInline(admin.TabularInline):
    model = DemandTransition
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "at", "by", "note"]

    def has_add_permission(self, request: HttpRequest, obj: Demand | None = None) -> bool:
        # The transition log is written by Demand.transition_to only.
        return False


@admin.register(Demand)
class DemandAdmin(admin.ModelAdmin):
    form = DemandForm
    list_display = ["title", "code", "enterprise", "cluster", "status", "budget", "deadline"]
    list_filter = ["status", "cluster", "collaboration_mode", "lists"]
    list_select_related = ["enterprise"]
    search_fields = ["title", "code", "problem", "enterprise__name"]
    autocomplete_fields = ["enterprise"]
    readonly_fields = ["status"]
    inlines = [DemandTransitionInline]


@admin.register(DemandList)
class DemandListAdmin(admin.ModelAdmin):
    form = DemandListForm
    list_display = ["name", "published_on", "publisher", "event"]
    search_fields = ["name", "code"]
    filter_horizontal = ["demands"]
