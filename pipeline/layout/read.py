"""Reading the text of stamps and handwritten notes with Tesseract (through ``pipeline.ocr``).

Stamps are put on at any angle, so each stamp is read in its four orientations and the best is
refined by small rotations; the reading kept is the one most like a stamp word of the glossary,
else the most confident. Coloured elements are read from their ink alone, so that the type under a
stamp does not mix into its text. Handwriting is read once and keeps Tesseract's (low) confidence.

A stamp's four orientations go to Tesseract together, stacked on one sheet with white space
between them: a run of the ``tesseract`` program costs a model load (a tenth of a second) before it
reads anything (the in-process engine, tesserocr, keeps its model, and a sheet still saves the
page layout analysis of three images).
Different elements are not put on one sheet: beside other elements, handwritten notes and sheet
numbers read worse (tried on 11 pages: 14 readings worse, 6 better).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import cv2
import numpy as np

from pipeline.config import LayoutConfig, OcrConfig
from pipeline.errors import TesseractFailedError
from pipeline.layout.glossary import NAMES_MIN, lookup
from pipeline.layout.ink import colour_ink_image, mm_to_px
from pipeline.layout.shapes import frame_band, frame_tilt, ring_bands
from pipeline.model import OcrWord, PageImage, Region
from pipeline.ocr import tesseract
from pipeline.ocr.reading import parse_tsv

#: White space between two images of a reading sheet (mm): more than a line gap of any stamp or
#: note, so that Tesseract never joins lines of two images.
_SHEET_GAP_MM = 8.0

#: A reading: text, confidence 0–1, and the rotation it was read at (degrees counter-clockwise).
Reading = tuple[str, float, float]


@dataclass(frozen=True)
class _Element:
    """A region prepared for reading: its ink image and the rotations to read it at."""

    image: np.ndarray
    turns: tuple[float, ...]
    #: Whether the best of ``turns`` is to be refined by ``LayoutConfig.stamp_angles_deg``.
    refine: bool


def read_regions(page: PageImage, regions: list[Region], config: LayoutConfig, ocr: OcrConfig) -> list[Region]:
    """``regions`` with the text Tesseract reads in each and the reading's features added:
    ``ocr_conf`` (0–1), ``glossary_sim`` (0–1) and for stamps ``turn_deg`` (the rotation that read
    best, degrees counter-clockwise). Signatures are not read. They are read in the
    document's Tesseract language (``ocr.lang``: stamps and notes are in the original's language),
    each within ``ocr.element_limit_s``.

    Each element is one Tesseract run (a stamp's four orientations on one sheet); a ring stamp,
    refined at small angles round its best orientation, takes one run more. A Tesseract failure
    leaves the regions without text rather than failing the page.
    """
    elements = {i: _prepare(page, r, config) for i, r in enumerate(regions) if r.kind != "signature"}
    if not elements:
        return regions
    dpi = min(page.dpi, config.read_dpi)
    try:
        best = _best_readings(elements, {i: e.turns for i, e in elements.items()}, dpi, config, ocr)
        refine = {i: tuple(best[i][2] + a for a in config.stamp_angles_deg if a != 0)
                  for i, e in elements.items() if e.refine}
        if refine:
            refined = _best_readings(elements, refine, dpi, config, ocr)
            best.update({i: max(best[i], refined[i], key=_score) for i in refine})
    except TesseractFailedError:
        return regions
    out = list(regions)
    for i, (text, conf, turn) in best.items():
        region = regions[i]
        features = {**region.features, "ocr_conf": round(conf, 3), "glossary_sim": round(lookup(text)[1], 3)}
        if region.kind == "stamp":
            features["turn_deg"] = turn
        out[i] = replace(region, text=text, features=features)
    return out


def _prepare(page: PageImage, region: Region, config: LayoutConfig) -> _Element:
    """A framed stamp is levelled by its frame's tilt and read in the four orientations from there;
    a ring stamp has no such cue, so it is read in the four orientations and then refined."""
    image = element_image(page, region, config)
    if region.kind != "stamp":
        return _Element(image, (0.0,), refine=False)
    ring = region.features.get("ring", 0.0) >= region.features.get("frame", 0.0)
    level = 0.0 if ring else frame_tilt(image < 200)
    turns = tuple(((level or 0.0) + t) % 360 for t in (0.0, 90.0, 180.0, 270.0))
    return _Element(strip_frames(image, ring), turns, refine=ring)


def _best_readings(elements: dict[int, _Element], turns: dict[int, tuple[float, ...]], dpi: float,
                   config: LayoutConfig, ocr: OcrConfig) -> dict[int, Reading]:
    """Each element of ``turns`` read at each of its rotations (one sheet an element); the best
    reading of each (see ``_score``)."""
    best: dict[int, Reading] = {}
    for i, ts in turns.items():
        texts = read_sheet([rotate(elements[i].image, turn) for turn in ts], dpi, ocr)
        best[i] = max(((text, conf, turn % 360) for turn, (text, conf) in zip(ts, texts, strict=True)), key=_score)
    return best


def _score(reading: Reading) -> tuple[float, float]:
    """Tesseract's confidence is no guide on a rotated stamp (it is as sure of the noise it reads
    sideways), so the reading most like a glossary stamp word wins, then the one with most
    confidently read letters."""
    text, conf, _ = reading
    similarity = lookup(text)[1]
    letters = sum(ch.isalnum() for ch in text)
    return (similarity if similarity >= NAMES_MIN else 0.0), conf * letters


def element_image(page: PageImage, region: Region, config: LayoutConfig) -> np.ndarray:
    """The element cropped from the page with a small margin, as dark-on-white uint8 at
    ``min(page.dpi, 200)`` dpi.

    Coloured elements keep only their coloured ink (``colour_ink_image``); grey ones are the crop's
    grey levels.
    """
    margin = mm_to_px(config.read_margin_mm, page.dpi)
    x0, y0, x1, y1 = region.bbox
    crop = page.pixels[max(0, y0 - margin):y1 + margin, max(0, x0 - margin):x1 + margin]
    if region.features.get("coloured", 0.0):
        grey = colour_ink_image(crop, config.colour_chroma_min, config.ink_hues_deg)
    else:
        grey = cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY)
    if page.dpi > config.read_dpi:
        factor = config.read_dpi / page.dpi
        return cv2.resize(grey, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    return grey


def read_sheet(images: list[np.ndarray], dpi: float, ocr: OcrConfig) -> list[tuple[str, float]]:
    """The text of each of ``images`` (dark on white uint8, all at ``dpi``) and its confidence 0–1
    (the mean word confidence weighted by word length; 0 when nothing is read), from one Tesseract
    run over the images stacked top to bottom. Each image is read as one block of text."""
    if len(images) == 1:
        # Tesseract reads a lone note worse with white space added round it.
        out = tesseract.run(images[0], lang=ocr.lang, dpi=dpi, psm=6, timeout_s=ocr.element_limit_s,
                            engine=ocr.engine)
        return [_text_and_confidence(parse_tsv(out["tsv"]))]
    gap = mm_to_px(_SHEET_GAP_MM, dpi)
    width = max(im.shape[1] for im in images) + 2 * gap
    sheet = np.full((sum(im.shape[0] for im in images) + gap * (len(images) + 1), width), 255, np.uint8)
    spans, top = [], gap
    for im in images:
        sheet[top:top + im.shape[0], gap:gap + im.shape[1]] = im
        spans.append((top - gap // 2, top + im.shape[0] + gap // 2))
        top += im.shape[0] + gap
    out = tesseract.run(sheet, lang=ocr.lang, dpi=dpi, psm=6, timeout_s=ocr.element_limit_s, engine=ocr.engine)
    words = parse_tsv(out["tsv"])
    return [_text_and_confidence([w for w in words if y0 <= (w.bbox[1] + w.bbox[3]) / 2 < y1]) for y0, y1 in spans]


def _text_and_confidence(words: list[OcrWord]) -> tuple[str, float]:
    if not words:
        return "", 0.0
    weights = np.array([len(w.text) for w in words], dtype=float)
    conf = float(np.average([w.confidence for w in words], weights=weights)) / 100.0
    lines: dict[tuple[int, int, int], list[str]] = {}
    for w in words:
        lines.setdefault((w.block, w.paragraph, w.line), []).append(w.text)
    return "\n".join(" ".join(ws) for ws in lines.values()), conf


def strip_frames(image: np.ndarray, ring: bool, ratio: float = 2.5) -> np.ndarray:
    """``image`` (uint8, dark on white) with a stamp's ring or frame and its rules whitened.

    Tesseract reads the circle of a ring stamp as letters and loses the words inside it. The ring
    (``ring``) or the rectangular frame goes first, by geometry, as a worn stamp prints them as
    short dashes; then, as a stamp's letters are all about one size, ink components longer than
    ``ratio`` times their median height (rules, frame corners) go too.
    """
    # A lenient threshold, so that the pale halo of a removed stroke goes with it.
    ink = image < 200
    out = image.copy()
    ys, xs = np.nonzero(ink)
    if len(xs) == 0:
        return out
    x0, x1, y0, y1 = xs.min(), xs.max() + 1, ys.min(), ys.max() + 1
    box = ink[y0:y1, x0:x1]
    outline = ring_bands(box) if ring else frame_band(box)
    ink[y0:y1, x0:x1] &= ~outline
    out[y0:y1, x0:x1][outline] = 255
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    heights = stats[1:, cv2.CC_STAT_HEIGHT][stats[1:, cv2.CC_STAT_AREA] >= 12]
    if len(heights) == 0:
        return out
    longest = np.maximum(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT])
    big = longest > ratio * float(np.median(heights))
    big[0] = False
    out[big[labels] & ink] = 255
    # Paler than any stroke: halo and paper grain, which Tesseract would binarize into specks.
    out[out >= 200] = 255
    return out


def rotate(image: np.ndarray, angle_deg: float) -> np.ndarray:
    """``image`` (uint8, dark on white) rotated counter-clockwise by ``angle_deg`` about its centre,
    on a canvas large enough to keep all of it; the corners are filled with white."""
    if angle_deg % 90 == 0:
        return np.ascontiguousarray(np.rot90(image, int(angle_deg // 90) % 4))
    h, w = image.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle_deg, 1.0)
    cos, sin = abs(m[0, 0]), abs(m[0, 1])
    nw, nh = int(h * sin + w * cos) + 1, int(h * cos + w * sin) + 1
    m[:, 2] += (nw / 2 - w / 2, nh / 2 - h / 2)
    return cv2.warpAffine(image, m, (nw, nh), flags=cv2.INTER_LINEAR, borderValue=255)
