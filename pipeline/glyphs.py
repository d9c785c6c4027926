"""Letters among ink components: shaped like a glyph and standing in a line of glyphs.

Shared by the resolution estimate (``pipeline.ingest.resolution``: only letters vote for the
x-height) and the layout stage (``pipeline.layout``: ink whose letters stand in regular lines is
type, in whatever colour).
"""

from __future__ import annotations

import cv2
import numpy as np


def letters_in_lines(stats: np.ndarray, min_h: float, max_h: float) -> np.ndarray:
    """Which components are letters standing in a line of letters.

    ``stats``: OpenCV's component statistics (one row a component: left, top, width, height, area,
    pixels), background row excluded. A letter is ``min_h``–``max_h`` pixels high, at most three
    times as wide as high or four times as high as wide, and fills at least 15% of its box (a frame
    or rule does not); it stands in a line when ``in_text_lines`` says so.
    """
    x, y = stats[:, cv2.CC_STAT_LEFT], stats[:, cv2.CC_STAT_TOP]
    w, h, area = stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT], stats[:, cv2.CC_STAT_AREA]
    letters = (h >= min_h) & (h <= max_h) & (w <= 3 * h) & (h <= 4 * w) & (area >= 0.15 * w * h)
    letters[letters] = in_text_lines(x[letters], y[letters], w[letters], h[letters])
    return letters


def in_text_lines(x: np.ndarray, y: np.ndarray, w: np.ndarray, h: np.ndarray) -> np.ndarray:
    """Which boxes (left, top, width, height in pixels) have a box of about their height beside them:
    centres level within a third of the height, the gap less than the height.

    Letters of a line have such neighbours; specks of dust and grain, scattered, seldom do.
    """
    cy = y + h / 2
    order = np.argsort(cy, kind="stable")
    sorted_cy = cy[order]
    keep = np.zeros(len(x), dtype=bool)
    for i in range(len(x)):
        lo, hi = np.searchsorted(sorted_cy, (cy[i] - h[i] / 3, cy[i] + h[i] / 3))
        j = order[lo:hi]
        similar = (h[j] >= 0.7 * h[i]) & (h[j] <= 1.4 * h[i])
        left = similar & (x[j] + w[j] <= x[i]) & (x[i] - (x[j] + w[j]) < h[i])
        right = similar & (x[j] >= x[i] + w[i]) & (x[j] - (x[i] + w[i]) < h[i])
        keep[i] = left.any() or right.any()
    return keep
