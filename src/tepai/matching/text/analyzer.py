"""The analyzer: Chinese text → index tokens, thesaurus-expanded queries and keywords."""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Literal, Protocol

from tepai.matching.text import _jieba
from tepai.matching.text.normalize import normalize
from tepai.matching.text.stopwords import load_stopwords
from tepai.matching.text.thesaurus import Thesaurus

Subwords = Literal["none", "domain", "dictionary", "bigrams"]

# After normalize(): ASCII words, codes and numbers with units ("cod", "pm2.5", "1-mcp",
# "10mg/l") as one token; runs of CJK ideographs go to jieba; everything else (punctuation,
# symbols, spaces) separates tokens and is dropped.
_PIECES = re.compile(
    r"(?P<ascii>[a-z0-9μ]+(?:[.\-+/#&_][a-z0-9μ]+)*%?)|(?P<han>[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)"
)
_HAS_LETTER = re.compile(r"[a-zμ]")
# Chinese numerals and vague amounts ("一百多", "三四", "二十多万") say nothing about topic.
_CHINESE_NUMBER = re.compile(r"[〇零一二三四五六七八九十百千万亿两几多余半]+")
# Generic heads of technical phrases; an expansion to "染色质量" should not match every
# profile that mentions 质量. Used only when expanding to a multi-word term.
_GENERIC_TEXT = (
    "质量 检测 优化 控制 管理 效率 利用 加工 工艺 处理 评价 方法 设计 性能 标准 产品 应用 "
    "改造 治理 能力 环境 成本 问题 分析 监测 技术 系统 设备 工程 生产 操作 制作 建设 "
    "含量 程度 因素 机制 模型 装置 材料 过程 参数 数据 智能 自动 在线 实时 远程 快速 "
    "稳定 稳定性 波动 提升 升高 降低 减少 增加 安全 经济 运行 作业 周期 直接"
)
_GENERIC_HEADS = frozenset(_GENERIC_TEXT.split())
# (head character, shortest word, category terms): "腐烂病" → 病害, "蚜虫" → 害虫, 虫害.
_CATEGORY_HEADS: tuple[tuple[str, int, tuple[str, ...]], ...] = (
    ("病", 3, ("病害",)),
    ("虫", 2, ("害虫", "虫害")),
)
CATEGORY_TERMS = frozenset(term for _, _, terms in _CATEGORY_HEADS for term in terms)


class IdfSource(Protocol):
    """Anything that knows a term's inverse document frequency (e.g. a BM25Index)."""

    def idf(self, term: str) -> float:
        """Return the inverse document frequency of ``term``."""
        ...


class Analyzer:
    """Turn text into tokens for BM25, queries with thesaurus expansions, and keywords.

    ``words`` = normalise → segment (a private jieba tokenizer with the shipped domain
    dictionary) → drop stop words, punctuation, bare numbers and Chinese numerals.
    ``tokens`` = the words, then (``subwords``) shorter units of every Chinese word longer
    than two characters, so a demand saying "凝汽器" still matches a profile saying
    "空冷凝汽器", which the domain dictionary keeps whole:

    - ``"domain"`` (default): the domain-dictionary terms inside the word;
    - ``"dictionary"``: every jieba-dictionary word inside it (jieba's search mode, generalised);
    - ``"bigrams"``: every character bigram; ``"none"``: nothing.

    Defaults were set on the NSFC expert-finding dev split (``benchmarks/nsfc_bm25_check.py``):
    "dictionary" sub-words cost 0.015 MRR and bigrams 0.029 (paired SE ≈ 0.008), "domain"
    costs nothing there and restores partial matches of the compounds the dictionary adds.
    jieba's HMM guessing of unknown words is off (``hmm=False``): it made no measurable
    difference on NSFC, but on colloquial demands it glues content and function words
    ("棉和水", "鸡热得") into tokens that match nothing, differently in different contexts.

    Instances are cheap to share: segmentation results are cached (LRU, ``cache_size``
    texts) and the jieba tokenizer is process-wide. ``stopwords`` given explicitly must be in
    normalised form (simplified, lower-case).
    """

    def __init__(
        self,
        *,
        thesaurus: Thesaurus | None = None,
        stopwords: Iterable[str] | None = None,
        expansion_weight: float = 0.5,
        subwords: Subwords = "domain",
        hmm: bool = False,
        cache_size: int = 8192,
    ) -> None:
        if not 0.0 <= expansion_weight <= 1.0:
            raise ValueError(f"expansion_weight must lie in [0, 1], not {expansion_weight}")
        if subwords not in ("none", "domain", "dictionary", "bigrams"):
            raise ValueError(f"subwords must be none, domain, dictionary or bigrams: {subwords!r}")
        self.thesaurus = thesaurus if thesaurus is not None else _shipped_thesaurus()
        self.stopwords = frozenset(stopwords) if stopwords is not None else load_stopwords()
        self.expansion_weight = expansion_weight
        self.subwords: Subwords = subwords
        self.hmm = hmm
        self._cached_words = functools.lru_cache(maxsize=cache_size)(self._words)
        self._rules: tuple[dict[str, tuple[str, tuple[str, ...]]], int] | None = None

    # ----- segmentation -------------------------------------------------------------------
    def words(self, text: str) -> list[str]:
        """Return the words of ``text`` in order: segmented, stop words and noise removed."""
        return list(self._cached_words(text))

    def tokens(self, text: str) -> list[str]:
        """Return the index tokens of ``text``: its words, then their sub-words (if enabled)."""
        words = self._cached_words(text)
        if self.subwords == "none":
            return list(words)
        return [*words, *self._subwords(words)]

    def _words(self, text: str) -> tuple[str, ...]:
        out: list[str] = []
        stopwords = self.stopwords
        for match in _PIECES.finditer(normalize(text)):
            piece = match.group("ascii")
            if piece is not None:
                # Keep codes and values with units ("cod", "3kpa"); bare numbers are noise.
                if _HAS_LETTER.search(piece) and piece not in stopwords:
                    out.append(piece)
                continue
            for word in _jieba.tokenizer().cut(match.group("han"), HMM=self.hmm):
                if word not in stopwords and not _CHINESE_NUMBER.fullmatch(word):
                    out.append(word)
        return tuple(out)

    def _subwords(self, words: Sequence[str]) -> list[str]:
        out: list[str] = []
        if self.subwords == "bigrams":
            for word in words:
                if len(word) > 2 and not word.isascii():
                    out.extend(word[i : i + 2] for i in range(len(word) - 1))
            return out
        if self.subwords == "domain":
            known = _jieba.domain_words()
            accept = known.__contains__
        else:
            freq = _jieba.tokenizer().FREQ
            accept = freq.get
        for word in words:
            if len(word) <= 2 or word.isascii():
                continue
            for size in range(2, len(word)):
                for start in range(len(word) - size + 1):
                    part = word[start : start + size]
                    if accept(part) and part not in self.stopwords:
                        out.append(part)
        return out

    # ----- thesaurus expansion ------------------------------------------------------------
    def expand(self, tokens: Sequence[str]) -> list[tuple[str, float]]:
        """Return ``tokens`` as a weighted query: each distinct token with weight 1.0, then the
        thesaurus expansions (as tokens) with weight ``expansion_weight``.

        A thesaurus term matches a run of consecutive tokens that spells it (stop words
        aside), so phrases like "负荷带不上去" work. Expansions are one step (not transitive);
        a term that is both original and expansion keeps weight 1.0.
        """
        weights = dict.fromkeys(tokens, 1.0)
        for _, targets in self._matches(tokens):
            for target in targets:
                if target not in weights:
                    weights[target] = self.expansion_weight
        return list(weights.items())

    def expansion_sources(self, tokens: Sequence[str]) -> dict[str, str]:
        """Return each term :meth:`expand` adds, mapped to the thesaurus term that produced it
        (the demand's own wording, for explanations: "翅片 ← 散热片")."""
        originals = set(tokens)
        sources: dict[str, str] = {}
        for key, targets in self._matches(tokens):
            for target in targets:
                if target not in originals:
                    sources.setdefault(target, key)
        return sources

    def _matches(self, tokens: Sequence[str]) -> list[tuple[str, tuple[str, ...]]]:
        """Return (thesaurus term, its expansion tokens) for every term found in ``tokens``.

        A term matches a run of consecutive tokens whose concatenation equals the term's own
        tokens concatenated. Comparing strings, not token tuples, makes the match immune to
        jieba splitting the same characters differently in and out of context ("不稳" vs
        "不/稳").
        """
        rules, longest = self._compiled()
        found: list[tuple[str, tuple[str, ...]]] = []
        for token in tokens:
            # A named disease or pest belongs to its category: a demand about 溃疡病 or 蚜虫
            # is a plant-protection question, which profiles state as 病害 / 害虫.
            for suffix, minimum, category in _CATEGORY_HEADS:
                if len(token) >= minimum and token.endswith(suffix) and token not in category:
                    found.append((token, category))
        for start in range(len(tokens)):
            run = ""
            for token in tokens[start:]:
                run += token
                if len(run) > longest:
                    break
                rule = rules.get(run)
                if rule is not None:
                    found.append(rule)
        return found

    def _compiled(self) -> tuple[dict[str, tuple[str, tuple[str, ...]]], int]:
        """Return the thesaurus as {term's tokens joined: (term, expansion tokens)} and the
        longest joined term (built on first use)."""
        if self._rules is None:
            rules: dict[str, tuple[str, tuple[str, ...]]] = {}
            for key in self.thesaurus:
                joined = "".join(self.words(key))
                if not joined:
                    continue  # the term is all stop words: it can never be matched
                targets = dict.fromkeys(rules[joined][1]) if joined in rules else {}
                for related in self.thesaurus.related(key):
                    targets.update(dict.fromkeys(self._target_tokens(related)))
                rules[joined] = (key, tuple(targets))
            self._rules = (rules, max((len(joined) for joined in rules), default=0))
        return self._rules

    def _target_tokens(self, term: str) -> list[str]:
        """Return the tokens an expansion to ``term`` adds to a query.

        A multi-word technical term adds its specific words, not its generic heads or single
        characters: "背压升高" adds 背压, "染色质量" adds 染色 but not 质量, which would
        otherwise pull in every quality-related profile.
        """
        tokens = self.tokens(term)
        if len(tokens) <= 1:
            return tokens
        specific = [t for t in tokens if len(t) > 1 and t not in _GENERIC_HEADS]
        return specific or [t for t in tokens if len(t) > 1] or tokens

    # ----- keywords -----------------------------------------------------------------------
    def keywords(self, text: str, k: int = 8, index: IdfSource | None = None) -> list[str]:
        """Return up to ``k`` salient words of ``text``, most salient first.

        Salience is term frequency × IDF from ``index`` (e.g. the BM25 index of expert
        texts), or term frequency alone without one; ties go to the longer, then the earlier
        word. Single characters and ASCII codes are used only when too few words remain.
        """
        if k <= 0:
            return []
        words = self.words(text)
        counts = Counter(words)
        first = {word: position for position, word in reversed(list(enumerate(words)))}

        def salience(word: str) -> tuple[float, int, int]:
            weight = counts[word] * (index.idf(word) if index is not None else 1.0)
            return (-weight, -len(word), first[word])

        ranked = sorted(counts, key=salience)
        strong = [word for word in ranked if len(word) > 1 and not word.isascii()]
        weak = [word for word in ranked if len(word) <= 1 or word.isascii()]
        return (strong + weak)[:k]


@functools.cache
def _shipped_thesaurus() -> Thesaurus:
    return Thesaurus.load()


@functools.cache
def default_analyzer() -> Analyzer:
    """Return the process-wide Analyzer with the shipped data and default settings."""
    return Analyzer()


# Words general Chinese uses more often than this (jieba's dictionary counts, over a corpus
# of ~60 million words) are everyday words — 夏天, 原因, 车间 — not specialities.
_EVERYDAY_COUNT = 3000


def everyday_word(word: str) -> bool:
    """Return True if ``word`` is common in general Chinese (so not a technical need)."""
    if word in _jieba.domain_words():
        return False
    return int(_jieba.tokenizer().FREQ.get(word, 0)) > _EVERYDAY_COUNT
