"""tepai.matching.text: normalisation, segmentation, stop words, thesaurus, keywords."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

import pytest

from tepai.matching.errors import InvalidInput
from tepai.matching.sparse import BM25Index
from tepai.matching.text import (
    Analyzer,
    Thesaurus,
    _jieba,
    default_analyzer,
    load_stopwords,
    normalize,
)

BOILERPLATE = frozenset(("我们", "公司", "企业", "需要", "希望", "问题", "解决", "提高", "研究"))
DOMAIN_WORDS = frozenset(("工艺", "系统", "设备", "质量", "能耗", "煤", "棉", "羊", "枣", "碱"))

# ----- normalisation ---------------------------------------------------------------------


def test_it_converts_traditional_to_simplified() -> None:
    assert (
        normalize("空冷島散熱片被柳絮糊住，夏天負荷帶不上去")
        == "空冷岛散热片被柳絮糊住，夏天负荷带不上去"
    )
    assert normalize("印染廢水處理") == "印染废水处理"


def test_it_makes_full_width_letters_and_digits_half_width_and_lower_case() -> None:
    assert normalize("ＣＯＤ降到８０ｍｇ／Ｌ以下") == "cod降到80mg/l以下"
    assert normalize("SiO₂含量≥92%，Nm³") == "sio2含量≥92%，nm3"
    assert normalize("PLC控制") == "plc控制"


def test_it_keeps_chinese_punctuation_and_collapses_whitespace() -> None:
    assert normalize("  滴灌带　堵塞，\n\t怎么办？（急）  ") == "滴灌带 堵塞， 怎么办？（急）"
    assert normalize("") == ""


# ----- segmentation and stop words -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("直接空冷机组的空冷凝汽器夏季背压偏高", "空冷凝汽器"),
        ("印染废水深度处理与回用", "印染废水"),
        ("棉田滴灌带铺设与回收", "滴灌带"),
        ("翅片管束积灰对机组经济性的影响", "翅片管束"),
        ("游离棉酚高，想做脱酚棉籽蛋白", "脱酚棉籽蛋白"),
        ("采用离子膜电解工艺生产烧碱", "离子膜电解"),
        ("抽油机井供液不足，空抽严重", "供液不足"),
        ("苹果矮砧密植与水肥一体化", "水肥一体化"),
    ],
)
def test_segmentation_keeps_domain_terms_whole(text: str, term: str) -> None:
    assert term in Analyzer(subwords="none").words(text)


def test_it_drops_stop_words_punctuation_and_bare_numbers_but_keeps_domain_words() -> None:
    words = Analyzer().words("我们公司需要解决煤、棉和水的问题，希望提高20%，进行相关研究。")
    assert BOILERPLATE.isdisjoint(words)
    assert {"煤", "棉", "水"} <= set(words)
    assert not any(word in "，、。%" or word.isdigit() for word in words)


def test_it_keeps_ascii_codes_and_values_with_units_lower_cased() -> None:
    words = Analyzer().words("出水COD≤80mg/L，pH 7.5，1-MCP处理，PM2.5超标")
    assert {"cod", "80mg/l", "ph", "1-mcp", "pm2.5"} <= set(words)
    assert "7.5" not in words


def test_the_stop_list_has_no_domain_terms() -> None:
    stopwords = load_stopwords()
    assert stopwords >= BOILERPLATE
    domain = _jieba.domain_words()
    assert not stopwords & domain
    assert DOMAIN_WORDS.isdisjoint(stopwords)


def test_subwords_let_a_short_term_match_a_long_compound() -> None:
    tokens = Analyzer(subwords="domain").tokens("空冷凝汽器翅片管束清洗")
    assert tokens[:3] == ["空冷凝汽器", "翅片管束", "清洗"]  # the words come first, whole
    assert {"凝汽器", "空冷", "翅片"} <= set(tokens[3:])
    assert Analyzer(subwords="none").tokens("空冷凝汽器") == ["空冷凝汽器"]
    assert Analyzer(subwords="bigrams").tokens("凝汽器") == ["凝汽器", "凝汽", "汽器"]
    with pytest.raises(ValueError):
        Analyzer(subwords="trigrams")  # type: ignore[arg-type]


def test_the_jieba_tokenizer_is_private_quiet_and_caches_only_in_a_temp_dir() -> None:
    import jieba

    tokenizer = _jieba.tokenizer()
    assert tokenizer is _jieba.tokenizer() and tokenizer is not jieba.dt
    assert "空冷凝汽器" in tokenizer.FREQ and "空冷凝汽器" not in jieba.dt.FREQ
    assert Path(tokenizer.tmp_dir).resolve().is_relative_to(Path(tempfile.gettempdir()).resolve())
    assert logging.getLogger("jieba").getEffectiveLevel() >= logging.WARNING


def test_the_shipped_domain_dictionary_is_large_and_in_jieba_format() -> None:
    entries = _jieba.domain_entries()
    technical = [word for word, _, tag in entries if tag == "nz" and len(word) >= 2]
    assert len(technical) >= 600
    assert all(freq is not None and freq > 0 for _, freq, _ in entries)
    assert len({word for word, _, _ in entries}) == len(entries)


# ----- thesaurus -------------------------------------------------------------------------


def _weights(analyzer: Analyzer, text: str) -> dict[str, float]:
    return dict(analyzer.expand(analyzer.tokens(text)))


def test_it_expands_plain_wording_to_technical_terms_at_a_lower_weight() -> None:
    analyzer = Analyzer()
    weights = _weights(analyzer, "空冷岛散热片被柳絮糊住，夏天负荷带不上去")
    for original in ("空冷岛", "散热片", "柳絮", "负荷"):
        assert weights[original] == 1.0
    for technical in ("空冷凝汽器", "直接空冷", "翅片", "积灰", "出力受限", "背压"):
        assert weights[technical] == 0.5, technical
    originals = len(set(analyzer.tokens("空冷岛散热片被柳絮糊住，夏天负荷带不上去")))
    values = list(weights.values())  # the demand's own tokens first, then the expansions
    assert set(values[:originals]) == {1.0} and set(values[originals:]) == {0.5}


@pytest.mark.parametrize(
    ("text", "technical"),
    [
        ("细纱断头太多", "断纱"),
        ("染色不匀，客户投诉", "色差"),
        ("染色不匀，客户投诉", "匀染"),
        ("生活污水怎么处理", "废水"),
        ("盐碱地种不出东西", "盐碱化"),
        ("盐碱地种不出东西", "土壤改良"),
        ("冷库里烂果多", "采后病害"),
        ("抽油机电费高", "节能"),
        ("抽油机电费高", "能耗"),
    ],
)
def test_the_shipped_thesaurus_bridges_plain_and_technical_wording(
    text: str, technical: str
) -> None:
    analyzer = Analyzer()
    assert _weights(analyzer, text).get(technical) == 0.5


def test_expansion_weight_is_configurable_and_originals_keep_full_weight() -> None:
    analyzer = Analyzer(expansion_weight=0.3)
    weights = _weights(analyzer, "污水和废水")
    assert weights["污水"] == weights["废水"] == 1.0  # both said: neither is an expansion
    assert _weights(analyzer, "散热片")["翅片"] == 0.3
    with pytest.raises(ValueError):
        Analyzer(expansion_weight=1.5)


def test_expansion_sources_name_the_demand_wording() -> None:
    analyzer = Analyzer()
    sources = analyzer.expansion_sources(analyzer.tokens("散热片被柳絮糊住，负荷带不上去"))
    assert sources["翅片"] == "散热片"
    assert sources["出力受限"] == "负荷带不上去"


def test_thesaurus_format_sections_symmetry_and_normalisation() -> None:
    thesaurus = Thesaurus.parse(
        "# comment\n"
        "[synonyms]\n"
        "污水\t廢水,污水处理水\n"
        "[expansions]\n"
        "散热片\t翅片, 换热器\n"
        "ＣＯＤ高\t化学需氧量\n"
    )
    assert thesaurus.related("废水") == ("污水", "污水处理水")
    assert thesaurus.related("污水") == ("废水", "污水处理水")
    assert thesaurus.related("散热片") == ("翅片", "换热器")
    assert thesaurus.related("翅片") == ()  # one-way
    assert thesaurus.related("COD高") == ("化学需氧量",)
    assert len(thesaurus) == 3 and "廢水" in thesaurus
    assert "化学需氧量" in thesaurus.vocabulary()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("污水 废水\n", ":1: expected term<TAB>"),
        ("[antonyms]\n", ":1: unknown section"),
        ("[synonyms]\n污水\t\n", ":2: a synonym group needs at least two terms"),
        ("[expansions]\n散热片\t散热片\n", ":2: an expansion needs"),
    ],
)
def test_thesaurus_errors_name_the_line(text: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        Thesaurus.parse(text, "t.tsv")


def test_the_shipped_thesaurus_is_large_and_every_entry_can_match() -> None:
    thesaurus = Thesaurus.load()
    assert len(thesaurus) >= 400
    analyzer = Analyzer()
    for term in thesaurus:
        assert analyzer.words(term), f"{term!r} is all stop words and can never match"
    expansions = thesaurus.expansions
    examples = ("柳絮", "散热片", "负荷带不上去", "空冷岛", "染色不匀", "烂果", "电费高")
    for plain in (*examples, "盐碱地"):
        assert plain in expansions, plain


def test_expansion_targets_add_specific_words_not_generic_heads() -> None:
    analyzer = Analyzer(thesaurus=Thesaurus(expansions={"颜色不对": ["染色质量", "色差"]}))
    weights = _weights(analyzer, "颜色不对")
    assert weights.get("染色") == 0.5 and weights.get("色差") == 0.5
    assert "质量" not in weights


# ----- keywords and the shared analyzer ---------------------------------------------------


def test_keywords_rank_by_frequency_or_by_tf_idf_from_an_index() -> None:
    analyzer = Analyzer()
    text = "空冷凝汽器翅片积灰，积灰导致背压升高，积灰要清洗，背压高"
    assert analyzer.keywords(text, 2) == ["积灰", "背压"]
    index = BM25Index()
    for number in range(20):
        index.add(f"common-{number}", ["积灰", "背压", "翅片", "清洗", "升高", "导致"])
    index.add("rare", ["空冷凝汽器"])
    assert analyzer.keywords(text, 1, index=index) == ["空冷凝汽器"]
    assert analyzer.keywords(text, 0) == [] and analyzer.keywords("", 3) == []


def test_the_default_analyzer_is_shared_and_its_results_are_not() -> None:
    assert default_analyzer() is default_analyzer()
    tokens = default_analyzer().tokens("滴灌带堵塞")
    tokens.append("mutated")
    assert "mutated" not in default_analyzer().tokens("滴灌带堵塞")


def test_the_cached_jieba_dictionary_loads_the_same_as_jieba_itself(tmp_path: Path) -> None:
    import logging
    import warnings

    from tepai.matching.text import _jieba

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import jieba
    jieba.setLogLevel(logging.WARNING)
    slow = jieba.Tokenizer()
    slow.tmp_dir = str(tmp_path)
    slow.initialize()  # jieba's own path: builds the dictionary and writes the cache
    fast = jieba.Tokenizer()
    fast.tmp_dir = str(tmp_path)
    assert _jieba._load_cached_dictionary(fast)
    assert fast.initialized and (fast.FREQ, fast.total) == (slow.FREQ, slow.total)
    (tmp_path / "jieba.cache").write_bytes(b"not marshal")
    assert not _jieba._load_cached_dictionary(jieba.Tokenizer())
    broken = jieba.Tokenizer()
    broken.tmp_dir = str(tmp_path)
    assert not _jieba._load_cached_dictionary(broken)
