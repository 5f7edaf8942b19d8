from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "tepai.programs"
    verbose_name = _("批次、团队与创新中心")
