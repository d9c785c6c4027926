"""Finding page images and decoding them into RGB arrays with a resolution.

``discover_pages`` turns the files and folders a user names into an ordered list of pages (one per
frame of a multi-page TIFF or page of a PDF); ``load_page`` decodes one of them. Inputs are only
ever opened for reading. Everything a user can fix (a truncated JPEG, an image too large, a
password on a PDF) is raised as ``InputFileError`` with a one-line message.
"""

from pipeline.ingest.discover import IMAGE_SUFFIXES, discover_pages, natural_key
from pipeline.ingest.load import load_page
from pipeline.ingest.resolution import estimate_dpi, plausible_dpi, resolution

__all__ = [
    "IMAGE_SUFFIXES",
    "discover_pages",
    "estimate_dpi",
    "load_page",
    "natural_key",
    "plausible_dpi",
    "resolution",
]
