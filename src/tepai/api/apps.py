from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "tepai.api"
    verbose_name = _("接口")

    def ready(self) -> None:
        from tepai.api import signals

        signals.connect()
