"""Where the paper is: the sheet in a scan or photo, and what lies off it.

A book scanned open shows the scanner's dark bed below the page, the red-stained edge of the
book block beside it and a strip of the facing page; a loose sheet scanned on a dark lid shows
that lid at a torn or folded corner. None of it is writing, and all of it reads as ink: the layout
stage took such areas for notes and signatures, and Tesseract read the texture as rows of
letters. The sheet is the largest region of paper-bright pixels once the text is closed away.
"""

from __future__ import annotations

import cv2
import numpy as np

from pipeline.config import IngestConfig

#: The search runs on a copy this many pixels on its long side: an outline needs no detail.
_SEARCH_PX = 800


def page_off_sheet(pixels: np.ndarray, dpi: float, config: IngestConfig) -> np.ndarray | None:
    """``off_sheet`` of a page's RGB ``pixels`` (``uint8`` (H, W, 3)) at ``dpi`` with the settings of
    ``config``; None when ``config.find_paper`` is off."""
    if not config.find_paper:
        return None
    return off_sheet(cv2.cvtColor(pixels, cv2.COLOR_RGB2GRAY), dpi, config.paper_darkness, config.paper_close_mm,
                     config.paper_min_off, config.paper_part_share, config.paper_edge_mm)


def off_sheet(gray: np.ndarray, dpi: float, darkness: float, close_mm: float, min_share: float,
              part_share: float, edge_mm: float) -> np.ndarray | None:
    """Where ``gray`` (``uint8`` (H, W), the page at ``dpi``) is off the sheet: a bool mask at a
    reduced size (its long side ``_SEARCH_PX`` at most; ``resize_mask`` brings it to any shape),
    or None when the whole image is paper.

    Dark features thinner than ``close_mm`` (text, rules, pen strokes) are closed away first; what
    is then at most ``darkness`` (0–1) times as bright as the paper (the 90th percentile) is not
    paper: a scanner's bed or a table, while a shadow across a photographed sheet leaves the paper
    brighter than that. The sheet is the largest paper region with its holes filled (a photograph or a
    dark engraving inside the sheet is a hole), together with any other paper region covering
    ``part_share`` (0–1) of the image or more: a shadow or a black bar across the sheet cuts it in
    parts, all of them paper, while the strip of a facing page is small. None when less than
    ``min_share`` of the image is off the sheet, when the sheet does not hold the image's centre
    (then what is bright is a table round a dark sheet, not the sheet), or when it covers less
    than half the image. The mask takes in the paper within ``edge_mm`` of it, where the shadow
    along the paper's edge lies.
    """
    h, w = gray.shape
    f = min(1.0, _SEARCH_PX / max(h, w))
    small = cv2.resize(gray, (max(1, round(w * f)), max(1, round(h * f))), interpolation=cv2.INTER_AREA)
    k = max(3, round(close_mm * dpi * f / 25.4)) | 1
    closed = cv2.morphologyEx(small, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
    closed = cv2.medianBlur(closed, 5)
    paper = float(np.percentile(closed, 90))
    bright = (closed > darkness * paper).astype(np.uint8)
    if bright.mean() > 1.0 - min_share:
        return None
    n, labels, stats, _ = cv2.connectedComponentsWithStats(bright, connectivity=4)
    if n <= 1:
        return None
    areas = stats[1:, cv2.CC_STAT_AREA]
    largest = int(np.argmax(areas)) + 1
    keep = [largest] + [i + 1 for i, a in enumerate(areas) if a >= part_share * bright.size and i + 1 != largest]
    sheet = np.isin(labels, keep).astype(np.uint8)
    contours, _ = cv2.findContours(sheet, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    cv2.drawContours(sheet, contours, -1, 1, thickness=cv2.FILLED)
    cy, cx = small.shape[0] // 2, small.shape[1] // 2
    off = sheet == 0
    if not sheet[cy, cx] or sheet.mean() < 0.5 or off.mean() < min_share:
        return None
    return resize_mask(off, *off.shape, grow_px=round(edge_mm * dpi * f / 25.4))


def resize_mask(mask: np.ndarray, height: int, width: int, grow_px: int = 0) -> np.ndarray:
    """``mask`` (bool, any size) at ``height`` × ``width`` pixels, grown by ``grow_px`` pixels."""
    out = mask.astype(np.uint8)
    if out.shape != (height, width):
        out = cv2.resize(out, (width, height), interpolation=cv2.INTER_NEAREST)
    if grow_px > 0:
        out = cv2.dilate(out, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * grow_px + 1, 2 * grow_px + 1)))
    return out > 0
