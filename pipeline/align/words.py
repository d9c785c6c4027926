"""Words for the word error rate, by Unicode word segmentation (UAX #29, through ``uniseg``).

A word is a segment between UAX #29 word boundaries that holds a letter, a digit or a number sign
(``½``), or a private-use character; segments of only punctuation, symbols, spaces or marks are
not words. So ``из-за`` and ``Leibes-Straffe`` are two words each, as are ``слово,а`` and
``fol.73``; ``12.3.58``, ``can't`` and ``1½``'s ``1`` keep together what UAX #29 keeps together
(``1½`` is two: ``½`` is a number, not a digit). Combining marks belong to the letter before them
(rule WB4), so ``M̃ein`` is one word and ``क्षत्रिय`` differs from ``क्षत्रीय``.

This is dinglehopper's tokenisation (``word_error_rate.words``), including its one tailoring: the
Basic Multilingual Plane's private-use letters (MUFI's historic letters and ligatures live there)
count as letters, where UAX #29 would make each one a word of its own.

``uniseg`` walks the rules in Python, about 10 µs a character. Two exact shortcuts keep a long text
fast: a run of ASCII whitespace is always a word boundary on both sides unless a mark follows it
(which joins the space, WB4), so the text is cut there into tokens and each distinct token is
segmented once; and a token of only Latin or Cyrillic letters and digits is one word (WB5, WB8–10).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from uniseg.wordbreak import WordBreak, word_break
from uniseg.wordbreak import words as uax29_segments

#: ASCII whitespace: each is a word boundary before and after it (WB3a, WB3d, WB999).
_SPACE_RUN = re.compile(r"[ \t\n\r\f\v]+")
#: Word_Break values that join the character before them (WB3c, WB4), so a cut before them is not safe.
_JOINING = frozenset((WordBreak.EXTEND, WordBreak.FORMAT, WordBreak.ZWJ))
#: Letters and digits whose Word_Break is ALetter or Numeric (``tests/test_align_words.py`` checks
#: each one): a token of only these is one word.
_SIMPLE = re.compile(r"[0-9A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u0400-\u0481\u048a-\u052f]+")
#: General categories that make a segment a word: letters, numbers, private use, unassigned.
_WORDLY = ("L", "N", "Co", "Cn", "Cs")


def _property(c: str) -> WordBreak:
    """UAX #29's Word_Break, with the BMP's private-use area as letters (as dinglehopper has it)."""
    if "\ue000" <= c <= "\uf8ff":
        return WordBreak.ALETTER
    return word_break(c)


def _is_word(segment: str) -> bool:
    return any(unicodedata.category(c).startswith(_WORDLY) for c in segment)


@lru_cache(maxsize=1 << 16)
def _token_words(token: str) -> tuple[str, ...]:
    """The words of one token (a stretch of ``text`` between safe cuts)."""
    if _SIMPLE.fullmatch(token):
        return (token,)
    return tuple(s for s in uax29_segments(token, property=_property) if _is_word(s))


def words(text: str) -> list[str]:
    """The words of ``text`` by UAX #29, in order (see the module docstring for what a word is).

    The text is taken as given; callers compare NFC texts.
    """
    out: list[str] = []
    start = 0
    for m in _SPACE_RUN.finditer(text):
        end = m.end()
        if end < len(text) and _property(text[end]) in _JOINING:
            continue  # the mark after the space joins it: segment across
        if m.start() > start:
            out += _token_words(text[start:m.start()])
        start = end
    if start < len(text):
        out += _token_words(text[start:])
    return out
