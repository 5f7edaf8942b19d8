"""The pinyin keys of names: what "zs" finds and the order names are listed in."""

from __future__ import annotations

from tepai.search.pinyin import organisation_keys, person_keys


def test_a_person_name_has_its_pinyin_initials_and_collation_key() -> None:
    keys = person_keys("张三")
    assert (keys.pinyin, keys.initials, keys.sort) == ("zhangsan", "zs", "zhang1san1")


def test_surnames_are_read_as_surnames() -> None:
    assert person_keys("曾志伟").pinyin == "zengzhiwei"  # not ceng
    assert person_keys("单田芳").initials == "stf"  # not dan
    assert person_keys("尉迟恭").pinyin == "yuchigong"
    # Only the first character is a surname: 曾 inside a given name keeps its reading.
    assert person_keys("李曾").pinyin == "liceng"


def test_organisation_names_are_read_as_words() -> None:
    keys = organisation_keys("重庆大学")
    assert (keys.pinyin, keys.initials) == ("chongqingdaxue", "cqdx")


def test_latin_letters_and_digits_are_kept_in_lower_case_and_punctuation_dropped() -> None:
    assert organisation_keys("ABC·科技（3号）").pinyin == "abckeji3hao"
    assert person_keys("阿依古丽·买买提").initials == "aygl" + "mmt"


def test_collation_keys_sort_surnames_in_dictionary_order() -> None:
    names = ["俞敏", "冯军", "何平", "丁一", "安然", "李安", "连平"]
    ordered = sorted(names, key=lambda name: person_keys(name).sort)
    # 丁 ding, 冯 feng, 何 he, 俞 yu (code point order would be 丁 何 俞 冯); li + an before lian.
    assert ordered == ["安然", "丁一", "冯军", "何平", "李安", "连平", "俞敏"]


def test_a_roster_computes_each_distinct_name_s_keys_once() -> None:
    # A roster repeats names (namesakes, re-imports): the keys (~7 µs a name, measured by the
    # import benchmark rather than timed here) are computed once per distinct name.
    names = ["王磊", "李娜", "王磊", "张伟", "李娜", "王磊"]
    person_keys.cache_clear()
    for name in names:
        person_keys(name)
    info = person_keys.cache_info()
    assert (info.misses, info.hits) == (3, 3)
