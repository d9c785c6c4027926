"""Alignment of the OCR with the transcription, and error rates.

``align`` pins the OCR words of the pages to the transcription's characters and lists their
differences (which of them matter is ``pipeline.divergence``'s question); ``text_metrics`` is the
CER/WER of two plain texts (``scanproof cer``).
"""

from pipeline.align.align import Alignment, Difference, PlacedWord, align
from pipeline.align.metrics import text_metrics
from pipeline.align.normalize import NormalizedText, normalize

__all__ = [
    "Alignment",
    "Difference",
    "NormalizedText",
    "PlacedWord",
    "align",
    "normalize",
    "text_metrics",
]
