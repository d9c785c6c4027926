"""Stamps, handwritten notes and signatures found on the scan, and read (their matching to the
transcription's markup is ``pipeline.markup``)."""

from pipeline.layout.detect import detect_regions
from pipeline.layout.read import read_regions

__all__ = ["detect_regions", "read_regions"]
