"""A registry declared the way an app declares one, for tests: 服务评价 (service ratings).

It stands for a new app folder's ``registry.py``: everything tepai needs to know about the new
kind of record is here, and nothing else is edited. ``test_registries`` hands it to discovery
and checks that the import command, the pages, the API, the menu and the permissions follow.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.db.models import Q, QuerySet
from ninja import FilterSchema, Schema
from pydantic import Field

from tepai.api.crud import Endpoints
from tepai.api.schemas import RecordIdInt
from tepai.core.importing import Column, Importer
from tepai.core.importing.base import RowValues
from tepai.core.registries import Access, ListColumn, Menu, Registry
from tepai.core.registries.scopes import among
from tepai.engagements.models import ServiceRating


class RatingForm(forms.ModelForm):
    class Meta:
        model = ServiceRating
        fields = ("project", "demand", "enterprise", "score", "comment")


class RatingImporter(Importer):
    registry = "ratings"
    label = "服务评价"
    model = ServiceRating
    columns: ClassVar[list[Column]] = [Column("评分", "score", required=True)]

    def natural_key(self, row: RowValues) -> Any:
        return row["score"]

    def save_row(self, row: RowValues) -> bool:
        raise NotImplementedError("the sample registry is never imported")


class RatingOut(Schema):
    id: int = Field(description="记录 ID")
    score: int = Field(description="评分")


class RatingFilters(FilterSchema):
    enterprise: RecordIdInt | None = Field(None, description="企业 ID")


def _own(queryset: QuerySet, mine: int | None) -> Q:
    return Q(enterprise=mine)


def _on_my_projects(queryset: QuerySet, me: int | None) -> Q:
    return among(queryset, project__commissioners=me)


RATINGS = Registry(
    slug="ratings",
    model=ServiceRating,
    form=RatingForm,
    importer=RatingImporter,
    after=("projects", "demands", "enterprises"),
    access=Access(
        commissioner_reads=_on_my_projects, enterprise_reads=_own, enterprise_creates=True
    ),
    menu=Menu("ratings", "服务评价", order=105),
    api=Endpoints(singular="rating", out=RatingOut, filters=RatingFilters, tag="服务评价"),
    columns=(ListColumn("project", link=True), ListColumn("enterprise"), ListColumn("score")),
    search=("comment",),
    site_search=lambda rating: str(rating.enterprise),
)

REGISTRIES = (RATINGS,)
