"""Reading the text of stamps and handwritten notes with Tesseract (through ``pipeline.ocr``).

Stamps are put on at any angle, so each stamp is read in its four orientations and the best is
refined by small rotations; the reading kept is the one most like a stamp word of the glossary,
else the most confident. Coloured elements are read from their ink alone, so that the type under a
stamp does not mix into its text. Handwriting is read once and keeps Tesseract's (low) confidence.
"""

from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np

from pipeline.config import LayoutConfig
from pipeline.errors import TesseractFailedError
from pipeline.layout.glossary import NAMES_MIN, lookup
from pipeline.layout.ink import colour_ink_image, mm_to_px
from pipeline.layout.shapes import frame_band, frame_tilt, ring_bands
from pipeline.model import PageImage, Region
from pipeline.ocr import tesseract
from pipeline.ocr.reading import parse_tsv

#: Stamp and note letters are 3–8 mm high: 200 dpi reads them as well as 300 and in half the time.
_READ_DPI = 200.0
#: Margin of paper kept round an element when it is cropped for reading (mm).
_MARGIN_MM = 2.0


def read_region(page: PageImage, region: Region, config: LayoutConfig) -> Region:
    """``region`` with the text Tesseract reads in it and the reading's features added:
    ``ocr_conf`` (0–1), ``glossary_sim`` (0–1) and for stamps ``turn_deg`` (the rotation that read
    best, degrees counter-clockwise). Signatures are not read. A Tesseract failure on the crop
    leaves the region without text rather than failing the page.
    """
    if region.kind == "signature":
        return region
    image, dpi = element_image(page, region, config)
    try:
        if region.kind == "stamp":
            ring = region.features.get("ring", 0.0) >= region.features.get("frame", 0.0)
            level = None if ring else frame_tilt(image < 200)
            text, conf, turn = read_rotated(strip_frames(image, ring), dpi, config, level)
        else:
            (text, conf), turn = read_text(image, dpi, config), 0.0
    except TesseractFailedError:
        return region
    _, similarity = lookup(text)
    features = {**region.features, "ocr_conf": round(conf, 3), "glossary_sim": round(similarity, 3)}
    if region.kind == "stamp":
        features["turn_deg"] = turn
    return replace(region, text=text, features=features)


def element_image(page: PageImage, region: Region, config: LayoutConfig) -> tuple[np.ndarray, float]:
    """The element cropped from the page with a small margin, as dark-on-white uint8, and its dpi.

    Coloured elements keep only their coloured ink (``colour_ink_image``); grey ones are the crop's
    grey levels.
    """
    margin = mm_to_px(_MARGIN_MM, page.dpi)
    x0, y0, x1, y1 = region.bbox
    crop = page.pixels[max(0, y0 - margin):y1 + margin, max(0, x0 - margin):x1 + margin]
    if region.features.get("coloured", 0.0):
        grey = colour_ink_image(crop, config.colour_chroma_min, config.ink_hues_deg)
    else:
        grey = cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY)
    if page.dpi > _READ_DPI:
        factor = _READ_DPI / page.dpi
        return cv2.resize(grey, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA), _READ_DPI
    return grey, page.dpi


def read_text(image: np.ndarray, dpi: float, config: LayoutConfig) -> tuple[str, float]:
    """Text of ``image`` (dark on white uint8) read as one block, and its confidence 0–1: the mean
    word confidence weighted by word length (0 when nothing is read)."""
    out = tesseract.run(image, lang=config.lang, dpi=dpi, psm=6, timeout_s=config.ocr_timeout_s)
    words = parse_tsv(out["tsv"])
    if not words:
        return "", 0.0
    weights = np.array([len(w.text) for w in words], dtype=float)
    conf = float(np.average([w.confidence for w in words], weights=weights)) / 100.0
    lines: dict[tuple[int, int, int], list[str]] = {}
    for w in words:
        lines.setdefault((w.block, w.paragraph, w.line), []).append(w.text)
    return "\n".join(" ".join(ws) for ws in lines.values()), conf


def read_rotated(image: np.ndarray, dpi: float, config: LayoutConfig,
                 level_deg: float | None = None) -> tuple[str, float, float]:
    """Best reading of a stamp over its orientations; returns (text, confidence 0–1, rotation in
    degrees counter-clockwise).

    A framed stamp is first levelled by ``level_deg`` (its frame's tilt) and read in the four
    orientations from there; a ring stamp has no such cue, so it is read in the four orientations
    and then at ``config.stamp_angles_deg`` round the best one. Tesseract's confidence is no guide
    on a rotated stamp (it is as sure of the noise it reads sideways), so the reading most like a
    glossary stamp word wins, then the one with most confidently read letters.
    """

    def reading(angle: float) -> tuple[str, float, float]:
        text, conf = read_text(rotate(image, angle), dpi, config)
        return text, conf, angle % 360

    def score(r: tuple[str, float, float]) -> tuple[float, float]:
        similarity = lookup(r[0])[1]
        letters = sum(ch.isalnum() for ch in r[0])
        return (similarity if similarity >= NAMES_MIN else 0.0), r[1] * letters

    base = level_deg or 0.0
    best = max((reading(base + turn) for turn in (0.0, 90.0, 180.0, 270.0)), key=score)
    if level_deg is not None:
        return best
    refined = [reading(best[2] + a) for a in config.stamp_angles_deg if a != 0]
    return max([best, *refined], key=score)


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
