from django.contrib import admin

from tepai.commissioners.forms import CommissionerForm
from tepai.commissioners.models import Commissioner, DeclaredConflict, WorkItem
from tepai.core.admin_helpers import PersonalDataAdmin


class WorkItemInline(admin.TabularInline):
    model = WorkItem
    extra = 0


class DeclaredConflictInline(admin.TabularInline):
    model = DeclaredConflict
    extra = 0
    autocomplete_fields = ["enterprise"]


@admin.register(Commissioner)
class CommissionerAdmin(PersonalDataAdmin):
    form = CommissionerForm
    list_display = [
        "name",
        "code",
        "gender",
        "institution",
        "title",
        "title_level",
        "degree",
        "phone",
        "email",
    ]
    list_filter = ["batches", "title_level", "degree", "gender", "centres"]
    list_select_related = ["institution"]
    search_fields = ["name", "code", "institution__name", "title", "bio"]
    autocomplete_fields = ["institution"]
    filter_horizontal = ["batches", "teams", "centres"]
    inlines = [WorkItemInline, DeclaredConflictInline]
