"""Small factories for tests: records with sensible defaults, overridable by keyword."""

from __future__ import annotations

import datetime
import itertools
from typing import Any

from tepai.activities.models import Activity, ActivityKind
from tepai.commissioners.models import Commissioner, DatePrecision
from tepai.core.choices import Degree, Gender, IndustryCluster, TitleLevel
from tepai.enterprises.models import Enterprise
from tepai.institutions.models import Institution
from tepai.programs.models import Batch
from tepai.projects.models import Project, ProjectKind

_sequence = itertools.count(1)


def make_institution(name: str | None = None, **fields: Any) -> Institution:
    name = name or f"测试大学{next(_sequence)}"
    return Institution.objects.get_or_create(name=name, defaults=fields)[0]


def make_batch(name: str = "第二批", dispatch: datetime.date | None = None, **fields: Any) -> Batch:
    dispatch = dispatch or datetime.date(2024, 4, 24)
    return Batch.objects.create(name=name, dispatch_date=dispatch, **fields)


def make_commissioner(
    *,
    batch: Batch | None = None,
    institution: str | Institution | None = None,
    birth: datetime.date = datetime.date(1982, 1, 1),
    precision: str = DatePrecision.DAY,
    **fields: Any,
) -> Commissioner:
    if not isinstance(institution, Institution):
        institution = make_institution(institution)
    values: dict[str, Any] = {
        "name": f"测试{next(_sequence)}",
        "gender": Gender.MALE,
        "title": "教授",
        "title_level": TitleLevel.SENIOR,
        "degree": Degree.DOCTORATE,
        "research_fields": ["纺织"],
    }
    values.update(fields)
    commissioner = Commissioner.objects.create(
        birth_date=birth, birth_date_precision=precision, institution=institution, **values
    )
    if batch is not None:
        commissioner.batches.add(batch)
    return commissioner


def make_enterprise(name: str | None = None, **fields: Any) -> Enterprise:
    fields.setdefault("cluster", IndustryCluster.COTTON_TEXTILE)
    return Enterprise.objects.create(name=name or f"测试企业{next(_sequence)}", **fields)


def make_project(**fields: Any) -> Project:
    commissioners = fields.pop("commissioners", [])
    values: dict[str, Any] = {
        "title": f"测试项目{next(_sequence)}",
        "kind": ProjectKind.SERVICE_CONTRACT,
        "signed_on": datetime.date(2024, 5, 1),
    }
    values.update(fields)
    project = Project.objects.create(**values)
    project.commissioners.add(*commissioners)
    return project


def make_activity(kind: str = ActivityKind.TRAINING, quantity: int = 1, **fields: Any) -> Activity:
    enterprises = fields.pop("enterprises", [])
    commissioners = fields.pop("commissioners", [])
    fields.setdefault("date", datetime.date(2024, 5, 1))
    activity = Activity.objects.create(kind=kind, quantity=quantity, **fields)
    activity.enterprises.add(*enterprises)
    activity.commissioners.add(*commissioners)
    return activity
