"""The number and date terms of the divergence score (``classify``, beside ``evidence``): years
that fit the document's others, dates no calendar has, number signs of every language, digits a
typewriter typed as letters, numbers the translation lacks; and the text keys they are compared by
(``_alnum``, ``_in_translation``)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from pipeline.align.align import Difference, Edit
from pipeline.config import DivergenceConfig
from pipeline.lang.months import is_month
from pipeline.lang.numbers import number_sign
from pipeline.lang.translit import transliterate

#: A year: four digits from 1000 to 2099 standing alone, or the last part of a date like 12.3.58.
_YEAR = re.compile(r"(?<![\d.])(1\d{3}|20\d{2})(?!\d)|\b\d{1,2}\.\d{1,2}\.(\d{2})(?!\d)")
#: A date written with numbers, or a four-digit year.
_DATE_LIKE = re.compile(r"\d{1,2}[./]\d{1,2}[./]\d{2,4}|\d{4}")
#: What ``_alnum`` drops: ``\w`` is exactly ``str.isalnum`` plus the underscore.
_NOT_ALNUM = re.compile(r"[^\w№]|_")
#: A digit and the letter a typewriter without its key typed for it (one as ``l`` or ``I``, zero as
#: ``O``): in a number they are one character, transcribed either way.
_TYPED_DIGITS = frozenset(map(frozenset, (("1", "l"), ("1", "I"), ("0", "O"), ("0", "o"))))


def _has_digit(text: str) -> bool:
    return any(c.isdigit() for c in text)


def _typed_digit_term(t: str, o: str, edits: Sequence[Edit], config: DivergenceConfig) -> tuple[float, str] | None:
    """The evidence that two readings of a number differ only by digits typed as letters
    (``I947`` / ``1947``): they say the same, whatever else (the translation) has it; None otherwise."""
    if not edits or not all(frozenset(e) in _TYPED_DIGITS for e in edits) or not (_has_digit(t) and _has_digit(o)):
        return None
    a, b = edits[0]
    return (config.weight_typed_digit, f"`{a}` and `{b}` in a number: typewriters without the key typed "
                                       "one as `l` or `I` and zero as `O`, and editors write either")


def _is_number_sign(word: str) -> bool:
    """Whether ``word`` (a word as the transcription has it) is a number sign of one of the
    languages scanproof reads (``pipeline.lang.numbers``)."""
    return bool(number_sign().fullmatch(word.strip(":")))


def _beside_month(d: Difference) -> bool:
    """Whether a month name of any language stands right after or before the difference: a day."""
    return is_month(d.after) or is_month(d.before)


def _unconfirmed_number(
    d: Difference, translation: frozenset[str], config: DivergenceConfig
) -> list[tuple[float, str]]:
    """A number of two digits or more that the translation has in none of its forms (alone, with the
    word before or after), where the scan shows nothing that the translation has either: the
    translator saw another number, or none. Shorter numbers are too common to tell."""
    t = d.transcript_text
    # One digit is too common to look up, except as a numbered item (``№ 7``: ``No. 7``) or a day
    # (``7 февраля``: ``7 February`` or ``February 7``).
    distinct = _is_number_sign(d.before) or _beside_month(d)
    if not translation or sum(c.isdigit() for c in t) < (1 if distinct else 2):
        return []
    # A number sign is looked up in the translation's own (``núm. 7``: ``No. 7``).
    sign = (f"No {t}",) if _is_number_sign(d.before) else ()
    if any(_in_translation(x, translation)
           for x in (t, f"{t} {d.after}", f"{d.before} {t}", f"{d.after} {t}", *sign)):
        return []
    return [(config.weight_number_unconfirmed, "the translation does not have this number")]


def _in_translation(text: str, translation: frozenset[str]) -> bool:
    """Whether the romanized ``text`` is in the translation, allowing a Russian case ending (one or two
    letters) that the English form lacks (``Петрову`` / ``Petrov``)."""
    key = transliterate(text)
    if len(key) < 2 or key.isalpha() and len(key) < 3:
        return False
    # Only letters can be a case ending: ``28.1.77`` after ``№ 324`` must not find ``324 28.1.71``.
    return key in translation or (len(key) >= 6 and any(
        key[-n:].isalpha() and key[:-n] in translation for n in (1, 2)))


def document_years(text: str) -> Counter[int]:
    """Years mentioned in ``text`` (``1958``, or the ``58`` of ``12.3.58``), as full or two-digit."""
    return Counter(_years(text))


def _years(text: str) -> list[int]:
    return [int(m.group(1) or m.group(2)) for m in _YEAR.finditer(text)]


def _without_years(text: str) -> str:
    """``text`` without its years (``21.5.`` of ``21.5.71``)."""
    for m in reversed(list(_YEAR.finditer(text))):
        start, end = m.span(1) if m.group(1) else m.span(2)
        text = text[:start] + text[end:]
    return text


#: A date written with numbers only: day, month and year in either order of the first two.
_NUMERIC_DATE = re.compile(r"(\d{1,2})[./](\d{1,2})[./](\d{2,4})")


def _impossible_date(text: str, before: str, after: str) -> bool:
    """Whether ``text`` writes a date no calendar has: a day above 31 beside a month name
    (``May 70``, ``70 mai``), or a numeric date whose day or month cannot be either (``8/72/59``)."""
    m = _NUMERIC_DATE.fullmatch(text.strip(".,;:"))
    if m:
        a, b = int(m.group(1)), int(m.group(2))
        return max(a, b) > 31 or min(a, b) > 12 or 0 in (a, b)
    number = text.strip(".,;:")
    return number.isdigit() and len(number) <= 2 and int(number) > 31 and (is_month(before) or is_month(after))


def _impossible_date_terms(d: Difference, scan: str, config: DivergenceConfig) -> list[tuple[float, str]]:
    """The transcription writes an impossible date where the scan reads a possible one: a slip."""
    if _impossible_date(d.transcript_text, d.before, d.after) and not _impossible_date(scan, d.before, d.after):
        return [(config.weight_impossible_date, f"the transcription's `{d.transcript_text.strip()}` is no "
                                                "date a calendar has")]
    return []


def _year_terms(t: str, scan: str, years: Counter[int], config: DivergenceConfig) -> list[tuple[float, str]]:
    """A year reading that fits the document's other dates beats one that does not.

    Years are compared by their last two digits and, when both are written in full, by century
    too; "fits" means within ``config.year_slack`` of a year mentioned elsewhere in the transcription.
    """
    ty, sy = _years(t), _years(scan)
    if not ty or not sy or ty == sy:
        return []
    others = years - Counter(ty)
    if not others:
        return []

    def fits(year: int) -> bool:
        # A year in full is compared with years in full (its century matters); a two-digit one
        # with the last two digits of any.
        return any(abs(year - y) <= config.year_slack if year >= 100 else abs(year - y % 100) <= config.year_slack
                   for y in others if year < 100 or y >= 100)

    t_fits, s_fits = all(map(fits, ty)), all(map(fits, sy))
    if s_fits and not t_fits:
        return [(config.weight_year_fits,
                 "the scan's year fits the document's other dates, the transcription's does not")]
    # An odd year read by the OCR makes its year noise, not the rest of the date: a day or month
    # that differs too (``21.5.71`` read ``21.6.11``) is still evidence.
    if t_fits and not s_fits and _alnum(_without_years(t)) == _alnum(_without_years(scan)):
        return [(config.weight_year_odd, "the OCR's year does not fit the document's other dates")]
    return []


def _alnum(text: str) -> str:
    """The letters, digits and number signs of ``text``, lower-cased: what a reading says."""
    return _NOT_ALNUM.sub("", text.lower())
