"""Date grammars: the forms a language writes dates in, as regular expressions over its month names
(``months``). ``pipeline.checks.dates`` finds, normalizes and compares the dates they match.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from enum import StrEnum
from functools import cache, partial

from pipeline.lang.months import month_alternation


class Precision(StrEnum):
    DAY = "day"
    MONTH = "month"
    YEAR = "year"


_ROMAN_RE = "(?P<mr>XII|XI|X|IX|VIII|VII|VI|V|IV|III|II|I)"
_YEAR = r"(?P<y>\d{4}|\d{2})"
_YEAR4 = r"(?P<y>1[5-9]\d{2}|20\d{2})"
# Beside a day and a month any four digits are the year, even an impossible one (a slip: 7957).
_ANY_YEAR4 = r"(?P<y>\d{4})"
_NOT_DIGIT_BEFORE = r"(?<![\d.,/])"
_NOT_DIGIT_AFTER = r"(?![\d])"
# A Russian day may be quoted, spaced inside its quotes, and carry an ordinal ending: «5», " 5 ", 5-го.
_RU_DAY = r"(?:[«\"„“”]\s*)?(?P<d>\d{1,2})(?:\s*[»\"“”])?(?:-?(?:го|е|ое))?"
_RU_YEAR_WORD = r"(?:\s*(?:года|году|год|гг?\.|г\b))"
_EN_DAY = r"(?P<d>\d{1,2})(?:st|nd|rd|th)?"
_FR_DAY = r"(?P<d>\d{1,2})(?:er|re|e|ème|°)?"
# A German day is an ordinal: ``5. April``; the point may be left out or the space after it.
_DE_DAY = r"(?P<d>\d{1,2})(?:\.\s*|\s+)"
_ES_DAY = r"(?P<d>\d{1,2})(?:\.?º|°)?"
# Day first, as French and Spanish write it with slashes (in English 4/5/63 is month first).
_SLASHED = rf"{_NOT_DIGIT_BEFORE}(?P<d>\d{{1,2}})/(?P<mn>\d{{1,2}})/{_YEAR}{_NOT_DIGIT_AFTER}"


def _russian(month: str, numeric: str, roman: str) -> list[tuple[str, Precision]]:
    return [
        (rf"{_NOT_DIGIT_BEFORE}{_RU_DAY}\s+{month}(?:\s+{_YEAR}{_RU_YEAR_WORD}?)?(?![а-яё])", Precision.DAY),
        (numeric + rf"{_RU_YEAR_WORD}?", Precision.DAY),
        (roman, Precision.DAY),
        (rf"(?<![а-яё]){month}\s+{_YEAR4}{_RU_YEAR_WORD}?", Precision.MONTH),
        (rf"{_NOT_DIGIT_BEFORE}{_YEAR4}{_RU_YEAR_WORD}", Precision.YEAR),
    ]


def _english(month: str, numeric: str, roman: str) -> list[tuple[str, Precision]]:
    return [
        (rf"\b{month}\s+{_EN_DAY},?\s+{_ANY_YEAR4}{_NOT_DIGIT_AFTER}", Precision.DAY),
        (rf"{_NOT_DIGIT_BEFORE}{_EN_DAY}\s+(?:of\s+)?{month},?\s+{_ANY_YEAR4}{_NOT_DIGIT_AFTER}", Precision.DAY),
        (numeric, Precision.DAY),
        # 25/3/54 is day first whoever wrote it: no month has a 25th number.
        (rf"{_NOT_DIGIT_BEFORE}(?P<d>1[3-9]|2\d|3[01])/(?P<mn>\d{{1,2}})/{_YEAR}{_NOT_DIGIT_AFTER}", Precision.DAY),
        (roman, Precision.DAY),
        (rf"\b{month}\s+{_EN_DAY}{_NOT_DIGIT_AFTER}(?![,.]?\s*\d)", Precision.DAY),
        (rf"{_NOT_DIGIT_BEFORE}{_EN_DAY}\s+(?:of\s+)?{month}\b", Precision.DAY),
        (rf"\b{month}\s+(?:of\s+)?{_YEAR4}{_NOT_DIGIT_AFTER}", Precision.MONTH),
        (rf"\b(?:in|of|since|until|till|by|from|to|during|year)\s+{_YEAR4}{_NOT_DIGIT_AFTER}", Precision.YEAR),
    ]


def _day_first(month: str, numeric: str, roman: str, *, day: str, to_month: str, to_year: str, year_words: str,
               slashed: bool, bare_to_month: str | None = None) -> list[tuple[str, Precision]]:
    """The date patterns of a language that writes day, month, year (French, German, Spanish).

    ``day``: the day and its ordinal mark; ``to_month`` and ``to_year``: what stands between day
    and month and between month and year (``5 de abril de 1963``), ``bare_to_month`` between day
    and month without a year (default ``to_month``); ``year_words``: the words a bare year follows
    (``en 1962``); ``slashed``: whether it writes ``05/04/1963`` too.
    """
    between = to_month if bare_to_month is None else bare_to_month
    return [
        (rf"{_NOT_DIGIT_BEFORE}{day}{to_month}{month}{to_year}{_ANY_YEAR4}{_NOT_DIGIT_AFTER}", Precision.DAY),
        (numeric, Precision.DAY),
        *[(_SLASHED, Precision.DAY)] * slashed,
        (roman, Precision.DAY),
        (rf"{_NOT_DIGIT_BEFORE}{day}{between}{month}(?!\w)", Precision.DAY),
        (rf"(?<!\w){month}{to_year}{_YEAR4}{_NOT_DIGIT_AFTER}", Precision.MONTH),
        (rf"(?<!\w)(?:{year_words})\s+{_YEAR4}{_NOT_DIGIT_AFTER}", Precision.YEAR),
    ]


_french = partial(_day_first, day=_FR_DAY, to_month=r"\s+", to_year=r"\s+", slashed=True,
                  year_words="en|depuis|dès|jusqu'en|année")
_german = partial(_day_first, day=_DE_DAY, to_month="", to_year=r"\s+", slashed=False,
                  year_words=r"im\s+Jahre?|Jahres|seit|bis|von|in|um|ab")
_spanish = partial(_day_first, day=_ES_DAY, to_month=r"\s+(?:de\s+)?", bare_to_month=r"\s+de\s+",
                   to_year=r"(?:,|\s+del?)?\s+", slashed=True, year_words="en|desde|hasta|año|del")


#: Each language's date patterns, from its month alternation and the two numeric forms that every
#: language shares (``12.3.61``, ``14.III.61``): most specific first. A new language adds a function.
_GRAMMARS: dict[str, Callable[[str, str, str], list[tuple[str, Precision]]]] = {
    "ru": _russian, "en": _english, "fr": _french, "de": _german, "es": _spanish,
}


def date_languages() -> tuple[str, ...]:
    """The languages whose dates are found (codes as in ``data/months.yaml``)."""
    return tuple(_GRAMMARS)


@cache
def date_grammar(lang: str, day_first: bool = False) -> tuple[tuple[re.Pattern[str], Precision], ...]:
    """The date patterns of ``lang`` (a key of ``date_languages``), compiled, most specific first
    (a later one never overlaps an earlier). ``day_first``: slashed dates are read day first
    whatever the language's own habit (an English translation keeps its original's ``25/3/54``)."""
    month = month_alternation(lang)
    numeric = rf"{_NOT_DIGIT_BEFORE}(?P<d>\d{{1,2}})\.(?P<mn>\d{{1,2}})\.{_YEAR}{_NOT_DIGIT_AFTER}"
    roman = rf"{_NOT_DIGIT_BEFORE}(?P<d>\d{{1,2}})[./ -]{_ROMAN_RE}[./ -]{_YEAR}{_NOT_DIGIT_AFTER}"
    patterns = [(_SLASHED, Precision.DAY)] * day_first + _GRAMMARS[lang](month, numeric, roman)
    return tuple((re.compile(p, re.IGNORECASE), precision) for p, precision in patterns)
