"""Ink separation: keep the typewriter's ink, drop coloured stamp and handwriting ink.

On a colour scan the typed text is the page's dominant and darkest ink and is near-neutral (black,
or a worn black-violet ribbon), while stamps and pen annotations are saturated violet, blue or red.
In the Lab colour space every mixture of typed ink and paper (stroke edges, faint strikes) lies on
the a*b* segment between the two colours, both measured on the page; other inks lie off it,
however faint. Pixels far off it are painted over with the local paper, so that Tesseract does
not read a stamp's letters or a pen's scrawl into the typed lines.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from pipeline.preprocess.binarize import otsu
from pipeline.preprocess.illumination import estimate_background

#: Lightness margin (8-bit L) near the typed ink's and the paper's within which colour is ignored.
_MARGIN = 12
#: Width over which colour distance is averaged at full size: JPEG smears chroma over 2–8 pixels.
_SMOOTH_PX = 5
#: Shrink factor of the copy on which colours are measured and foreign ink first looked for.
_PREVIEW = 4


@dataclass(frozen=True)
class InkModel:
    """The page's typed ink and paper as 8-bit Lab colours (L, a*, b*), measured on the page."""

    typed: np.ndarray
    paper: np.ndarray


def ink_model(lab: np.ndarray) -> InkModel | None:
    """Typed ink and paper colours of an 8-bit Lab page; None when it shows no ink (or no paper)."""
    ink = otsu(lab[:, :, 0]) == 0
    if ink.sum() < 100 or ink.all():
        return None
    pixels = lab.reshape(-1, 3).astype(np.float32)
    flat = ink.reshape(-1)
    # The typed ink's colour, from the darkest quarter of the ink: a typewriter ribbon is darker
    # than stamp or pen ink, and large lighter areas (a coloured table edge) must not outvote it.
    inked = pixels[flat]
    darkest = inked[inked[:, 0] <= np.percentile(inked[:, 0], 25)]
    return InkModel(np.median(darkest, axis=0), np.median(pixels[~flat], axis=0))


def off_blend(lab: np.ndarray, model: InkModel, max_distance: float, smooth_px: int) -> np.ndarray:
    """Boolean mask of the pixels of ``lab`` whose colour no blend of typed ink and paper gives.

    Typed ink thinning into paper (stroke edges, faint strikes, blur) mixes the two colours: at a
    given lightness its a*b* is the matching blend of theirs. Other inks lie off that blend,
    however faint. The distance is averaged over ``smooth_px`` pixels (a stroke's width at full
    size) because JPEG smears colour.
    Pixels as dark as the typed ink are kept whatever their colour (typing under a stamp), and so
    are pixels nearly as light as the paper (its grain).
    """
    typed, paper = model.typed, model.paper
    lab_f = lab.astype(np.float32)
    lightness = lab_f[:, :, 0]
    t = np.clip((paper[0] - lightness) / max(float(paper[0] - typed[0]), 1.0), 0.0, 1.0)
    distance = cv2.magnitude(lab_f[:, :, 1] - (paper[1] + t * (typed[1] - paper[1])),
                             lab_f[:, :, 2] - (paper[2] + t * (typed[2] - paper[2])))
    if smooth_px > 1:
        distance = cv2.blur(distance, (smooth_px, smooth_px))
    return (distance > max_distance) & (lightness > typed[0] + _MARGIN) & (lightness < paper[0] - _MARGIN)


def foreign_ink(rgb: np.ndarray, max_distance: float) -> np.ndarray:
    """Boolean mask of the ink on ``rgb`` (``uint8`` RGB) that is not typed ink.

    ``max_distance`` is in Lab a*b* units (OpenCV's 8-bit scale; a faded violet stamp lies 8–20
    away from the typed blend, a fresh one 30–60). A grey image gives an empty mask.

    The colours are measured, and the foreign ink found, on a quarter-size copy; only the regions
    it marks are examined at full size, so a page without coloured ink costs 1/16 of a full pass.
    """
    h, w = rgb.shape[:2]
    # Colours are measured on every 4th pixel as it is (shrinking would blend thin strokes with
    # paper and make the ink look lighter than it is); foreign ink is looked for on an averaged
    # copy, where a stroke thinner than the shrink still shows.
    model = ink_model(cv2.cvtColor(np.ascontiguousarray(rgb[::_PREVIEW, ::_PREVIEW]), cv2.COLOR_RGB2LAB))
    preview = cv2.cvtColor(cv2.resize(rgb, (max(1, w // _PREVIEW), max(1, h // _PREVIEW)),
                                      interpolation=cv2.INTER_AREA), cv2.COLOR_RGB2LAB)
    mask = np.zeros((h, w), dtype=bool)
    if model is None:
        return mask
    # The shrinking has already averaged out JPEG's colour smear: no smoothing on the preview.
    rough = off_blend(preview, model, max_distance, 1)
    ink = otsu(preview[:, :, 0]) == 0
    if not rough.any() or (rough & ink).sum() > ink.sum() / 2:
        # Most ink "foreign" means the typed ink was misjudged; removing it would erase the text.
        return mask
    near = cv2.dilate(rough.astype(np.uint8), np.ones((9, 9), np.uint8))
    n, _, stats, _ = cv2.connectedComponentsWithStats(near, connectivity=8)
    for x, y, bw, bh, _ in stats[1:]:
        x0, y0 = x * _PREVIEW, y * _PREVIEW
        x1, y1 = min(w, (x + bw) * _PREVIEW), min(h, (y + bh) * _PREVIEW)
        region = cv2.cvtColor(rgb[y0:y1, x0:x1], cv2.COLOR_RGB2LAB)
        mask[y0:y1, x0:x1] = off_blend(region, model, max_distance, _SMOOTH_PX)
    return mask


def typed_ink_gray(rgb: np.ndarray, max_distance: float, paper_kernel_px: int) -> tuple[np.ndarray, float]:
    """Grayscale ``uint8`` image of ``rgb`` with the foreign (coloured) ink replaced by paper.

    ``paper_kernel_px`` is the background estimator's kernel (see ``estimate_background``).
    Returns the image and the fraction of the page's pixels that were replaced (0–1).
    """
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    foreign = foreign_ink(rgb, max_distance)
    if not foreign.any():
        return gray, 0.0
    # The paper under a removed stroke: the background estimate closes over dark strokes, so the
    # strokes are made black first and take the brightness of the paper around them. (Making them
    # white instead would let them set the background, and the flattening would then turn the
    # paper around them grey.)
    marked = gray.copy()
    marked[foreign] = 0
    paper = estimate_background(marked, paper_kernel_px)
    gray[foreign] = paper[foreign]
    return gray, float(foreign.mean())
