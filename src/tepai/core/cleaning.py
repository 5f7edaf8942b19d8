"""Turn messy spreadsheet cells into clean values.

Program offices keep their rosters in Excel and WPS; the same column holds ``1981.03``, an Excel
date cell, ``1981年3月`` and ``１９８１－０３``. Every function here takes such a raw cell (whatever
openpyxl or the CSV reader produced) and either returns a clean value or raises
:class:`CleaningError`, whose ``str()`` is a short Chinese reason that the importer prints as
``第N行 列名: 原因``.

Empty cells: the ``clean_*`` and :func:`split_multi` functions return an empty value,
:func:`parse_bool` returns ``False``, and every other ``parse_*``/``validate_*`` function raises
``CleaningError("不能为空")``; callers of optional columns test :func:`clean_text` first. (The
masks of phones and ID numbers are in :mod:`tepai.core.personal_data`.)

Standard library only, apart from the choice enums, so that it can run without Django settings.
"""

from __future__ import annotations

import datetime
import functools
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Literal, TypeVar

from tepai.core.choices import Degree, Gender, TitleLevel

__all__ = [
    "CleaningError",
    "PartialDate",
    "age_on",
    "clean_name",
    "clean_text",
    "credit_code_check_char",
    "parse_bool",
    "parse_date",
    "parse_decimal",
    "parse_degree",
    "parse_email",
    "parse_gender",
    "parse_int",
    "parse_partial_date",
    "parse_phone",
    "parse_title_level",
    "split_multi",
    "validate_credit_code",
]


class CleaningError(ValueError):
    """A cell that cannot be turned into a clean value; ``str()`` is the reason in Chinese."""


EMPTY = "不能为空"

# ---------------------------------------------------------------------------------------------
# Text
# ---------------------------------------------------------------------------------------------

_FULL_WIDTH_OFFSET = 0xFEE0
# Chinese prose is written with these full-width marks; turning them into ASCII would corrupt
# every 简介 and official name (浙阿纺织服装科技创新（国家高新区）中心), so clean_text keeps them
# and only the compact form used for codes, numbers and dates folds them too.
_CHINESE_PUNCTUATION = "，：；！？（）"
_HALF_WIDTH_ALL = {code: code - _FULL_WIDTH_OFFSET for code in range(0xFF01, 0xFF5F)}
_TRANSLATION: dict[int, int | None] = {
    code: half for code, half in _HALF_WIDTH_ALL.items() if chr(code) not in _CHINESE_PUNCTUATION
}
# Zero-width characters are invisible in Excel but break every comparison; the BOM also turns
# up at the start of the first cell of CSV files saved by Notepad.
_TRANSLATION.update(dict.fromkeys((0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF)))
# Other control characters (pasted from Word or web pages) are treated as spaces.
_TRANSLATION.update(
    {code: 0x20 for code in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F)}
)

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_HAS_CJK = re.compile(f"[{_CJK}]")
_WHITESPACE = re.compile(r"\s+")
_LINE_WHITESPACE = re.compile(r"[^\S\n]+")
_LINE_BREAKS = re.compile(r"\r\n|[\r\n\u2028\u2029\x85]")
_BLANK_LINES = re.compile(r"\n{3,}")

# What pandas or a careless str() writes for a missing value.
_MISSING_MARKERS = frozenset({"nan", "NaN", "None", "NaT", "<NA>"})
# A formula that failed in Excel; silently treating it as empty would hide the problem.
_EXCEL_ERRORS = frozenset(
    {"#N/A", "#VALUE!", "#REF!", "#DIV/0!", "#NUM!", "#NAME?", "#NULL!", "#SPILL!", "#CALC!"}
)


def _is_missing(value: object) -> bool:
    if value is None:
        return True
    try:
        # NaN, NaT and friends are the only values that differ from themselves.
        return bool(value != value)
    except (TypeError, ValueError):
        # pandas.NA refuses to be converted to bool.
        return True


def _number_text(value: int | float | Decimal) -> str:
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return format(value.to_integral_value(), "f")
        return format(value, "f")
    if isinstance(value, float) and value.is_integer():
        # Excel stores every number as a float: a phone number comes back as 13800138000.0.
        return str(int(value))
    return str(value)


def _to_raw_text(value: object) -> str:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | Decimal):
        return _number_text(value)
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def clean_text(value: object, *, keep_newlines: bool = False) -> str:
    """Return ``value`` as tidy single-line text.

    Missing values (None, NaN, pandas' "nan") become ""; a float with an integral value loses its
    ".0"; full-width ASCII (U+FF01–U+FF5E) becomes half-width, so ``（`` becomes ``(`` and ``，``
    becomes ``,`` (other Chinese punctuation such as 、 and 。 is kept); every kind of unicode
    space becomes a plain space, runs of whitespace collapse to one space and the ends are
    stripped. With ``keep_newlines`` (for 简介 and 正文 columns) line breaks survive: each line is
    tidied on its own and more than one blank line in a row is reduced to one.
    An Excel error value such as ``#N/A`` raises CleaningError.
    """
    if type(value) is str:  # most cells; a str is never "missing" and is its own raw text
        raw = value
    elif _is_missing(value):
        return ""
    else:
        raw = _to_raw_text(value)
    if len(raw) <= _MEMO_LENGTH:
        return _clean_short(raw, keep_newlines)
    return _clean(raw, keep_newlines)


# A roster repeats the same short cells (batch, institution, title, degree, team) on every
# row, and an import cleans each cell more than once: remembering short results halves the
# cost of cleaning a 50,000-row file. Long texts (简介) are rarely repeated and would fill it.
_MEMO_LENGTH = 64


def _clean(raw: str, keep_newlines: bool) -> str:
    text = raw.translate(_TRANSLATION)
    if keep_newlines:
        text = _LINE_BREAKS.sub("\n", text)
        lines = [_LINE_WHITESPACE.sub(" ", line).strip() for line in text.split("\n")]
        text = _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
    else:
        text = _WHITESPACE.sub(" ", text).strip()
    if text in _MISSING_MARKERS:
        return ""
    if ("(" in text or ")" in text) and _HAS_CJK.search(text):
        # In Chinese text a clerk's ASCII brackets mean the same as full-width ones; one form
        # keeps names such as 中心（拜城） comparable across sheets.
        text = text.replace("(", "（").replace(")", "）")
    if text[:1] == "#" and text.upper() in _EXCEL_ERRORS:
        raise CleaningError(f"单元格是Excel错误值“{text}”，请检查公式")
    return text


_clean_short = functools.lru_cache(maxsize=1 << 16)(_clean)


_T = TypeVar("_T")


def remember_short_texts(parse: Callable[[object], _T]) -> Callable[[object], _T]:
    """Remember what ``parse`` returned for short str cells (it must be a pure function).

    A roster repeats titles and degrees on every row, and an import reads each phone three
    times (parsing, model validation, the audit mask). Refusals (CleaningError) are raised
    again each time, not remembered.
    """
    remembered = functools.lru_cache(maxsize=1 << 14)(parse)

    @functools.wraps(parse)
    def parsed(value: object) -> _T:
        if type(value) is str and len(value) <= _MEMO_LENGTH:
            return remembered(value)
        return parse(value)

    return parsed


_SPACE_BETWEEN_CJK = re.compile(f"(?<=[{_CJK}]) (?=[{_CJK}])")
# Transliterated names (买买提·吐尔逊, common in Xinjiang) use U+00B7, but clerks type whatever
# dot their input method offers; one form keeps such names comparable across sheets.
_NAME_DOT = re.compile(f"(?<=[{_CJK}]) ?[.·•・‧∙⋅･] ?(?=[{_CJK}])")


def clean_name(value: object) -> str:
    """Return a person's name with the spaces clerks add for alignment removed.

    Spaces between Chinese characters go (``张  三`` → ``张三``, ``欧阳 明`` → ``欧阳明``), Latin
    names keep one space (``John  Smith`` → ``John Smith``), and the dot in transliterated names
    is normalised to U+00B7 (``买买提.吐尔逊`` → ``买买提·吐尔逊``).
    """
    text = clean_text(value)
    text = _NAME_DOT.sub("·", text)
    return _SPACE_BETWEEN_CJK.sub("", text)


_MULTI_SEPARATORS = re.compile(r"[、，,；;/／｜|]")


def split_multi(value: object) -> list[str]:
    """Return the items of a multi-value cell, cleaned, without empties or repeats.

    Items are separated by 、 ， , ； ; / ｜ | or line breaks.
    """
    if _is_missing(value):
        return []
    raw = value if isinstance(value, str) else _to_raw_text(value)
    items: list[str] = []
    for line in raw.splitlines():
        for part in _MULTI_SEPARATORS.split(line):
            item = clean_text(part)
            if item and item not in items:
                items.append(item)
    return items


def _half_width(value: object) -> str:
    """Return clean_text with the Chinese punctuation folded to ASCII too (for parsing)."""
    return clean_text(value).translate(_HALF_WIDTH_ALL)


def _compact(value: object) -> str:
    """Return clean_text, all half-width and without spaces: the form codes and numbers take."""
    return _half_width(value).replace(" ", "")


def _shorten(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ---------------------------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------------------------

MIN_YEAR = 1900
MAX_YEAR = 2100

# Excel's 1900 date system counts 1900-01-01 as day 1 but also counts the non-existent
# 1900-02-29 (a Lotus 1-2-3 bug it kept), so from 1900-03-01 on the epoch is 1899-12-30.
_EXCEL_EPOCH = datetime.date(1899, 12, 30)
# Nobody on a roster was born, and nothing was signed, before 1920; a smaller number in a date
# column is far more likely a typo than a date, and this bound also keeps the serials clear of
# 1900–2100, which are read as years.
_SERIAL_MIN = (datetime.date(1920, 1, 1) - _EXCEL_EPOCH).days
_SERIAL_MAX = (datetime.date(MAX_YEAR, 12, 31) - _EXCEL_EPOCH).days


@dataclass(frozen=True)
class PartialDate:
    """A date whose day may be unknown, as in rosters that record only 出生年月."""

    year: int
    month: int
    day: int | None = None

    def __post_init__(self) -> None:
        _check_date_parts(self.year, self.month, self.day)

    @property
    def precision(self) -> Literal["day", "month"]:
        """Return "day" when the day is known, otherwise "month"."""
        return "month" if self.day is None else "day"

    def to_date(self) -> datetime.date:
        """Return the date, taking the 1st of the month when the day is unknown."""
        return datetime.date(self.year, self.month, self.day or 1)

    def __str__(self) -> str:
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"


def _check_date_parts(year: int, month: int, day: int | None) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise CleaningError(f"年份应在{MIN_YEAR}至{MAX_YEAR}之间")
    if not 1 <= month <= 12:
        raise CleaningError("月份应为1至12")
    if day is not None:
        try:
            datetime.date(year, month, day)
        except ValueError:
            raise CleaningError(f"{year}年{month}月没有{day}日") from None


_TIME_SUFFIX = re.compile(r"^(.*?\S)(?: +|T)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")
_DATE_PATTERNS = [
    re.compile(r"^(?P<y>\d{4})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})$"),
    re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$"),
    re.compile(r"^(?P<y>\d{4})年(?P<m>\d{1,2})月(?:(?P<d>\d{1,2})[日号號]?)?$"),
    re.compile(r"^(?P<y>\d{4})[-/.](?P<m>\d{1,2})$"),
    re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})$"),
]


def _unrecognised(text: str, reason: str = "") -> CleaningError:
    message = f"无法识别的日期“{_shorten(text)}”"
    if reason:
        message += f"：{reason}"
    return CleaningError(message)


def _partial_date(year: int, month: int, day: int | None, text: str) -> PartialDate:
    try:
        return PartialDate(year, month, day)
    except CleaningError as exc:
        raise _unrecognised(text, str(exc)) from None


def _date_from_text(text: str) -> PartialDate:
    compact = text
    match = _TIME_SUFFIX.match(compact)
    if match:
        # A datetime that went through str(): "1981-03-02 00:00:00", "1981/3/2 0:00".
        compact = match.group(1)
    compact = compact.replace(" ", "")
    for pattern in _DATE_PATTERNS:
        match = pattern.match(compact)
        if match:
            day = match.groupdict().get("d")
            return _partial_date(int(match["y"]), int(match["m"]), int(day) if day else None, text)
    if re.fullmatch(r"\d{4}年?", compact):
        raise _unrecognised(text, "缺少月份")
    raise _unrecognised(text)


def _date_from_number(value: int | float | Decimal) -> PartialDate:
    text = _number_text(value)
    if value < 0 or (isinstance(value, float | Decimal) and not math.isfinite(value)):
        raise _unrecognised(text)
    if value == int(value):
        number = int(value)
        if MIN_YEAR <= number <= MAX_YEAR:
            raise _unrecognised(text, "缺少月份")
        if len(str(number)) in (6, 8):
            # A cell typed as a number: 198103 or 19810302.
            return _date_from_text(str(number))
    elif MIN_YEAR <= value < MAX_YEAR + 1:
        # 1981.03 typed into a number cell. The month is read from the shortest decimal
        # representation, so 1981.3 is March and 1981.1 is January: Excel has already turned
        # 1981.10 into 1981.1 and October cannot be told apart from January any more.
        year, _, month = text.partition(".")
        if len(month) > 2:
            raise _unrecognised(text)
        return _partial_date(int(year), int(month), None, text)
    serial = int(value)  # a fraction is the time of day
    if not _SERIAL_MIN <= serial <= _SERIAL_MAX:
        raise _unrecognised(text, "数字超出Excel日期的合理范围")
    date = _EXCEL_EPOCH + datetime.timedelta(days=serial)
    return PartialDate(date.year, date.month, date.day)


def parse_partial_date(value: object) -> PartialDate:
    """Return the date in ``value``, which may lack the day.

    Accepts Excel date cells (date/datetime), Excel serial numbers of the 1900 date system
    (29647 → 1981-03-02, from 1920 to 2100), numbers typed as ``1981.03``, ``198103`` or
    ``19810302``, and the text forms ``1981-03-02``, ``1981/3/2``, ``1981.3.2``, ``19810302``,
    ``1981年3月2日`` (or 号), ``1981-03``, ``1981/3``, ``1981.3``, ``198103``, ``1981年3月``,
    with stray spaces and full-width digits. A number between 1900 and 2100 with a fraction is
    year.month, and 1981.1 means January (see the note in the code).
    """
    if isinstance(value, datetime.date):  # datetime too
        return _partial_date(value.year, value.month, value.day, clean_text(value))
    if isinstance(value, bool):
        raise _unrecognised(str(value))
    if isinstance(value, int | float | Decimal) and not _is_missing(value):
        return _date_from_number(value)
    text = _half_width(value)
    if not text:
        raise CleaningError(EMPTY)
    return _date_from_text(text)


def parse_date(value: object) -> datetime.date:
    """Return the full date in ``value``; the accepted forms are those of parse_partial_date."""
    partial = parse_partial_date(value)
    if partial.day is None:
        raise CleaningError(f"日期“{partial}”缺少日，请填写完整日期，如{partial}-01")
    return partial.to_date()


def age_on(birth: PartialDate, on: datetime.date) -> int:
    """Return the age in whole years on the date ``on``.

    Someone born on 29 February turns a year older on 1 March in common years. When only the
    birth month is known, the birthday counts as passed if that month is before ``on``'s month
    and as not yet reached when it is the same month: the age is then never overstated, which is
    the safe side for age limits such as "under 45".
    """
    if on < birth.to_date():
        raise CleaningError(f"日期{on.isoformat()}早于出生日期{birth}")
    age = on.year - birth.year
    if birth.day is None:
        if birth.month >= on.month:
            age -= 1
    elif (on.month, on.day) < (birth.month, birth.day):
        age -= 1
    return max(age, 0)


# ---------------------------------------------------------------------------------------------
# Titles, degrees, gender, yes/no
# ---------------------------------------------------------------------------------------------

_SENIOR = TitleLevel.SENIOR.value
_VICE = TitleLevel.VICE_SENIOR.value
_MIDDLE = TitleLevel.INTERMEDIATE.value
_JUNIOR = TitleLevel.JUNIOR.value
_NO_TITLE = TitleLevel.NONE.value

_TITLE_RANK = {_NO_TITLE: 0, _JUNIOR: 1, _MIDDLE: 2, _VICE: 3, _SENIOR: 4}
_NO_TITLE_WORDS = frozenset(
    {"无", "暂无", "没有", "未定级", "未评", "未评定", "无职称", "-", "--", "—", "——", "/", "\\"}
)

# Title series whose grades are 正高级X / 高级X / X / 助理X. 正高级 itself is caught by the
# level words, which are looked for first.
_GRADED_SERIES = "工程师|农艺师|畜牧师|兽医师|实验师|经济师|会计师|统计师|审计师|工艺美术师|规划师"

# Looked for in order inside each part of the cell; the first hit decides that part. The order
# matters wherever one title contains another: 副教授 ⊃ 教授, 助理研究员 ⊃ 研究员,
# 高级工程师 ⊃ 工程师, 副主任医师 ⊃ 主任医师 ⊃ 医师, 兽医师 ⊃ 医师.
_TITLE_RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p), level)
    for p, level in [
        # A grade written out, on its own or as a note: "高级工程师（副高）". It wins over the
        # title word because clerks add it precisely where the title alone is unclear.
        (r"正高", _SENIOR),
        (r"副高", _VICE),
        (r"中级", _MIDDLE),
        (r"初级", _JUNIOR),
        (r"(?:教授|研究员)级", _SENIOR),
        # Not a title, but every academician holds a senior one.
        (r"院士", _SENIOR),
        (r"副教授", _VICE),
        (r"教授", _SENIOR),
        (r"高级讲师", _VICE),
        (r"讲师", _MIDDLE),
        (r"助教", _JUNIOR),
        (r"副研究馆员", _VICE),
        (r"研究馆员", _SENIOR),
        (r"助理馆员", _JUNIOR),
        (r"馆员", _MIDDLE),
        (r"副研究员", _VICE),
        (r"助理研究员", _MIDDLE),
        (r"研究实习员", _JUNIOR),
        (r"研究员", _SENIOR),
        (r"高工", _VICE),
        (rf"高级(?:{_GRADED_SERIES})", _VICE),
        (rf"助理(?:{_GRADED_SERIES})", _JUNIOR),
        (rf"{_GRADED_SERIES}", _MIDDLE),
        (r"副主任[医药护技]师", _VICE),
        (r"主任[医药护技]师", _SENIOR),
        (r"主治医师|主管[药护技]师", _MIDDLE),
        (r"[医药护]师|[医药护技]士", _JUNIOR),
        (r"副编审", _VICE),
        (r"编审", _SENIOR),
        (r"助理编辑", _JUNIOR),
        (r"编辑", _MIDDLE),
        (r"副译审", _VICE),
        (r"译审", _SENIOR),
        (r"高级教师", _VICE),
        (r"一级教师", _MIDDLE),
        (r"[二三]级教师", _JUNIOR),
        (r"技术员", _JUNIOR),
    ]
]
_TITLE_EXAMPLES = (
    "如 教授、副研究员、高级工程师、工程师、助理工程师，或直接填写 正高级/副高级/中级/初级/无"
)


@remember_short_texts
def parse_title_level(title: object) -> str:
    """Return the TitleLevel value (职称级别) of a professional title such as 高级农艺师.

    Prefixes and notes are allowed (二级教授, 教授（博导）, 林业高级工程师); a cell listing several
    items (博士生导师、教授) gets the highest level found, items that are not titles being
    ignored. An explicit grade word (正高, 副高, 中级, 初级) wins over the title. Appointments
    such as 特聘研究员 or 客座教授 are graded by the title they name, i.e. as 正高级: rosters
    list them for people who hold that grade, and a clerk who knows better writes the grade.
    """
    text = _compact(title).upper()
    if not text:
        raise CleaningError(EMPTY)
    if text in _NO_TITLE_WORDS:
        return _NO_TITLE
    best: str | None = None
    for part in split_multi(text):
        for pattern, level in _TITLE_RULES:
            if pattern.search(part):
                if best is None or _TITLE_RANK[level] > _TITLE_RANK[best]:
                    best = level
                break
    if best is None:
        raise CleaningError(f"无法识别的职称“{_shorten(text)}”，{_TITLE_EXAMPLES}")
    return best


_DOCTORATE = Degree.DOCTORATE.value
_MASTER = Degree.MASTER.value
_BACHELOR = Degree.BACHELOR.value
_OTHER_DEGREE = Degree.OTHER.value
_DEGREE_RANK = {_OTHER_DEGREE: 0, _BACHELOR: 1, _MASTER: 2, _DOCTORATE: 3}

# Latin abbreviations are matched whole (after dropping dots and spaces): as substrings, MA or
# BS would turn up inside unrelated words.
_LATIN_DEGREES = {
    **dict.fromkeys(("PHD", "DPHIL", "DR", "DOCTOR", "DOCTORATE", "EDD", "DBA"), _DOCTORATE),
    **dict.fromkeys(
        ("MASTER", "MBA", "EMBA", "MPA", "MPH", "MSC", "MS", "MA", "MENG", "MPHIL", "LLM"),
        _MASTER,
    ),
    **dict.fromkeys(("BACHELOR", "BSC", "BS", "BA", "BENG", "LLB"), _BACHELOR),
}
# 博士 before 研究生 because 博士研究生 contains both; 研究生 alone means a master's.
_DEGREE_RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"博士"), _DOCTORATE),
    (re.compile(r"硕士|研究生"), _MASTER),
    (re.compile(r"学士|本科"), _BACHELOR),
    (re.compile(r"大专|专科|中专|高中|初中|无|其他|其它"), _OTHER_DEGREE),
]


@remember_short_texts
def parse_degree(text: object) -> str:
    """Return the Degree value (highest degree) for 博士, 工学硕士, 本科, Ph.D., MBA and the like.

    研究生 without 博士 means a master's; 博士后 counts as a doctorate; 大专, 专科, 无 and 其他
    are Degree.OTHER. A cell listing several degrees gets the highest. A degree still being
    studied for (在读, 肄业) is refused, so that it is not counted as earned.
    """
    cleaned = _compact(text).upper()
    if not cleaned:
        raise CleaningError(EMPTY)
    if "在读" in cleaned or "肄业" in cleaned:
        raise CleaningError(f"学位“{_shorten(cleaned)}”尚未取得，请填写已取得的最高学位")
    best: str | None = None
    for part in split_multi(cleaned):
        degree = _LATIN_DEGREES.get(part.replace(".", ""))
        if degree is None:
            degree = next((d for pattern, d in _DEGREE_RULES if pattern.search(part)), None)
        if degree is not None and (best is None or _DEGREE_RANK[degree] > _DEGREE_RANK[best]):
            best = degree
    if best is None:
        raise CleaningError(
            f"无法识别的学位“{_shorten(cleaned)}”，请填写 博士、硕士、学士、大专 或 其他"
        )
    return best


_GENDERS = {
    **dict.fromkeys(("男", "男性", "M", "MALE"), Gender.MALE.value),
    **dict.fromkeys(("女", "女性", "F", "FEMALE"), Gender.FEMALE.value),
}


def parse_gender(text: object) -> str:
    """Return the Gender value for 男/女, 男性/女性, M/F or male/female."""
    cleaned = _compact(text).upper()
    if not cleaned:
        raise CleaningError(EMPTY)
    try:
        return _GENDERS[cleaned]
    except KeyError:
        raise CleaningError(f"无法识别的性别“{_shorten(cleaned)}”，请填写 男 或 女") from None


_TRUE_WORDS = frozenset({"是", "Y", "YES", "1", "√", "✓", "✔", "TRUE", "T", "有", "对"})
_FALSE_WORDS = frozenset({"否", "N", "NO", "0", "×", "X", "✗", "✘", "FALSE", "F", "无", "不是"})


def parse_bool(value: object) -> bool:
    """Return the yes/no value of 是/否, Y/N, yes/no, 1/0, √/×, ✓, true/false or 有/无.

    An empty cell is False.
    """
    if isinstance(value, bool):
        return value
    text = _compact(value).upper()
    if not text:
        return False
    if text in _TRUE_WORDS:
        return True
    if text in _FALSE_WORDS:
        return False
    raise CleaningError(f"无法识别的是/否值“{_shorten(text)}”，请填写 是 或 否")


# ---------------------------------------------------------------------------------------------
# Identifiers and contact details
# ---------------------------------------------------------------------------------------------

CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_CREDIT_CODE_VALUES = {char: index for index, char in enumerate(CREDIT_CODE_ALPHABET)}
# The letters the code leaves out are the ones that look like digits; say which digit was meant.
_CREDIT_CODE_LOOKALIKES = {"I": "1", "O": "0", "Z": "2", "S": "5"}


def _credit_code_char_error(char: str, position: int) -> CleaningError:
    message = f"统一社会信用代码第{position}位“{char}”不是合法字符"
    if char in _CREDIT_CODE_LOOKALIKES:
        message += f"（不使用字母{char}，是否应为数字{_CREDIT_CODE_LOOKALIKES[char]}？）"
    elif char.isascii() and char.isalpha():
        message += f"（不使用字母{char}）"
    return CleaningError(message)


def credit_code_check_char(first17: str) -> str:
    """Return the check character (18th) of a 统一社会信用代码 from its first 17 characters.

    GB 32100-2015: each character's value (its index in 0-9 A-H J-N P-R T U W-Y) is multiplied
    by 3^(i-1) mod 31 for positions i = 1..17, and the check is (31 - sum mod 31) mod 31.
    """
    first17 = first17.upper()
    if len(first17) != 17:
        raise CleaningError(f"计算校验位需要前17位，实为{len(first17)}位")
    total = 0
    for position, (char, weight) in enumerate(
        zip(first17, CREDIT_CODE_WEIGHTS, strict=True), start=1
    ):
        if char not in _CREDIT_CODE_VALUES:
            raise _credit_code_char_error(char, position)
        total += _CREDIT_CODE_VALUES[char] * weight
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(value: object) -> str:
    """Return the 统一社会信用代码 in ``value`` normalised (upper-case, no spaces) after
    checking its length, its alphabet and its check character."""
    code = _compact(value).upper()
    if not code:
        raise CleaningError(EMPTY)
    if len(code) != 18:
        raise CleaningError(f"统一社会信用代码应为18位，实为{len(code)}位")
    for position, char in enumerate(code, start=1):
        if char not in _CREDIT_CODE_VALUES:
            raise _credit_code_char_error(char, position)
    expected = credit_code_check_char(code[:17])
    if code[17] != expected:
        raise CleaningError(
            f"统一社会信用代码校验位错误：第18位应为“{expected}”，实为“{code[17]}”，请核对"
        )
    return code


_DASHES = re.compile(r"[‐‑‒–—―−]+")
_EXTENSION = re.compile(r"^(?P<main>.+?)[\s-]*(?:转|分机|EXT\.?|X|#)[\s-]*(?P<ext>\d{1,6})$")
_GROUP_SEPARATORS = re.compile(r"[\s()\-]+")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_PHONE_EXAMPLES = "请填写11位手机号码或带区号的固定电话，如13812345678、0997-1234567"


def _area_code_length(digits: str) -> int:
    # 010 and 02X are the only three-digit area codes; all others have four digits.
    return 3 if digits[:2] in ("01", "02") else 4


def _valid_landline(area: str, local: str) -> bool:
    if area[:2] == "01":
        area_ok = area == "010"
    elif area[:2] == "02":
        area_ok = len(area) == 3
    else:
        area_ok = len(area) == 4 and area[0] == "0" and area[1] != "0"
    return area_ok and area.isdigit() and local.isdigit() and 7 <= len(local) <= 8


def parse_phone(value: object) -> str:
    """Return a mainland phone number normalised: a mobile as 13812345678, a landline as
    0997-1234567, with an extension as 0997-1234567-801.

    Accepts +86/0086/86 prefixes, spaces, dashes and brackets, and extensions written with
    转, 分机, ext or a final dash.
    """
    # A stored mobile is already in this form, and an import reads each one three times
    # (parsing, model validation, the audit mask) with rows too many to remember them all.
    if type(value) is str and len(value) == 11 and _MOBILE.match(value):
        return value
    return _parse_phone(value)


@remember_short_texts
def _parse_phone(value: object) -> str:
    original = _half_width(value)
    if not original:
        raise CleaningError(EMPTY)
    if _MULTI_SEPARATORS.search(original):
        raise CleaningError(f"“{_shorten(original)}”含多个号码，请只填写一个电话号码")
    invalid = CleaningError(f"无法识别的电话号码“{_shorten(original)}”，{_PHONE_EXAMPLES}")
    text = _DASHES.sub("-", original.upper())
    extension = ""
    match = _EXTENSION.match(text)
    if match:
        text, extension = match["main"], match["ext"]
    # Spaces and brackets separate groups just as dashes do: "(0997) 123 4567".
    text = _GROUP_SEPARATORS.sub("-", text).strip("-")

    international = re.match(r"^(?:\+|00)86-?", text)
    if international:
        text = text[international.end() :]
    digits = text.replace("-", "")
    if not digits.isdigit():
        raise invalid
    if not international and len(digits) == 13 and digits.startswith("86"):
        digits, text = digits[2:], text[2:].lstrip("-")
    if _MOBILE.match(digits) and not extension:
        return digits
    if international and not digits.startswith("0"):
        # The international form drops the trunk prefix: +86 997 1234567.
        digits, text = "0" + digits, "0" + text
    if not digits.startswith("0"):
        if 7 <= len(digits) <= 8:
            raise CleaningError(f"固定电话“{_shorten(original)}”缺少区号，如0997-1234567")
        raise invalid

    groups = [group for group in text.split("-") if group]
    if len(groups) >= 2 and groups[0].startswith("0") and 3 <= len(groups[0]) <= 4:
        area, rest = groups[0], groups[1:]
        if len(rest) == 2 and not extension and 7 <= len(rest[0]) <= 8 and len(rest[1]) <= 6:
            local, extension = rest
        else:
            local = "".join(rest)
    else:
        split = _area_code_length(digits)
        area, local = digits[:split], digits[split:]
    if not _valid_landline(area, local):
        raise invalid
    return f"{area}-{local}" + (f"-{extension}" if extension else "")


_EMAIL = re.compile(
    r"^[A-Za-z0-9._%+\-]+@(?:[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}$"
)


def parse_email(value: object) -> str:
    """Return the e-mail address in ``value`` with its domain in lower case.

    Spaces are dropped, a leading "mailto:" is removed, and the Chinese full stop that input
    methods produce (qq。com) is read as a dot.
    """
    original = _half_width(value)
    text = original.replace(" ", "").replace("。", ".")
    if not text:
        raise CleaningError(EMPTY)
    if text.lower().startswith("mailto:"):
        text = text[len("mailto:") :]
    if not _EMAIL.match(text) or ".." in text:
        raise CleaningError(f"无法识别的电子邮箱“{_shorten(original)}”")
    local, _, domain = text.rpartition("@")
    return f"{local}@{domain.lower()}"


# ---------------------------------------------------------------------------------------------
# Numbers
# ---------------------------------------------------------------------------------------------

_DECIMAL_TEXT = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$|^[+-]?\.\d+$")
_INT_TEXT = re.compile(r"^([+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.0+)?)([\u4e00-\u9fff]{1,4})?$")
# Multiplier characters: "1.2万" in a count column would silently become 1, and "5千" cannot be
# read with the rules above at all.
_NUMERAL_CHARS = re.compile(r"[零一二三四五六七八九十百千万亿两]")


def _check_range(
    number: Decimal | int,
    text: str,
    min_value: Decimal | int | None,
    max_value: Decimal | int | None,
) -> None:
    if min_value is not None and number < min_value:
        if min_value == 0:
            raise CleaningError(f"“{_shorten(text)}”不能为负数")
        raise CleaningError(f"“{_shorten(text)}”不能小于{min_value}")
    if max_value is not None and number > max_value:
        raise CleaningError(f"“{_shorten(text)}”不能大于{max_value}")


def parse_decimal(value: object, *, min_value: Decimal | int | None = None) -> Decimal:
    """Return the amount in ``value`` as a Decimal, in 万元 like the columns that use it.

    Accepts 50, 50.5, "5,000", "50万" and "50万元" (the unit is already 万元, so the suffix is just
    dropped) and a leading ¥. An amount in 元 or 亿 is refused rather than guessed at. With
    ``min_value`` smaller amounts are refused (min_value=0 refuses negatives).
    """
    if isinstance(value, bool):
        raise CleaningError(f"“{value}”不是数字")
    if isinstance(value, float | Decimal) and not _is_missing(value):
        if not math.isfinite(value):
            raise CleaningError(f"“{value}”不是数字")
        # str() of a float is its shortest repr, so 0.1 stays 0.1 rather than 0.1000000000000000055.
        number = Decimal(str(value)) if isinstance(value, float) else value
        _check_range(number, str(number), min_value, None)
        return number
    if isinstance(value, int):
        _check_range(value, str(value), min_value, None)
        return Decimal(value)
    text = _compact(value)
    if not text:
        raise CleaningError(EMPTY)
    number_text = text.lstrip("¥￥")
    for suffix in ("万元", "万"):
        if number_text.endswith(suffix):
            number_text = number_text[: -len(suffix)]
            break
    else:
        if number_text.endswith(("元", "亿", "亿元")):
            raise CleaningError(f"“{_shorten(text)}”：金额请以万元为单位填写数字，如50或50.5")
    if not _DECIMAL_TEXT.match(number_text):
        raise CleaningError(f"“{_shorten(text)}”不是数字")
    try:
        number = Decimal(number_text.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern above admits only valid numbers
        raise CleaningError(f"“{_shorten(text)}”不是数字") from None
    _check_range(number, text, min_value, None)
    return number


def parse_int(value: object, *, min_value: int | None = None, max_value: int | None = None) -> int:
    """Return the whole number in ``value``: 12, 12.0, "12", "1,200" or "12人" / "12人次" /
    "12个" / "12份" / "12家" (a trailing unit word is dropped).

    Fractions and Chinese numerals (十二, 1.2万) are refused; min_value and max_value bound the
    result.
    """
    if isinstance(value, bool):
        raise CleaningError(f"“{value}”不是整数")
    if isinstance(value, int):
        _check_range(value, str(value), min_value, max_value)
        return value
    if isinstance(value, float | Decimal) and not _is_missing(value):
        if not math.isfinite(value) or value != int(value):
            raise CleaningError(f"“{_number_text(value)}”不是整数")
        number = int(value)
        _check_range(number, str(number), min_value, max_value)
        return number
    text = _compact(value)
    if not text:
        raise CleaningError(EMPTY)
    match = _INT_TEXT.match(text)
    if not match or (match[2] and _NUMERAL_CHARS.search(match[2])):
        if re.match(r"^[+-]?[\d,]*\.\d*[1-9]", text):
            raise CleaningError(f"“{_shorten(text)}”不是整数")
        raise CleaningError(f"“{_shorten(text)}”不是整数，请填写阿拉伯数字，如12")
    number = int(Decimal(match[1].replace(",", "")))
    _check_range(number, text, min_value, max_value)
    return number
