import pytest
from django.utils import translation

from tepai.core.choices import IndustryCluster
from tepai.core.cleaning import CleaningError
from tepai.core.importing.parsers import choice
from tepai.institutions.importers import guess_institution_type


def test_choices_accept_chinese_and_english_labels_whatever_the_language() -> None:
    with translation.override("en"):
        parse = choice(IndustryCluster)
    assert parse("棉花和纺织服装") == IndustryCluster.COTTON_TEXTILE
    assert parse("Cotton, textiles and garments") == IndustryCluster.COTTON_TEXTILE
    assert parse("cotton_textile") == IndustryCluster.COTTON_TEXTILE
    with pytest.raises(CleaningError, match="可填：油气生产加工"):
        parse("纺织")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("浙江省农业科学院", "institute"),
        ("国网浙江省电力有限公司电力科学研究院", "institute"),
        ("浙江理工大学", "university"),
        ("阿克苏职业技术学院", "university"),
        ("阿克苏地区第一人民医院", "hospital"),
        ("杭州程天科技发展有限公司", "enterprise"),
        ("浙江省科学技术厅", "other"),
    ],
)
def test_it_guesses_the_type_of_institutions_created_on_the_fly(name: str, expected: str) -> None:
    assert guess_institution_type(name) == expected
