"""An element's shape features, and the kind they decide (stamp, handwriting, signature, or none)."""

from __future__ import annotations

import cv2
import numpy as np

from pipeline.config import LayoutConfig
from pipeline.layout.elements import Element
from pipeline.layout.ink import InkMasks
from pipeline.layout.shapes import (
    ROUND_ASPECT_MAX,
    component_shares,
    frame_coverage,
    ring_coverage,
    ring_fit,
    slant_deg,
    stroke_width,
    text_rows,
)


def kind_of(element: Element, px_per_mm: float, config: LayoutConfig) -> str | None:
    decided = element_kind(describe(element, px_per_mm), config)
    return None if decided is None else decided[0]


def describe(element: Element, px_per_mm: float, masks: InkMasks | None = None) -> dict[str, float]:
    """The features of one element (sizes in mm, shares 0–1, slant in degrees); with the page's
    ``masks``, also how sharp its edges are (``sharpness``, ``edge_sharpness``)."""
    features = dict(shape_features(element, px_per_mm))
    if masks is not None:
        features["sharpness"] = round(edge_sharpness(element, masks, round(2 * px_per_mm)), 3)
    return features


def shape_features(element: Element, px_per_mm: float) -> dict[str, float]:
    """The features of ``element`` that its ink alone decides, measured once (``Element.measured``)."""
    known = element.measured.get(px_per_mm)
    if known is not None:
        return known
    mask = element.mask
    h, w = mask.shape
    count, largest = component_shares(mask, max(2, round(0.25 * px_per_mm**2)))
    features = {
        "width_mm": w / px_per_mm,
        "height_mm": h / px_per_mm,
        "ink_mm2": float(mask.sum()) / px_per_mm**2,
        "fill": float(mask.mean()),
        "ring": ring_coverage(mask),
        "ring_fit": ring_fit(mask),
        "frame": frame_coverage(mask),
        "components": float(count),
        "largest_share": largest,
        "rows": float(text_rows(mask, max(2, round(1.5 * px_per_mm)))),
        "stroke_mm": stroke_width(mask) / px_per_mm,
        "slant_deg": slant_deg(mask),
        "coloured": float(element.colour),
        "cut": float(element.cut),
        "hue_deg": element.hue,
    }
    element.measured[px_per_mm] = {k: round(float(v), 3) for k, v in features.items()}
    return element.measured[px_per_mm]


def edge_sharpness(element: Element, masks: InkMasks, pad_px: int) -> float:
    """How sharply the element's ink stands off its paper, 0 to about 0.5: the 75th percentile of
    the gradient of ink strength (the Lab distance from the paper, lightness and chroma, 0–255;
    per pixel, Sobel) along the ink's outline, over the strength of the ink's strongest tenth.
    The paper is the 75th percentile of the lightness within ``pad_px`` of the element's box.

    Pen, stamp and type ink meet the paper within a pixel or two at the analysis resolution (0.25
    and more on the real pages); the shading of a crease, a fold or a curled corner fades over
    millimetres (0.06–0.18 there) and still passes the local ink threshold.
    """
    x0, y0, x1, y1 = element.bbox
    h, w = masks.lightness.shape
    wx0, wy0, wx1, wy1 = max(0, x0 - pad_px), max(0, y0 - pad_px), min(w, x1 + pad_px), min(h, y1 + pad_px)
    lightness = masks.lightness[wy0:wy1, wx0:wx1]
    paper = float(np.percentile(lightness, 75))
    strength = cv2.magnitude(np.ascontiguousarray(np.maximum(paper - lightness, 0.0), dtype=np.float32),
                             np.ascontiguousarray(masks.chroma[wy0:wy1, wx0:wx1], dtype=np.float32))
    mask = np.zeros(strength.shape, np.uint8)
    mask[y0 - wy0:y1 - wy0, x0 - wx0:x1 - wx0] = element.mask
    ink = strength[mask > 0]
    if ink.size == 0:
        return 0.0
    gradient = cv2.magnitude(cv2.Sobel(strength, cv2.CV_32F, 1, 0, ksize=3),
                             cv2.Sobel(strength, cv2.CV_32F, 0, 1, ksize=3)) / 8
    kernel = np.ones((3, 3), np.uint8)
    outline = cv2.dilate(mask, kernel) > cv2.erode(mask, kernel)
    return float(np.percentile(gradient[outline], 75)) / max(1.0, float(np.percentile(ink, 90)))


def element_kind(features: dict[str, float], config: LayoutConfig) -> tuple[str, float] | None:
    """Kind and confidence (0–1) of an element from its ``describe`` features; None for noise.

    Solid blots and soft shading are none. A ring or a four-sided frame of stamp size makes a
    stamp. Other ink is writing: one row whose largest stroke holds much of the ink is a
    signature, the rest handwriting. Grey-black writing is less certain than coloured writing,
    because the typed text shares its ink.
    """
    w, h = features["width_mm"], features["height_mm"]
    if max(w, h) < config.min_element_mm or features["ink_mm2"] < config.min_ink_mm2:
        return None
    aspect = w / h
    # A thin upright line is a rule, a fold or a book's gutter: writing runs across the page.
    if w <= config.rule_max_mm and h >= config.rule_aspect_min * w:
        return None
    # Solid blots (ink spills, photo corners, punched holes, a book's stained edge) are neither
    # stamp nor writing: a stamp's outline and pen strokes leave most of their box empty.
    if features["fill"] > 0.5:
        return None
    # Shading (a crease, a fold, a curled corner, a book's stained edge) passes the local ink
    # threshold, softly; stamp ink is as sharp as pen ink.
    if features.get("sharpness", 1.0) < config.ink_sharpness_min:
        return None
    stamp_sized = min(w, h) >= config.stamp_min_mm
    # Grey-black ink is shared with the type, so a stamp in it needs a more complete outline.
    ring_min = config.ring_coverage_min if features["coloured"] else config.grey_outline_min
    frame_min = config.frame_coverage_min if features["coloured"] else config.grey_outline_min
    # A round stamp is a circle: its box is square whatever the angle (a phone photo squashes it
    # a little); a block of handwriting with a ring-like outline is wider, and a square one fits
    # no circle.
    if features["ring"] >= ring_min and features["ring_fit"] >= config.ring_fit_min \
            and 1 / ROUND_ASPECT_MAX <= aspect <= ROUND_ASPECT_MAX and stamp_sized:
        return "stamp", features["ring"]
    if features["frame"] >= frame_min and min(w, h) >= config.stamp_min_mm / 2 \
            and max(w, h) >= config.stamp_min_mm:
        return "stamp", features["frame"]
    if features["cut"]:
        return "stamp", 0.7
    base = 0.8 if features["coloured"] else 0.55
    if features["rows"] <= 1 and features["largest_share"] >= config.signature_largest_share \
            and aspect >= 1.5 and h >= 4.0 and max(w, h) > config.marginal_max_mm:
        return "signature", base * (0.5 + 0.5 * features["largest_share"])
    return "handwriting", base
