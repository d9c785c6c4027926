"""Image clean-up before OCR: ``preprocess(page, config) -> Preprocessed``.

Each step is a pure function on arrays in its own module, switched by a ``PreprocessConfig`` field
so that the ablation benchmark (``bench/ocr_quality.py``) can measure what it is worth. Geometric
steps return the matrix from their output back to their input; their product is
``Preprocessed.to_input``, which carries Tesseract's boxes back to the page as the user gave it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import cv2
import numpy as np

from pipeline import geometry
from pipeline.config import PreprocessConfig
from pipeline.ingest.paper import resize_mask
from pipeline.model import BBox, PageImage, Preprocessed
from pipeline.preprocess.binarize import binarize, otsu
from pipeline.preprocess.components import ink_components
from pipeline.preprocess.deskew import estimate_skew, rotate
from pipeline.preprocess.illumination import flatten_illumination
from pipeline.preprocess.ink import typed_ink_gray
from pipeline.preprocess.margins import margin_components, paint_off_sheet, paint_paper
from pipeline.preprocess.scale import median_glyph_height, rescale
from pipeline.preprocess.sheet import find_sheet, warp_sheet

__all__ = ["Orientation", "mm_to_px", "preprocess"]

#: Finds the clockwise quarter turn (0, 90, 180 or 270) that makes a grayscale page (``uint8``,
#: (H, W)) at a resolution (dpi) upright, and how sure it is (Tesseract's OSD confidence, 0 up).
#: Given by the page's flow (``pipeline.page``: Tesseract's orientation detection); the clean-up
#: itself runs no OCR.
Orientation = Callable[[np.ndarray, float], tuple[int, float]]

_MM_PER_INCH = 25.4
#: ``cv2.rotate`` code for each clockwise quarter turn.
_QUARTER = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}
#: Shrink factor of the ink mask that borders, holes, character height and skew are judged on.
_ANALYSIS = 2


def mm_to_px(mm: float, dpi: float) -> int:
    """A length in millimetres as whole pixels at ``dpi`` (at least 1)."""
    return max(1, round(mm * dpi / _MM_PER_INCH))


def near_boxes(boxes: Sequence[BBox], to_input: np.ndarray, shape: tuple[int, int], margin_px: int) -> np.ndarray:
    """Bool mask (``shape`` = (H, W)) of the pixels within ``margin_px`` of ``boxes``, which are in
    input pixels while the mask's image maps to the input by ``to_input``."""
    h, w = shape
    mask = np.zeros((h, w), dtype=bool)
    to_here = np.linalg.inv(to_input)
    for box in boxes:
        x0, y0, x1, y1 = geometry.map_box(box, to_here, (w, h))
        mask[max(0, y0 - margin_px):y1 + margin_px, max(0, x0 - margin_px):x1 + margin_px] = True
    return mask


def preprocess(page: PageImage, config: PreprocessConfig, orient: Orientation | None = None,
               writing: Sequence[BBox] | None = None) -> Preprocessed:
    """Turn ``page`` into the black-and-white (or grayscale) image Tesseract reads best.

    Steps, in order, each only when switched on in ``config``: sheet detection and perspective
    correction (photos), ink separation (colour scans), what is off the sheet painted as paper
    (``PageImage.off_sheet``), illumination flattening, border and punch-hole removal, orientation
    (90° turns, found by ``orient``; skipped without it), deskew, rescale, binarization.
    ``writing``: the boxes (input pixels) of the stamps, notes and signatures found on the page;
    when given, ink separation takes foreign ink out only near them (``config.ink_region_margin_mm``),
    else wherever it is.
    """
    steps: list[str] = []
    back: list[np.ndarray] = []  # each geometric step's map from its output to its input
    rgb, dpi = page.pixels, page.dpi

    if config.sheet:
        corners = find_sheet(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), config.sheet_min_area,
                             config.sheet_max_corner_deg, config.sheet_max_perspective_deg,
                             config.sheet_min_side_ratio)
        if corners is not None:
            rgb, m = warp_sheet(rgb, corners)
            back.append(m)
            steps.append("sheet")

    if config.ink_separation and rgb.ndim == 3:
        margin = mm_to_px(config.ink_unmix_margin_mm, dpi) if config.ink_unmix else None
        letter_px = (mm_to_px(config.typed_letter_min_mm, dpi), mm_to_px(config.typed_letter_max_mm, dpi))
        within = None
        if writing is not None:
            within = near_boxes(writing, geometry.compose(*back), rgb.shape[:2],
                                mm_to_px(config.ink_region_margin_mm, dpi))
        gray, share = typed_ink_gray(rgb, config.ink_max_distance, mm_to_px(config.background_kernel_mm, dpi),
                                     margin, config.ink_unmix_max_misfit, letter_px, within)
        if share > 0:
            steps.append("ink_separation")
    else:
        gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)

    # A warped photo is already cut to its sheet; what a scan shows off the sheet (a book's
    # edge, the facing page, the scanner's bed) reads as rows of letters.
    if config.off_sheet and page.off_sheet is not None and not back:
        gray = paint_off_sheet(gray, resize_mask(page.off_sheet, *gray.shape))
        steps.append("off_sheet")

    if config.flatten:
        gray = flatten_illumination(gray, mm_to_px(config.background_kernel_mm, dpi))
        steps.append("flatten")

    # The shape judgements (borders and holes, character height, skew) work on a half-size ink
    # mask: a character still spans 10+ pixels there, and the analysis costs a quarter as much.
    # One pass of connected components serves borders, holes and the character height (measured
    # before deskew, which changes it by a pixel or two).
    h, w = gray.shape
    small = cv2.resize(gray, (max(1, w // _ANALYSIS), max(1, h // _ANALYSIS)), interpolation=cv2.INTER_AREA)
    ink = otsu(small) == 0
    small_dpi = dpi / _ANALYSIS
    comps = ink_components(ink) if config.margins or config.rescale else None
    dropped = None
    if config.margins and comps is not None:
        dropped = margin_components(comps, mm_to_px(config.border_min_mm, small_dpi),
                                    mm_to_px(config.blob_min_mm, small_dpi), config.blob_fill)
        if dropped.any():
            cleared = dropped[comps.labels]
            gray = paint_paper(gray, cv2.resize(cleared.astype(np.uint8), (w, h), interpolation=cv2.INTER_NEAREST))
            ink &= ~cleared
            steps.append("margins")
    glyph = None
    if config.rescale and comps is not None:
        small_glyph = median_glyph_height(comps, dropped)
        glyph = None if small_glyph is None else small_glyph * w / ink.shape[1]

    if config.orientation and orient is not None:
        turn, confidence = orient(gray, dpi)
        if turn and confidence >= config.orientation_min_confidence:
            h, w = gray.shape
            gray = cv2.rotate(gray, _QUARTER[turn])
            ink = cv2.rotate(ink.astype(np.uint8), _QUARTER[turn]) > 0
            back.append(np.linalg.inv(geometry.quarter_turn(turn, w, h)))
            steps.append(f"orientation:{turn}")

    skew = 0.0
    if config.deskew:
        skew = estimate_skew(ink, config.max_skew_deg, config.skew_precision_deg)
        if abs(skew) >= config.skew_precision_deg:
            gray, m = rotate(gray, -skew, fill=255)
            back.append(m)
            steps.append("deskew")

    if glyph is not None:
        factor = config.target_glyph_px / glyph
        if max(factor, 1 / factor) >= config.rescale_tolerance:
            h, w = gray.shape
            factor = min(factor, config.max_upscale, (config.max_megapixels * 1e6 / (h * w)) ** 0.5)
            gray, m = rescale(gray, factor)
            back.append(m)
            dpi *= factor
            steps.append(f"rescale:{factor:.2f}")

    def binarized(method: str) -> np.ndarray:
        if method == "none":
            return gray
        return binarize(gray, method, mm_to_px(config.window_mm, dpi), config.binarize_k)

    alternates = tuple((method, binarized(method)) for method in config.extra_binarizations)
    if config.binarize != "none":
        gray = binarized(config.binarize)
        steps.append(f"binarize:{config.binarize}")

    return Preprocessed(
        pixels=np.ascontiguousarray(gray),
        dpi=dpi,
        to_input=geometry.compose(*back),
        skew_deg=skew,
        steps=tuple(steps),
        alternates=alternates,
    )
