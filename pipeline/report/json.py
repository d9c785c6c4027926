"""``report.json``: the machine-readable report (schema ``scanproof/report/1``).

The schema lives in ``schemas/report.schema.json``. Fields may be added, never renamed. Flags get
ids here, derived from their content, so that a reviewer's decisions (kept by the HTML report under
these ids) still apply when the same document is checked again after unrelated changes.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path

from pipeline.config import ReportConfig
from pipeline.model import AlignedLine, BBox, DocumentReport, Flag, Metrics, Span, Transcript

SCHEMA_ID = "scanproof/report/1"
SCHEMA_PATH = Path(__file__).parent / "schemas" / "report.schema.json"


@dataclass(frozen=True)
class IdentifiedFlag:
    """A flag with its report id and the index of the aligned line it concerns (None if none)."""

    id: str
    flag: Flag
    line: int | None


def page_image_name(index: int, image_format: str) -> str:
    """Relative path of page ``index``'s image inside the report folder."""
    suffix = "jpg" if image_format == "jpeg" else image_format
    return f"pages/page-{index:04d}.{suffix}"


def _flag_key(flag: Flag) -> str:
    """The content that identifies a flag; the message is left out, its wording may change."""
    parts = (flag.kind, flag.page, flag.bbox, flag.transcript_span, flag.transcript_text,
             flag.scan_text, flag.translation_text)
    return "\x1f".join("" if p is None else str(p) for p in parts)


def _overlap(a: Span, b: Span) -> int:
    return min(a[1], b[1]) - max(a[0], b[0])


class _LineFinder:
    """Finds the aligned line a flag concerns: by transcript span, else by box, else by text.

    Built once per report, so that finding the lines of every flag costs a search each, not a
    pass over every line (a long transcript has thousands of both).
    """

    def __init__(self, lines: Sequence[AlignedLine]) -> None:
        self.lines = lines
        spanned = sorted((ln.transcript_span, i) for i, ln in enumerate(lines) if ln.transcript_span is not None)
        self.spans = [span for span, _ in spanned]
        self.span_lines = [i for _, i in spanned]
        self.starts = [span[0] for span in self.spans]
        self.ends = [span[1] for span in self.spans]
        # Lines that do not overlap (the usual case) have their ends in order too; then the lines
        # a span touches are one run of this list.
        self.ends_sorted = all(a <= b for a, b in zip(self.ends, self.ends[1:], strict=False))
        self._joined: str | None = None  # made when a flag is first found by its text
        self._offsets: list[int] = []
        self.by_page: dict[int, list[int]] = {}
        for i, ln in enumerate(lines):
            if ln.page is not None and ln.bbox is not None:
                self.by_page.setdefault(ln.page, []).append(i)

    def line_of(self, flag: Flag) -> int | None:
        if flag.transcript_span is not None:
            best = self._by_span(flag.transcript_span)
            if best is not None:
                return best
        if flag.page is not None and flag.bbox is not None:
            y0, y1 = flag.bbox[1], flag.bbox[3]
            boxes = [(i, _overlap((y0, y1), (self.lines[i].bbox[1], self.lines[i].bbox[3])))
                     for i in self.by_page.get(flag.page, ())]
            best_box = max(boxes, key=lambda s: s[1], default=None)
            if best_box is not None and best_box[1] > 0:
                return best_box[0]
        if flag.transcript_text:
            return self._by_text(flag.transcript_text)
        return None

    def _by_text(self, text: str) -> int | None:
        """The first line whose transcript holds ``text``: found in all lines' transcripts joined."""
        if self._joined is None:
            self._joined = "\0".join(ln.transcript for ln in self.lines)
            self._offsets = list(accumulate((len(ln.transcript) + 1 for ln in self.lines[:-1]), initial=0))
        at = self._joined.find(text)
        while at >= 0:
            k = bisect_right(self._offsets, at) - 1
            if at + len(text) <= self._offsets[k] + len(self.lines[k].transcript):
                return k
            at = self._joined.find(text, at + 1)  # it ran across two lines: look further
        return None

    def _by_span(self, span: Span) -> int | None:
        """The line whose span overlaps ``span`` most (an empty flag span, a dropped word, touches
        its line with overlap 0); among equals the first in the report's order."""
        stop = bisect_right(self.starts, span[1])  # lines that start after the span cannot touch it
        first = bisect_left(self.ends, span[0]) if self.ends_sorted else 0
        touching = [(_overlap(span, self.spans[k]), -self.span_lines[k]) for k in range(first, stop)]
        best = max(touching, default=None)
        return -best[1] if best is not None and best[0] >= 0 else None


def identify_flags(flags: Sequence[Flag], lines: Sequence[AlignedLine] = ()) -> list[IdentifiedFlag]:
    """Flags sorted by severity (stable otherwise), each with an id unique within the report.

    The id is ``<kind>-<8 hex digits of a hash of the flag's content>``; identical flags get
    ``-2``, ``-3`` … in order.
    """
    ordered = sorted(flags, key=lambda f: f.severity.rank)
    finder = _LineFinder(lines)
    seen: dict[str, int] = {}
    out = []
    for flag in ordered:
        kind = "".join(c if c.isascii() and (c.isalnum() or c in "_-") else "_" for c in flag.kind.lower())
        base = f"{kind or 'flag'}-{hashlib.sha1(_flag_key(flag).encode()).hexdigest()[:8]}"
        seen[base] = seen.get(base, 0) + 1
        fid = base if seen[base] == 1 else f"{base}-{seen[base]}"
        out.append(IdentifiedFlag(fid, flag, finder.line_of(flag)))
    return out


def _bbox(box: BBox | None) -> list[int] | None:
    # Boxes mapped back through a deskew can poke a pixel past the page's top-left corner.
    return None if box is None else [max(0, int(v)) for v in box]


def _metrics(m: Metrics | None) -> dict | None:
    if m is None:
        return None
    return {
        "cer": m.cer, "wer": m.wer, "reference_chars": m.reference_chars,
        "reference_words": m.reference_words, "substitutions": m.substitutions,
        "deletions": m.deletions, "insertions": m.insertions,
        "confusions": [{"transcript": t, "ocr": o, "count": n} for t, o, n in m.confusions],
    }


def transcript_digest(transcript: Transcript) -> str:
    """The SHA-256 of a transcription's original text (UTF-8), by which ``report.json`` names the
    transcription it was made from (``transcript_sha256``; ``scanproof apply-review`` checks it)."""
    return hashlib.sha256(transcript.original.encode("utf-8")).hexdigest()


def flag_json(item: IdentifiedFlag) -> dict:
    """One flag as it appears in ``report.json`` (and in the HTML report's data)."""
    f = item.flag
    return {
        "id": item.id, "kind": f.kind, "severity": f.severity.value, "message": f.message,
        "transcript_text": f.transcript_text, "scan_text": f.scan_text,
        "translation_text": f.translation_text, "page": f.page, "bbox": _bbox(f.bbox),
        "score": f.score, "evidence": list(f.evidence), "line": item.line,
        "transcript_span": None if f.transcript_span is None else list(f.transcript_span),
    }


def report_json(
    report: DocumentReport,
    *,
    images: Mapping[int, str | None] | None = None,
    flags: Sequence[IdentifiedFlag] | None = None,
) -> dict:
    """The ``report.json`` document of ``report`` as plain JSON types.

    ``images`` maps page numbers to their image path relative to the report folder (None: no
    image); by default, the names ``write_report`` gives images in the default format. ``flags``
    are the report's flags already identified (computed when not given).
    """
    if flags is None:
        flags = identify_flags(report.flags, report.lines)
    if images is None:
        fmt = ReportConfig().image_format
        images = {p.ocr.index: page_image_name(p.ocr.index, fmt) for p in report.pages}
    pages = []
    for p in report.pages:
        o = p.ocr
        image = images.get(o.index)
        pages.append({
            "index": o.index, "image": image, "source": o.image, "width": o.width,
            "height": o.height, "skew_deg": o.skew_deg, "ocr_text": o.text, "failed": o.failed,
            "ocr_engine": o.engine, "tesseract_version": o.engine_version, "ocr_lang": o.lang,
            "regions": [{"kind": r.kind, "bbox": _bbox(r.bbox), "text": r.text,
                         "confidence": r.confidence} for r in p.regions],
        })
    return {
        "schema": SCHEMA_ID,
        "document": report.document,
        "transcript_encoding": report.transcript.encoding,
        "transcript_format": report.transcript.source_format,
        "transcript_reading": report.transcript.reading,
        "transcript_sha256": transcript_digest(report.transcript),
        "pages": pages,
        "metrics": _metrics(report.metrics),
        "page_metrics": [{"page": m.page, "cer": m.cer, "wer": m.wer,
                          "reference_chars": m.reference_chars} for m in report.page_metrics],
        "lines": [{"transcript": ln.transcript, "ocr": ln.ocr, "page": ln.page,
                   "bbox": _bbox(ln.bbox), "cer": ln.cer} for ln in report.lines],
        "flags": [flag_json(f) for f in flags],
    }
