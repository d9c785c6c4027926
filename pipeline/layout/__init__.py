"""Stamps, handwritten notes and signatures: found on the scan and matched to the transcription."""

from pipeline.layout.detect import detect_regions
from pipeline.layout.match import match_markup

__all__ = ["detect_regions", "match_markup"]
