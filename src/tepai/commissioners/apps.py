from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommissionersConfig(AppConfig):
    name = "tepai.commissioners"
    verbose_name = _("科技特派员")
