"""Numbers in Russian and English text (conventions in ``pipeline.lang.numbers``), normalized
across the two languages' conventions.

Russian groups thousands with spaces and writes decimals with a comma (``12 000``, ``2,5 млн.``),
English groups with commas and writes decimals with a point (``12,000``, ``2.5 million``); ordinals
carry endings (``27-ой`` ↔ ``27th``) and the number sign differs (``№ 310`` ↔ ``No 310``).
``find_numbers`` returns each number's value with those conventions undone, so that the two texts
can be compared value by value.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate

from pipeline.lang.numbers import digit_groups, number_pattern, number_value, scale_value
from pipeline.model import Span


@dataclass(frozen=True)
class NumberMention:
    """One number as written, with its value and how it was marked."""

    text: str
    span: Span  # offsets in the text searched
    value: float
    sign: bool = False  # preceded by the number sign (№, No., #)
    ordinal: bool = False  # 27-ой, 27th
    parts: tuple[float, ...] = ()  # for a space-grouped Russian number (2 310): the groups read apart


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
    for m in number_pattern(lang).finditer(text):
        before = bisect_left(starts, m.end())
        if before and reach[before - 1] > m.start():
            continue
        num = m["num"]
        scale = scale_value(m["scale"], lang) if m["scale"] else 1.0
        groups = digit_groups(num, lang)
        parts = tuple(number_value(g, lang) for g in groups) if len(groups) > 1 else ()
        out.append(
            NumberMention(
                text=m.group(0).strip(),
                span=(m.start(), m.end()),
                value=number_value(num, lang) * scale,
                sign=bool(m["sign"]),
                ordinal=bool(m["ord"]),
                parts=parts,
            )
        )
    return out
