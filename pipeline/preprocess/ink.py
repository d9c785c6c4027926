"""Ink separation: keep the typewriter's ink, drop coloured stamp and handwriting ink.

On a colour scan the typed text is the page's dominant and darkest ink and is near-neutral (black,
or a worn black-violet ribbon), while stamps and pen annotations are saturated violet, blue or red.
In the Lab colour space every mixture of typed ink and paper (stroke edges, faint strikes) lies on
the a*b* segment between the two colours, both measured on the page; other inks lie off it,
however faint. Pixels far off it are painted over with the local paper, so that Tesseract does
not read a stamp's letters or a pen's scrawl into the typed lines.

Painting alone leaves two things for Tesseract to trip on where a stamp lies over typing: the typed
strokes under the stamp go with it, and the stroke's pale rim, too faint to be told by colour,
stays as a grey outline round a white stamp. ``unmix_typed`` undoes the foreign ink instead: ink
absorbs light, so each colour channel is paper × typed-ink transmittance × foreign-ink
transmittance, and with three channels the two inks' amounts can be solved for pixel by pixel.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from pipeline.glyphs import letters_in_lines
from pipeline.preprocess.binarize import otsu
from pipeline.preprocess.illumination import estimate_background

#: Lightness margin (8-bit L) near the typed ink's and the paper's within which colour is ignored.
_MARGIN = 12
#: Width over which colour distance is averaged at full size: JPEG smears chroma over 2–8 pixels.
_SMOOTH_PX = 5
#: Shrink factor of the copy on which colours are measured and foreign ink first looked for.
_PREVIEW = 4
#: Amounts of foreign ink tried per pixel when unmixing: a coarse grid from none to nearly opaque,
#: then a fine one across two coarse steps round the best; the fine steps, 2% of the ink's full
#: absorption, are finer than JPEG's noise on a stroke.
_COARSE_STEPS = 16
_FINE_STEPS = 9
#: Foreign absorption (RGB fraction of the paper's light, vector length) from which a pixel is
#: clearly stained enough to measure the foreign ink's colour on.
_STAINED = 0.1
#: ITU-R 601 luma weights of R, G, B: what ``cv2.COLOR_RGB2GRAY`` computes.
_LUMA = np.float32([0.299, 0.587, 0.114])
#: Stained pixels needed to measure a foreign ink's colour in one patch.
_MIN_STAINED = 10
#: A second foreign ink in a patch: at least this share of its stained pixels, at least this many
#: degrees (of absorption direction) off the plane of the first ink and the typed ink; of blue,
#: violet and red inks over a black ribbon, each lies 10–25° off the plane of another (white to
#: yellowed paper), a blend of one with the typing 0°.
_INK_SHARE = 0.1
_INK_SPLIT_DEG = 5.0
#: A foreign ink closer than this (degrees) to the typed ink's absorption cannot be told from it:
#: typing under it would be taken for it. Blue, violet and red inks lie 16–26° from a black ribbon's.
_INK_TYPED_DEG = 6.0


@dataclass(frozen=True)
class InkModel:
    """The page's typed ink and paper as 8-bit Lab colours (L, a*, b*), measured on the page."""

    typed: np.ndarray
    paper: np.ndarray

    def rgb(self) -> tuple[np.ndarray, np.ndarray]:
        """The typed ink's and the paper's colours as float32 RGB (0–255)."""
        lab = np.uint8(np.clip(np.round([[self.typed, self.paper]]), 0, 255))
        typed, paper = cv2.cvtColor(lab, cv2.COLOR_LAB2RGB)[0].astype(np.float32)
        return typed, np.maximum(paper, 1.0)


def ink_model(lab: np.ndarray, letter_px: tuple[float, float] | None = None) -> InkModel | None:
    """Typed ink and paper colours of an 8-bit Lab page; None when it shows no ink (or no paper).

    The typed ink is that of the page's letters when ``letter_px`` (their least and greatest
    height, pixels of ``lab``) is given and letters standing in lines are found
    (``pipeline.glyphs``): the darker half of their ink, so that the majority ink of the text
    wins whatever its colour (a letter typed in blue under a black letterhead). Otherwise it is
    the darkest quarter of all ink: a typewriter ribbon is darker than stamp or pen ink, and large
    lighter areas (a coloured table edge) must not outvote it.
    """
    ink = otsu(lab[:, :, 0]) == 0
    if ink.sum() < 100 or ink.all():
        return None
    pixels = lab.reshape(-1, 3).astype(np.float32)
    flat = ink.reshape(-1)
    paper = np.median(pixels[~flat], axis=0)
    if letter_px is not None:
        _, labels, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
        letters = np.concatenate(([False], letters_in_lines(stats[1:], *letter_px)))[labels].reshape(-1)
        if letters.sum() >= 100:
            inked = pixels[letters]
            return InkModel(np.median(inked[inked[:, 0] <= np.median(inked[:, 0])], axis=0), paper)
    inked = pixels[flat]
    darkest = inked[inked[:, 0] <= np.percentile(inked[:, 0], 25)]
    return InkModel(np.median(darkest, axis=0), paper)


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


def page_ink_model(rgb: np.ndarray, letter_px: tuple[float, float] | None = None) -> InkModel | None:
    """``ink_model`` of an RGB page, measured on every 4th pixel as it is (shrinking would blend
    thin strokes with paper and make the ink look lighter than it is); ``letter_px`` in the
    page's pixels."""
    small = None if letter_px is None else (max(2.0, letter_px[0] / _PREVIEW), letter_px[1] / _PREVIEW)
    return ink_model(cv2.cvtColor(np.ascontiguousarray(rgb[::_PREVIEW, ::_PREVIEW]), cv2.COLOR_RGB2LAB), small)


def foreign_ink(rgb: np.ndarray, max_distance: float, model: InkModel | None = None) -> np.ndarray:
    """Boolean mask of the ink on ``rgb`` (``uint8`` RGB) that is not typed ink.

    ``max_distance`` is in Lab a*b* units (OpenCV's 8-bit scale; a faded violet stamp lies 8–20
    away from the typed blend, a fresh one 30–60). A grey image gives an empty mask. ``model`` is
    the page's ``page_ink_model``, measured here when not given.

    The colours are measured, and the foreign ink found, on a quarter-size copy; only the regions
    it marks are examined at full size, so a page without coloured ink costs 1/16 of a full pass.
    """
    h, w = rgb.shape[:2]
    # Foreign ink is looked for on an averaged copy, where a stroke thinner than the shrink still
    # shows.
    if model is None:
        model = page_ink_model(rgb)
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


def foreign_inks(absorbed: np.ndarray, typed: np.ndarray) -> list[np.ndarray]:
    """Absorption directions (unit RGB vectors) of the one or two foreign inks of ``absorbed``.

    ``absorbed`` (N × 3, float32) is the fraction of the paper's light each foreign pixel absorbs
    per channel, ``typed`` the typed ink's absorption. The stained pixels' directions are split in
    two by 2-means started from their median and from one of the 2% farthest from it: a signature across a
    stamp puts two inks in one patch, and one direction for both would keep one of them as typing.
    A second ink must hold ``_INK_SHARE`` of the pixels and lie ``_INK_SPLIT_DEG`` off the plane of
    the first and the typed ink (in which their blends lie);
    an ink within ``_INK_TYPED_DEG`` of the typed ink is dropped (it cannot be told from it).
    """
    strength = np.linalg.norm(absorbed, axis=1)
    stained = strength > _STAINED
    if stained.sum() < _MIN_STAINED:
        return []
    directions = absorbed[stained] / strength[stained, None]
    first = np.median(directions, axis=0)
    first /= max(float(np.linalg.norm(first)), 1e-6)
    cosines = directions @ first
    centres = np.stack([first, directions[int(np.argsort(cosines)[len(cosines) // 50])]])
    for _ in range(10):
        member = np.argmax(directions @ centres.T, axis=1)
        centres = np.stack([directions[member == c].mean(axis=0) if (member == c).any() else centres[c]
                            for c in (0, 1)])
        centres /= np.maximum(np.linalg.norm(centres, axis=1, keepdims=True), 1e-6)
    shares = np.bincount(member, minlength=2) / len(member)
    unit_typed = typed / max(float(np.linalg.norm(typed)), 1e-6)
    # Typing under an ink, and the ink's rim over typing, blend the two inks' absorptions: such a
    # cluster lies in the plane of the other ink and the typed ink. A second ink lies off it.
    normal = np.cross(centres[0], unit_typed)
    off_plane = abs(float(centres[1] @ normal)) / max(float(np.linalg.norm(normal)), 1e-6)
    split = off_plane > np.sin(np.radians(_INK_SPLIT_DEG)) and shares.min() >= _INK_SHARE
    inks = list(centres) if split else [first]
    # No ink brightens a channel: a negative absorption is noise.
    absorbing = [np.clip(k, 0.0, None) for k in inks]
    return [k / float(np.linalg.norm(k)) for k in absorbing
            if k.max() > 0 and float(k @ unit_typed) < np.cos(np.radians(_INK_TYPED_DEG)) * float(np.linalg.norm(k))]


def _fit_typed(ratio: np.ndarray, k: np.ndarray, tau: np.ndarray, paper: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per pixel of ``ratio`` (N × 3, light over paper), the typed ink's amount ``t`` (0–1) and the
    squared residual (8-bit levels², summed over channels) of the best fit with foreign ink of
    absorption direction ``k``: ``_COARSE_STEPS`` amounts from none to nearly opaque, then
    ``_FINE_STEPS`` around each pixel's best."""

    channels = np.ascontiguousarray(ratio.T)  # channel by channel: cheaper than reducing rows of 3

    def fit(s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        a, b, c = (np.zeros(len(s), np.float32) for _ in range(3))
        for ch in range(3):
            passed = 1.0 - s * k[ch]
            weight = (passed * paper[ch]) ** 2
            left = 1.0 - channels[ch] / passed  # the absorption that the typed ink must explain
            a += left * left * weight
            b += left * weight * tau[ch]
            c += weight * tau[ch] ** 2
        t = np.clip(b / c, 0.0, 1.0)
        return t, a - 2.0 * t * b + t * t * c

    n = len(ratio)
    best = np.full(n, np.inf, np.float32)
    amount = np.zeros(n, np.float32)
    foreign = np.zeros(n, np.float32)
    top = 0.95 / float(k.max())
    step = top / (_COARSE_STEPS - 1)
    candidates = [np.full(n, s, np.float32) for s in np.linspace(0.0, top, _COARSE_STEPS)]
    for fine in (False, True):
        if fine:
            centre = foreign.copy()
            candidates = [np.clip(centre + d, 0.0, top) for d in np.linspace(-step, step, _FINE_STEPS)]
        for s in candidates:
            t, residual = fit(s)
            better = residual < best
            best[better] = residual[better]
            amount[better] = t[better]
            foreign[better] = s[better]
    return amount, best


def unmix_typed(rgb: np.ndarray, gray: np.ndarray, zone: np.ndarray, foreign: np.ndarray, model: InkModel,
                paper_gray: np.ndarray, max_misfit: float) -> np.ndarray:
    """``gray`` (``uint8``) with the pixels of ``zone`` replaced by the typed ink alone, the foreign ink
    taken out by the multiplicative ink model.

    ``rgb`` is the page (``uint8`` RGB), ``zone`` (bool, same size) the pixels to unmix, ``foreign``
    (bool) those judged foreign ink by colour, ``paper_gray`` (``uint8``) the paper's brightness under
    each pixel. Each channel ``c`` of a pixel, over its paper, is ``(1 − t·τ_c)(1 − s·k_c)``: ``τ`` is
    the typed ink's absorption (from ``model``), ``k`` a foreign ink's (``foreign_inks`` of each
    connected part of ``zone``), and ``t`` and ``s`` the two inks' amounts there. ``s`` is searched
    on a grid for each foreign ink; for each, ``t`` is the weighted least-squares fit of the
    absorption left (each channel weighted by the light it still passes, so that the residual is
    in 8-bit levels of the image), and the best fit wins. The pixel becomes its paper darkened by
    ``t`` of typed ink. Where the best fit still misses the pixel by more than ``max_misfit``
    levels (root mean square over the channels: yet another ink, or two foreign inks on top of
    each other), and in a part where no foreign ink can be measured, foreign pixels are painted
    with paper, as without unmixing, and the others are left as they are.
    """
    typed, paper = model.rgb()
    paper_luma = float(paper @ _LUMA)
    tau = 1.0 - typed / paper
    tau_gray = 1.0 - float(typed @ _LUMA) / paper_luma
    out = gray.copy()
    out[foreign] = paper_gray[foreign]
    # Components are labelled within the zone's bounding box: the page is mostly outside it.
    zx, zy, zw, zh = cv2.boundingRect(zone.astype(np.uint8))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(zone[zy:zy + zh, zx:zx + zw].astype(np.uint8),
                                                           connectivity=8)
    for i in range(1, n):
        x, y, w, h, _ = stats[i]
        part = labels[y:y + h, x:x + w] == i
        x, y = x + zx, y + zy
        window = (slice(y, y + h), slice(x, x + w))
        local = np.maximum(paper_gray[window][part].astype(np.float32), 1.0)  # no paper: a dark border
        # Each channel as a fraction of the light its paper reflects there.
        ratio = rgb[window][part].astype(np.float32) / ((local / paper_luma)[:, None] * paper)
        inks = foreign_inks(1.0 - ratio[foreign[window][part]], tau)
        best = np.full(len(ratio), np.inf, np.float32)
        amount = np.zeros(len(ratio), np.float32)
        for k in inks:
            t, residual = _fit_typed(ratio, k, tau, paper)
            better = residual < best
            best[better] = residual[better]
            amount[better] = t[better]
        fits = best <= 3 * max_misfit**2
        if not fits.any():
            continue
        pixels = out[window]  # a view: assigning to it writes into ``out``
        fitted = part.copy()
        fitted[part] = fits
        pixels[fitted] = np.clip(local[fits] * (1.0 - amount[fits] * tau_gray), 0, 255).round().astype(np.uint8)
    return out


def typed_ink_gray(rgb: np.ndarray, max_distance: float, paper_kernel_px: int,
                   unmix_margin_px: int | None, max_misfit: float,
                   letter_px: tuple[float, float] | None = None,
                   within: np.ndarray | None = None) -> tuple[np.ndarray, float]:
    """Grayscale ``uint8`` image of ``rgb`` with the foreign (coloured) ink taken out.

    ``paper_kernel_px`` is the background estimator's kernel (see ``estimate_background``). With
    ``unmix_margin_px`` None the foreign ink is replaced by paper; otherwise it, and the pixels
    within that many pixels of it (its pale rim), are unmixed (``unmix_typed``, with ``max_misfit``),
    which keeps the typed ink under it.
    ``letter_px`` (least and greatest letter height, pixels) lets the typed ink be measured on
    the page's letters (``ink_model``). ``within`` (bool, the page's size), when given, is where
    foreign ink may be taken out: elsewhere all ink stays.
    Returns the image and the fraction of the page's pixels found to be foreign ink (0–1).
    """
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    model = page_ink_model(rgb, letter_px)
    foreign = foreign_ink(rgb, max_distance, model)
    if within is not None:
        foreign &= within
    if not foreign.any() or model is None:
        return gray, 0.0
    # The paper under a removed stroke: the background estimate closes over dark strokes, so the
    # strokes are made black first and take the brightness of the paper around them. (Making them
    # white instead would let them set the background, and the flattening would then turn the
    # paper around them grey.)
    marked = gray.copy()
    marked[foreign] = 0
    paper = estimate_background(marked, paper_kernel_px)
    if unmix_margin_px is None:
        gray[foreign] = paper[foreign]
    else:
        side = 2 * unmix_margin_px + 1
        zone = cv2.dilate(foreign.astype(np.uint8), np.ones((side, side), np.uint8)) > 0
        gray = unmix_typed(rgb, gray, zone, foreign, model, paper, max_misfit)
    return gray, float(foreign.mean())
