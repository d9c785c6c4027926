"""Ink separation: keep the typewriter's ink, drop coloured stamp and handwriting ink.

On a colour scan the typed text is the page's dominant ink and is near-neutral (black, or a worn
black-violet ribbon), while stamps and pen annotations are saturated violet, blue or red. In the
Lab colour space the two differ in chroma (a*, b*), whatever the lightness. The typed ink's own
colour is measured on the page (the median of all ink), and ink far from it in (a*, b*) is painted
over with the local paper, so Tesseract does not read a stamp's letters into the typed lines.
"""

from __future__ import annotations

import cv2
import numpy as np

from pipeline.preprocess.binarize import otsu
from pipeline.preprocess.illumination import estimate_background


def foreign_ink(rgb: np.ndarray, max_distance: float) -> np.ndarray:
    """Boolean mask of ink whose colour differs from the page's dominant ink.

    ``rgb`` is ``uint8`` (H, W, 3); ``max_distance`` is in Lab a*b* units (OpenCV's 8-bit scale,
    where a saturated violet stamp lies 30–60 away from black). A grey image gives an empty mask.
    """
    h, w = rgb.shape[:2]
    preview = cv2.resize(rgb, (max(1, w // 4), max(1, h // 4)), interpolation=cv2.INTER_AREA)
    if not _foreign(cv2.cvtColor(preview, cv2.COLOR_RGB2LAB), max_distance).any():
        # Most pages have no coloured ink; a quarter-size look settles it for 1/16 of the cost.
        return np.zeros((h, w), dtype=bool)
    return _foreign(cv2.cvtColor(rgb, cv2.COLOR_RGB2LAB), max_distance)


def _foreign(lab: np.ndarray, max_distance: float) -> np.ndarray:
    """``foreign_ink`` on an 8-bit Lab image."""
    ink = otsu(lab[:, :, 0]) == 0
    if ink.sum() < 100:
        return np.zeros(ink.shape, dtype=bool)
    a = lab[:, :, 1].astype(np.float32)
    b = lab[:, :, 2].astype(np.float32)
    # The typed ink's colour, from the darkest quarter of the ink: a typewriter ribbon is darker
    # than stamp or pen ink, and large lighter areas (a coloured table edge) must not outvote it.
    lightness = lab[:, :, 0][ink]
    darkest = ink.copy()
    darkest[ink] = lightness <= np.percentile(lightness, 25)
    typed_a, typed_b = float(np.median(a[darkest])), float(np.median(b[darkest]))
    distance = cv2.magnitude(a - typed_a, b - typed_b)
    core = ink & (distance > max_distance)
    if core.sum() > ink.sum() / 2:
        # Most ink "foreign" means the dominant ink was misjudged; removing it would erase the text.
        return np.zeros(ink.shape, dtype=bool)
    # A stroke's faint rim is lighter than Otsu's threshold but still coloured: take the pixels
    # next to the core that are at least half as far off in colour.
    near = cv2.dilate(core.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    return core | (near & (distance > max_distance / 2))


def typed_ink_gray(rgb: np.ndarray, max_distance: float, paper_kernel_px: int) -> tuple[np.ndarray, float]:
    """Grayscale ``uint8`` image of ``rgb`` with the foreign (coloured) ink replaced by paper.

    ``paper_kernel_px`` is the background estimator's kernel (see ``estimate_background``).
    Returns the image and the fraction of the page's pixels that were replaced (0–1).
    """
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    foreign = foreign_ink(rgb, max_distance)
    if not foreign.any():
        return gray, 0.0
    # The paper under a removed stroke, estimated with the stroke's own pixels already brightened
    # so that they do not darken it.
    brightened = gray.copy()
    brightened[foreign] = 255
    paper = estimate_background(brightened, paper_kernel_px)
    gray[foreign] = paper[foreign]
    return gray, float(foreign.mean())
