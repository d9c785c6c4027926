"""Normalization of a text before it is compared, keeping where every character came from.

Both sides of a comparison (the transcription and the OCR text) go through the same rules, so that a
difference left afterwards is one a reader would see on the page. Each rule is named and counted:

- ``markup``: editorial markup (handwriting, stamps, sheet numbers, notes) is cut out of the typed
  text; it is checked against the page's regions elsewhere.
- ``nfc``: Unicode NFC, so that ``й`` typed as ``и`` + combining breve equals the composed letter.
- ``hyphenation``: a word broken at a line end (``прави-`` + newline + ``тельство``) is joined.
- ``quotes``: „“ «» ‘’ ″ and the like become ``"`` or ``'``.
- ``dashes``: hyphen, en and em dashes, minus become ``-``.
- ``numero``: ``№``, ``N``, ``No`` before a number become ``№ ``.
- ``yo``: ``ё`` becomes ``е`` (optional; an editorial choice, reported as info).
- ``confusables``: Latin look-alikes (``o p c x H`` …) inside Cyrillic words, or in words made only
  of look-alikes in a mostly Cyrillic text, become the Cyrillic letters.
- ``whitespace``: every run of spaces, tabs, line breaks and invisible characters becomes one space.

Each output character keeps the index of the input character it came from (``origin``), so a
difference maps back to a span of the input.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from pipeline.model import Span

#: The order in which rules are applied (and reported).
RULES = ("markup", "nfc", "hyphenation", "quotes", "dashes", "numero", "yo", "confusables", "whitespace")

_QUOTES = str.maketrans({c: '"' for c in "„“”«»‟″〝〞＂"} | {c: "'" for c in "‘’‚‛‹›′`´"})
_DASHES = str.maketrans({c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"})
_YO = str.maketrans({"ё": "е", "Ё": "Е"})
#: Latin letters that look like Cyrillic ones in print (and that Tesseract swaps for them).
_LATIN_TO_CYRILLIC = str.maketrans(
    dict(zip("aceopxyABCEHKMOPTX", "асеорхуАВСЕНКМОРТХ", strict=True))
)
_LOOKALIKES = set("aceopxyABCEHKMOPTX")

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LETTERS = re.compile(r"[^\W\d_]+")
#: A hyphen ending a line, the next line starting in lower case: a word broken across lines.
_HYPHEN_BREAK = re.compile(r"(?<=\w)-[ \t]*\n[ \t]*(?=[^\W\d_])")


def _join_broken_word(m: re.Match[str]) -> str:
    """Drop the hyphen and line break when the next line goes on in lower case (a word continued);
    before a capital the hyphen more likely ends the text or a heading and stays."""
    return "" if m.string[m.end()].islower() else m.group(0)
_NUMERO = re.compile(r"(?:№|\bN[oо]?\.?(?=\s*\d))\s*")
#: A character followed by combining marks: where NFC composes.
_COMBINING_RUN = re.compile(r".[\u0300-\u036f\u0483-\u0489\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+", re.S)
#: Whitespace, plus the invisible characters that a copy-paste leaves in a text.
_SPACE = re.compile(r"[\s\u00ad\u200b\u200c\u200d\u2060\ufeff]+")


@dataclass(frozen=True, eq=False)
class NormalizedText:
    """A text after normalization.

    ``origin[i]`` is the index in the input text of the character ``text[i]`` came from (for a
    character that replaced several, the first of them). ``counts`` gives, per rule of ``RULES``,
    how many places it changed.
    """

    text: str
    origin: np.ndarray  # int64, len(text)
    counts: dict[str, int]

    def span(self, start: int, end: int) -> Span:
        """The input span covered by output characters ``start:end`` (end exclusive, end > start)."""
        return int(self.origin[start]), int(self.origin[end - 1]) + 1


def normalize(text: str, skip: Iterable[Span] = (), *, fold_yo: bool = True) -> NormalizedText:
    """Apply the rules of this module to ``text``; ``skip`` are spans (markup) left out of the result."""
    origin = np.arange(len(text), dtype=np.int64)
    counts = dict.fromkeys(RULES, 0)

    spans = sorted(skip)
    if spans:
        text, origin, counts["markup"] = _cut_spans(text, origin, spans)
    if not unicodedata.is_normalized("NFC", text):
        text, origin, counts["nfc"] = _nfc(text, origin)
    text, origin, counts["hyphenation"] = _substitute(text, origin, _HYPHEN_BREAK, _join_broken_word)
    text, counts["quotes"] = _translate(text, _QUOTES)
    text, counts["dashes"] = _translate(text, _DASHES)
    text, origin, counts["numero"] = _substitute(text, origin, _NUMERO, lambda m: "№ ")
    if fold_yo:
        text, counts["yo"] = _translate(text, _YO)
    text, counts["confusables"] = _fix_confusables(text)
    text, origin, counts["whitespace"] = _substitute(text, origin, _SPACE, lambda m: " ")
    if text.startswith(" "):
        text, origin = text[1:], origin[1:]
    if text.endswith(" "):
        text, origin = text[:-1], origin[:-1]
    return NormalizedText(text, origin, counts)


def _cut_spans(text: str, origin: np.ndarray, spans: list[Span]) -> tuple[str, np.ndarray, int]:
    """Replace each span by one space (so the words around it stay apart)."""
    parts, origins, pos = [], [], 0
    for a, b in spans:
        a = max(a, pos)
        if b <= a:
            continue
        parts += [text[pos:a], " "]
        origins += [origin[pos:a], origin[a : a + 1]]
        pos = b
    parts.append(text[pos:])
    origins.append(origin[pos:])
    return "".join(parts), np.concatenate(origins), len(spans)


def _substitute(
    text: str, origin: np.ndarray, pattern: re.Pattern[str], repl: Callable[[re.Match[str]], str]
) -> tuple[str, np.ndarray, int]:
    """``pattern.sub(repl, text)`` that also carries ``origin`` along; returns (text, origin, changes).

    A replacement of the same length keeps its characters' origins; any other takes the origin of
    the first character it replaces (or, for an insertion, of the character after it).
    """
    parts, origins, pos, changed = [], [], 0, 0
    for m in pattern.finditer(text):
        new = repl(m)
        if new == m.group(0):
            continue
        a, b = m.span()
        parts += [text[pos:a], new]
        origins.append(origin[pos:a])
        if len(new) == b - a:
            origins.append(origin[a:b])
        else:
            anchor = origin[a] if a < len(origin) else (origin[-1] + 1 if len(origin) else 0)
            origins.append(np.full(len(new), anchor, dtype=np.int64))
        pos = b
        changed += 1
    if not changed:
        return text, origin, 0
    parts.append(text[pos:])
    origins.append(origin[pos:])
    return "".join(parts), np.concatenate(origins), changed


def _translate(text: str, table: dict[int, str]) -> tuple[str, int]:
    """``text.translate(table)`` for a one-to-one character table; returns (text, characters changed)."""
    changed = sum(text.count(chr(c)) for c in table)
    return (text.translate(table), changed) if changed else (text, 0)


def _nfc(text: str, origin: np.ndarray) -> tuple[str, np.ndarray, int]:
    """NFC per run of a base character and its combining marks, which is where NFC can act."""
    return _substitute(text, origin, _COMBINING_RUN, lambda m: unicodedata.normalize("NFC", m.group(0)))


def _fix_confusables(text: str) -> tuple[str, int]:
    """Cyrillic letters for Latin look-alikes in Cyrillic words (and look-alike-only words when the
    text is mostly Cyrillic, since there an all-look-alike word such as ``MOCKBA`` is Cyrillic too)."""
    letters = _LETTERS.findall(text)
    n_letters = sum(len(w) for w in letters)
    n_cyrillic = len(_CYRILLIC.findall(text))
    mostly_cyrillic = n_letters > 0 and n_cyrillic > n_letters / 2
    changed = 0

    def fix(m: re.Match[str]) -> str:
        nonlocal changed
        word = m.group(0)
        latin = [c for c in word if c.isascii()]
        if not latin or not all(c in _LOOKALIKES for c in latin):
            return word
        if not (_CYRILLIC.search(word) or mostly_cyrillic):
            return word
        changed += len(latin)
        return word.translate(_LATIN_TO_CYRILLIC)

    out = _LETTERS.sub(fix, text)
    return out, changed


def word_offsets(text: str) -> tuple[np.ndarray, np.ndarray]:
    """Start and end offsets of the space-separated words of a normalized text."""
    if not text:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    space = np.flatnonzero(codes == 32)
    starts = np.concatenate([[0], space + 1])
    ends = np.concatenate([space, [len(text)]])
    return starts, ends
