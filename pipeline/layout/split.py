"""Splitting an element that holds two things: a stamp with a signature across it, two inks."""

from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np

from pipeline.config import LayoutConfig
from pipeline.layout.elements import Element, sub_element, zones
from pipeline.layout.ink import InkMasks
from pipeline.layout.kinds import kind_of
from pipeline.layout.shapes import (
    find_ring,
    frame_band,
    frame_sides,
    ring_bands,
    typed_ink,
)


def split_type(element: Element, masks: InkMasks, px_per_mm: float, reach_px: int,
               config: LayoutConfig, text_letter_px: float | None = None,
               letters_min: int | None = None) -> list[Element]:
    """The parts of ``element`` that are not type, when type is most of its ink; else ``[element]``.

    Type is ink in letters of one size standing level in lines (``typed_ink``), whatever its
    colour: a letter typed with a blue or violet ribbon, a printed letterhead. It takes at least
    ``letters_min`` letters (``config.typed_letters_min`` when None), whose heights spread, row
    by row, by at most ``config.typed_height_spread_max`` (hand-printed letters mix tall loops
    and small strokes; ``row_height_spread``), and ``config.typed_share_min`` of the element's
    ink. When the height
    of the page's typed letters is known (``text_letter_px``), the element's letters must be of
    about that size (``config.typed_size_ratio_max``): a note is written larger than type. A
    stamp (its ring or frame) stays whole, since its legend stands in lines too.

    What is left when the letters are taken out holds the type's loose marks (touching or broken
    letters, punctuation, letters joined by a crease) and perhaps writing: strokes taller than
    ``config.untyped_height_ratio`` letters that fill at most ``config.pen_fill_max`` of their
    box (a signature across the typing, a note between its lines) are its seeds, and the ink
    left within ``reach_px`` of them joins their part.
    """
    # Letters are judged whole, on all the ink in the box: the ink of a near-black violet ribbon
    # is coloured only in parts of its strokes, which are no letter shapes. And on the element's
    # own ink: black ink that its letters touch (a letterhead's ruled date line typed on) joins
    # them into one component.
    x0, y0, x1, y1 = element.bbox
    ink = element.mask | masks.dark[y0:y1, x0:x1] | masks.coloured[y0:y1, x0:x1]
    min_px, max_px = config.typed_letter_min_mm * px_per_mm, config.typed_letter_max_mm * px_per_mm
    letters = typed_ink(ink, min_px, max_px) | typed_ink(element.mask, min_px, max_px)
    heights = component_heights(letters)
    spread = row_height_spread(letters)
    typed = element.mask & letters
    # Specks (grain, a fold's broken fibres) weigh nothing either way.
    marks = element.mask & ~specks(element.mask, min_px)
    fewest = config.typed_letters_min if letters_min is None else letters_min
    if len(heights) < fewest or typed.sum() < config.typed_share_min * marks.sum() \
            or spread > config.typed_height_spread_max \
            or not _type_sized(float(np.median(heights)), text_letter_px, config.typed_size_ratio_max) \
            or kind_of(element, px_per_mm, config) == "stamp":
        return [element]
    letter_h = float(np.median(heights))
    rest = element.mask & ~typed
    # A fold or a crease drawn through a typed line joins its letters into one tall component;
    # the crease is a pixel thin, pen strokes are thicker.
    strokes = cv2.morphologyEx(rest.astype(np.uint8), cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(strokes, connectivity=8)
    w, h, area = (stats[1:, k] for k in (cv2.CC_STAT_WIDTH, cv2.CC_STAT_HEIGHT, cv2.CC_STAT_AREA))
    # Letters of close-set lines touching (a descender on the next line's capital) make tall
    # components too, but dense ones: pen strokes leave most of their box empty.
    tall = np.nonzero((h > config.untyped_height_ratio * letter_h) & (area < config.pen_fill_max * w * h))[0] + 1
    if len(tall) == 0:
        return []
    z, zone_labels, _ = zones(np.isin(labels, tall), reach_px)
    parts = (sub_element(element, rest & (zone_labels == i)) for i in range(1, z))
    return [part for part in parts if part is not None]


def specks(mask: np.ndarray, size_px: float) -> np.ndarray:
    """The ink of ``mask`` in components smaller than ``size_px`` both ways."""
    _, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    small = np.maximum(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]) < size_px
    small[0] = False
    return small[labels]


def _type_sized(height: float, text_height: float | None, ratio_max: float) -> bool:
    """Whether letters ``height`` px high are of the size of the page's type (``text_height``)."""
    return text_height is None or max(height, text_height) <= ratio_max * min(height, text_height)


def component_heights(mask: np.ndarray) -> np.ndarray:
    """Heights (pixels) of the connected components of ``mask``."""
    _, _, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    return stats[1:, cv2.CC_STAT_HEIGHT]


def row_height_spread(letters: np.ndarray) -> float:
    """``height_spread`` of the letters (components of the bool mask ``letters``) row by row: the
    median over rows of three letters or more, each row weighted by its letters; of all the
    letters when no row has three.

    A typed line and what stands beside it in one element (the faint show-through of the verso's
    lines, a printed letterhead above the date) are each of one size, but not of the same size.
    """
    _, _, stats, _ = cv2.connectedComponentsWithStats(letters.astype(np.uint8), connectivity=8)
    tops, heights = stats[1:, cv2.CC_STAT_TOP], stats[1:, cv2.CC_STAT_HEIGHT]
    if len(heights) == 0:
        return 0.0
    centres = tops + heights / 2
    order = np.argsort(centres)
    # A new row starts where the centres jump by more than half a letter.
    breaks = np.nonzero(np.diff(centres[order]) > 0.5 * np.median(heights))[0] + 1
    rows = [heights[r] for r in np.split(order, breaks) if len(r) >= 3]
    if not rows:
        return height_spread(heights)
    spreads = np.repeat([height_spread(r) for r in rows], [len(r) for r in rows])
    return float(np.median(spreads))


def height_spread(heights: np.ndarray) -> float:
    """Interquartile range of ``heights`` over their median (0 when all are equal)."""
    q1, median, q3 = np.percentile(heights, (25, 50, 75))
    return float((q3 - q1) / max(median, 1.0))


def split_stamp(element: Element, masks: InkMasks, px_per_mm: float, config: LayoutConfig,
                tries: int = 3) -> list[Element]:
    """A stamp put over a signature or a note, taken apart; else ``[element]``.

    Pen strokes of another ink are first told apart by their hue (``split_ink``); each ink is
    then taken apart by shape, as follows. A stamp over writing in its own ink is usually no
    stamp as a whole (the pen strokes break its ring or frame). A
    ring found by the Hough transform (``find_ring``) cuts it into the ink inside the ring and the
    rest. Else its longest strokes (over ``config.stamp_min_mm``, at most ``tries``, longest first)
    are set aside one by one until the rest is a stamp; the strokes set aside are then the other
    element. When the outline stays whole, the element is a stamp with the strokes inside it
    (``split_pen``).
    """
    if not _stamp_sized(element, px_per_mm, config):
        return [element]
    inks = split_ink(element, masks, px_per_mm, config)
    if len(inks) > 1:
        return [part for ink in inks for part in split_stamp(ink, masks, px_per_mm, config, tries)]
    if kind_of(element, px_per_mm, config) == "stamp":
        return split_pen(element, px_per_mm, config)
    ring = find_ring(element.mask, round(config.stamp_min_mm / 2 * px_per_mm), round(config.ring_max_mm * px_per_mm))
    if ring is not None and ring[3] >= config.ring_coverage_min:
        cx, cy, r, _ = ring
        yy, xx = np.mgrid[0:element.mask.shape[0], 0:element.mask.shape[1]]
        inside = np.hypot(xx - cx, yy - cy) <= 1.08 * r
        stamp = sub_element(element, element.mask & inside)
        if stamp is not None and kind_of(stamp, px_per_mm, config) == "stamp":
            other = sub_element(element, element.mask & ~inside)
            return [stamp] if other is None else [stamp, other]
    n, labels, stats, _ = cv2.connectedComponentsWithStats(element.mask.astype(np.uint8), connectivity=8)
    span = np.maximum(stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT])
    longest = [int(i) + 1 for i in np.argsort(-span)[:tries] if span[i] >= config.stamp_min_mm * px_per_mm]
    for k in range(1, len(longest) + 1):
        aside = np.isin(labels, longest[:k])
        rest = sub_element(element, element.mask & ~aside)
        if rest is None or not _stamp_sized(rest, px_per_mm, config):
            continue
        # The strokes set aside took the stretch of frame under them; two sides must remain whole.
        if sorted(frame_sides(rest.mask))[2] >= config.cut_side_min:
            rest = replace(rest, cut=True)
        if rest.cut or kind_of(rest, px_per_mm, config) == "stamp":
            other = sub_element(element, aside)
            return [rest] if other is None else [rest, other]
    return [element]


def split_ink(element: Element, masks: InkMasks, px_per_mm: float, config: LayoutConfig) -> list[Element]:
    """``element`` as the groups of each of its two inks when it holds a stamp and writing in
    different inks (a blue signature across a violet or red stamp); else ``[element]``.

    Ink grouping joins strokes by distance, whatever their hue, so a signature that crosses or
    nearly touches a stamp of another ink becomes one element with it. Each pixel's hue is
    averaged (as Lab a, b) over the element's ink within ``config.ink_smooth_mm``, and the hues
    are cut in two (``two_hues``). Each ink's pixels are grouped again by ``config.group_mm``;
    the split holds only when one ink holds a stamp and the other writing (a signature or a
    note): an unevenly printed stamp whose hues part in two stays one element.
    """
    x0, y0, x1, y1 = element.bbox
    ink = element.mask.astype(np.float32)
    angle = np.radians(masks.hue[y0:y1, x0:x1])
    window = (max(1, round(config.ink_smooth_mm * px_per_mm)),) * 2
    a = cv2.blur(masks.chroma[y0:y1, x0:x1] * np.cos(angle) * ink, window)
    b = cv2.blur(masks.chroma[y0:y1, x0:x1] * np.sin(angle) * ink, window)
    hue = np.degrees(np.arctan2(b, a))[element.mask] % 360.0
    split = two_hues(hue, config.ink_split_deg, config.ink_split_dip)
    if split is None:
        return [element]
    first, hues = split
    reach = max(1, round(config.group_mm / 2 * px_per_mm))
    parts: list[list[Element]] = []
    for side, centre in zip((first, ~first), hues, strict=True):
        own = np.zeros_like(element.mask)
        own[element.mask] = side
        n, labels, _ = zones(own, reach)
        groups = (sub_element(element, own & (labels == i)) for i in range(1, n))
        parts.append([replace(g, hue=centre) for g in groups if g is not None])
    kinds = [{kind_of(g, px_per_mm, config) for g in part} for part in parts]
    writing = {"signature", "handwriting"}
    if not any("stamp" in mine and writing & other for mine, other in (kinds, kinds[::-1])):
        return [element]
    return parts[0] + parts[1]


def two_hues(hue: np.ndarray, min_gap_deg: float, max_dip: float) -> tuple[np.ndarray, tuple[float, float]] | None:
    """The pixels of two inks: ``hue`` (degrees 0–360, 1-D) cut at Otsu's threshold, as a bool
    array (True = the first ink) and the two inks' mean hues; None for one ink whose hues merely
    scatter.

    They are two inks when their means lie at least ``min_gap_deg`` apart and the hue histogram
    (1° bins, smoothed over 3°) falls between them to at most ``max_dip`` (0–1) of the lower of the
    two inks' peaks: one scattered ink is cut near its peak, where the histogram stays high. Hues
    are first turned so that their circular mean sits at 180°, so that no ink straddles 0°/360°
    (red does).
    """
    if len(hue) < 2:
        return None
    mean = float(np.degrees(np.angle(np.exp(1j * np.radians(hue)).mean())))
    turned = (hue - mean + 180.0) % 360.0
    p = np.bincount(turned.astype(int), minlength=361)[:360] / len(turned)
    w0, m0 = np.cumsum(p), np.cumsum(p * (np.arange(360) + 0.5))
    with np.errstate(divide="ignore", invalid="ignore"):
        between = np.nan_to_num((m0[-1] * w0 - m0) ** 2 / (w0 * (1.0 - w0)))
    cut = int(np.argmax(between)) + 1
    first = turned < cut
    if first.all() or not first.any():
        return None
    lo, hi = float(turned[first].mean()), float(turned[~first].mean())
    smooth = np.convolve(p, np.ones(3) / 3.0, mode="same")
    dip = smooth[int(lo):int(hi) + 1].min() / min(smooth[:cut].max(), smooth[cut:].max())
    if hi - lo < min_gap_deg or dip > max_dip:
        return None
    return first, ((lo + mean - 180.0) % 360.0, (hi + mean - 180.0) % 360.0)


def split_pen(element: Element, px_per_mm: float, config: LayoutConfig) -> list[Element]:
    """A stamp with pen strokes written inside it, as the stamp and the strokes; else ``[element]``.

    A signature put across a stamp in the same ink leaves its ring or frame whole, so the element
    is a stamp, and the signature is lost inside it. Without its outline (``ring_bands`` in the
    square round the circle ``find_ring`` finds, or else ``frame_band``), a stamp's ink is letters,
    none more than ``config.stamp_letter_max_mm`` high (a row of them may run long, not tall);
    what remains longer than ``config.pen_stroke_min_mm`` and also wider and taller than a letter
    is pen writing. It takes back the outline ink it crossed (within 2 px), and the split holds
    only when the rest is still a stamp and the strokes are writing.
    """
    ring = find_ring(element.mask, round(config.stamp_min_mm / 2 * px_per_mm), round(config.ring_max_mm * px_per_mm))
    rest = element.mask.copy()
    if ring is not None and ring[3] >= config.ring_coverage_min:
        h, w = element.mask.shape
        cx, cy, r = ring[0], ring[1], 1.05 * ring[2]
        x0, y0 = max(0, round(cx - r)), max(0, round(cy - r))
        x1, y1 = min(w, round(cx + r) + 1), min(h, round(cy + r) + 1)
        rest[y0:y1, x0:x1] &= ~ring_bands(element.mask[y0:y1, x0:x1])
    else:
        rest &= ~frame_band(element.mask)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(rest.astype(np.uint8), connectivity=8)
    sides = np.sort(stats[1:, [cv2.CC_STAT_WIDTH, cv2.CC_STAT_HEIGHT]], axis=1)
    pen_like = (sides[:, 1] >= config.pen_stroke_min_mm * px_per_mm) \
        & (sides[:, 0] > config.stamp_letter_max_mm * px_per_mm)
    long = np.nonzero(pen_like)[0] + 1
    if len(long) == 0:
        return [element]
    strokes = cv2.dilate(np.isin(labels, long).astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    pen = sub_element(element, element.mask & strokes)
    stamp = sub_element(element, element.mask & ~strokes)
    if pen is None or stamp is None or kind_of(stamp, px_per_mm, config) != "stamp" \
            or kind_of(pen, px_per_mm, config) not in ("signature", "handwriting"):
        return [element]
    return [stamp, pen]


def _stamp_sized(element: Element, px_per_mm: float, config: LayoutConfig) -> bool:
    return min(element.mask.shape) >= config.stamp_min_mm * px_per_mm
