"""The HTML report: a view model built from a ``DocumentReport``, rendered by Jinja2 templates.

Everything from a transcript or an OCR reading reaches the page through autoescaped template
variables or through JSON embedded with ``<``, ``>`` and ``&`` escaped, so no text can become markup.
CSS and JavaScript are inlined, page images sit beside the report: it opens from disk, offline.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2
from markupsafe import Markup as SafeHtml

from pipeline.model import (
    AlignedLine,
    DocumentReport,
    Markup,
    Metrics,
    OcrWord,
    PageMetrics,
    PageResult,
    Section,
    Severity,
)
from pipeline.report.json import IdentifiedFlag
from pipeline.report.text import (
    MarkupIndex,
    Segment,
    confidence_ranges,
    diff_ranges,
    markup_ranges,
    needle_ranges,
    segments,
    words_in,
)

if TYPE_CHECKING:
    from pipeline.report.writer import IndexRow

_HERE = Path(__file__).parent
CSP = ("default-src 'none'; img-src data: 'self'; style-src 'unsafe-inline'; "
       "script-src 'unsafe-inline'; base-uri 'none'; form-action 'none'")

#: Severity symbols, so that severity is never told by colour alone.
SEVERITY_SYMBOL = {Severity.HIGH: "▲", Severity.MEDIUM: "◆", Severity.LOW: "●", Severity.INFO: "ℹ"}
#: Region symbols, drawn beside each region's outline on the page.
REGION_SYMBOL = {"stamp": "⬢", "handwriting": "✎", "signature": "✍", "text": "¶"}


@dataclass(frozen=True)
class Crop:
    """A window on a page image, drawn as a CSS background (no extra image files).

    All sizes in CSS pixels of the card; ``mark`` is the flag's box inside the window.
    """

    image: str
    width: int
    height: int
    background_width: int
    background_height: int
    offset_x: int
    offset_y: int
    mark: tuple[int, int, int, int]  # left, top, width, height


@dataclass(frozen=True)
class FlagCard:
    id: str
    kind: str
    severity: str
    symbol: str
    message: str
    transcript_text: str | None
    scan_text: str | None
    translation_text: str | None
    page: int | None
    line: int | None
    score: float | None
    evidence: tuple[str, ...]
    crop: Crop | None


@dataclass(frozen=True)
class TextRow:
    """One transcript line beside its OCR reading, cut into styled segments."""

    index: int
    page: int | None
    cer: float
    transcript: list[Segment]
    ocr: list[Segment]
    flags: tuple[str, ...]  # ids of the flags on this line
    notes: tuple[Markup, ...] = ()  # markup on this line that its (normalized) text does not show


@dataclass(frozen=True)
class ParagraphRow:
    original: list[Segment]
    translation: list[Segment]
    flags: tuple[str, ...]


@dataclass(frozen=True)
class Bar:
    """One bar of the per-line CER chart, in SVG user units."""

    x: float
    y: float
    width: float
    height: float
    line: int
    cer: float


@dataclass(frozen=True)
class ReportView:
    """Everything the report template shows."""

    document: str
    title: str
    metrics: Metrics | None
    page_metrics: tuple[PageMetrics, ...]
    pages: int
    severity_counts: dict[str, int]
    kinds: list[str]
    cards: list[FlagCard]
    rows: list[TextRow]
    paragraphs: list[ParagraphRow]
    worst: list[TextRow]
    bars: list[Bar]
    data: SafeHtml  # the JSON the viewer script reads, escaped for a <script> element


def crop(bbox: Sequence[int], page_w: int, page_h: int, image: str,
         max_w: int = 340, max_h: int = 110) -> Crop:
    """The window of a card showing ``bbox`` (input pixels) with some of its line around it.

    Context: three box heights left and right and half a height above and below, clipped to the
    page; the window is scaled to fit ``max_w``×``max_h`` CSS pixels, never enlarged past 1.5×.
    """
    x0, y0, x1, y1 = bbox
    h = max(1, y1 - y0)
    cx0, cx1 = max(0, x0 - 3 * h), min(page_w, x1 + 3 * h)
    cy0, cy1 = max(0, y0 - h // 2), min(page_h, y1 + h // 2)
    s = min(max_w / max(1, cx1 - cx0), max_h / max(1, cy1 - cy0), 1.5)
    return Crop(
        image=image,
        width=round((cx1 - cx0) * s), height=round((cy1 - cy0) * s),
        background_width=round(page_w * s), background_height=round(page_h * s),
        offset_x=round(-cx0 * s), offset_y=round(-cy0 * s),
        mark=(round((x0 - cx0) * s), round((y0 - cy0) * s), round((x1 - x0) * s), round(h * s)),
    )


def _cards(flags: Sequence[IdentifiedFlag], pages: dict[int, PageResult],
           images: dict[int, str | None]) -> list[FlagCard]:
    cards = []
    for item in flags:
        f = item.flag
        page = pages.get(f.page) if f.page is not None else None
        image = images.get(f.page) if f.page is not None else None
        window = None
        if page is not None and image is not None and f.bbox is not None:
            window = crop(f.bbox, page.ocr.width, page.ocr.height, image)
        cards.append(FlagCard(
            item.id, f.kind, f.severity.value, SEVERITY_SYMBOL[f.severity], f.message,
            f.transcript_text, f.scan_text, f.translation_text, f.page, item.line, f.score,
            f.evidence, window,
        ))
    return cards


def _line_words(line: AlignedLine, pages: dict[int, PageResult]) -> list[OcrWord]:
    if line.page is None or line.bbox is None or line.page not in pages:
        return []
    return words_in(pages[line.page].ocr.words, line.bbox)


def _rows(report: DocumentReport, flags: Sequence[IdentifiedFlag],
          pages: dict[int, PageResult]) -> list[TextRow]:
    on_line: dict[int, list[str]] = {}
    for item in flags:
        if item.line is not None:
            on_line.setdefault(item.line, []).append(item.id)
    markup = MarkupIndex(report.transcript.markup_in(Section.ORIGINAL))
    rows = []
    for i, line in enumerate(report.lines):
        left, right = diff_ranges(line)
        marked, notes = markup_ranges(line, markup, report.transcript.original)
        right += confidence_ranges(line.ocr, _line_words(line, pages))
        rows.append(TextRow(i, line.page, line.cer, segments(line.transcript, left + marked),
                            segments(line.ocr, right), tuple(on_line.get(i, ())), tuple(notes)))
    return rows


def _paragraphs(report: DocumentReport, flags: Sequence[IdentifiedFlag]) -> list[ParagraphRow]:
    """Paragraph pairs with each flag's transcript text marked in the original and its translation
    text marked in the translation (only flags that carry a translation text, i.e. cross-checks)."""
    cross = [item for item in flags if item.flag.translation_text]
    rows = []
    for pair in report.paragraphs:
        hits = tuple(item.id for item in cross
                     if (item.flag.transcript_text and item.flag.transcript_text in pair.original)
                     or item.flag.translation_text in pair.translation)
        left = needle_ranges(pair.original, [(item.flag.transcript_text or "", "mismatch")
                                             for item in cross])
        right = needle_ranges(pair.translation, [(item.flag.translation_text or "", "mismatch")
                                                 for item in cross])
        rows.append(ParagraphRow(segments(pair.original, left), segments(pair.translation, right), hits))
    return rows


def _bars(rows: Sequence[TextRow], width: float = 600.0, height: float = 100.0) -> list[Bar]:
    """Bars of per-line CER (capped at 1) across a ``width``×``height`` chart."""
    if not rows:
        return []
    step = width / len(rows)
    return [Bar(i * step, height * (1 - min(r.cer, 1.0)), max(step * 0.8, 0.5),
                height * min(r.cer, 1.0), r.index, r.cer) for i, r in enumerate(rows)]


def script_json(data: object) -> SafeHtml:
    """``data`` as JSON safe inside ``<script type="application/json">``.

    ``<``, ``>`` and ``&`` become ``\\u`` escapes so that no string (``</script>``, ``<!--``) can end
    the element; U+2028/2029 likewise, for older JavaScript parsers.
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                    ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return SafeHtml(text)


def _viewer_data(report: DocumentReport, flags: Sequence[IdentifiedFlag],
                 images: dict[int, str | None]) -> dict:
    """The part of the report the page viewer script needs (boxes, not texts)."""
    return {
        "document": report.document,
        "pages": [{"index": p.ocr.index, "image": images.get(p.ocr.index), "width": p.ocr.width,
                   "height": p.ocr.height, "regions": [{"kind": r.kind, "bbox": list(r.bbox)}
                                                       for r in p.regions]}
                  for p in report.pages],
        "flags": [{"id": f.id, "kind": f.flag.kind, "severity": f.flag.severity.value,
                   "page": f.flag.page, "bbox": list(f.flag.bbox) if f.flag.bbox else None,
                   "line": f.line} for f in flags],
        "lines": [{"page": ln.page, "bbox": list(ln.bbox) if ln.bbox else None} for ln in report.lines],
        "symbols": {"severity": {k.value: v for k, v in SEVERITY_SYMBOL.items()}, "region": REGION_SYMBOL},
    }


def build_view(report: DocumentReport, flags: Sequence[IdentifiedFlag],
               images: dict[int, str | None]) -> ReportView:
    """The report's view model; ``flags`` identified and sorted, ``images`` page → image path."""
    pages = {p.ocr.index: p for p in report.pages}
    rows = _rows(report, flags, pages)
    counts = {s.value: sum(1 for f in flags if f.flag.severity == s) for s in Severity}
    worst = sorted((r for r in rows if r.cer > 0), key=lambda r: -r.cer)[:10]
    return ReportView(
        document=report.document,
        title=report.transcript.metadata.title,
        metrics=report.metrics,
        page_metrics=report.page_metrics,
        pages=len(report.pages),
        severity_counts=counts,
        kinds=sorted({f.flag.kind for f in flags}),
        cards=_cards(flags, pages, images),
        rows=rows,
        paragraphs=_paragraphs(report, flags),
        worst=worst,
        bars=_bars(rows),
        data=script_json(_viewer_data(report, flags, images)),
    )


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(_HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["csp"] = CSP
    env.globals["static"] = _static
    env.filters["pct"] = lambda v: "–" if v is None else f"{100 * v:.1f}%"
    return env


@cache
def _static(name: str) -> SafeHtml:
    """A file of ``static/`` to inline in a ``<style>`` or ``<script>`` element (our own code)."""
    text = (_HERE / "static" / name).read_text(encoding="utf-8")
    if "</" in text:
        # Would end the inline element early; the static files must be written without it.
        raise ValueError(f"static/{name} contains '</'")
    return SafeHtml(text)


def compile_templates() -> None:
    """Compile the report page's template now: it is compiled once a process, on first use (about
    0.05 s), which a caller with time to spare can take off a report's critical path."""
    _environment().get_template("report.html.j2")


def render_report(view: ReportView) -> str:
    """The report page's HTML."""
    return _environment().get_template("report.html.j2").render(v=view)


def render_index(rows: Sequence[IndexRow]) -> str:
    """The batch index page's HTML (``rows`` with their ``href`` resolved)."""
    return _environment().get_template("index.html.j2").render(rows=rows)


def render_template(name: str, **context: object) -> str:
    """Another page of ``templates/`` (``cer --report``'s ``pair.html.j2``), in the same environment."""
    return _environment().get_template(name).render(**context)
