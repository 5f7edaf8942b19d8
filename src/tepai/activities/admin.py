from django.contrib import admin

from tepai.activities.forms import ActivityForm
from tepai.activities.models import Activity


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    form = ActivityForm
    list_display = ["date", "kind", "quantity", "is_trial", "batch", "code", "notes"]
    list_filter = ["kind", "batch", "is_trial"]
    list_select_related = ["batch"]
    search_fields = ["code", "notes"]
    filter_horizontal = ["commissioners", "enterprises"]
    date_hierarchy = "date"
