from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutcomesConfig(AppConfig):
    name = "tepai.outcomes"
    verbose_name = _("科技成果")
