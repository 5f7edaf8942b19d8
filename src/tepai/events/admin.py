from django.contrib import admin

from tepai.events.forms import EventForm
from tepai.events.models import Event


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    form = EventForm
    list_display = ["name", "kind", "date", "location", "batch"]
    list_filter = ["kind", "batch"]
    list_select_related = ["batch"]
    search_fields = ["name", "code", "location"]
    date_hierarchy = "date"
