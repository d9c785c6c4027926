"""Decoding one page into an upright RGB array with its resolution."""

from __future__ import annotations

from PIL import Image, ImageOps

from pipeline.config import IngestConfig
from pipeline.ingest.discover import check_file, image_format
from pipeline.ingest.opening import check_size, decoding
from pipeline.ingest.paper import page_off_sheet
from pipeline.ingest.pdf import render_pdf
from pipeline.ingest.pixels import to_rgb
from pipeline.ingest.resolution import dpi_in_file, resolution
from pipeline.model import PageImage, PageSource

_ORIENTATION = 0x0112  # the EXIF tag


def load_page(source: PageSource, index: int, config: IngestConfig) -> PageImage:
    """Decode one page into an RGB ``uint8`` array, upright, with its resolution.

    The resolution is the file's when believable, else estimated (see ``resolution``); a PDF page
    is rendered at the resolution of the scan inside it. What lies off the sheet is found too
    (``ingest.paper``; with ``config.find_paper``). Raises ``InputFileError`` for damaged,
    truncated, empty or too large files.
    """
    path = source.path
    check_file(path)
    kind = image_format(path)
    if kind == "PDF":
        pixels, dpi = render_pdf(source, config)
        return PageImage(index, source, pixels, dpi, off_sheet=page_off_sheet(pixels, dpi, config))
    with decoding(path, kind or path.suffix), open(path, "rb") as f, Image.open(f) as img:
        if source.frame:
            img.seek(source.frame)
        check_size(path, img.width, img.height, config)
        img.load()
        file_dpi = dpi_in_file(img.info.get("dpi"))
        # ``exif_transpose`` copies even an upright image; only a turned one pays for the copy.
        upright = ImageOps.exif_transpose(img) if img.getexif().get(_ORIENTATION, 1) != 1 else img
        pixels = to_rgb(upright)
    dpi, estimated = resolution(pixels, file_dpi, config)
    return PageImage(index, source, pixels, dpi, estimated, page_off_sheet(pixels, dpi, config))
