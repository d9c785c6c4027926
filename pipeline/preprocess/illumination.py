"""Illumination flattening: divide the page by an estimate of its blank paper.

Shadows, yellowed edges, photocopier gradients and uneven phone lighting all vary slowly across the
page, while ink varies fast. A morphological closing with a kernel larger than any character erases
the ink and leaves the paper; dividing by it makes the paper uniformly white and keeps the ink's
contrast against its local paper.
"""

from __future__ import annotations

import cv2
import numpy as np

#: The background is estimated on an image shrunk by this factor: it is smooth, so nothing is lost,
#: and the closing costs 1/16 as much.
_SHRINK = 4


def estimate_background(gray: np.ndarray, kernel_px: int) -> np.ndarray:
    """The blank-paper brightness under each pixel of ``gray`` (``uint8``, same shape).

    ``kernel_px`` (pixels of ``gray``) must exceed the largest character's height, or characters
    survive into the background and are lightened away.
    """
    h, w = gray.shape
    small = cv2.resize(gray, (max(1, w // _SHRINK), max(1, h // _SHRINK)), interpolation=cv2.INTER_AREA)
    k = max(3, (kernel_px // _SHRINK) | 1)
    element = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    closed = cv2.morphologyEx(small, cv2.MORPH_CLOSE, element)
    # The median removes what the closing leaves of thick strokes and dark specks.
    smooth = cv2.medianBlur(closed, min(k, 255))
    return cv2.resize(smooth, (w, h), interpolation=cv2.INTER_LINEAR)


def flatten_illumination(gray: np.ndarray, kernel_px: int) -> np.ndarray:
    """``gray`` divided by its background, rescaled so blank paper is 255 (``uint8``, same shape)."""
    background = np.maximum(estimate_background(gray, kernel_px), 1)
    return cv2.divide(gray, background, scale=255.0)
