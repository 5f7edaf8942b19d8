from django.contrib import admin

from tepai.programs.forms import BatchForm, InnovationCentreForm, TeamForm
from tepai.programs.models import Batch, InnovationCentre, Team


@admin.register(Batch)
class BatchAdmin(admin.ModelAdmin):
    form = BatchForm
    list_display = ["name", "dispatch_date", "end_date", "sending_organisation", "host_region"]
    search_fields = ["name", "code"]
    date_hierarchy = "dispatch_date"


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    form = TeamForm
    list_display = ["name", "batch", "cluster"]
    list_filter = ["batch", "cluster"]
    list_select_related = ["batch"]
    search_fields = ["name", "code"]


@admin.register(InnovationCentre)
class InnovationCentreAdmin(admin.ModelAdmin):
    form = InnovationCentreForm
    list_display = ["name", "cluster", "location", "lead_institution", "batch"]
    list_filter = ["cluster", "batch"]
    list_select_related = ["lead_institution", "batch"]
    search_fields = ["name", "code", "location"]
    autocomplete_fields = ["lead_institution"]
