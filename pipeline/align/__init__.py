"""Alignment of the OCR with the transcription, error rates, and the divergences worth a look.

``align`` pins the OCR words of the pages to the transcription's characters; ``find_divergences``
scores each difference as transcription error or OCR noise; ``text_metrics`` is the CER/WER of two
plain texts (``scanproof cer``).
"""

from pipeline.align.align import Alignment, Difference, PlacedWord, align
from pipeline.align.classify import find_divergences
from pipeline.align.metrics import text_metrics
from pipeline.align.normalize import NormalizedText, normalize

__all__ = [
    "Alignment",
    "Difference",
    "NormalizedText",
    "PlacedWord",
    "align",
    "find_divergences",
    "normalize",
    "text_metrics",
]
