"""The data that flows between the stages.

Per page (``pipeline.page``): ingest → ``PageImage`` → layout → ``Region``s; preprocess →
``Preprocessed`` → ocr → ``OcrPage``; together a ``PageResult``. Per document
(``pipeline.document``): transcript → ``Transcript``; align → ``Alignment`` + ``Metrics``;
divergence, checks and markup → ``Flag``s; together a ``DocumentReport`` → report.

Boxes are always ``(x0, y0, x1, y1)`` in pixels of the input image as given (before any deskew or
rescale), x0/y0 inclusive, x1/y1 exclusive.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

import numpy as np

BBox = tuple[int, int, int, int]
Span = tuple[int, int]


# --- ingest -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PageSource:
    """Where one page lives: a file, and the frame inside it (multi-page TIFF, PDF page).

    A source marked ``ship`` takes the file's bytes along when it is pickled for a worker
    (``--ship-images``: workers that do not share the scans' storage). The bytes are read at that
    moment, not before, so the process handing out the pages holds only those in flight.
    """

    path: Path
    frame: int = 0
    ship: bool = False
    #: The file's bytes, once shipped.
    data: bytes | None = field(default=None, repr=False, compare=False)

    def __reduce__(self) -> tuple[type, tuple[Path, int, bool, bytes | None]]:
        data = self.path.read_bytes() if self.ship and self.data is None else self.data
        return (PageSource, (self.path, self.frame, self.ship, data))


@dataclass(frozen=True, eq=False)
class PageImage:
    """One decoded page: RGB ``uint8`` array of shape (height, width, 3)."""

    index: int  # 1-based page number in the document
    source: PageSource
    pixels: np.ndarray
    dpi: float
    dpi_estimated: bool = False
    #: Where the image is off the sheet (scanner bed, book edge, facing page): a bool mask at a
    #: reduced size (``ingest.paper.resize_mask`` scales it), or None when all of it is paper.
    off_sheet: np.ndarray | None = None

    @property
    def width(self) -> int:
        return int(self.pixels.shape[1])

    @property
    def height(self) -> int:
        return int(self.pixels.shape[0])


# --- preprocess ---------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Preprocessed:
    """The image Tesseract reads, and how its pixels map back to the input image.

    ``to_input`` is a 3×3 homography taking (x, y, 1) in ``pixels`` coordinates to input-image
    coordinates; ``pipeline.geometry.map_box`` applies it to boxes.
    """

    pixels: np.ndarray  # uint8, (H, W): grayscale or black-and-white, dark ink on light paper
    dpi: float  # effective resolution of ``pixels``
    to_input: np.ndarray  # float64 (3, 3)
    skew_deg: float  # skew found on the input, degrees, counter-clockwise positive
    steps: tuple[str, ...] = ()  # names of the steps applied, in order
    #: Other binarizations of the same image, same geometry: (method, pixels) pairs, each read by
    #: an extra OCR pass (``PreprocessConfig.extra_binarizations``).
    alternates: tuple[tuple[str, np.ndarray], ...] = ()


# --- ocr ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OcrWord:
    """One word as Tesseract read it."""

    text: str
    bbox: BBox
    confidence: float  # Tesseract's word confidence, 0–100
    block: int
    paragraph: int
    line: int
    word: int
    #: Per character of ``text``, the other characters Tesseract's recogniser weighed there, best
    #: first (``OcrConfig.char_alternatives``); () when not asked for or not given for this word.
    alternatives: tuple[tuple[str, ...], ...] = ()
    #: What each extra OCR pass (``Preprocessed.alternates``) read at this word's place, in pass
    #: order ("" where it read nothing); a reading that differs is evidence the word is unsure.
    readings: tuple[str, ...] = ()


@dataclass(frozen=True)
class OcrPage:
    """Tesseract's reading of one page, boxes in input pixels."""

    index: int
    image: str  # path of the input image as given
    width: int
    height: int
    skew_deg: float
    words: tuple[OcrWord, ...]
    failed: str | None = None  # why the page could not be read, when it could not
    #: The OCR engine that read the page (``tesserocr`` or ``tesseract``, ``OcrConfig.engine``)
    #: and the version of its Tesseract (``"5.5.4"``); empty in readings made before either was kept.
    engine: str = ""
    engine_version: str = ""
    #: The Tesseract language(s) it was read in (``OcrConfig.lang``, ``auto`` resolved); empty in
    #: readings made before it was kept.
    lang: str = ""

    def lines(self) -> list[list[OcrWord]]:
        """Words grouped by (block, paragraph, line), in Tesseract's reading order."""
        out: list[list[OcrWord]] = []
        key = None
        for w in self.words:
            k = (w.block, w.paragraph, w.line)
            if k != key:
                out.append([])
                key = k
            out[-1].append(w)
        return out

    @property
    def text(self) -> str:
        """The page text, one OCR line per line."""
        return "\n".join(" ".join(w.text for w in line) for line in self.lines())


# --- transcript ---------------------------------------------------------------------------------


class MarkupKind(StrEnum):
    """Editorial markup found in a published transcription."""

    HANDWRITING = "handwriting"  # *italic* passages
    STAMP = "stamp"  # [Stamp]: …
    SIGNATURE = "signature"  # [signature]
    TRANSLATOR_NOTE = "translator_note"  # [Translator's note: …]
    MARGINAL_NUMBER = "marginal_number"  # <sup>12</sup>
    EDITORIAL = "editorial"  # any other bracketed note: [Distribution:], [Lenin]


class Section(StrEnum):
    ORIGINAL = "original"
    TRANSLATION = "translation"


@dataclass(frozen=True)
class Markup:
    """One markup item; ``span`` is its extent (markup characters included) in the section's text."""

    kind: MarkupKind
    text: str  # the content, markup characters stripped ("Declassified", "12")
    section: Section
    span: Span


@dataclass(frozen=True)
class Metadata:
    """The archive's description of the document."""

    title: str = ""
    date: str = ""
    citation: str = ""
    summary: str = ""
    credits: str = ""
    original_language: str = ""
    contents: tuple[str, ...] = ()


@dataclass(frozen=True)
class Transcript:
    """A published transcription: metadata, the original-language text and its translation.

    ``original`` and ``translation`` are the texts as published, markup included; ``markup`` lists
    the markup items with spans into them.
    """

    document_id: str
    source: str
    metadata: Metadata
    original: str
    translation: str
    markup: tuple[Markup, ...]
    encoding: str = "utf-8"
    #: The format the file was read as: ``wilson``, ``plain``, ``tei``, ``page``, ``alto``, ``hocr``
    #: (``pipeline.transcript.read``).
    source_format: str = ""
    #: Which of an edition's alternative readings ``original`` holds, where the format has them
    #: (TEI ``<choice>``: "diplomatic", the scan's spelling); "" where it has none.
    reading: str = ""
    #: Offsets in ``original`` where each page of the scan starts (the first is 0), where the format
    #: divides the text into pages (TEI ``<pb/>``, ALTO pages, hOCR ``ocr_page``); () where it does not.
    page_starts: tuple[int, ...] = ()

    def markup_in(self, section: Section) -> list[Markup]:
        return [m for m in self.markup if m.section == section]


# --- layout -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Region:
    """A non-typed element found on a page (or a typed text block)."""

    kind: str  # "text" | "stamp" | "handwriting" | "signature"
    bbox: BBox
    text: str = ""
    confidence: float = 0.0  # 0–1
    features: dict[str, float] = field(default_factory=dict)


# --- align --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Metrics:
    """Error rates of the OCR text against the transcription (reference)."""

    cer: float
    wer: float
    reference_chars: int
    reference_words: int
    substitutions: int = 0
    deletions: int = 0
    insertions: int = 0
    #: Most frequent character substitutions: (transcript char, OCR char, count).
    confusions: tuple[tuple[str, str, int], ...] = ()


@dataclass(frozen=True)
class PageMetrics:
    """Error rates of one page's OCR against the part of the transcription aligned to it."""

    page: int
    cer: float
    wer: float
    reference_chars: int


@dataclass(frozen=True)
class AlignedLine:
    """One transcript line beside the OCR text aligned to it, for the report's text view.

    ``ops`` are difflib-style opcodes ``(tag, t0, t1, o0, o1)`` with tag in
    ``equal|replace|delete|insert``, indexing ``transcript`` and ``ocr`` of this line.
    """

    transcript: str
    ocr: str
    page: int | None
    bbox: BBox | None
    cer: float
    ops: tuple[tuple[str, int, int, int, int], ...] = ()
    transcript_span: Span | None = None  # span of this line in Transcript.original


@dataclass(frozen=True)
class ParagraphPair:
    """An original-language paragraph and the translation paragraph aligned to it."""

    original: str
    translation: str
    original_span: Span | None = None
    translation_span: Span | None = None


# --- findings -----------------------------------------------------------------------------------


class Severity(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        """0 for high … 3 for info, for sorting."""
        return list(Severity).index(self)


@dataclass(frozen=True)
class Flag:
    """One finding for a person to review."""

    kind: str
    severity: Severity
    message: str
    transcript_text: str | None = None
    scan_text: str | None = None
    translation_text: str | None = None
    page: int | None = None
    bbox: BBox | None = None
    score: float | None = None  # 0–1, how sure we are that the transcription is wrong
    evidence: tuple[str, ...] = ()
    transcript_span: Span | None = None  # span in Transcript.original


# --- result -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PageResult:
    """A page as read: the OCR, the elements found, and its image as the report shows it."""

    ocr: OcrPage
    regions: tuple[Region, ...] = ()
    #: The page image encoded for the report (``ReportConfig.image_format``), made by the worker
    #: that decoded the page so that the report need not decode it again.
    preview: bytes | None = None


@dataclass(frozen=True)
class DocumentReport:
    """Everything the report writers need for one document."""

    document: str
    transcript: Transcript
    pages: tuple[PageResult, ...]
    metrics: Metrics | None
    flags: tuple[Flag, ...]
    page_metrics: tuple[PageMetrics, ...] = ()
    lines: tuple[AlignedLine, ...] = ()
    paragraphs: tuple[ParagraphPair, ...] = ()
