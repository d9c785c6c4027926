"""Elements: nearby ink of one kind grouped, at analysis resolution."""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from pipeline.config import LayoutConfig
from pipeline.layout.ink import InkMasks, mm_to_px
from pipeline.layout.shapes import (
    typed_glyph_height,
)
from pipeline.model import BBox


@dataclass(frozen=True, eq=False)
class Element:
    """A group of ink at analysis resolution: its box and its ink inside that box."""

    bbox: BBox
    mask: np.ndarray  # bool, the element's ink, cropped to ``bbox``
    colour: bool  # coloured ink (True) or grey-black ink (False)
    hue: float  # median Lab hue of the ink in degrees (0 for grey-black ink)
    #: Cut out of pen strokes written across it (``split_stamp``); its outline lost the part the
    #: strokes covered, so two whole sides make it a stamp.
    cut: bool = False
    #: Its shape features once measured (``kinds.describe``), by resolution (px a mm): an element
    #: is judged several times on its way (``split_stamp``, ``split_type``, its region), and its
    #: ink never changes.
    measured: dict[float, dict[str, float]] = field(default_factory=dict, init=False, repr=False, compare=False)


def colour_elements(masks: InkMasks, dpi: float, config: LayoutConfig) -> list[Element]:
    """Coloured ink grouped into elements: ink closer than ``config.group_mm`` joins one element."""
    return [
        Element(box, crop, True, float(np.median(masks.hue[box[1]:box[3], box[0]:box[2]][crop])))
        for box, crop in _group(masks.coloured, masks.coloured, masks.frame, dpi, config)
    ]


def grow_in_hue(element: Element, masks: InkMasks, grow_px: int, reach_px: int,
                config: LayoutConfig) -> Element:
    """``element`` extended by the faint ink of its own hue around it.

    A worn stamp prints its legend darker than its frame or ring, which may be too pale to pass
    the page-wide colour threshold. Within ``grow_px`` of the element, pixels away from type
    (2 px from any pixel of Lab L < 140) whose hue is within ``config.hue_tolerance_deg`` of the element's and whose
    chroma reaches ``config.colour_chroma_faint`` join it when they connect to it through gaps of
    less than ``reach_px``.
    """
    height, width = masks.hue.shape
    x0, y0 = max(0, element.bbox[0] - grow_px), max(0, element.bbox[1] - grow_px)
    x1, y1 = min(width, element.bbox[2] + grow_px), min(height, element.bbox[3] + grow_px)
    hue_gap = np.abs((masks.hue[y0:y1, x0:x1] - element.hue + 180.0) % 360.0 - 180.0)
    lightness = masks.lightness[y0:y1, x0:x1]
    # The anti-aliased edges of type printed with a violet ribbon look like pale violet ink: pixels
    # next to type-dark ink are left out.
    by_type = cv2.dilate((lightness < 140).astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    faint = (masks.chroma[y0:y1, x0:x1] >= config.colour_chroma_faint) \
        & (hue_gap <= config.hue_tolerance_deg) & ~by_type
    faint = cv2.morphologyEx(faint.astype(np.uint8), cv2.MORPH_OPEN, np.ones((2, 2), np.uint8)) > 0
    own = np.zeros_like(faint)
    ex0, ey0 = element.bbox[0] - x0, element.bbox[1] - y0
    own[ey0:ey0 + element.mask.shape[0], ex0:ex0 + element.mask.shape[1]] = element.mask
    ink = own | faint
    zone = cv2.dilate(ink.astype(np.uint8), np.ones((reach_px, reach_px), np.uint8))
    _, labels = cv2.connectedComponents(zone, connectivity=8)
    keep = np.isin(labels, np.unique(labels[own]))
    ys, xs = np.nonzero(ink & keep)
    bx0, by0, bx1, by1 = xs.min(), ys.min(), xs.max() + 1, ys.max() + 1
    box = (int(x0 + bx0), int(y0 + by0), int(x0 + bx1), int(y0 + by1))
    return Element(box, (ink & keep)[by0:by1, bx0:bx1], element.colour, element.hue)


def untyped_elements(masks: InkMasks, dpi: float, config: LayoutConfig) -> list[Element]:
    """Grey-black ink that is not typewriting, grouped into elements.

    Seeds are ink components taller than ``config.untyped_height_ratio`` typed glyphs (joined
    handwriting, signatures, stamp frames); long hair-thin components are rules or folds and are
    left out. Each seed group then takes in all dark ink near it (the small letters and dots of
    the same writing).
    """
    px_per_mm = dpi / 25.4
    n, labels, stats = masks.dark_components
    glyph_h = typed_glyph_height(stats, px_per_mm)
    w, h = stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]
    thin = np.minimum(w, h) < 0.8 * px_per_mm
    seed_ids = np.nonzero((h > config.untyped_height_ratio * glyph_h) & ~thin)[0]
    seed_ids = seed_ids[seed_ids > 0]
    if len(seed_ids) == 0:
        return []
    seeds = np.isin(labels, seed_ids)
    return [Element(box, crop, False, 0.0) for box, crop in _group(seeds, masks.dark, masks.frame, dpi, config)]


def _group(
    seeds: np.ndarray, ink: np.ndarray, frame: BBox, dpi: float, config: LayoutConfig
) -> list[tuple[BBox, np.ndarray]]:
    """Boxes and ink crops of the groups of ``seeds`` (bool masks, same shape as ``ink``).

    Seeds within ``config.group_mm`` of each other form one group; its ink is the ``ink`` within
    half that distance of the seeds. Strips along the sides of the sheet's box ``frame``
    (``edge_strip``) are dropped.
    """
    n, labels, stats = zones(seeds, mm_to_px(config.group_mm / 2, dpi))
    thin, long = mm_to_px(config.edge_strip_max_mm, dpi), mm_to_px(config.edge_strip_min_mm, dpi)
    out = []
    for i in range(1, n):
        x, y, w, h = stats[i, :4]
        crop = ink[y:y + h, x:x + w] & (labels[y:y + h, x:x + w] == i)
        ys, xs = np.nonzero(crop)
        if len(xs) == 0:
            continue
        x0, x1, y0, y1 = xs.min(), xs.max() + 1, ys.min(), ys.max() + 1
        box = (int(x + x0), int(y + y0), int(x + x1), int(y + y1))
        if edge_strip(box, frame, thin, long, mm_to_px(config.edge_touch_mm, dpi)):
            continue
        out.append((box, crop[y0:y1, x0:x1]))
    return out


def zones(seeds: np.ndarray, reach_px: int) -> tuple[int, np.ndarray, np.ndarray]:
    """Connected zones of ``seeds`` (bool) dilated by a disc of radius ``reach_px``: seeds closer
    than twice ``reach_px`` share a zone. OpenCV's (count, labels, stats), background label 0."""
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * reach_px + 1, 2 * reach_px + 1))
    seeded = seeds.astype(np.uint8)
    # Dilated within the seeds' box grown by the reach only, nothing beyond it being in reach: the
    # same zones, and a page with a stamp in one corner dilates that corner (a dilation of the
    # whole page by this disc took 40 ms).
    zone = np.zeros_like(seeded)
    x, y, w, h = cv2.boundingRect(seeded)
    if w:
        x0, y0 = max(0, x - reach_px), max(0, y - reach_px)
        x1, y1 = min(seeded.shape[1], x + w + reach_px), min(seeded.shape[0], y + h + reach_px)
        zone[y0:y1, x0:x1] = cv2.dilate(seeded[y0:y1, x0:x1], kernel)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(zone, connectivity=8)
    return n, labels, stats


def merge_nearby(elements: list[Element], reach_px: int, hue_tol_deg: float) -> list[Element]:
    """Elements of one ink (hues within ``hue_tol_deg``) whose boxes come within ``reach_px`` of
    each other, merged.

    Ink grouping joins strokes less than ``group_mm`` apart; a worn stamp's ring has longer gaps,
    and the lines of a note are further apart than its letters, but their boxes still touch.
    """
    out = list(elements)
    merged = True
    while merged:
        merged = False
        for i in range(len(out)):
            for j in range(i + 1, len(out)):
                a, b = out[i], out[j]
                near = _gap(a.bbox, b.bbox) <= reach_px
                if near and abs((a.hue - b.hue + 180) % 360 - 180) <= hue_tol_deg:
                    out[i] = _union(a, b)
                    del out[j]
                    merged = True
                    break
            if merged:
                break
    return out


def _gap(a: BBox, b: BBox) -> int:
    """Chebyshev distance between two boxes in pixels (0 when they overlap)."""
    return max(0, max(a[0], b[0]) - min(a[2], b[2]), max(a[1], b[1]) - min(a[3], b[3]))


def _union(a: Element, b: Element) -> Element:
    """One element holding the ink of both; its hue is that of the one with more ink."""
    box = (min(a.bbox[0], b.bbox[0]), min(a.bbox[1], b.bbox[1]),
           max(a.bbox[2], b.bbox[2]), max(a.bbox[3], b.bbox[3]))
    mask = np.zeros((box[3] - box[1], box[2] - box[0]), dtype=bool)
    for e in (a, b):
        mask[e.bbox[1] - box[1]:e.bbox[3] - box[1], e.bbox[0] - box[0]:e.bbox[2] - box[0]] |= e.mask
    hue = a.hue if a.mask.sum() >= b.mask.sum() else b.hue
    return Element(box, mask, a.colour, hue)


def sub_element(element: Element, mask: np.ndarray) -> Element | None:
    """The part of ``element`` whose ink is ``mask`` (same shape), cropped to it; None if empty."""
    ys, xs = np.nonzero(mask)
    if len(xs) == 0:
        return None
    x0, x1, y0, y1 = xs.min(), xs.max() + 1, ys.min(), ys.max() + 1
    bx, by = element.bbox[0], element.bbox[1]
    box = (int(bx + x0), int(by + y0), int(bx + x1), int(by + y1))
    return Element(box, mask[y0:y1, x0:x1], element.colour, element.hue)


def edge_strip(box: BBox, frame: BBox, thin_px: int, long_px: int, near_px: int = 0) -> bool:
    """Whether ``box`` comes within ``near_px`` of a side of ``frame`` (the sheet's box, or the
    image's) and runs along it for over a quarter of its length, or for at least ``long_px`` while
    at most ``thin_px`` thick: the scanner's lid, the shadow of the paper's edge or the table round a
    photographed sheet, not a note cut off by the edge (wider) nor a digit beside it (shorter)."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    top, bottom, left, right = _touches(box, frame, near_px)
    along_x = (top or bottom) and (w > (frame[2] - frame[0]) / 4 or (h <= thin_px and w >= long_px))
    along_y = (left or right) and (h > (frame[3] - frame[1]) / 4 or (w <= thin_px and h >= long_px))
    return along_x or along_y


def edge_sliver(box: BBox, frame: BBox, thin_px: int, near_px: int = 0) -> bool:
    """Whether ``box`` comes within ``near_px`` of a side of ``frame`` (the sheet's box, or the
    image's) while at most ``thin_px`` thick across it and three times as long along it: the paper's edge, its shadow or
    the next sheet showing at the border of a scan, cut off by the crop, not writing."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    top, bottom, left, right = _touches(box, frame, near_px)
    along_y = (left or right) and w <= thin_px and h >= 3 * w
    along_x = (top or bottom) and h <= thin_px and w >= 3 * h
    return along_x or along_y


def _touches(box: BBox, frame: BBox, near_px: int) -> tuple[bool, bool, bool, bool]:
    """Whether ``box`` comes within ``near_px`` of the top, bottom, left and right side of ``frame``."""
    return (box[1] <= frame[1] + near_px, box[3] >= frame[3] - near_px, box[0] <= frame[0] + near_px,
            box[2] >= frame[2] - near_px)
