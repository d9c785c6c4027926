"""All settings of a scanproof run, in one place, with their defaults and why.

``Config()`` is the default run. Each stage reads only its own section; the sections are frozen
dataclasses so that a config can key a cache and travel to worker processes.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class IngestConfig:
    """Reading page images."""

    #: DPI assumed when a file records none and none can be estimated (most archival scans are 300).
    default_dpi: float = 300.0
    #: Largest image accepted, in pixels; Pillow's decompression-bomb guard is set to this.
    max_pixels: int = 250_000_000


@dataclass(frozen=True)
class PreprocessConfig:
    """Image clean-up before OCR; each step can be switched off for the ablation benchmark."""

    #: Estimate and remove the page's skew (degrees, searched within ±``max_skew_deg``).
    deskew: bool = True
    max_skew_deg: float = 6.0
    #: Binarize before OCR; when off, Tesseract gets the grayscale image and binarizes itself.
    binarize: bool = True


@dataclass(frozen=True)
class OcrConfig:
    """How Tesseract reads a page."""

    #: Tesseract language of the original (``rus`` beats ``rus+eng`` on Cyrillic, see FACTS).
    lang: str = "rus"
    #: Page segmentation mode: 3 = fully automatic, no OSD. 6 (one block) hurts on multi-column headers.
    psm: int = 3
    #: Seconds before a hung Tesseract is killed and the page is marked failed.
    timeout_s: float = 300.0


@dataclass(frozen=True)
class AlignConfig:
    """Comparing the OCR text with the transcription."""


@dataclass(frozen=True)
class ChecksConfig:
    """Text-only consistency checks (dates, numbers, names; original vs translation)."""


@dataclass(frozen=True)
class RunConfig:
    """How pages are scheduled."""

    #: Worker processes for OCR; 0 means one per CPU core.
    jobs: int = 0


@dataclass(frozen=True)
class Config:
    """Everything a run needs; ``Config()`` gives the documented defaults."""

    ingest: IngestConfig = field(default_factory=IngestConfig)
    preprocess: PreprocessConfig = field(default_factory=PreprocessConfig)
    ocr: OcrConfig = field(default_factory=OcrConfig)
    align: AlignConfig = field(default_factory=AlignConfig)
    checks: ChecksConfig = field(default_factory=ChecksConfig)
    run: RunConfig = field(default_factory=RunConfig)
