"""Stop words: function words and demand boilerplate dropped from every token stream."""

from __future__ import annotations

import functools
from pathlib import Path

from tepai.matching.errors import InvalidInput
from tepai.matching.text.normalize import normalize

STOPWORDS_FILE = Path(__file__).with_name("data") / "stopwords.txt"


def load_stopwords(path: str | Path | None = None) -> frozenset[str]:
    """Return the stop words in ``path`` (one a line, ``#`` comments; default: the shipped list)."""
    if path is None:
        return _shipped()
    return _read(Path(path))


@functools.cache
def _shipped() -> frozenset[str]:
    return _read(STOPWORDS_FILE)


def _read(file: Path) -> frozenset[str]:
    try:
        lines = file.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInput(f"cannot read stop words {file}: {error}") from error
    words = (normalize(line.split("#", 1)[0]) for line in lines)
    return frozenset(word for word in words if word)
