"""Letters among ink components: shaped like a glyph and standing in a line of glyphs.

Shared by the resolution estimate (``pipeline.ingest.resolution``: only letters vote for the
x-height) and the layout stage (``pipeline.layout``: ink whose letters stand in regular lines is
type, in whatever colour).
"""

from __future__ import annotations

import cv2
import numpy as np

#: Box pairs compared at once by ``in_text_lines``: a bound on its memory (about 50 bytes a pair)
#: on a page of dense specks, whose bands of centres can hold thousands of boxes each.
_MAX_PAIRS = 1 << 20


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
    Each box is compared with the boxes of its band of centres all at once, as arrays of pairs
    (a loop over the boxes was 0.15 s of an A4 page's CPU), ``_MAX_PAIRS`` pairs at a time.
    """
    cy = y + h / 2
    order = np.argsort(cy, kind="stable")
    sorted_cy = cy[order]
    lo = np.searchsorted(sorted_cy, cy - h / 3)
    band = np.searchsorted(sorted_cy, cy + h / 3) - lo
    pairs_before = np.cumsum(band) - band
    keep = np.zeros(len(x), dtype=bool)
    start = 0
    while start < len(x):
        stop = max(start + 1, int(np.searchsorted(pairs_before, pairs_before[start] + _MAX_PAIRS)))
        counts = band[start:stop]
        i = np.repeat(np.arange(start, stop), counts)
        j = order[np.repeat(lo[start:stop] - pairs_before[start:stop] + pairs_before[start], counts)
                  + np.arange(len(i))]
        similar = (h[j] >= 0.7 * h[i]) & (h[j] <= 1.4 * h[i])
        left = similar & (x[j] + w[j] <= x[i]) & (x[i] - (x[j] + w[j]) < h[i])
        right = similar & (x[j] >= x[i] + w[i]) & (x[j] - (x[i] + w[i]) < h[i])
        keep[start:stop] = np.bincount(i[left | right] - start, minlength=stop - start) > 0
        start = stop
    return keep
