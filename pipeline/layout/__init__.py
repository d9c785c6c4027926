"""Stamps, handwritten notes and signatures found on the scan, and read (their matching to the
transcription's markup is ``pipeline.markup``)."""

from pipeline.layout.detect import (
    PageInk,
    detect_regions,
    element_regions,
    find_ink,
    grey_stamp_regions,
    with_grey_stamps,
)
from pipeline.layout.read import read_regions

__all__ = ["PageInk", "detect_regions", "element_regions", "find_ink", "grey_stamp_regions", "read_regions",
           "with_grey_stamps"]
