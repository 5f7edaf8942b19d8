from django.contrib import admin

from tepai.core.admin_helpers import PersonalDataAdmin
from tepai.enterprises.forms import EnterpriseForm
from tepai.enterprises.models import Enterprise


@admin.register(Enterprise)
class EnterpriseAdmin(PersonalDataAdmin):
    form = EnterpriseForm
    list_display = [
        "name",
        "code",
        "county",
        "cluster",
        "size",
        "contact_name",
        "contact_phone",
        "contact_email",
    ]
    list_filter = ["cluster", "size", "county"]
    search_fields = ["name", "code", "credit_code", "description"]
