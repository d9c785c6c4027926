"""The HTML page of ``scanproof cer --report``: each text pair side by side, line by line.

The lines are the report's text view (``TextRow``, ``diff_ranges``, ``segments`` and the
``segs`` template macro), so the two pages mark differences alike. The pair is aligned once as a
whole, as the CER counts it, and the OCR text is cut where the reference's lines begin: every
character of both texts is shown, text the OCR has between two reference lines beside the line
before it. Everything from the files reaches the page through autoescaped template variables.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.align.metrics import as_clusters, compared_pair, opcodes, rate
from pipeline.model import AlignedLine, Metrics
from pipeline.report.html import TextRow, render_template
from pipeline.report.text import Segment, diff_ranges, segments


@dataclass(frozen=True)
class PairView:
    """One pair of the page: its name (folder mode), files, figures and lines."""

    name: str
    reference: str
    hypothesis: str
    metrics: Metrics
    rows: list[TextRow]


def line_rows(reference: str, hypothesis: str) -> list[TextRow]:
    """The reference's lines beside the OCR text aligned with each, differences marked.

    ``reference`` and ``hypothesis`` are the texts as counted (``compared_pair``). A line that is
    empty on both sides is left out.
    """
    table: dict[str, str] = {}
    ref, hyp = as_clusters(reference, table), as_clusters(hypothesis, table)
    back = {v: k for k, v in table.items()}
    cuts = _cuts(ref, hyp)
    starts = [0] + [i + 1 for i, c in enumerate(ref) if c == "\n"]
    ends = [s - 1 for s in starts[1:]] + [len(ref)]
    rows = []
    for k, (r0, r1) in enumerate(zip(starts, ends, strict=True)):
        t = ref[r0:r1]
        o = hyp[cuts[k]:cuts[k + 1]].strip("\n")
        if not t and not o:
            continue
        ops = tuple(opcodes(t, o))
        errors = sum(max(a1 - a0, b1 - b0) for tag, a0, a1, b0, b1 in ops if tag != "equal")
        line = AlignedLine(t, o, None, None, rate(errors, len(t)), ops)
        left, right = diff_ranges(line)
        rows.append(TextRow(k, None, line.cer, _unclustered(segments(t, left), back),
                            _unclustered(segments(o, right), back), ()))
    return rows


def _cuts(ref: str, hyp: str) -> list[int]:
    """Where the OCR text is cut: at the hypothesis position aligned with the start of each reference
    line (text inserted right after a line break goes with the line after it), and its end."""
    lowest = [len(hyp)] * (len(ref) + 1)  # per reference boundary, the lowest hypothesis boundary tied to it
    for tag, r0, r1, h0, _h1 in opcodes(ref, hyp):
        if tag in ("equal", "replace"):
            for k in range(r1 - r0 + 1):
                lowest[r0 + k] = min(lowest[r0 + k], h0 + k)
        elif tag == "delete":
            for k in range(r0, r1 + 1):
                lowest[k] = min(lowest[k], h0)
        else:
            lowest[r0] = min(lowest[r0], h0)
    cuts = [0]
    for i, c in enumerate(ref):
        if c == "\n":
            cuts.append(max(cuts[-1], lowest[i + 1]))
    return [*cuts, len(hyp)]


def _unclustered(items: list[Segment], back: dict[str, str]) -> list[Segment]:
    """Segments with each grapheme cluster's stand-in character (``as_clusters``) turned back."""
    if not back:
        return items
    return [Segment("".join(back.get(c, c) for c in s.text), s.classes) for s in items]


def pair_view(name: str, reference: Path, hypothesis: Path, metrics: Metrics,
              texts: tuple[str, str], equivalences: str) -> PairView:
    """The view of one pair; ``texts`` are the two compared texts before ``equivalences``."""
    counted = compared_pair(*texts, equivalences)
    return PairView(name, str(reference), str(hypothesis), metrics, line_rows(*counted))


def render_pairs(pairs: Sequence[PairView], summary: Metrics | None, equivalences: str, text_level: str) -> str:
    """The page's HTML: ``summary`` (folder mode) above the pairs."""
    return render_template("pair.html.j2", pairs=pairs, summary=summary, equivalences=equivalences,
                           text_level=text_level)
