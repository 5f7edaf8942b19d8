"""Chinese text processing for matching: normalisation, segmentation, thesaurus, keywords.

The shipped data lives in ``data/``: ``domain_dict.txt`` (jieba user dictionary of technical
terms and colloquial phrases of the served industries), ``stopwords.txt`` and
``thesaurus.tsv`` (synonym groups and plain → technical expansions). Each file's header
documents its format.
"""

from tepai.matching.text.analyzer import (
    Analyzer,
    IdfSource,
    Subwords,
    default_analyzer,
    everyday_word,
)
from tepai.matching.text.normalize import normalize
from tepai.matching.text.stopwords import load_stopwords
from tepai.matching.text.thesaurus import Thesaurus

__all__ = [
    "Analyzer",
    "IdfSource",
    "Subwords",
    "Thesaurus",
    "default_analyzer",
    "everyday_word",
    "load_stopwords",
    "normalize",
]
