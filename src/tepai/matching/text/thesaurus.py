"""The thesaurus that bridges enterprises' plain wording and experts' technical wording."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path

from tepai.matching.errors import InvalidInput
from tepai.matching.text.normalize import normalize

THESAURUS_FILE = Path(__file__).with_name("data") / "thesaurus.tsv"

_SECTIONS = ("synonyms", "expansions")


class Thesaurus:
    """Synonym groups (symmetric) and one-way plain → technical expansions.

    Terms are stored normalised (see :func:`~tepai.matching.text.normalize`), so an entry
    written in traditional characters or full-width letters still applies. Lookups are by
    surface term; :class:`~tepai.matching.text.Analyzer` segments the terms to match them
    against token sequences.
    """

    def __init__(
        self,
        synonyms: Iterable[Sequence[str]] = (),
        expansions: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        self._groups: list[tuple[str, ...]] = []
        self._one_way: dict[str, list[str]] = {}
        self._related: dict[str, dict[str, None]] = {}  # dicts as ordered sets
        for group in synonyms:
            self.add_synonyms(group)
        for term, targets in (expansions or {}).items():
            self.add_expansion(term, targets)

    # ----- building -----------------------------------------------------------------------
    def add_synonyms(self, group: Sequence[str]) -> None:
        """Add a group of interchangeable terms: each one expands to all the others."""
        terms = _clean(group)
        if len(terms) < 2:
            raise InvalidInput(f"a synonym group needs at least two terms: {list(group)!r}")
        self._groups.append(tuple(terms))
        for term in terms:
            related = self._related.setdefault(term, {})
            related.update((other, None) for other in terms if other != term)

    def add_expansion(self, term: str, targets: Sequence[str]) -> None:
        """Add a one-way expansion: ``term`` (plain wording) expands to ``targets``."""
        key = normalize(term)
        values = [value for value in _clean(targets) if value != key]
        if not key or not values:
            raise InvalidInput(f"an expansion needs a term and a target: {term!r} → {targets!r}")
        self._one_way.setdefault(key, []).extend(values)
        self._related.setdefault(key, {}).update((value, None) for value in values)

    @classmethod
    def parse(cls, text: str, source: str = "<string>") -> Thesaurus:
        """Return the thesaurus written in ``text`` (the format of ``data/thesaurus.tsv``).

        Lines are ``term<TAB>related1,related2,...``; a ``[synonyms]`` section (the default)
        makes each line a symmetric group, an ``[expansions]`` section makes it one-way.
        ``#`` starts a comment line. Errors name ``source`` and the line.
        """
        thesaurus = cls()
        section = "synonyms"
        for number, raw in enumerate(text.splitlines(), 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("[") and line.endswith("]"):
                section = line[1:-1].strip().lower()
                if section not in _SECTIONS:
                    raise InvalidInput(f"{source}:{number}: unknown section [{section}]")
                continue
            term, tab, rest = raw.strip("\r\n ").partition("\t")
            if not tab:
                raise InvalidInput(f"{source}:{number}: expected term<TAB>related,...: {line!r}")
            related = rest.split(",")
            try:
                if section == "synonyms":
                    thesaurus.add_synonyms([term, *related])
                else:
                    thesaurus.add_expansion(term, related)
            except InvalidInput as error:
                raise InvalidInput(f"{source}:{number}: {error}") from None
        return thesaurus

    @classmethod
    def load(cls, path: str | Path | None = None) -> Thesaurus:
        """Return the thesaurus in the file ``path`` (default: the shipped one)."""
        file = Path(path) if path is not None else THESAURUS_FILE
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise InvalidInput(f"cannot read thesaurus {file}: {error}") from error
        return cls.parse(text, str(file))

    # ----- lookups ------------------------------------------------------------------------
    def related(self, term: str) -> tuple[str, ...]:
        """Return the terms ``term`` expands to (synonyms, then one-way targets), or ()."""
        return tuple(self._related.get(normalize(term), ()))

    def __contains__(self, term: object) -> bool:
        return isinstance(term, str) and normalize(term) in self._related

    def __iter__(self) -> Iterator[str]:
        """Iterate over the terms that expand to something."""
        return iter(self._related)

    def __len__(self) -> int:
        """Return the number of entries: synonym groups plus one-way expansion terms."""
        return len(self._groups) + len(self._one_way)

    @property
    def synonym_groups(self) -> list[tuple[str, ...]]:
        """Return the synonym groups, as written."""
        return list(self._groups)

    @property
    def expansions(self) -> dict[str, tuple[str, ...]]:
        """Return the one-way expansions: plain term → technical targets."""
        return {key: tuple(dict.fromkeys(values)) for key, values in self._one_way.items()}

    def vocabulary(self) -> list[str]:
        """Return every term the thesaurus mentions (keys and targets), sorted."""
        terms = set(self._related)
        for related in self._related.values():
            terms.update(related)
        return sorted(terms)


def _clean(terms: Iterable[str]) -> list[str]:
    """Return the normalised, non-empty, de-duplicated ``terms`` in order."""
    return list(dict.fromkeys(term for term in (normalize(t) for t in terms) if term))
