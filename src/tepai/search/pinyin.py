"""Pinyin keys of Chinese names: for finding 张三 by "zs" or "zhangsan", and ordering by pinyin.

Three keys per name (:class:`NameKeys`): the toneless pinyin ("zhangsan"), the initials
("zs") and a collation key ("zhang1san1") that sorts as a Chinese dictionary does — syllable
by syllable, then by tone (the digit sorts before any letter, so "li3" + "an1" comes before
"lian2"). Latin letters and digits are kept in lower case; other characters are dropped.

People's names are read one character at a time with the surname's reading (曾 zeng, 单 shan,
解 xie …): a phrase dictionary would read a given name as a word. Organisations' names are
read as phrases (重庆 chongqing, 银行 yinhang). Both are cached: an import of 50,000 people
repeats surnames and given names, and pypinyin costs about 50 µs a call.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from pypinyin import Style, lazy_pinyin

__all__ = ["KeepsNameKeys", "NameKeys", "organisation_keys", "person_keys"]

# A pinyin syllable in TONE3 style: letters (ü as "v") and the tone, 5 for the neutral tone.
_SYLLABLE = re.compile(r"^[a-z]+[1-5]$")
_LATIN = re.compile(r"[0-9a-z]+")

# Surnames read otherwise than the character's most common reading. Compound surnames first
# (their characters differ from the single-character table's readings).
_COMPOUND_SURNAMES = {
    "万俟": ("mo4", "qi2"),
    "尉迟": ("yu4", "chi2"),
    "长孙": ("zhang3", "sun1"),
    "单于": ("chan2", "yu2"),
}
_SURNAMES = {
    "曾": "zeng1",
    "单": "shan4",
    "解": "xie4",
    "仇": "qiu2",
    "区": "ou1",
    "查": "zha1",
    "朴": "piao2",
    "盖": "ge3",
    "乐": "yue4",
    "覃": "qin2",
    "召": "shao4",
    "翟": "zhai2",
    "缪": "miao4",
    "员": "yun4",
    "种": "chong2",
    "过": "guo1",
    "隗": "wei3",
    "卜": "bu3",
    "华": "hua4",
    "任": "ren2",
    "纪": "ji3",
    "燕": "yan1",
    "柏": "bai3",
    "薄": "bo2",
    "能": "nai4",
    "折": "she2",
    "阚": "kan4",
    "宁": "ning4",
    "那": "na1",
    "秘": "bi4",
    "黑": "he4",
    "繁": "po2",
    "相": "xiang4",
    "尉": "wei4",
}


@dataclass(frozen=True)
class NameKeys:
    """The search and ordering keys of one name."""

    pinyin: str
    initials: str
    sort: str


def _keys(readings: list[str]) -> NameKeys:
    """Return the keys of a name read as ``readings`` (pinyin syllables or other text)."""
    pinyin, initials, sort = [], [], []
    for reading in readings:
        text = reading.lower()
        if _SYLLABLE.match(text):
            plain = text[:-1]
            pinyin.append(plain)
            initials.append(plain[0])
            sort.append(text)
            continue
        for word in _LATIN.findall(text):
            pinyin.append(word)
            initials.append(word)
            sort.append(word)
    return NameKeys("".join(pinyin), "".join(initials), "".join(sort))


@functools.cache
def _char_reading(char: str) -> str:
    # A few thousand distinct characters at most: the cache stays small.
    return lazy_pinyin(char, style=Style.TONE3, neutral_tone_with_five=True)[0]


@functools.lru_cache(maxsize=100_000)
def person_keys(name: str) -> NameKeys:
    """Return the keys of a person's name, its surname read as a surname."""
    name = name.strip()
    head: list[str] = []
    rest = name
    compound = _COMPOUND_SURNAMES.get(name[:2])
    if compound is not None:
        head, rest = list(compound), name[2:]
    elif name[:1] in _SURNAMES:
        head, rest = [_SURNAMES[name[0]]], name[1:]
    return _keys(head + [_char_reading(char) for char in rest])


@functools.lru_cache(maxsize=20_000)
def organisation_keys(name: str) -> NameKeys:
    """Return the keys of an organisation's name, read as words (重庆 chongqing)."""
    return _keys(lazy_pinyin(name.strip(), style=Style.TONE3, neutral_tone_with_five=True))


class KeepsNameKeys:
    """For a model with ``name`` and the columns ``name_pinyin``, ``name_initials`` and
    ``name_sort``: derives them from the name on every save (the bulk import calls
    :meth:`refresh_search_keys` itself).

    ``name_keys`` reads the name (an organisation's by default, :func:`person_keys` for people);
    a model deriving more columns extends ``refresh_search_keys`` and ``SEARCH_KEY_FIELDS``.
    """

    SEARCH_KEY_FIELDS: tuple[str, ...] = ("name_pinyin", "name_initials", "name_sort")
    name_keys = staticmethod(organisation_keys)
    name: str
    name_pinyin: str
    name_initials: str
    name_sort: str

    def refresh_search_keys(self) -> None:
        """Derive the pinyin keys from the current name."""
        keys = self.name_keys(self.name)
        self.name_pinyin, self.name_initials, self.name_sort = keys.pinyin, keys.initials, keys.sort

    def save(self, *args: object, **kwargs: object) -> None:
        self.refresh_search_keys()
        fields = kwargs.get("update_fields")
        if fields is not None:
            # Saving only some fields still keeps the keys in step with them.
            kwargs["update_fields"] = {*fields, *self.SEARCH_KEY_FIELDS}  # type: ignore[misc]
        super().save(*args, **kwargs)  # type: ignore[misc]
