"""Aligning the original with its translation, line group by line group.

A translation keeps the order of its original but not its line breaks: a distribution list may be
one block in the original and a paragraph per item in the translation, a paragraph split by a page
break in one is whole in the other, handwritten notes and editorial notes exist on one side only.
We cut both texts into non-blank lines ("text_lines") and align them by dynamic programming, as
Gale and Church align sentences: each step pairs 1–3 text_lines of one side with 0–3 of the other,
scored by how well their lengths agree (at the document's own length ratio) and by the dates and
numbers they share, which a translation keeps.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate

from pipeline.checks.dates import find_dates
from pipeline.checks.numbers import find_numbers
from pipeline.config import ChecksConfig
from pipeline.model import Markup, MarkupKind, ParagraphPair, Span

#: Markup whose content is not text of the document proper: it is blanked before comparison.
_NOT_TEXT = frozenset(
    {MarkupKind.STAMP, MarkupKind.SIGNATURE, MarkupKind.TRANSLATOR_NOTE, MarkupKind.MARGINAL_NUMBER,
     MarkupKind.EDITORIAL}
)  # fmt: skip
_MARKDOWN_CHARS = re.compile(r"[*#_]|</?sup>")


@dataclass(frozen=True)
class TextLine:
    """One non-blank line: its text with markup blanked, and its span in the section's text."""

    text: str
    span: Span


@dataclass(frozen=True)
class Bead:
    """Segments of the original aligned with text_lines of the translation (either side may be empty)."""

    original: tuple[TextLine, ...]
    translation: tuple[TextLine, ...]

    @property
    def original_span(self) -> Span | None:
        return (self.original[0].span[0], self.original[-1].span[1]) if self.original else None

    @property
    def translation_span(self) -> Span | None:
        return (self.translation[0].span[0], self.translation[-1].span[1]) if self.translation else None

    def pair(self, original: str, translation: str) -> ParagraphPair:
        """The bead as the report shows it: the section texts it covers, as published."""
        o, t = self.original_span, self.translation_span
        return ParagraphPair(
            original=original[o[0] : o[1]] if o else "",
            translation=translation[t[0] : t[1]] if t else "",
            original_span=o,
            translation_span=t,
        )


def blank_markup(text: str, markup: Sequence[Markup], handwriting: bool = True) -> str:
    """``text`` with non-text markup and Markdown characters replaced by spaces (offsets kept).

    Handwritten passages keep their words (only their asterisks go) unless ``handwriting`` is False.
    """
    chars = list(text)
    for item in markup:
        if item.kind in _NOT_TEXT or (not handwriting and item.kind is MarkupKind.HANDWRITING):
            start, end = item.span
            chars[start:end] = " " * (end - start)
    blanked = "".join(chars)
    return _MARKDOWN_CHARS.sub(lambda m: " " * len(m.group(0)), blanked)


def text_lines(clean: str) -> list[TextLine]:
    """The non-blank lines of a blanked text (see ``blank_markup``), stripped, with their spans.

    Blank handwriting before aligning: marginal notes like "to the archive" are rarely translated,
    and between the two halves of a paragraph split by a page break they would keep the halves
    from being aligned together.
    """
    out = []
    for m in re.finditer(r"[^\n]+", clean):
        line = m.group(0)
        stripped = line.strip()
        if re.search(r"\w", stripped):
            start = m.start() + line.index(stripped)
            out.append(TextLine(stripped, (start, start + len(stripped))))
    return out


def _anchors(seg: TextLine, lang: str) -> frozenset[object]:
    """The dates (as (year, month, day)) and the other numbers of a segment, which a translation keeps."""
    dates = find_dates(seg.text, lang)
    numbers = find_numbers(seg.text, lang, exclude=[d.span for d in dates])
    return frozenset([d.key for d in dates] + [v for n in numbers for v in (n.value, *n.parts)])


#: Shapes a step may take: (original text_lines, translation text_lines).
_SHAPES = ((1, 1), (1, 0), (0, 1), (1, 2), (2, 1), (2, 2), (1, 3), (3, 1))


def align_lines(
    original: Sequence[TextLine], translation: Sequence[TextLine], config: ChecksConfig, lang: str | None = "ru"
) -> list[Bead]:
    """The cheapest monotone alignment of two segment lists, as beads in reading order.

    ``lang`` is the original's language (a code of ``pipeline.lang.dates``), whose dates and numbers
    anchor the alignment; None for one whose conventions we do not know (lengths alone align).

    Cost of a step: ``align_length_weight`` × |log of the length ratio against the document's|, plus
    ``align_anchor_weight`` × (½ × numbers on one side only − 2 × numbers on both), plus
    ``align_merge_cost`` per segment beyond one-to-one; leaving text_lines unpaired costs
    ``align_skip_cost``, down to half that for the shortest lines. Only alignments that stay within
    ``align_band`` text_lines of the proportional diagonal are searched (time O(n × band)).
    """
    n, m = len(original), len(translation)
    o_len = list(accumulate((len(s.text) for s in original), initial=0))
    t_len = list(accumulate((len(s.text) for s in translation), initial=0))
    ratio = (t_len[-1] + 1) / (o_len[-1] + 1)
    o_anchor = [_anchors(s, lang) if lang else frozenset() for s in original]
    t_anchor = [_anchors(s, "en") for s in translation]

    def step_cost(i: int, j: int, di: int, dj: int) -> float:
        lo = o_len[i + di] - o_len[i]
        lt = t_len[j + dj] - t_len[j]
        if di == 0 or dj == 0:
            # A short line left unpaired (a heading, a note) costs less than a paragraph, but not
            # so little that a line whose number differs (a slip) goes unpaired rather than compared.
            return config.align_skip_cost * min(1.0, (lo + lt + 40) / 80)
        cost = config.align_length_weight * abs(math.log((lt + 20) / (ratio * lo + 20)))
        a = frozenset().union(*o_anchor[i : i + di])
        b = frozenset().union(*t_anchor[j : j + dj])
        cost += config.align_anchor_weight * (0.5 * len(a ^ b) - 2 * len(a & b))
        if (di, dj) != (1, 1):
            cost += config.align_merge_cost * (di + dj - 2)
        return cost

    inf = math.inf
    best = [[inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    best[0][0] = 0.0
    for i in range(n + 1):
        # Only cells near the diagonal: a translation does not wander far from its original's order.
        centre = i * m // max(n, 1)
        for j in range(max(0, centre - config.align_band), min(m, centre + config.align_band) + 1):
            here = best[i][j]
            if here == inf:
                continue
            for di, dj in _SHAPES:
                if i + di > n or j + dj > m:
                    continue
                c = here + step_cost(i, j, di, dj)
                if c < best[i + di][j + dj]:
                    best[i + di][j + dj] = c
                    back[i + di][j + dj] = (di, dj)
    beads = []
    i, j = n, m
    while i or j:
        step = back[i][j]
        assert step is not None  # every cell reached from (0, 0) has a predecessor
        di, dj = step
        beads.append(Bead(tuple(original[i - di : i]), tuple(translation[j - dj : j])))
        i, j = i - di, j - dj
    return beads[::-1]
