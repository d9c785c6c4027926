"""Dates in Russian and English text (grammars in ``pipeline.lang.dates``): found, normalized, and
given their roles.

``find_dates`` recognizes the forms archival records and their translations use —
``"12" марта 1961 года``, ``3 июня 1961 г.``, ``12.3.61 г.``, ``14.III.61``, ``1961 г.``,
``March 12, 1961``, ``3 June 1961``, ``12.3.61`` — and returns them as ``DateMention`` values
with their precision (day, month or year). Two-digit years are resolved against the document's
own years (``context_year``). ``assign_roles`` tells the record's date in the header from the
registration date in the footer and the date of the event recorded.
"""

from __future__ import annotations

import calendar
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from pipeline.checks.confusion import Confusion, look_alike_swaps
from pipeline.lang.dates import Precision, date_grammar
from pipeline.lang.months import matched_month
from pipeline.model import Span


class Role(StrEnum):
    """What a date says about the document, where its position tells."""

    HEADER = "header"  # the record's own date, at its head
    FOOTER = "footer"  # the registration/typing date at its foot
    EVENT = "event"  # a second date in the head: the conversation or meeting recorded
    BODY = "body"


@dataclass(frozen=True)
class DateMention:
    """One date as written: ``year`` is None when the text gives none (``12 марта``)."""

    text: str
    span: Span  # character offsets in the text searched
    lang: str  # the language whose grammar found it ("ru", "en", "fr", "de", "es")
    year: int | None
    month: int | None
    day: int | None
    year_digits: int = 4  # how many digits the year was written with (2 → resolved from context)
    role: Role = Role.BODY
    valid: bool = True  # False for an impossible day or month (35 March, 28.17.61): a slip, kept

    @property
    def precision(self) -> Precision:
        if self.day is not None:
            return Precision.DAY
        return Precision.MONTH if self.month is not None else Precision.YEAR

    @property
    def key(self) -> tuple[int | None, int | None, int | None]:
        """(year, month, day), None where the text does not say."""
        return (self.year, self.month, self.day)

    def as_date(self) -> date | None:
        """The calendar date, for day-precision mentions with a year."""
        if self.year is None or self.month is None or self.day is None or not self.valid:
            return None
        if not 1 <= self.year <= 9999:
            return None
        return date(self.year, self.month, self.day)


def same_date(a: DateMention, b: DateMention) -> bool:
    """True when two mentions name the same date where both say something (a missing year matches)."""
    return all(x is None or y is None or x == y for x, y in zip(a.key, b.key, strict=True)) and (
        a.precision == b.precision
    )


_ROMAN_MONTHS = {
    "I": 1,
    "II": 2,
    "III": 3,
    "IV": 4,
    "V": 5,
    "VI": 6,
    "VII": 7,
    "VIII": 8,
    "IX": 9,
    "X": 10,
    "XI": 11,
    "XII": 12,
}
def resolve_year(two_digits: int, context_year: int) -> int:
    """The four-digit year nearest to ``context_year`` that ends in ``two_digits`` (0–99)."""
    century = context_year // 100 * 100
    candidates = [century - 100 + two_digits, century + two_digits, century + 100 + two_digits]
    return min(candidates, key=lambda y: abs(y - context_year))


def _month_of(m: re.Match[str]) -> int | None:
    groups = m.groupdict()
    if groups.get("mn"):
        return int(groups["mn"])
    if groups.get("mr"):
        return _ROMAN_MONTHS[groups["mr"].upper()]
    return matched_month(m)


def _calendar_day(year: int | None, month: int, day: int) -> bool:
    return 1 <= day <= calendar.monthrange(year if year is not None and 1 <= year <= 9999 else 2000, month)[1]


def find_dates(text: str, lang: str, context_year: int = 1950, day_first: bool = False) -> list[DateMention]:
    """All dates in ``text`` (``lang`` a key of ``pipeline.lang.dates.date_languages``: "ru", "en",
    "fr", "de", "es"), in order of position.

    Two-digit years resolve to the year ending in those digits nearest to ``context_year``.
    A day the month lacks (35 March, 31.02) or a month above 12 (28.17.61) is kept with ``valid``
    False: in the shape of a date, it is most likely a slip. ``day_first``: read slashed dates day
    first (see ``pipeline.lang.dates.date_grammar``).
    """
    found: list[DateMention] = []
    taken: list[Span] = []
    for pattern, precision in date_grammar(lang, day_first):
        for m in pattern.finditer(text):
            if any(m.start() < end and start < m.end() for start, end in taken):
                continue
            year_text = m.groupdict().get("y")
            year = None
            if year_text:
                year = int(year_text) if len(year_text) == 4 else resolve_year(int(year_text), context_year)
            month = _month_of(m)
            day = int(m["d"]) if m.groupdict().get("d") else None
            if precision is Precision.YEAR:
                month = day = None
            valid = month is None or (1 <= month <= 12 and (day is None or _calendar_day(year, month, day)))
            # A bare year may be found by the word before it ("in 1958"), which is no part of it.
            start = m.start("y") if precision is Precision.YEAR else m.start()
            end = m.end()
            while end > start and text[end - 1].isspace():
                end -= 1
            taken.append((start, end))
            found.append(
                DateMention(
                    text[start:end],
                    (start, end),
                    lang,
                    year,
                    month,
                    day,
                    len(year_text) if year_text else 4,
                    valid=valid,
                )
            )
    return sorted(found, key=lambda d: d.span)


def context_year(texts: Iterable[str], lang: str = "ru", default: int = 1950) -> int:
    """The most frequent four-digit year among the dates of ``texts``, or ``default`` if none."""
    years = Counter(
        d.year
        for t in texts
        for d in find_dates(t, lang, default)
        if d.year is not None and d.year_digits == 4
    )
    return years.most_common(1)[0][0] if years else default


def _nonblank_line_numbers(text: str) -> list[int]:
    """For each character offset's line start, the index of that line among non-blank lines."""
    out = []
    n = -1
    for line in text.splitlines(keepends=True):
        if line.strip():
            n += 1
        out.extend([max(n, 0)] * len(line))
    return out


def assign_roles(
    mentions: Sequence[DateMention],
    text: str,
    head_lines: int,
    foot_lines: int,
    line_chars: int,
    skip: Sequence[Span] = (),
) -> list[DateMention]:
    """Give the mentions of ``text`` their roles from their position.

    Only day-precise dates on short lines count (at most ``line_chars`` characters besides the
    date: a dateline, not a sentence that mentions a date), and none inside a ``skip`` span
    (handwritten notes carry dates of their own). The first such date within the first
    ``head_lines`` non-blank lines is the HEADER, later ones there are EVENTs; the last within the
    last ``foot_lines`` non-blank lines (if not the header) is the FOOTER.
    """
    if not mentions:
        return []
    line_of = _nonblank_line_numbers(text)
    last_line = line_of[-1] if line_of else 0
    out = list(mentions)

    def dateline(m: DateMention) -> bool:
        start = text.rfind("\n", 0, m.span[0]) + 1
        end = text.find("\n", m.span[1])
        rest = len(text[start : end if end >= 0 else len(text)].strip()) - len(m.text)
        inside_skip = any(a <= m.span[0] and m.span[1] <= b for a, b in skip)
        return m.precision is Precision.DAY and rest <= line_chars and not inside_skip

    day_idx = [i for i, m in enumerate(out) if m.span[0] < len(line_of) and dateline(m)]
    head = [i for i in day_idx if line_of[out[i].span[0]] < head_lines]
    foot = [i for i in day_idx if line_of[out[i].span[0]] > last_line - foot_lines]
    if head:
        out[head[0]] = replace(out[head[0]], role=Role.HEADER)
        for i in head[1:]:
            out[i] = replace(out[i], role=Role.EVENT)
    if foot and (not head or foot[-1] != head[0]):
        out[foot[-1]] = replace(out[foot[-1]], role=Role.FOOTER)
    return out


def look_alike_readings(mention: DateMention, context: int) -> Iterator[tuple[Confusion, DateMention]]:
    """The dates ``mention.text`` would be with one character swapped for a look-alike, and the swap.

    ``context`` resolves two-digit years as in ``find_dates``; swaps that leave no date are skipped.
    """
    for swap, changed in look_alike_swaps(mention.text):
        for d in find_dates(changed, mention.lang, context):
            if d.span == (0, len(changed)):
                yield swap, d


def explaining_confusion(mention: DateMention, target: DateMention, context: int) -> Confusion | None:
    """A one-character look-alike swap in ``mention.text`` that would make it read as ``target``."""
    return next((swap for swap, d in look_alike_readings(mention, context) if same_date(d, target)), None)
