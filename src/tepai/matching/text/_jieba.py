"""The process-wide jieba tokenizer with the shipped domain dictionary (internal).

jieba's module-level tokenizer is global state other code may also configure; this module
keeps a private ``jieba.Tokenizer`` instead, built lazily once per process. jieba ships its
dictionary in its wheel, so nothing is downloaded; its only write is a marshal cache of the
prefix dictionary, which goes into a private directory under the system temp dir.
"""

from __future__ import annotations

import functools
import logging
import os
import sys
import tempfile
import threading
import warnings
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).with_name("data")
DOMAIN_DICT = DATA_DIR / "domain_dict.txt"

_lock = threading.Lock()
_tokenizer: Any = None


def _cache_dir() -> str:
    """Return a temp directory only this user can write, for jieba's prefix-dictionary cache."""
    uid = os.getuid() if hasattr(os, "getuid") else 0
    path = Path(tempfile.gettempdir()) / f"tepai-jieba-{uid}"
    try:
        path.mkdir(mode=0o700, exist_ok=True)
        info = path.lstat()
        # A directory someone else made (or a symlink) in a shared /tmp could feed us a
        # crafted cache; fall back to a fresh private directory then.
        if path.is_symlink() or (hasattr(os, "getuid") and info.st_uid != uid):
            raise PermissionError(str(path))
    except OSError:
        return tempfile.mkdtemp(prefix="tepai-jieba-")
    return str(path)


def domain_entries(path: Path = DOMAIN_DICT) -> list[tuple[str, int | None, str | None]]:
    """Return the (word, freq, tag) entries of a jieba user dictionary, skipping # comments."""
    entries: list[tuple[str, int | None, str | None]] = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        word = parts[0]
        freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
        tag = parts[-1] if len(parts) > 1 and not parts[-1].isdigit() else None
        entries.append((word, freq, tag))
    return entries


@functools.cache
def domain_words() -> frozenset[str]:
    """Return the words of the shipped domain dictionary."""
    return frozenset(word for word, _, _ in domain_entries())


def tokenizer() -> Any:
    """Return the shared ``jieba.Tokenizer`` with the domain dictionary loaded."""
    global _tokenizer
    if _tokenizer is not None:
        return _tokenizer
    with _lock:
        if _tokenizer is None:
            with warnings.catch_warnings():
                # jieba 0.42 imports pkg_resources (deprecated in newer setuptools) and has
                # regexes with invalid escapes: harmless, but fatal under "-W error".
                warnings.simplefilter("ignore")
                import jieba
            jieba.setLogLevel(logging.WARNING)
            instance = jieba.Tokenizer()
            instance.tmp_dir = _cache_dir()
            if not _load_cached_dictionary(instance):
                instance.initialize()
            # load_userdict takes any iterable of lines; feeding it the parsed entries lets
            # the shipped file carry # comments, which jieba would otherwise add as words.
            lines = [
                " ".join(str(part) for part in entry if part is not None)
                for entry in domain_entries()
            ]
            instance.load_userdict(lines)
            _tokenizer = instance
    return _tokenizer


def _load_cached_dictionary(instance: Any) -> bool:
    """Load jieba's prefix dictionary from its cache file in one read; True if it did.

    jieba's own ``initialize`` reads the same file with ``marshal.load`` on the open file,
    which reads it a few bytes at a time: 1.0 s for 500,000 entries, against 0.27 s for one
    read and ``marshal.loads`` (every ``tepai match`` call pays it). Only the default
    dictionary's cache is used, as jieba itself does (it does not check dates for it);
    anything unexpected falls back to jieba's own path, which also writes the cache.
    """
    import marshal

    if not instance.tmp_dir:
        return False
    cache = Path(instance.tmp_dir) / "jieba.cache"
    if instance.dictionary is not None and instance.dictionary != getattr(
        sys.modules.get("jieba"), "DEFAULT_DICT", None
    ):
        return False
    try:
        frequencies, total = marshal.loads(cache.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return False
    if not isinstance(frequencies, dict) or not isinstance(total, int) or not frequencies:
        return False
    instance.FREQ, instance.total = frequencies, total
    instance.initialized = True
    return True
