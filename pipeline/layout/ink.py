"""Ink masks: which pixels of a page are coloured ink (stamps, pens) and which are grey-black ink.

The page is first white-balanced to its paper: dividing each channel by the paper's colour turns
black type on yellowed paper back into neutral grey, so that only inks that really are coloured
(violet, blue, red) keep a chroma. Colour is then measured as CIE Lab chroma and hue.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import cv2
import numpy as np

from pipeline.model import BBox


@dataclass(frozen=True, eq=False)
class InkMasks:
    """The masks of one page at analysis resolution; all arrays are (H, W)."""

    coloured: np.ndarray  # bool: coloured ink of an accepted hue
    dark: np.ndarray  # bool: grey-black ink (typewriter, pencil, black pen), coloured ink excluded
    hue: np.ndarray  # float32 Lab hue in degrees 0–360 (meaningful where ``coloured``)
    chroma: np.ndarray  # float32 Lab chroma, 0–~130
    lightness: np.ndarray  # float32 Lab lightness, 0–255
    #: The sheet's box (x0, y0, x1, y1 px): the whole image, or less where some of it is off the
    #: sheet (``detect.off_sheet_cleared``). Ink along its sides is the paper's edge, not writing.
    frame: BBox

    @cached_property
    def dark_components(self) -> tuple[int, np.ndarray, np.ndarray]:
        """OpenCV's 8-connected components of ``dark``: (count, labels, stats), background label 0.
        Labelled once: the typed letters' height, the untyped seeds and the print test all read
        them (each labelling costs about 20 ms on an A4 page at 150 dpi)."""
        n, labels, stats, _ = cv2.connectedComponentsWithStats(self.dark.astype(np.uint8), connectivity=8)
        return n, labels, stats


def mm_to_px(mm: float, dpi: float) -> int:
    """A length on paper (mm) in pixels at ``dpi``, at least 1."""
    return max(1, round(mm * dpi / 25.4))


def paper_colour(rgb: np.ndarray) -> tuple[float, float, float]:
    """The paper's colour: the median RGB of the brightest 60 % of pixels (a page is mostly paper).

    ``rgb`` is uint8 (H, W, 3); returns 0–255 per channel. Every fourth pixel each way is plenty
    for a median over a page.
    """
    sample = rgb[::4, ::4]
    grey = sample.mean(axis=2)
    bright = sample[grey >= np.percentile(grey, 40)]
    med = np.median(bright, axis=0)
    return float(med[0]), float(med[1]), float(med[2])


def white_balance(rgb: np.ndarray, paper: tuple[float, float, float]) -> np.ndarray:
    """``rgb`` (uint8, H×W×3) scaled per channel so that ``paper`` becomes white; uint8."""
    scale = 255.0 / np.maximum(np.asarray(paper, dtype=np.float32), 1.0)
    # A lookup table per channel: the same values as scaling every pixel in float, ten times faster.
    table = np.clip(np.arange(256, dtype=np.float32)[:, None] * scale, 0, 255).astype(np.uint8)
    return cv2.LUT(np.ascontiguousarray(rgb), table.reshape(256, 1, 3))


def hue_in_ranges(hue: np.ndarray, ranges: tuple[tuple[float, float], ...]) -> np.ndarray:
    """Boolean mask of ``hue`` (degrees) falling in any [lo, hi) of ``ranges``."""
    out = np.zeros(hue.shape, dtype=bool)
    for lo, hi in ranges:
        out |= (hue >= lo) & (hue < hi)
    return out


def lab_colour(
    rgb: np.ndarray, paper: tuple[float, float, float]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Lightness (0–255), chroma (0–~130) and hue (degrees 0–360) of ``rgb`` (uint8, H×W×3)
    white-balanced to ``paper``; float32 arrays of shape (H, W)."""
    # Each channel made float on its own: converting the interleaved image first took half again
    # as long, and left the lightness a strided view.
    lightness, a, b = (channel.astype(np.float32)
                       for channel in cv2.split(cv2.cvtColor(white_balance(rgb, paper), cv2.COLOR_RGB2LAB)))
    # OpenCV's polar conversion: the hue within 0.01° of arctan2's, in a sixth of the time.
    chroma, hue = cv2.cartToPolar(a - 128.0, b - 128.0, angleInDegrees=True)
    return lightness, chroma, hue


def colour_ink_image(rgb: np.ndarray, chroma_min: float, hues: tuple[tuple[float, float], ...]) -> np.ndarray:
    """Coloured ink alone as dark-on-white uint8 (H, W), grey-black ink left out: what a stamp or a
    pen note looks like without the type it was put over, for OCR.

    Ink strength rises from half ``chroma_min`` (white) to two and a half times it (black).
    """
    _, chroma, hue = lab_colour(rgb, paper_colour(rgb))
    strength = np.clip((chroma - 0.5 * chroma_min) / (2.0 * chroma_min), 0.0, 1.0) * hue_in_ranges(hue, hues)
    return (255.0 * (1.0 - strength)).astype(np.uint8)


def ink_masks(
    rgb: np.ndarray, chroma: tuple[float, float], hues: tuple[tuple[float, float], ...], block_px: int,
    near_px: int,
) -> InkMasks:
    """Split the ink of a page (uint8 RGB, H×W×3) into coloured and grey-black masks.

    ``chroma`` = (strong, weak) Lab chroma thresholds (0–~130): a pixel is coloured ink from the
    strong one, or from the weak one when it is connected to strong pixels (hysteresis, as in
    Canny's edge detector), and from three quarters of the weak one within ``near_px`` of such ink;
    ``hues`` are the accepted Lab hue ranges in degrees. Dark ink is at least 20 lightness levels
    below the mean of its ``block_px`` neighbourhood (odd, ≥ 3): a local threshold, because phone
    photos are unevenly lit.
    """
    paper = paper_colour(rgb)
    lightness, chroma_px, hue = lab_colour(rgb, paper)
    # Coloured ink must also be visibly darker than paper: a faint tint is a stain or scanner cast.
    weak = (chroma_px >= chroma[1]) & hue_in_ranges(hue, hues) & (lightness <= 235)
    # A 2×2 opening removes the one-pixel colour fringes JPEG leaves round black glyphs.
    weak = cv2.morphologyEx(weak.astype(np.uint8), cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))
    n, labels = cv2.connectedComponents(weak, connectivity=8)
    strong_labels = np.zeros(n, dtype=bool)
    strong_labels[labels[(weak > 0) & (chroma_px >= chroma[0])]] = True
    strong_labels[0] = False
    coloured = strong_labels[labels]
    # Even fainter pixels count next to such ink: a worn frame is a dashed line of pale dashes.
    near = cv2.dilate(coloured.astype(np.uint8), np.ones((near_px, near_px), np.uint8)) > 0
    faint = (chroma_px >= 0.75 * chroma[1]) & hue_in_ranges(hue, hues) & (lightness <= 235) & near
    faint = cv2.morphologyEx(faint.astype(np.uint8), cv2.MORPH_OPEN, np.ones((2, 2), np.uint8)) > 0
    coloured |= faint
    grey_l = lightness.astype(np.uint8)
    below_local = cv2.adaptiveThreshold(grey_l, 1, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV,
                                        block_px | 1, 20) > 0
    # Pale marks (pencil shading, show-through from the back of the sheet) are not ink we judge.
    dark = below_local & (lightness < 190) & ~coloured
    return InkMasks(coloured, dark, hue, chroma_px, lightness, (0, 0, rgb.shape[1], rgb.shape[0]))
