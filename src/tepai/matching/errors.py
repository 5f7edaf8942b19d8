"""The matching engine's exceptions: one hierarchy, so callers can catch MatchingError."""

from __future__ import annotations


class MatchingError(Exception):
    """Base class of every error the matching engine raises on purpose."""


class InvalidInput(MatchingError, ValueError):
    """Input data (scores, constraints, files) is malformed; the message says where and why."""


class InfeasibleAssignment(MatchingError):
    """No assignment satisfies the constraints; ``reasons`` name the constraints that fail.

    ``str()`` is a Chinese explanation for the user, e.g.
    "需求 D-003 至少需要 2 名专家，但只有 1 名可分配（其余有利益冲突）".
    """

    def __init__(self, message: str, reasons: list[str] | None = None) -> None:
        self.reasons = reasons or [message]
        super().__init__(message)


class EncoderUnavailable(MatchingError):
    """The dense text encoder (its package or its weights) cannot be loaded."""
