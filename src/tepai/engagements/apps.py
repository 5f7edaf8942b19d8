from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EngagementsConfig(AppConfig):
    name = "tepai.engagements"
    verbose_name = _("供需对接")

    def ready(self) -> None:
        # The web pages rank with the shared live engine; its change detection needs these
        # receivers in every process that edits commissioners (server and CLI alike).
        from tepai.recommender.live import connect_signals

        connect_signals()
