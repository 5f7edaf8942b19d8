"""Enumerations shared by several registries.

Codes are short English identifiers (stable in the database and the API); labels are the
Chinese terms program offices use, marked for translation.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class TitleLevel(models.TextChoices):
    """Grade of a professional title (职称级别), the basis of "senior title" statistics."""

    SENIOR = "senior", _("正高级")
    VICE_SENIOR = "vice_senior", _("副高级")
    INTERMEDIATE = "intermediate", _("中级")
    JUNIOR = "junior", _("初级")
    NONE = "none", _("无")


SENIOR_TITLE_LEVELS = (TitleLevel.SENIOR, TitleLevel.VICE_SENIOR)


class Degree(models.TextChoices):
    DOCTORATE = "doctorate", _("博士")
    MASTER = "master", _("硕士")
    BACHELOR = "bachelor", _("学士")
    OTHER = "other", _("其他")


class InstitutionType(models.TextChoices):
    UNIVERSITY = "university", _("高校")
    RESEARCH_INSTITUTE = "institute", _("科研院所")
    ENTERPRISE = "enterprise", _("企业")
    HOSPITAL = "hospital", _("医院")
    OTHER = "other", _("其他")


class IndustryCluster(models.TextChoices):
    """Xinjiang's eight key industry clusters (八大产业集群), plus 其他."""

    OIL_GAS = "oil_gas", _("油气生产加工")
    COAL = "coal", _("煤炭煤电煤化工")
    GREEN_MINING = "green_mining", _("绿色矿业")
    GRAIN_OIL = "grain_oil", _("粮油")
    COTTON_TEXTILE = "cotton_textile", _("棉花和纺织服装")
    FRUIT_VEG = "fruit_veg", _("绿色有机果蔬")
    LIVESTOCK = "livestock", _("优质畜产品")
    NEW_ENERGY = "new_energy", _("新能源新材料")
    OTHER = "other", _("其他")
