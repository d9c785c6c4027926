"""Numbers in Russian and English text, normalized across the two languages' conventions.

Russian groups thousands with spaces and writes decimals with a comma (``12 000``, ``2,5 млн.``),
English groups with commas and writes decimals with a point (``12,000``, ``2.5 million``); ordinals
carry endings (``27-ой`` ↔ ``27th``) and the number sign differs (``№ 310`` ↔ ``No 310``).
``find_numbers`` returns each number's value with those conventions undone, so that the two texts
can be compared value by value.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from itertools import accumulate

from pipeline.model import Span

_SCALES = {
    "ru": {"тыс": 1e3, "тысяч": 1e3, "тысячи": 1e3, "тысяча": 1e3, "млн": 1e6, "миллион": 1e6,
           "миллиона": 1e6, "миллионов": 1e6, "млрд": 1e9, "миллиард": 1e9, "миллиарда": 1e9,
           "миллиардов": 1e9},
    "en": {"thousand": 1e3, "million": 1e6, "mln": 1e6, "billion": 1e9, "bn": 1e9},
}  # fmt: skip


@dataclass(frozen=True)
class NumberMention:
    """One number as written, with its value and how it was marked."""

    text: str
    span: Span  # offsets in the text searched
    value: float
    sign: bool = False  # preceded by the number sign (№, No., #)
    ordinal: bool = False  # 27-ой, 27th
    parts: tuple[float, ...] = ()  # for a space-grouped Russian number (2 310): the groups read apart


@cache
def _pattern(lang: str) -> re.Pattern[str]:
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


def _value(num: str, lang: str) -> float:
    if lang == "ru":
        return float(re.sub(r"[ \u00a0\u202f]", "", num).replace(",", "."))
    return float(num.replace(",", ""))


def find_numbers(text: str, lang: str, exclude: Sequence[Span] = ()) -> list[NumberMention]:
    """Numbers in ``text`` (``lang`` "ru" or "en"), skipping any that overlap a span in ``exclude``.

    ``exclude`` is for the dates already read as dates, so that their digits do not count twice.
    """
    # Spans sorted by start, with the furthest end reached so far: a number overlaps one of
    # them exactly when a span starting before the number's end reaches past its start.
    spans = sorted(exclude)
    starts = [start for start, _ in spans]
    reach = list(accumulate((end for _, end in spans), max))
    out = []
    for m in _pattern(lang).finditer(text):
        before = bisect_left(starts, m.end())
        if before and reach[before - 1] > m.start():
            continue
        num = m["num"]
        scale = _SCALES[lang][m["scale"].lower()] if m["scale"] else 1.0
        groups = re.split(r"[ \u00a0\u202f]", num) if lang == "ru" else [num]
        parts = tuple(_value(g, lang) for g in groups) if len(groups) > 1 else ()
        out.append(
            NumberMention(
                text=m.group(0).strip(),
                span=(m.start(), m.end()),
                value=_value(num, lang) * scale,
                sign=bool(m["sign"]),
                ordinal=bool(m["ord"]),
                parts=parts,
            )
        )
    return out
