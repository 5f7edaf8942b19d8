from django.contrib import admin

from tepai.projects.forms import ProjectForm
from tepai.projects.models import Milestone, Project


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    form = ProjectForm
    list_display = [
        "title",
        "code",
        "kind",
        "level",
        "led_by_commissioner",
        "enterprise",
        "amount",
        "signed_on",
        "status",
        "state",
        "batch",
    ]
    list_filter = ["state", "kind", "level", "status", "batch", "led_by_commissioner"]
    list_select_related = ["enterprise", "batch"]
    search_fields = ["title", "code", "enterprise__name"]
    autocomplete_fields = ["enterprise", "demand"]
    filter_horizontal = ["commissioners"]
    date_hierarchy = "signed_on"
    inlines = [MilestoneInline]
