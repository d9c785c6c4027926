"""Cutting texts into styled segments for the HTML report: character differences, markup,
highlighted mismatches and OCR confidence are all ranges of classes over a string."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pipeline.model import AlignedLine, BBox, Markup, OcrWord, Span

#: (start, end, css class) over a string, end exclusive.
Range = tuple[int, int, str]


@dataclass(frozen=True)
class Segment:
    """A run of characters sharing the same classes (space-separated, possibly empty)."""

    text: str
    classes: str


def segments(text: str, ranges: Iterable[Range]) -> list[Segment]:
    """``text`` cut at every range boundary; each piece carries the classes of the ranges over it.

    Ranges may overlap and nest; empty or out-of-bounds parts are clipped away.
    """
    clipped = [(max(0, s), min(len(text), e), c) for s, e, c in ranges]
    clipped = [r for r in clipped if r[0] < r[1]]
    cuts = sorted({0, len(text), *(s for s, _, _ in clipped), *(e for _, e, _ in clipped)})
    out = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        classes = " ".join(dict.fromkeys(c for s, e, c in clipped if s <= a and b <= e))
        out.append(Segment(text[a:b], classes))
    return out


def diff_ranges(line: AlignedLine) -> tuple[list[Range], list[Range]]:
    """Ranges of differing characters on the transcript side and the OCR side of ``line``.

    A deletion (in the transcript, not read on the scan) marks transcript characters; an insertion
    (read, not transcribed) marks OCR characters; a replacement marks both.
    """
    left: list[Range] = []
    right: list[Range] = []
    for tag, t0, t1, o0, o1 in line.ops:
        if tag == "equal":
            continue
        left.append((t0, t1, f"d-{tag}"))
        right.append((o0, o1, f"d-{tag}"))
    return left, right


class MarkupIndex:
    """A transcript's markup items, searchable by span: a report asks once per line, and a long
    transcript has thousands of lines and of items."""

    def __init__(self, markup: Sequence[Markup]) -> None:
        self.items = sorted(enumerate(markup), key=lambda item: item[1].span)
        self.starts = [m.span[0] for _, m in self.items]
        self.longest = max((m.span[1] - m.span[0] for m in markup), default=0)

    def overlapping(self, span: Span | None) -> list[Markup]:
        """The items whose span overlaps ``span``, in the transcript's order (none for None)."""
        if span is None:
            return []
        start, end = span
        # An item that starts ``longest`` characters before ``start`` or earlier ends before it.
        lo, hi = bisect_right(self.starts, start - self.longest), bisect_left(self.starts, end)
        found = [(i, m) for i, m in self.items[lo:hi] if m.span[1] > start]
        return [m for _, m in sorted(found, key=lambda item: item[0])]


def markup_ranges(
    line: AlignedLine, markup: MarkupIndex, original: str
) -> tuple[list[Range], list[Markup]]:
    """Ranges of the markup items on ``line`` in line offsets, and the items not found in its text.

    ``markup`` spans index ``original``. When the line is the original's text verbatim the spans
    carry over; the aligner may show a normalized line (markup cut, quotes unified), and then an
    item is found by its content, or reported back so the report can show it beside the line.
    """
    items = markup.overlapping(line.transcript_span)
    if not items:
        return [], []
    start, end = line.transcript_span or (0, 0)
    if original[start:end] == line.transcript:
        return [(m.span[0] - start, m.span[1] - start, f"mk mk-{m.kind.value}") for m in items], []
    ranges: list[Range] = []
    missing = []
    for m in items:
        found = needle_ranges(line.transcript, [(m.text, f"mk mk-{m.kind.value}")])
        ranges += found
        if not found:
            missing.append(m)
    return ranges, missing


def needle_ranges(text: str, needles: Iterable[tuple[str, str]]) -> list[Range]:
    """Ranges of every occurrence of each (needle, class) in ``text``; empty needles are ignored."""
    out: list[Range] = []
    for needle, cls in needles:
        if needle:
            out += [(m.start(), m.end(), cls) for m in re.finditer(re.escape(needle), text)]
    return out


def confidence_class(confidence: float) -> str | None:
    """CSS class of an OCR word's confidence (Tesseract's 0–100): low below 60, mid below 85;
    None for a confident word, which is left unmarked (most words are; the report stays lighter)."""
    if confidence < 60:
        return "conf-low"
    if confidence < 85:
        return "conf-mid"
    return None


def words_in(words: Sequence[OcrWord], box: BBox) -> list[OcrWord]:
    """The words whose centre lies inside ``box``, in their reading order."""
    x0, y0, x1, y1 = box
    return [w for w in words
            if x0 <= (w.bbox[0] + w.bbox[2]) / 2 < x1 and y0 <= (w.bbox[1] + w.bbox[3]) / 2 < y1]


def confidence_ranges(ocr_text: str, words: Sequence[OcrWord]) -> list[Range]:
    """Ranges marking each doubtful token of ``ocr_text`` by the confidence of its OCR word.

    Tokens (runs of non-space) are matched to ``words`` in order by their text; a token with no
    matching word ahead (the aligner may re-space the OCR text) is left unshaded.
    """
    out: list[Range] = []
    k = 0
    for m in re.finditer(r"\S+", ocr_text):
        j = next((i for i in range(k, len(words)) if words[i].text == m.group()), None)
        if j is None:
            continue
        cls = confidence_class(words[j].confidence)
        if cls is not None:
            out.append((m.start(), m.end(), cls))
        k = j + 1
    return out
