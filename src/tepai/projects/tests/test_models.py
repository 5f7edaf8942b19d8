import datetime

import pytest
from django.db import IntegrityError, transaction

from tepai.enterprises.models import Enterprise
from tepai.outcomes.models import Outcome
from tepai.projects.models import ProjectKind
from tepai.testing.factories import make_enterprise, make_project

pytestmark = pytest.mark.django_db


def test_the_database_refuses_a_research_project_without_level() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        make_project(kind=ProjectKind.RESEARCH, level="")


def test_the_database_refuses_negative_amounts() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        make_project(amount=-1)


def test_the_database_refuses_duplicate_codes_but_allows_many_blank_ones() -> None:
    make_project(code="")
    make_project(code="")
    make_project(code="P-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_project(code="P-1", signed_on=datetime.date(2024, 6, 1))


def test_the_database_refuses_trl_outside_one_to_nine() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Outcome.objects.create(title="x", description="y", trl=10)


def test_the_database_refuses_duplicate_credit_codes() -> None:
    make_enterprise(credit_code="91110000600037341L")
    make_enterprise(credit_code="")
    make_enterprise(credit_code="")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_enterprise(credit_code="91110000600037341L")
    assert Enterprise.objects.count() == 3


def test_model_validation_checks_the_credit_code_check_character() -> None:
    from django.core.exceptions import ValidationError

    enterprise = Enterprise(name="甲", credit_code="91110000600037341X")
    with pytest.raises(ValidationError) as caught:
        enterprise.full_clean()
    assert "credit_code" in caught.value.message_dict
