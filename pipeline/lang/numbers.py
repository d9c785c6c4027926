"""How a language writes numbers: digit grouping and decimal marks, the number sign, ordinal
endings, and scale words (``2,5 млн.``, ``2.5 million``, ``2,5 Mio.``), as a regular expression and
the functions that undo its conventions. ``pipeline.checks.numbers`` finds and compares them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

#: The spaces that group thousands (plain, no-break, narrow no-break).
_GROUP_SPACE = r"[ \u00a0\u202f]"


@dataclass(frozen=True)
class Convention:
    """One language's way of writing numbers, as regular-expression pieces (no groups of their own)."""

    #: What may stand between groups of three digits.
    group: str
    #: The decimal mark.
    decimal: str
    #: The number sign and what follows it (``№ ``, ``No. ``, ``n° ``).
    sign: str
    #: Ordinal endings, matched right after the digits (``27-ой``, ``27th``, ``1er``).
    ordinal: str
    #: Scale words (lower case) and their values.
    scales: dict[str, float]


_RU_ORDINAL = r"-?(?:ой|ый|ий|ая|ое|ого|ому|ом|ые|ых|й|я|е|го|му|х)(?![а-яё])"
_CONVENTIONS = {
    "ru": Convention(_GROUP_SPACE, ",", r"№\s*", _RU_ORDINAL,
                     {"тыс": 1e3, "тысяч": 1e3, "тысячи": 1e3, "тысяча": 1e3, "млн": 1e6, "миллион": 1e6,
                      "миллиона": 1e6, "миллионов": 1e6, "млрд": 1e9, "миллиард": 1e9, "миллиарда": 1e9,
                      "миллиардов": 1e9}),
    "en": Convention(",", r"\.", r"(?:No|Nos|Nr|N)\.?\s*|#\s*", r"st|nd|rd|th",
                     {"thousand": 1e3, "million": 1e6, "mln": 1e6, "billion": 1e9, "bn": 1e9}),
    # French groups with spaces (older typescripts with points), German and Spanish with points
    # (or spaces); all three mark decimals with a comma. A German ordinal is a number and a full
    # stop, which cannot be told from a sentence's end: it is not read as one.
    "fr": Convention(r"[ \u00a0\u202f.]", ",", r"(?:n|N)[°º]\s*|(?:No|N)\.\s*", r"er|re|e|ème|eme|°",
                     {"mille": 1e3, "million": 1e6, "millions": 1e6, "milliard": 1e9, "milliards": 1e9}),
    "de": Convention(r"[ \u00a0\u202f.']", ",", r"(?:Nr|No)\.?\s*", r"(?!)",
                     {"tausend": 1e3, "mio": 1e6, "million": 1e6, "millionen": 1e6, "mrd": 1e9,
                      "milliarde": 1e9, "milliarden": 1e9}),
    "es": Convention(r"[ \u00a0\u202f.]", ",", r"(?:n|N)\.?\s*[°º]\s*|(?:núm|Núm|No|N)\.\s*", r"\.?[ºª°]",
                     {"mil": 1e3, "millón": 1e6, "millon": 1e6, "millones": 1e6, "mil millones": 1e9}),
}  # fmt: skip


@cache
def number_sign() -> re.Pattern[str]:
    """The number sign of any of these languages (``№``, ``No.``, ``Nr.``, ``n°``, ``núm.``), to be
    matched whole against a word."""
    return re.compile("|".join(f"(?:{c.sign})" for c in _CONVENTIONS.values()), re.IGNORECASE)


@cache
def number_pattern(lang: str) -> re.Pattern[str]:
    """A number of ``lang`` with its optional sign (group ``sign``), digits (``num``), ordinal ending
    (``ord``) and scale word (``scale``)."""
    c = _CONVENTIONS[lang]
    body = rf"(?P<num>\d{{1,3}}(?:{c.group}\d{{3}})+(?:{c.decimal}\d+)?|\d+(?:{c.decimal}\d+)?)"
    scale = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(c.scales, key=len, reverse=True))
    scale_part = rf"(?:\s*(?P<scale>{scale})\b\.?)?"
    return re.compile(rf"(?<![\w.,])(?P<sign>{c.sign})?{body}(?![.,]?\d)(?P<ord>{c.ordinal})?{scale_part}",
                      re.IGNORECASE)


def number_value(num: str, lang: str) -> float:
    """The value of the digits ``num`` (the ``num`` group of ``number_pattern``), its grouping and
    decimal mark undone."""
    c = _CONVENTIONS[lang]
    digits = re.sub(c.group, "", num)
    return float(digits.replace(",", ".") if c.decimal == "," else digits)


def digit_groups(num: str, lang: str) -> list[str]:
    """The groups of a space-grouped number as written (``2 310`` → ``2``, ``310``): a spaced group
    may be two numbers side by side, so each is also read apart; otherwise ``[num]``."""
    return re.split(_GROUP_SPACE, num) if re.search(_GROUP_SPACE, num) else [num]


def scale_value(word: str, lang: str) -> float:
    """The factor of a scale word of ``lang`` (``млн`` → 1e6), matched by ``number_pattern``."""
    return _CONVENTIONS[lang].scales[" ".join(word.lower().split())]
