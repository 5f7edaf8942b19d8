from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EngagementsConfig(AppConfig):
    name = "tepai.engagements"
    verbose_name = _("供需对接")
