"""Which differences between the scan's reading and the transcription are worth a look.

``find_divergences`` scores each difference of an ``Alignment`` (``pipeline.align``) as
transcription error or OCR noise, from evidence that needs no transcription of the scan: the
OCR's confidence, word forms, the document's own confusion habits, numbers and dates, the
translation. The weights are ``DivergenceConfig``'s.
"""

from pipeline.divergence.classify import find_divergences, severity

__all__ = ["find_divergences", "severity"]
