"""Rescaling to the character size Tesseract's line recogniser reads best.

Tesseract's LSTM models were trained on text lines whose x-height is about 20–30 pixels; much
smaller (a 150-dpi scan, a phone photo from afar) loses strokes, much larger wastes time. The
page's own characters are measured, so a wrong or missing DPI in the file does not matter.
"""

from __future__ import annotations

import cv2
import numpy as np

from pipeline import geometry
from pipeline.preprocess.components import InkComponents

#: Fewest character-sized components for a trustworthy height.
_MIN_GLYPHS = 20


def median_glyph_height(comps: InkComponents, skip: np.ndarray | None, min_px: int = 4) -> float | None:
    """Height in pixels of the page's typical character: the median component height, each
    component weighted by its ink, so that thousands of specks of dust do not outvote the letters.

    Components flagged in ``skip`` (borders, holes; one flag per label, or None), shorter than
    ``min_px``, much wider than tall (rules) or taller than a tenth of the page are left out. None
    when fewer than 20 remain: there is no text to measure.
    """
    w, h = comps.stats[:, cv2.CC_STAT_WIDTH], comps.stats[:, cv2.CC_STAT_HEIGHT]
    area = comps.stats[:, cv2.CC_STAT_AREA]
    glyph = (h >= min_px) & (w <= 3 * h) & (h <= comps.shape[0] / 10)
    glyph[0] = False
    if skip is not None:
        glyph &= ~skip
    if glyph.sum() < _MIN_GLYPHS:
        return None
    heights, weights = h[glyph], area[glyph]
    order = np.argsort(heights)
    cumulative = np.cumsum(weights[order])
    return float(heights[order][np.searchsorted(cumulative, cumulative[-1] / 2)])


def rescale(image: np.ndarray, factor: float) -> tuple[np.ndarray, np.ndarray]:
    """``image`` resized by ``factor`` (> 0), and the matrix from its pixels back to ``image``'s."""
    h, w = image.shape[:2]
    size = (max(1, round(w * factor)), max(1, round(h * factor)))
    interpolation = cv2.INTER_CUBIC if factor > 1 else cv2.INTER_AREA
    out = cv2.resize(image, size, interpolation=interpolation)
    # The exact factors after rounding to whole pixels, so boxes map back to the pixel.
    return out, geometry.scale_matrix(size[0] / w, size[1] / h)
