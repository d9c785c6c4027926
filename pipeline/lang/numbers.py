"""How a language writes numbers: digit grouping and decimal marks, the number sign, ordinal
endings, and scale words (``2,5 млн.``, ``2.5 million``), as a regular expression and the
functions that undo its conventions. ``pipeline.checks.numbers`` finds and compares them.
"""

from __future__ import annotations

import re
from functools import cache

#: Scale words per language (lower case) and their values.
_SCALES = {
    "ru": {"тыс": 1e3, "тысяч": 1e3, "тысячи": 1e3, "тысяча": 1e3, "млн": 1e6, "миллион": 1e6,
           "миллиона": 1e6, "миллионов": 1e6, "млрд": 1e9, "миллиард": 1e9, "миллиарда": 1e9,
           "миллиардов": 1e9},
    "en": {"thousand": 1e3, "million": 1e6, "mln": 1e6, "billion": 1e9, "bn": 1e9},
}  # fmt: skip

#: The spaces Russian groups thousands with (plain, no-break, narrow no-break).
_GROUP_SPACE = r"[ \u00a0\u202f]"


@cache
def number_pattern(lang: str) -> re.Pattern[str]:
    """A number of ``lang`` with its optional sign (group ``sign``), digits (``num``), ordinal ending
    (``ord``) and scale word (``scale``)."""
    if lang == "ru":
        sign = r"(?P<sign>№\s*)?"
        body = r"(?P<num>\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:,\d+)?|\d+(?:,\d+)?)"
        ordinal = r"(?P<ord>-?(?:ой|ый|ий|ая|ое|ого|ому|ом|ые|ых|й|я|е|го|му|х)(?![а-яё]))?"
    else:
        sign = r"(?P<sign>(?:No|Nos|Nr|N)\.?\s*|#\s*)?"
        body = r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
        ordinal = r"(?P<ord>st|nd|rd|th)?"
    scale = "|".join(sorted(_SCALES[lang], key=len, reverse=True))
    scale_part = rf"(?:\s*(?P<scale>{scale})\b\.?)?"
    return re.compile(rf"(?<![\w.,]){sign}{body}(?![.,]?\d){ordinal}{scale_part}", re.IGNORECASE)


def number_value(num: str, lang: str) -> float:
    """The value of the digits ``num`` (the ``num`` group of ``number_pattern``), its grouping and
    decimal mark undone."""
    if lang == "ru":
        return float(re.sub(_GROUP_SPACE, "", num).replace(",", "."))
    return float(num.replace(",", ""))


def digit_groups(num: str, lang: str) -> list[str]:
    """The groups of a grouped number as written (``2 310`` → ``2``, ``310``): in Russian a spaced
    group may be two numbers side by side, so each is also read apart; otherwise ``[num]``."""
    return re.split(_GROUP_SPACE, num) if lang == "ru" else [num]


def scale_value(word: str, lang: str) -> float:
    """The factor of a scale word of ``lang`` (``млн`` → 1e6), matched by ``number_pattern``."""
    return _SCALES[lang][word.lower()]
