"""The Russian dictionary that several stages ask about word forms (pymorphy3).

Loading it takes about a second and tens of MB, so there is one analyzer per process; the
questions asked of it again and again (a document's words recur) are cached.
"""

from __future__ import annotations

from functools import cache, lru_cache

import pymorphy3


@cache
def russian() -> pymorphy3.MorphAnalyzer:
    """The process's pymorphy3 analyzer for Russian (OpenCorpora dictionary)."""
    return pymorphy3.MorphAnalyzer()


@lru_cache(maxsize=1 << 16)
def is_word_form(word: str) -> bool:
    """Whether ``word`` (Cyrillic letters, maybe hyphenated; any case) is in the Russian dictionary."""
    return bool(russian().word_is_known(word.lower()))


@lru_cache(maxsize=1 << 16)
def readings(word: str) -> tuple[pymorphy3.analyzer.Parse, ...]:
    """The dictionary's four likeliest readings (parses) of ``word``, likeliest first."""
    return tuple(russian().parse(word)[:4])
