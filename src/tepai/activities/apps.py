from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "tepai.activities"
    verbose_name = _("工作记录")

    def ready(self) -> None:
        from tepai.activities import signals  # noqa: F401  (connects the receivers)
