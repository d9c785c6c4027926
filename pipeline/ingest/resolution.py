"""The resolution of a page: the file's when believable, else estimated from the x-height of its
type."""

from __future__ import annotations

import math

import cv2
import numpy as np

from pipeline.config import IngestConfig
from pipeline.glyphs import letters_in_lines

# Long side of the image the x-height is measured on; larger pages are shrunk first (pixels).
_ESTIMATE_SIDE = 4000


def dpi_in_file(value: object) -> float | None:
    """The resolution a file records (Pillow's ``info["dpi"]``), one figure, or None."""
    try:
        x, y = (float(v) for v in value)  # type: ignore[attr-defined]
    except (TypeError, ValueError):
        return None
    if not (math.isfinite(x) and math.isfinite(y)) or x <= 0 or y <= 0:
        return None
    return math.sqrt(x * y)


def resolution(pixels: np.ndarray, file_dpi: float | None, config: IngestConfig) -> tuple[float, bool]:
    """The page's resolution in dpi, and whether it was estimated rather than read from the file.

    A recorded resolution is believed when ``plausible_dpi``; a low one (below
    ``config.verify_dpi_below``, where editors' defaults of 72 and 96 sit) only when the text's
    x-height does not say it is at least 1.5 times more. Otherwise the x-height estimate is used,
    or ``config.default_dpi`` on a page without text.
    """
    estimate = None
    if file_dpi is not None and plausible_dpi(file_dpi, pixels.shape[:2], config):
        if file_dpi >= config.verify_dpi_below:
            return file_dpi, False
        estimate = estimate_dpi(pixels, config)
        if estimate is None or estimate < 1.5 * file_dpi:
            return file_dpi, False
    if estimate is None:
        estimate = estimate_dpi(pixels, config)
    if estimate is None or not config.min_dpi <= estimate <= config.max_dpi:
        return config.default_dpi, True
    return estimate, True


def plausible_dpi(dpi: float, shape: tuple[int, int], config: IngestConfig) -> bool:
    """Whether ``dpi`` is believable for an image of ``shape`` (height, width) pixels.

    Cameras and editors write 72 or 96 (or 1) into files that are nothing of the kind: such a
    value is out of range, or makes the page longer than any archival sheet.
    """
    return config.min_dpi <= dpi <= config.max_dpi and max(shape) / dpi <= config.max_page_in


def estimate_dpi(pixels: np.ndarray, config: IngestConfig) -> float | None:
    """The resolution (dots per inch) implied by the text's x-height, or None without text.

    ``pixels``: RGB or grayscale ``uint8``. The x-height is the most common height of letters
    (most lowercase letters have neither ascender nor descender), assumed to be
    ``config.x_height_in`` inches. Letters are ink components of a letter's shape standing in a
    line beside another of their height (``pipeline.glyphs``), each voting with its ink;
    components lower than the x-height at ``config.min_dpi`` are not letters and do not vote.
    """
    gray = pixels if pixels.ndim == 2 else cv2.cvtColor(np.ascontiguousarray(pixels), cv2.COLOR_RGB2GRAY)
    scale = max(1.0, max(gray.shape) / _ESTIMATE_SIDE)
    if scale > 1.0:
        size = (round(gray.shape[1] / scale), round(gray.shape[0] / scale))
        gray = cv2.resize(gray, size, interpolation=cv2.INTER_AREA)
    # A local threshold: a photographed page is lit unevenly, and one global threshold turns its
    # dark side into one blot and its bright side into nothing.
    block = 2 * (max(gray.shape) // 160) + 3
    ink = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, 15)
    _, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    lowest = max(3, math.ceil(config.min_dpi * config.x_height_in / scale))
    # Paper grain, bleed-through and speckle make more letter-sized components than the text does
    # on many real scans: only letters standing in lines vote.
    letters = letters_in_lines(stats[1:], lowest, max(gray.shape) // 10)
    h, area = stats[1:, cv2.CC_STAT_HEIGHT], stats[1:, cv2.CC_STAT_AREA]
    heights = h[letters]
    if heights.size < 30:
        return None
    # Each component votes with its ink: specks that pass for letters weigh little beside letters.
    votes = np.bincount(heights, weights=area[letters])
    # Neighbouring heights vote together: one x-height spreads over ±1 pixel with the stroke noise.
    smoothed = votes + np.concatenate(([0], votes[:-1])) + np.concatenate((votes[1:], [0]))
    peak = int(np.argmax(smoothed))
    # Capitals and ascenders (b, d, h, l, t) stand 1.3–1.6 times taller than the x-height and can
    # outvote it; when a strong second peak lies that much lower, it is the x-height.
    low = smoothed[int(peak / 1.6):int(np.ceil(peak / 1.25)) + 1]
    if low.size and low.max() >= 0.5 * smoothed[peak]:
        peak = int(peak / 1.6) + int(np.argmax(low))
    x_height = float(peak) * scale
    return x_height / config.x_height_in

