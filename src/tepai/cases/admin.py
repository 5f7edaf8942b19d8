from django.contrib import admin

from tepai.cases.forms import CaseForm
from tepai.cases.models import Case


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    form = CaseForm
    list_display = ["title", "code", "batch"]
    list_filter = ["batch"]
    search_fields = ["title", "body"]
    filter_horizontal = ["projects", "activities"]
