from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecommenderConfig(AppConfig):
    """The Django side of matching: the engine's records from the registries, the live index,
    recommendations and the assignment of a demand list (the engine is tepai.matching)."""

    name = "tepai.recommender"
    verbose_name = _("推荐引擎")
