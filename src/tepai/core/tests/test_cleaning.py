"""Tests for tepai.core.cleaning; pure functions, so no Django settings are needed."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest

from tepai.core import cleaning
from tepai.core.choices import Degree, Gender, TitleLevel
from tepai.core.cleaning import (
    CleaningError,
    PartialDate,
    age_on,
    clean_name,
    clean_text,
    credit_code_check_char,
    parse_bool,
    parse_date,
    parse_decimal,
    parse_degree,
    parse_email,
    parse_gender,
    parse_int,
    parse_partial_date,
    parse_phone,
    parse_title_level,
    split_multi,
    validate_credit_code,
)


def test_it_exports_a_documented_public_api() -> None:
    for name in cleaning.__all__:
        function = getattr(cleaning, name)
        assert function.__doc__, name
    for name in cleaning.__all__:
        if name[0].islower():
            assert getattr(cleaning, name).__doc__.startswith("Return"), name


def test_it_makes_cleaning_error_a_value_error() -> None:
    assert issubclass(CleaningError, ValueError)


# --- clean_text ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        (float("nan"), ""),
        (Decimal("NaN"), ""),
        ("nan", ""),
        ("None", ""),
        ("", ""),
        ("   ", ""),
        ("\u3000\u3000", ""),
        (13800138000.0, "13800138000"),
        (13800138000, "13800138000"),
        (12.5, "12.5"),
        (Decimal("12.0"), "12"),
        (Decimal("1E+3"), "1000"),
        (Decimal("12.50"), "12.50"),
        (datetime.date(1981, 3, 2), "1981-03-02"),
        (datetime.datetime(1981, 3, 2), "1981-03-02"),
        (datetime.datetime(1981, 3, 2, 8, 30), "1981-03-02 08:30:00"),
        ("  北京大学  ", "北京大学"),
        ("ＡＢＣ１２３ａｂｃ", "ABC123abc"),
        ("１３８００１３８０００", "13800138000"),
        ("Ｐｈ．Ｄ．", "Ph.D."),
        ("a\u3000b", "a b"),
        ("a\xa0b", "a b"),
        ("a\u2002\u2003b", "a b"),
        ("a \t\n b", "a b"),
        ("a\r\nb", "a b"),
        ("\ufeff编号", "编号"),
        ("北京\u200b大学", "北京大学"),
        ("a\x07b", "a b"),
        # Full-width brackets and commas are in U+FF01–U+FF5E, so they turn half-width.
        # Chinese prose keeps its full-width punctuation; ASCII brackets in Chinese text become
        # full-width so that official names compare equal however they were typed.
        ("教授（博导）", "教授（博导）"),
        ("教授(博导)", "教授（博导）"),
        ("甲，乙；丙：丁！", "甲，乙；丙：丁！"),
        ("ＴＲＬ(7)", "TRL(7)"),
        # Punctuation outside that block stays as it is.
        ("甲、乙。《丙》“丁”", "甲、乙。《丙》“丁”"),
        (True, "True"),
    ],
)
def test_it_cleans_text(value: object, expected: str) -> None:
    assert clean_text(value) == expected


def test_it_keeps_line_breaks_in_long_text_when_asked() -> None:
    raw = "  第一段\u3000 有  空格 \r\n\r\n\r\n\r\n第二段\r第三段\n"
    assert clean_text(raw, keep_newlines=True) == "第一段 有 空格\n\n第二段\n第三段"
    assert clean_text(raw) == "第一段 有 空格 第二段 第三段"


@pytest.mark.parametrize("value", ["#N/A", "#VALUE!", "#REF!", "#DIV/0!", " #n/a "])
def test_it_refuses_excel_error_values(value: str) -> None:
    with pytest.raises(CleaningError, match="Excel错误值"):
        clean_text(value)


def test_it_treats_pandas_na_as_missing() -> None:
    class NotABool:
        """Behaves like pandas.NA, which refuses to be used as a truth value."""

        # override: like pandas.NA, != answers NA rather than a bool.
        def __ne__(self, other: object) -> NotABool:  # type: ignore[override]
            return self

        def __bool__(self) -> bool:
            raise TypeError("boolean value of NA is ambiguous")

    assert clean_text(NotABool()) == ""


# --- clean_name ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("张  三", "张三"),
        ("张\u3000三", "张三"),
        (" 欧阳 明 ", "欧阳明"),
        ("张 三 丰", "张三丰"),
        ("John  Smith", "John Smith"),
        ("Ｊｏｈｎ　Ｓｍｉｔｈ", "John Smith"),
        ("买买提·吐尔逊", "买买提·吐尔逊"),
        ("买买提.吐尔逊", "买买提·吐尔逊"),
        ("买买提．吐尔逊", "买买提·吐尔逊"),
        ("买买提 • 吐尔逊", "买买提·吐尔逊"),
        ("买买提・吐尔逊", "买买提·吐尔逊"),
        ("李 John", "李 John"),
        (None, ""),
    ],
)
def test_it_cleans_names(value: object, expected: str) -> None:
    assert clean_name(value) == expected


# --- split_multi -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("甲、乙、丙", ["甲", "乙", "丙"]),
        ("甲，乙,丙", ["甲", "乙", "丙"]),
        ("甲；乙;丙", ["甲", "乙", "丙"]),
        ("甲/乙／丙", ["甲", "乙", "丙"]),
        ("甲|乙｜丙", ["甲", "乙", "丙"]),
        ("甲\n乙\r\n丙\r丁", ["甲", "乙", "丙", "丁"]),
        (" 甲 、、 乙 ,", ["甲", "乙"]),
        ("甲、乙、甲", ["甲", "乙"]),
        ("ＡＢ、 ＡＢ", ["AB"]),
        ("单个", ["单个"]),
        ("", []),
        (None, []),
        (float("nan"), []),
        (12.0, ["12"]),
    ],
)
def test_it_splits_multi_value_cells(value: object, expected: list[str]) -> None:
    assert split_multi(value) == expected


# --- dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime.date(1981, 3, 2), "1981-03-02"),
        (datetime.datetime(1981, 3, 2, 0, 0), "1981-03-02"),
        (29647, "1981-03-02"),
        (29647.0, "1981-03-02"),
        (29647.75, "1981-03-02"),
        (45658, "2025-01-01"),
        (Decimal("29647"), "1981-03-02"),
        ("1981-03-02", "1981-03-02"),
        ("1981/3/2", "1981-03-02"),
        ("1981.3.2", "1981-03-02"),
        ("1981.03.02", "1981-03-02"),
        ("19810302", "1981-03-02"),
        ("1981年3月2日", "1981-03-02"),
        ("1981年3月2号", "1981-03-02"),
        ("1981年03月02日", "1981-03-02"),
        ("1981年3月2", "1981-03-02"),
        ("1981-03", "1981-03"),
        ("1981/3", "1981-03"),
        ("1981.03", "1981-03"),
        ("1981.3", "1981-03"),
        ("1981.10", "1981-10"),
        ("198103", "1981-03"),
        ("1981年3月", "1981-03"),
        ("1981年03月", "1981-03"),
        (" 1981 - 03 - 02 ", "1981-03-02"),
        ("1981 年 3 月", "1981-03"),
        ("１９８１年３月２日", "1981-03-02"),
        ("１９８１－０３－０２", "1981-03-02"),
        ("１９８１．０３", "1981-03"),
        ("1981-03-02 00:00:00", "1981-03-02"),
        ("1981/3/2 0:00", "1981-03-02"),
        ("1981-03-02T00:00:00", "1981-03-02"),
        ("1981年3月2日 10:00", "1981-03-02"),
        ("2000-02-29", "2000-02-29"),
        # Number cells: 1900–2100 with a fraction is year.month.
        (1981.03, "1981-03"),
        (1981.3, "1981-03"),
        (1981.12, "1981-12"),
        (Decimal("1981.10"), "1981-10"),
        # Excel keeps no trailing zero, so a typed 1981.10 arrives as 1981.1 and reads January.
        (1981.1, "1981-01"),
        (198103, "1981-03"),
        (19810302, "1981-03-02"),
        (19810302.0, "1981-03-02"),
    ],
)
def test_it_parses_partial_dates(value: object, expected: str) -> None:
    assert str(parse_partial_date(value)) == expected


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("1981年13月", "无法识别的日期“1981年13月”：月份应为1至12"),
        ("1981-00", "无法识别的日期“1981-00”：月份应为1至12"),
        ("1981-02-30", "无法识别的日期“1981-02-30”：1981年2月没有30日"),
        ("1900-02-29", "无法识别的日期“1900-02-29”：1900年2月没有29日"),
        ("1981-04-31", "无法识别的日期“1981-04-31”：1981年4月没有31日"),
        ("1899-12-31", "无法识别的日期“1899-12-31”：年份应在1900至2100之间"),
        ("2101-01", "无法识别的日期“2101-01”：年份应在1900至2100之间"),
        ("1981", "无法识别的日期“1981”：缺少月份"),
        ("1981年", "无法识别的日期“1981年”：缺少月份"),
        (1981, "无法识别的日期“1981”：缺少月份"),
        (1981.0, "无法识别的日期“1981”：缺少月份"),
        (1981.13, "无法识别的日期“1981.13”：月份应为1至12"),
        (1981.031, "无法识别的日期“1981.031”"),
        (5, "无法识别的日期“5”：数字超出Excel日期的合理范围"),
        (7305, "无法识别的日期“7305”：数字超出Excel日期的合理范围"),
        (73416, "无法识别的日期“73416”：数字超出Excel日期的合理范围"),
        (-29647, "无法识别的日期“-29647”"),
        ("abc", "无法识别的日期“abc”"),
        ("81-3-2", "无法识别的日期“81-3-2”"),
        ("1981-3/2", "无法识别的日期“1981-3/2”"),
        ("3/2/1981", "无法识别的日期“3/2/1981”"),
        ("", "不能为空"),
        (None, "不能为空"),
        (float("nan"), "不能为空"),
        (True, "无法识别的日期“True”"),
        (datetime.date(1850, 1, 1), "无法识别的日期“1850-01-01”：年份应在1900至2100之间"),
    ],
)
def test_it_refuses_bad_dates(value: object, reason: str) -> None:
    with pytest.raises(CleaningError) as excinfo:
        parse_partial_date(value)
    assert str(excinfo.value) == reason


def test_it_accepts_the_serial_bounds() -> None:
    assert str(parse_partial_date(7306)) == "1920-01-01"
    assert str(parse_partial_date(73415)) == "2100-12-31"


def test_it_describes_partial_dates() -> None:
    month = PartialDate(1981, 3)
    day = PartialDate(1981, 3, 2)
    assert (month.precision, str(month), month.to_date()) == (
        "month",
        "1981-03",
        datetime.date(1981, 3, 1),
    )
    assert (day.precision, str(day), day.to_date()) == (
        "day",
        "1981-03-02",
        datetime.date(1981, 3, 2),
    )
    assert PartialDate(1981, 3) == parse_partial_date("1981年3月")


def test_it_validates_partial_dates_on_construction() -> None:
    with pytest.raises(CleaningError, match="月份应为1至12"):
        PartialDate(1981, 13)
    with pytest.raises(CleaningError, match="没有30日"):
        PartialDate(1981, 2, 30)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1981-03-02", datetime.date(1981, 3, 2)),
        ("1981年3月2日", datetime.date(1981, 3, 2)),
        (29647, datetime.date(1981, 3, 2)),
        (datetime.datetime(1981, 3, 2, 14, 0), datetime.date(1981, 3, 2)),
        (19810302, datetime.date(1981, 3, 2)),
    ],
)
def test_it_parses_full_dates(value: object, expected: datetime.date) -> None:
    result = parse_date(value)
    assert result == expected
    assert type(result) is datetime.date


@pytest.mark.parametrize("value", ["1981-03", "1981年3月", 1981.03, 198103])
def test_it_refuses_a_month_where_a_full_date_is_required(value: object) -> None:
    with pytest.raises(CleaningError, match="缺少日") as excinfo:
        parse_date(value)
    assert str(excinfo.value) == "日期“1981-03”缺少日，请填写完整日期，如1981-03-01"


@pytest.mark.parametrize(
    ("birth", "on", "expected"),
    [
        (PartialDate(1981, 3, 2), datetime.date(2025, 3, 1), 43),
        (PartialDate(1981, 3, 2), datetime.date(2025, 3, 2), 44),
        (PartialDate(1981, 3, 2), datetime.date(2025, 12, 31), 44),
        (PartialDate(2000, 2, 29), datetime.date(2025, 2, 28), 24),
        (PartialDate(2000, 2, 29), datetime.date(2025, 3, 1), 25),
        (PartialDate(2000, 2, 29), datetime.date(2024, 2, 29), 24),
        # Month precision: an earlier month has passed, the same month has not.
        (PartialDate(1981, 3), datetime.date(2025, 4, 1), 44),
        (PartialDate(1981, 3), datetime.date(2025, 3, 31), 43),
        (PartialDate(1981, 3), datetime.date(2025, 2, 28), 43),
        (PartialDate(1981, 3), datetime.date(1981, 3, 15), 0),
        (PartialDate(1981, 3, 2), datetime.date(1981, 3, 2), 0),
    ],
)
def test_it_computes_age_on_a_date(birth: PartialDate, on: datetime.date, expected: int) -> None:
    assert age_on(birth, on) == expected


def test_it_refuses_an_age_before_birth() -> None:
    with pytest.raises(CleaningError, match="早于出生日期1981-03"):
        age_on(PartialDate(1981, 3), datetime.date(1981, 2, 28))


# --- titles ----------------------------------------------------------------------------------


SENIOR = TitleLevel.SENIOR
VICE = TitleLevel.VICE_SENIOR
MIDDLE = TitleLevel.INTERMEDIATE
JUNIOR = TitleLevel.JUNIOR
NO_TITLE = TitleLevel.NONE


# Space-separated tables keep the long lists readable; none of these titles contains a space.
SENIOR_TITLES = """
    教授 研究员 正高级工程师 教授级高级工程师 研究员级高级工程师 正高级农艺师 正高级经济师
    正高级会计师 主任医师 主任药师 主任护师 编审 译审 研究馆员 正高级实验师 正高级教师
    农业技术推广研究员 二级教授 博士生导师、教授 教授（博导） 教授(博士生导师) 特聘研究员
    教授级高工 正高 正高级 正高级职称 副教授、主任医师 中国工程院院士
"""
VICE_SENIOR_TITLES = """
    副教授 副研究员 高级工程师 高级农艺师 高级畜牧师 高级兽医师 高级实验师 高级经济师
    高级会计师 副主任医师 副主任药师 副编审 副译审 副研究馆员 高级讲师 高级工艺美术师
    中学高级教师 高工 林业高级工程师 高级工程师（副高） 副高 副高级 硕士生导师，副教授
"""
INTERMEDIATE_TITLES = """
    讲师 助理研究员 工程师 农艺师 畜牧师 兽医师 实验师 经济师 会计师 主治医师 主管药师
    主管护师 馆员 编辑 一级教师 中级 中级职称 中级经济师
"""
JUNIOR_TITLES = """
    助教 研究实习员 助理工程师 技术员 助理农艺师 助理兽医师 医师 药师 护师 护士 助理馆员
    二级教师 初级 初级会计师 农业技术员
"""


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        *[(title, SENIOR) for title in SENIOR_TITLES.split()],
        *[(title, VICE) for title in VICE_SENIOR_TITLES.split()],
        *[(title, MIDDLE) for title in INTERMEDIATE_TITLES.split()],
        *[(title, JUNIOR) for title in JUNIOR_TITLES.split()],
        *[(title, NO_TITLE) for title in ("无", "暂无", "未定级", "-", "—", "/", " 无 ")],
        # The explicit grade wins over the title it annotates.
        ("工程师（副高）", VICE),
        ("ＰＲＯＦＥＳＳＯＲ、教授", SENIOR),
        ("高 级 工 程 师", VICE),
    ],
)
def test_it_grades_professional_titles(title: object, expected: str) -> None:
    assert parse_title_level(title) == expected


@pytest.mark.parametrize("title", ["博士生导师", "院长", "高级技师", "董事长"])
def test_it_refuses_unknown_titles(title: object) -> None:
    with pytest.raises(CleaningError) as excinfo:
        parse_title_level(title)
    message = str(excinfo.value)
    assert message.startswith(f"无法识别的职称“{title}”")
    assert "高级工程师" in message and "正高级/副高级/中级/初级/无" in message


def test_it_requires_a_title() -> None:
    with pytest.raises(CleaningError, match=r"^不能为空$"):
        parse_title_level("  ")


# --- degrees ---------------------------------------------------------------------------------


DOCTORATES = """
    博士 博士研究生 工学博士 理学博士 农学博士 医学博士 管理学博士 PhD Ph.D. ＰｈＤ Dr. dr
    博士后 硕士、博士 研究生（博士）
"""
MASTERS = "硕士 硕士研究生 工学硕士 MBA 工程硕士 研究生 M.Sc."
BACHELORS = "学士 本科 大学本科 工学学士 本科/学士"
OTHER_DEGREES = "大专 专科 无 其他 其它 中专"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        *[(text, Degree.DOCTORATE) for text in DOCTORATES.split()],
        ("Ph. D.", Degree.DOCTORATE),
        *[(text, Degree.MASTER) for text in MASTERS.split()],
        *[(text, Degree.BACHELOR) for text in BACHELORS.split()],
        *[(text, Degree.OTHER) for text in OTHER_DEGREES.split()],
    ],
)
def test_it_parses_degrees(text: object, expected: str) -> None:
    assert parse_degree(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("学位", "无法识别的学位“学位”，请填写 博士、硕士、学士、大专 或 其他"),
        ("MAS", "无法识别的学位“MAS”，请填写 博士、硕士、学士、大专 或 其他"),
        ("博士在读", "学位“博士在读”尚未取得，请填写已取得的最高学位"),
        ("", "不能为空"),
    ],
)
def test_it_refuses_unknown_degrees(text: object, reason: str) -> None:
    with pytest.raises(CleaningError) as excinfo:
        parse_degree(text)
    assert str(excinfo.value) == reason


# --- gender and yes/no -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("男", Gender.MALE),
        (" 男性 ", Gender.MALE),
        ("M", Gender.MALE),
        ("m", Gender.MALE),
        ("Male", Gender.MALE),
        ("Ｍ", Gender.MALE),
        ("女", Gender.FEMALE),
        ("女性", Gender.FEMALE),
        ("F", Gender.FEMALE),
        ("female", Gender.FEMALE),
    ],
)
def test_it_parses_gender(text: object, expected: str) -> None:
    assert parse_gender(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [("未知", "无法识别的性别“未知”，请填写 男 或 女"), ("", "不能为空")],
)
def test_it_refuses_unknown_gender(text: object, reason: str) -> None:
    with pytest.raises(CleaningError) as excinfo:
        parse_gender(text)
    assert str(excinfo.value) == reason


YES_WORDS = "是 Y y yes YES 1 √ ✓ ✔ true True 有"
NO_WORDS = "否 N n no 0 × x false 无"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        *[(text, True) for text in YES_WORDS.split()],
        *[(text, False) for text in NO_WORDS.split()],
        (True, True),
        (1, True),
        (1.0, True),
        (False, False),
        (0, False),
        (0.0, False),
        ("", False),
        (None, False),
    ],
)
def test_it_parses_yes_no(value: object, expected: bool) -> None:
    assert parse_bool(value) is expected


@pytest.mark.parametrize("value", ["可能", "2", 2])
def test_it_refuses_unknown_yes_no(value: object) -> None:
    with pytest.raises(CleaningError, match="请填写 是 或 否"):
        parse_bool(value)


# --- 统一社会信用代码 ------------------------------------------------------------------------

# Published codes, taken from python-stdnum's tests/test_cn_uscc.doctest ("found online"); they
# cover registration authorities 1 and 9, categories 1 and 2, letters in the body and check
# characters that are digits and letters.
PUBLISHED_CREDIT_CODES = [
    "91110000600037341L",
    "121200004013590816",
    "9144030071526726XG",
    "91310115MA1K3BTP2B",
    "91152201078371135X",
    "92340603MA2PBMYMX1",
    "91620105L015101280",
    "91340600MA2PBNE723",
]


@pytest.mark.parametrize("code", PUBLISHED_CREDIT_CODES)
def test_it_accepts_published_credit_codes(code: str) -> None:
    assert validate_credit_code(code) == code
    assert credit_code_check_char(code[:17]) == code[17]


def test_it_computes_the_check_character_by_hand() -> None:
    # Worked example 1: 91110000600037341L. Values (alphabet index) × weights, positions 1–17:
    #   9×1 + 1×3 + 1×9 + 1×27 + 0×19 + 0×26 + 0×16 + 0×17 + 6×20 + 0×29 + 0×25 + 0×13
    #   + 3×8 + 7×24 + 3×10 + 4×30 + 1×28
    #   = 9 + 3 + 9 + 27 + 120 + 24 + 168 + 30 + 120 + 28 = 538
    # 538 mod 31 = 11 (31×17 = 527); (31 − 11) mod 31 = 20; alphabet[20] = "L"
    # (0–9 are 0–9, then A=10 B=11 C=12 D=13 E=14 F=15 G=16 H=17 J=18 K=19 L=20).
    assert credit_code_check_char("91110000600037341") == "L"
    # Worked example 2: 121200004013590816.
    #   1×1 + 2×3 + 1×9 + 2×27 + 0×19 + 0×26 + 0×16 + 0×17 + 4×20 + 0×29 + 1×25 + 3×13
    #   + 5×8 + 9×24 + 0×10 + 8×30 + 1×28
    #   = 1 + 6 + 9 + 54 + 80 + 25 + 39 + 40 + 216 + 240 + 28 = 738
    # 738 mod 31 = 25 (31×23 = 713); (31 − 25) mod 31 = 6; alphabet[6] = "6".
    assert credit_code_check_char("12120000401359081") == "6"
    # A sum divisible by 31 gives (31 − 0) mod 31 = 0, not 31: all zeros sum to 0.
    assert credit_code_check_char("0" * 17) == "0"


def test_it_uses_powers_of_three_as_weights() -> None:
    assert tuple(pow(3, i, 31) for i in range(17)) == cleaning.CREDIT_CODE_WEIGHTS
    assert len(cleaning.CREDIT_CODE_ALPHABET) == 31
    assert not set("IOZSV") & set(cleaning.CREDIT_CODE_ALPHABET)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (" 91110000600037341l ", "91110000600037341L"),
        ("9111 0000 6000 3734 1L", "91110000600037341L"),
        ("９１１１００００６０００３７３４１Ｌ", "91110000600037341L"),
    ],
)
def test_it_normalises_credit_codes(value: object, expected: str) -> None:
    assert validate_credit_code(value) == expected


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("9111000060003734", "统一社会信用代码应为18位，实为16位"),
        ("91110000600037341L0", "统一社会信用代码应为18位，实为19位"),
        (
            "9111000060003734IL",
            "统一社会信用代码第17位“I”不是合法字符（不使用字母I，是否应为数字1？）",
        ),
        (
            "911100006O0037341L",
            "统一社会信用代码第10位“O”不是合法字符（不使用字母O，是否应为数字0？）",
        ),
        ("9111000060003734VL", "统一社会信用代码第17位“V”不是合法字符（不使用字母V）"),
        ("91110000-60003734L", "统一社会信用代码第9位“-”不是合法字符"),
        (
            "91110000600037341N",
            "统一社会信用代码校验位错误：第18位应为“L”，实为“N”，请核对",
        ),
        # Two digits swapped: the weights catch transpositions.
        (
            "91110000600073341L",
            "统一社会信用代码校验位错误：第18位应为“"
            + credit_code_check_char("91110000600073341")
            + "”，实为“L”，请核对",
        ),
        # An example once proposed for these tests; its check character does not match.
        (
            "91330000MA27U0BD0X",
            "统一社会信用代码校验位错误：第18位应为“J”，实为“X”，请核对",
        ),
        ("", "不能为空"),
    ],
)
def test_it_refuses_bad_credit_codes(value: object, reason: str) -> None:
    with pytest.raises(CleaningError) as excinfo:
        validate_credit_code(value)
    assert str(excinfo.value) == reason


def test_it_refuses_a_check_character_request_of_the_wrong_length() -> None:
    with pytest.raises(CleaningError, match="需要前17位"):
        credit_code_check_char("9111")


# --- phones and e-mail -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("13812345678", "13812345678"),
        (13812345678, "13812345678"),
        (13812345678.0, "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("+8613812345678", "13812345678"),
        ("0086-13812345678", "13812345678"),
        ("86 13812345678", "13812345678"),
        ("8613812345678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),
        ("19912345678", "19912345678"),
        ("0997-1234567", "0997-1234567"),
        ("0997 1234567", "0997-1234567"),
        ("09971234567", "0997-1234567"),
        ("(0997)1234567", "0997-1234567"),
        ("（0997）1234567", "0997-1234567"),
        ("0997—1234567", "0997-1234567"),
        ("０９９７－１２３４５６７", "0997-1234567"),
        ("010-88886666", "010-88886666"),
        ("01088886666", "010-88886666"),
        ("021 1234 5678", "021-12345678"),
        ("+86 997 1234567", "0997-1234567"),
        ("+86-10-88886666", "010-88886666"),
        ("0997-1234567-801", "0997-1234567-801"),
        ("0997-1234567转801", "0997-1234567-801"),
        ("010 8888 6666 转 123", "010-88886666-123"),
        ("0997-1234567分机801", "0997-1234567-801"),
        ("0997-1234567 ext. 801", "0997-1234567-801"),
    ],
)
def test_it_normalises_phone_numbers(value: object, expected: str) -> None:
    assert parse_phone(value) == expected


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("1381234567", "无法识别的电话号码“1381234567”"),
        ("12345678901", "无法识别的电话号码“12345678901”"),
        ("138123456789", "无法识别的电话号码“138123456789”"),
        ("13812345678转1", "无法识别的电话号码“13812345678转1”"),
        ("0997-12345", "无法识别的电话号码“0997-12345”"),
        ("011-12345678", "无法识别的电话号码“011-12345678”"),
        ("手机号", "无法识别的电话号码“手机号”"),
        ("1234567", "固定电话“1234567”缺少区号，如0997-1234567"),
        ("13812345678/13912345678", "“13812345678/13912345678”含多个号码，请只填写一个电话号码"),
        ("", "不能为空"),
    ],
)
def test_it_refuses_bad_phone_numbers(value: object, reason: str) -> None:
    with pytest.raises(CleaningError) as excinfo:
        parse_phone(value)
    assert str(excinfo.value).startswith(reason)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("zhang.san@PKU.EDU.CN", "zhang.san@pku.edu.cn"),
        ("ZhangSan@QQ.com", "ZhangSan@qq.com"),
        (" zs@qq.com ", "zs@qq.com"),
        ("zs＠qq．com", "zs@qq.com"),
        ("zs@qq。com", "zs@qq.com"),
        ("mailto:zs@qq.com", "zs@qq.com"),
        ("zs+tepai@mail.xj-agri.gov.cn", "zs+tepai@mail.xj-agri.gov.cn"),
    ],
)
def test_it_normalises_email_addresses(value: object, expected: str) -> None:
    assert parse_email(value) == expected


@pytest.mark.parametrize(
    "value", ["zs", "zs@qq", "zs@@qq.com", "zs@qq..com", "张三@qq.com", "zs@-qq.com"]
)
def test_it_refuses_bad_email_addresses(value: object) -> None:
    with pytest.raises(CleaningError, match=r"^无法识别的电子邮箱"):
        parse_email(value)


def test_it_requires_an_email_address() -> None:
    with pytest.raises(CleaningError, match=r"^不能为空$"):
        parse_email(" ")


# --- numbers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("50", Decimal("50")),
        (50, Decimal("50")),
        (50.5, Decimal("50.5")),
        (0.1, Decimal("0.1")),
        (Decimal("12.50"), Decimal("12.50")),
        ("50.5", Decimal("50.5")),
        ("5,000", Decimal("5000")),
        ("1,234,567.89", Decimal("1234567.89")),
        ("５，０００", Decimal("5000")),
        ("50万", Decimal("50")),
        ("50万元", Decimal("50")),
        ("50.5 万元", Decimal("50.5")),
        ("¥50", Decimal("50")),
        (".5", Decimal("0.5")),
        ("-3", Decimal("-3")),
    ],
)
def test_it_parses_decimal_amounts(value: object, expected: Decimal) -> None:
    result = parse_decimal(value)
    assert result == expected
    assert isinstance(result, Decimal)


@pytest.mark.parametrize(
    ("value", "kwargs", "reason"),
    [
        ("-3", {"min_value": 0}, "“-3”不能为负数"),
        (-3.5, {"min_value": 0}, "“-3.5”不能为负数"),
        (-3, {"min_value": 0}, "“-3”不能为负数"),
        ("5", {"min_value": 10}, "“5”不能小于10"),
        ("5,00", {}, "“5,00”不是数字"),
        ("五十", {}, "“五十”不是数字"),
        ("50000元", {}, "“50000元”：金额请以万元为单位填写数字，如50或50.5"),
        ("1亿", {}, "“1亿”：金额请以万元为单位填写数字，如50或50.5"),
        (True, {}, "“True”不是数字"),
        (float("inf"), {}, "“inf”不是数字"),
        ("", {}, "不能为空"),
        (float("nan"), {}, "不能为空"),
    ],
)
def test_it_refuses_bad_decimal_amounts(value: object, kwargs: dict[str, Any], reason: str) -> None:
    with pytest.raises(CleaningError) as excinfo:
        parse_decimal(value, **kwargs)
    assert str(excinfo.value) == reason


def test_it_allows_zero_when_negatives_are_refused() -> None:
    assert parse_decimal("0", min_value=0) == 0


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12", 12),
        (12, 12),
        (12.0, 12),
        (Decimal("12.00"), 12),
        ("12.0", 12),
        ("１２", 12),
        ("1,200", 1200),
        ("12人", 12),
        ("12人次", 12),
        ("12个", 12),
        ("12份", 12),
        ("12家", 12),
        ("12 项", 12),
        ("3个品种", 3),
        ("0", 0),
    ],
)
def test_it_parses_integers(value: object, expected: int) -> None:
    result = parse_int(value)
    assert result == expected
    assert type(result) is int


@pytest.mark.parametrize(
    ("value", "kwargs", "reason"),
    [
        ("12.5", {}, "“12.5”不是整数"),
        (12.5, {}, "“12.5”不是整数"),
        ("1.2万", {}, "“1.2万”不是整数"),
        ("12万", {}, "“12万”不是整数，请填写阿拉伯数字，如12"),
        ("十二", {}, "“十二”不是整数，请填写阿拉伯数字，如12"),
        ("十二人", {}, "“十二人”不是整数，请填写阿拉伯数字，如12"),
        ("约12人", {}, "“约12人”不是整数，请填写阿拉伯数字，如12"),
        (True, {}, "“True”不是整数"),
        ("-1", {"min_value": 0}, "“-1”不能为负数"),
        ("0", {"min_value": 1}, "“0”不能小于1"),
        ("10", {"min_value": 1, "max_value": 9}, "“10”不能大于9"),
        (10.0, {"max_value": 9}, "“10”不能大于9"),
        ("", {}, "不能为空"),
        (None, {}, "不能为空"),
    ],
)
def test_it_refuses_bad_integers(value: object, kwargs: dict[str, Any], reason: str) -> None:
    with pytest.raises(CleaningError) as excinfo:
        parse_int(value, **kwargs)
    assert str(excinfo.value) == reason


def test_it_accepts_integers_within_bounds() -> None:
    assert parse_int("9", min_value=1, max_value=9) == 9
    assert parse_int("1", min_value=1, max_value=9) == 1
