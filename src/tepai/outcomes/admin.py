from django.contrib import admin

from tepai.outcomes.forms import CooperationIntentForm, OutcomeForm
from tepai.outcomes.models import CooperationIntent, Outcome


class CooperationIntentInline(admin.TabularInline):
    model = CooperationIntent
    extra = 0
    autocomplete_fields = ["enterprise"]


@admin.register(Outcome)
class OutcomeAdmin(admin.ModelAdmin):
    form = OutcomeForm
    list_display = ["title", "code", "institution", "trl", "roadshow_event", "cluster"]
    list_filter = ["trl", "cluster", "roadshow_event"]
    list_select_related = ["institution", "roadshow_event"]
    search_fields = ["title", "code", "description"]
    filter_horizontal = ["owners"]
    inlines = [CooperationIntentInline]


@admin.register(CooperationIntent)
class CooperationIntentAdmin(admin.ModelAdmin):
    form = CooperationIntentForm
    list_display = ["outcome", "enterprise", "date", "status"]
    list_filter = ["status"]
    list_select_related = ["outcome", "enterprise"]
    search_fields = ["outcome__title", "enterprise__name"]
