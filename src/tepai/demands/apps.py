from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemandsConfig(AppConfig):
    name = "tepai.demands"
    verbose_name = _("技术需求")
