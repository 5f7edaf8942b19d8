from django.contrib import admin

from tepai.institutions.forms import InstitutionForm
from tepai.institutions.models import Institution


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    form = InstitutionForm
    list_display = ["name", "type", "province", "code"]
    list_filter = ["type", "province"]
    search_fields = ["name", "code"]
