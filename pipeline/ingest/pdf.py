"""PDF pages: opened read-only and rendered at the resolution of the scan they hold."""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from pipeline.config import IngestConfig
from pipeline.errors import InputFileError
from pipeline.ingest.opening import reading
from pipeline.ingest.pixels import to_rgb
from pipeline.model import PageSource


@contextmanager
def open_pdf(path: Path) -> Iterator[pdfium.PdfDocument]:
    """The PDF document opened read-only, its errors as ``InputFileError``s."""
    try:
        with reading(path):
            pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as err:
        if "password" in str(err).lower():
            raise InputFileError(f"{path}: the PDF is password-protected; remove the password and "
                                 "try again") from None
        raise InputFileError(f"{path}: the PDF is damaged ({err}); re-export it") from None
    try:
        yield pdf
    finally:
        pdf.close()


def render_pdf(source: PageSource, config: IngestConfig) -> tuple[np.ndarray, float]:
    """Render one PDF page at the resolution of the scan it holds (or ``config.default_dpi``)."""
    path = source.path
    with open_pdf(path) as pdf:
        if source.frame >= len(pdf):
            raise InputFileError(f"{path}: has no page {source.frame + 1}; the file changed while being read")
        try:
            page = pdf[source.frame]
            width_pt, height_pt = page.get_size()
            if width_pt <= 0 or height_pt <= 0:
                raise InputFileError(f"{path}: page {source.frame + 1} has no area; re-export the PDF")
            dpi = min(_pdf_scan_dpi(page, width_pt * height_pt, config),
                      # Rendering is our choice, not the file's: fit the page under the pixel limit.
                      math.sqrt(config.max_pixels / (width_pt * height_pt / 72.0**2)))
            pixels = to_rgb(page.render(scale=dpi / 72.0).to_pil())
        except pdfium.PdfiumError as err:
            raise InputFileError(f"{path}: page {source.frame + 1} cannot be read ({err}); "
                                 "re-export the PDF") from None
    return pixels, dpi


def _pdf_scan_dpi(page: pdfium.PdfPage, page_area_pt: float, config: IngestConfig) -> float:
    """The resolution of the scan a PDF page holds (one image covering at least half the page),
    clamped to ``config.min_dpi``–``config.pdf_max_dpi``; ``config.default_dpi`` without one.

    Rendering at the scan's own resolution loses no detail and invents no pixels. Areas, not
    widths, so that an image placed turned by 90° gives the same figure.
    """
    images = []
    for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,)):
        (w, h), (left, bottom, right, top) = obj.get_px_size(), obj.get_bounds()
        images.append((w * h, (right - left) * (top - bottom)))
    if not images:
        return config.default_dpi
    pixels_area, points_area = max(images)
    if points_area < 0.5 * page_area_pt or pixels_area <= 0:
        return config.default_dpi
    native = math.sqrt(pixels_area / (points_area / 72.0**2))
    return min(max(native, config.min_dpi), config.pdf_max_dpi)
