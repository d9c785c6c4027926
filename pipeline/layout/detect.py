"""Finding the non-typed elements of a page: stamps, handwriting and signatures.

Two sources of candidates: coloured ink (stamp and pen inks apart from the grey-black type), and,
for greyscale scans and black pens, grey-black ink that does not look typewritten (much taller than
the page's typed glyphs). Nearby ink is grouped into elements; each element's shape features then
decide its kind (``classify``), and the features travel with the region as its explanation.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import cv2
import numpy as np

from pipeline.config import LayoutConfig, OcrConfig
from pipeline.layout.frames import grey_stamps
from pipeline.layout.ink import InkMasks, ink_masks, mm_to_px
from pipeline.layout.read import read_regions
from pipeline.layout.shapes import (
    component_shares,
    find_ring,
    frame_band,
    frame_coverage,
    frame_sides,
    ring_bands,
    ring_coverage,
    ring_fit,
    slant_deg,
    stroke_width,
    text_rows,
    typed_glyph_height,
)
from pipeline.model import BBox, PageImage, Region

#: Neighbourhood of the local ink threshold (mm): several typed lines, less than a lighting change.
_LOCAL_BLOCK_MM = 12.0
#: Share of a side (0–1) that counts it as whole, for a frame cut out of pen strokes.
_CUT_SIDE_MIN = 0.85
#: Largest ring stamp looked for (radius, mm); official round seals are at most 50 mm across.
_RING_MAX_MM = 30.0


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


def detect_regions(page: PageImage, config: LayoutConfig, lang: str = OcrConfig.lang) -> list[Region]:
    """Stamps, handwriting and signatures on ``page``, boxes in input pixels, top to bottom.

    Each region has ``kind`` in ``stamp|handwriting|signature``, a ``confidence`` 0–1, the
    ``features`` that decided it (sizes in mm, coverages and shares 0–1, slant in degrees) and, when
    ``config.read_elements``, the text Tesseract read in it, in the document's Tesseract language
    ``lang`` (``OcrConfig.lang``, which is where the command line's ``--lang`` goes).
    """
    factor = min(1.0, config.analysis_dpi / page.dpi)
    rgb = page.pixels
    if factor < 1.0:
        rgb = cv2.resize(rgb, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    dpi = page.dpi * factor
    chroma = (config.colour_chroma_min, config.colour_chroma_grow)
    reach = mm_to_px(config.group_mm, dpi)
    masks = ink_masks(rgb, chroma, config.ink_hues_deg, mm_to_px(_LOCAL_BLOCK_MM, dpi), reach)
    colour = merge_nearby(colour_elements(masks, dpi, config), reach, config.hue_split_deg)
    grow = mm_to_px(config.stamp_grow_mm, dpi)
    colour = merge_nearby([grow_in_hue(e, masks, grow, reach, config) for e in colour], reach,
                          config.hue_split_deg)
    # Black ink lying under a coloured element is the type that the stamp or note was put over.
    dark = [e for e in merge_nearby(untyped_elements(masks, dpi, config), reach, config.hue_split_deg)
            if not any(_inside(e.bbox, c.bbox) for c in colour)]
    px_per_mm = dpi / 25.4
    colour = [part for e in colour for part in split_stamp(e, masks, px_per_mm, config)]
    grey = []
    if config.grey_stamps_on_colour or not colour:
        grey = [g for g in grey_stamps(masks.lightness, masks.coloured, px_per_mm, mm_to_px(_LOCAL_BLOCK_MM, dpi),
                                       _RING_MAX_MM, config)
                if not any(_inside(g[0], c.bbox, 0.3) for c in colour)]
    regions = [_grey_stamp_region(g, masks.dark, px_per_mm, factor, page) for g in grey]
    for element in colour + dark:
        features = describe(element, px_per_mm)
        decided = classify(features, config)
        if decided is None:
            continue
        # A grey stamp's letters and frame are large untyped ink; a signature across it stays.
        if decided[0] != "signature" and any(_inside(element.bbox, g[0]) for g in grey):
            continue
        kind, confidence = decided
        features["page_y"] = round((element.bbox[1] + element.bbox[3]) / 2 / rgb.shape[0], 3)
        features["page_x"] = round((element.bbox[0] + element.bbox[2]) / 2 / rgb.shape[1], 3)
        box = _to_input(element.bbox, factor, page.width, page.height)
        regions.append(Region(kind, box, "", round(confidence, 3), features))
    if config.read_elements:
        regions = read_regions(page, regions, config, lang)
    return sorted(regions, key=lambda r: (r.bbox[1], r.bbox[0]))


def _grey_stamp_region(stamp: tuple[BBox, str, float], dark: np.ndarray, px_per_mm: float, factor: float,
                       page: PageImage) -> Region:
    """The region of a stamp that ``grey_stamps`` found (box at analysis resolution): the features
    of the dark ink in its box, its outline's score (``frame`` or ``ring``) in place of theirs."""
    box, outline, score = stamp
    features = describe(Element(box, dark[box[1]:box[3], box[0]:box[2]], False, 0.0), px_per_mm)
    features[outline] = round(score, 3)
    features["page_y"] = round((box[1] + box[3]) / 2 / dark.shape[0], 3)
    features["page_x"] = round((box[0] + box[2]) / 2 / dark.shape[1], 3)
    return Region("stamp", _to_input(box, factor, page.width, page.height), "", round(score, 3), features)


def colour_elements(masks: InkMasks, dpi: float, config: LayoutConfig) -> list[Element]:
    """Coloured ink grouped into elements: ink closer than ``config.group_mm`` joins one element."""
    return [
        Element(box, crop, True, float(np.median(masks.hue[box[1]:box[3], box[0]:box[2]][crop])))
        for box, crop in _group(masks.coloured, masks.coloured, dpi, config)
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
    glyph_h = typed_glyph_height(masks.dark, px_per_mm)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(masks.dark.astype(np.uint8), connectivity=8)
    w, h = stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]
    thin = np.minimum(w, h) < 0.8 * px_per_mm
    seed_ids = np.nonzero((h > config.untyped_height_ratio * glyph_h) & ~thin)[0]
    seed_ids = seed_ids[seed_ids > 0]
    if len(seed_ids) == 0:
        return []
    seeds = np.isin(labels, seed_ids)
    return [Element(box, crop, False, 0.0) for box, crop in _group(seeds, masks.dark, dpi, config)]


def _group(
    seeds: np.ndarray, ink: np.ndarray, dpi: float, config: LayoutConfig
) -> list[tuple[BBox, np.ndarray]]:
    """Boxes and ink crops of the groups of ``seeds`` (bool masks, same shape as ``ink``).

    Seeds within ``config.group_mm`` of each other form one group; its ink is the ``ink`` within
    half that distance of the seeds. Strips along the image border (``edge_strip``) are dropped.
    """
    n, labels, stats = _zones(seeds, mm_to_px(config.group_mm / 2, dpi))
    height, width = ink.shape
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
        if edge_strip(box, width, height, thin, long):
            continue
        out.append((box, crop[y0:y1, x0:x1]))
    return out


def _zones(seeds: np.ndarray, reach_px: int) -> tuple[int, np.ndarray, np.ndarray]:
    """Connected zones of ``seeds`` (bool) dilated by a disc of radius ``reach_px``: seeds closer
    than twice ``reach_px`` share a zone. OpenCV's (count, labels, stats), background label 0."""
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * reach_px + 1, 2 * reach_px + 1))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(cv2.dilate(seeds.astype(np.uint8), kernel),
                                                           connectivity=8)
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
    if _kind(element, px_per_mm, config) == "stamp":
        return split_pen(element, px_per_mm, config)
    ring = find_ring(element.mask, round(config.stamp_min_mm / 2 * px_per_mm), round(_RING_MAX_MM * px_per_mm))
    if ring is not None and ring[3] >= config.ring_coverage_min:
        cx, cy, r, _ = ring
        yy, xx = np.mgrid[0:element.mask.shape[0], 0:element.mask.shape[1]]
        inside = np.hypot(xx - cx, yy - cy) <= 1.08 * r
        stamp = _sub_element(element, element.mask & inside)
        if stamp is not None and _kind(stamp, px_per_mm, config) == "stamp":
            other = _sub_element(element, element.mask & ~inside)
            return [stamp] if other is None else [stamp, other]
    n, labels, stats, _ = cv2.connectedComponentsWithStats(element.mask.astype(np.uint8), connectivity=8)
    span = np.maximum(stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT])
    longest = [int(i) + 1 for i in np.argsort(-span)[:tries] if span[i] >= config.stamp_min_mm * px_per_mm]
    for k in range(1, len(longest) + 1):
        aside = np.isin(labels, longest[:k])
        rest = _sub_element(element, element.mask & ~aside)
        if rest is None or not _stamp_sized(rest, px_per_mm, config):
            continue
        # The strokes set aside took the stretch of frame under them; two sides must remain whole.
        if sorted(frame_sides(rest.mask))[2] >= _CUT_SIDE_MIN:
            rest = replace(rest, cut=True)
        if rest.cut or _kind(rest, px_per_mm, config) == "stamp":
            other = _sub_element(element, aside)
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
        n, labels, _ = _zones(own, reach)
        groups = (_sub_element(element, own & (labels == i)) for i in range(1, n))
        parts.append([replace(g, hue=centre) for g in groups if g is not None])
    kinds = [{_kind(g, px_per_mm, config) for g in part} for part in parts]
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
    ring = find_ring(element.mask, round(config.stamp_min_mm / 2 * px_per_mm), round(_RING_MAX_MM * px_per_mm))
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
    pen = _sub_element(element, element.mask & strokes)
    stamp = _sub_element(element, element.mask & ~strokes)
    if pen is None or stamp is None or _kind(stamp, px_per_mm, config) != "stamp" \
            or _kind(pen, px_per_mm, config) not in ("signature", "handwriting"):
        return [element]
    return [stamp, pen]


def _stamp_sized(element: Element, px_per_mm: float, config: LayoutConfig) -> bool:
    return min(element.mask.shape) >= config.stamp_min_mm * px_per_mm


def _kind(element: Element, px_per_mm: float, config: LayoutConfig) -> str | None:
    decided = classify(describe(element, px_per_mm), config)
    return None if decided is None else decided[0]


def _sub_element(element: Element, mask: np.ndarray) -> Element | None:
    """The part of ``element`` whose ink is ``mask`` (same shape), cropped to it; None if empty."""
    ys, xs = np.nonzero(mask)
    if len(xs) == 0:
        return None
    x0, x1, y0, y1 = xs.min(), xs.max() + 1, ys.min(), ys.max() + 1
    bx, by = element.bbox[0], element.bbox[1]
    box = (int(bx + x0), int(by + y0), int(bx + x1), int(by + y1))
    return Element(box, mask[y0:y1, x0:x1], element.colour, element.hue)


def edge_strip(box: BBox, width: int, height: int, thin_px: int, long_px: int) -> bool:
    """Whether ``box`` (in an image of ``width`` × ``height`` px) touches an image edge and runs
    along it for over a quarter of the edge's length, or for at least ``long_px`` while at most
    ``thin_px`` thick: the scanner's lid, the shadow of the paper's edge or the table round a
    photographed sheet, not a note cut off by the edge (wider) nor a digit beside it (shorter)."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    along_x = (y0 == 0 or y1 >= height) and (w > width / 4 or (h <= thin_px and w >= long_px))
    along_y = (x0 == 0 or x1 >= width) and (h > height / 4 or (w <= thin_px and h >= long_px))
    return along_x or along_y


def describe(element: Element, px_per_mm: float) -> dict[str, float]:
    """The features of one element (sizes in mm, shares 0–1, slant in degrees)."""
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
    return {k: round(float(v), 3) for k, v in features.items()}


def classify(features: dict[str, float], config: LayoutConfig) -> tuple[str, float] | None:
    """Kind and confidence (0–1) of an element from its ``describe`` features; None for noise.

    A ring or a four-sided frame of stamp size makes a stamp. Other ink is writing: one row whose
    largest stroke holds much of the ink is a signature, the rest handwriting. Grey-black writing is
    less certain than coloured writing, because the typed text shares its ink.
    """
    w, h = features["width_mm"], features["height_mm"]
    if max(w, h) < config.min_element_mm or features["ink_mm2"] < config.min_ink_mm2:
        return None
    aspect = w / h
    stamp_sized = min(w, h) >= config.stamp_min_mm
    # Grey-black ink is shared with the type, so a stamp in it needs a more complete outline.
    ring_min = config.ring_coverage_min if features["coloured"] else config.grey_outline_min
    frame_min = config.frame_coverage_min if features["coloured"] else config.grey_outline_min
    # A round stamp is a circle: its box is square whatever the angle (a phone photo squashes it
    # a little); a block of handwriting with a ring-like outline is wider, and a square one fits
    # no circle.
    if features["ring"] >= ring_min and features["ring_fit"] >= config.ring_fit_min \
            and 0.75 <= aspect <= 1.33 and stamp_sized:
        return "stamp", features["ring"]
    if features["frame"] >= frame_min and min(w, h) >= config.stamp_min_mm / 2 \
            and max(w, h) >= config.stamp_min_mm:
        return "stamp", features["frame"]
    if features["cut"]:
        return "stamp", 0.7
    # Solid blots (ink spills, photo corners, punched holes) are no writing: pen strokes leave
    # most of their box empty.
    if features["fill"] > 0.5:
        return None
    base = 0.8 if features["coloured"] else 0.55
    if features["rows"] <= 1 and features["largest_share"] >= config.signature_largest_share \
            and aspect >= 1.5 and h >= 4.0 and max(w, h) > config.marginal_max_mm:
        return "signature", base * (0.5 + 0.5 * features["largest_share"])
    return "handwriting", base


def _inside(inner: BBox, outer: BBox, share: float = 0.6) -> bool:
    """Whether at least ``share`` of ``inner``'s area lies within ``outer``."""
    ix0, iy0 = max(inner[0], outer[0]), max(inner[1], outer[1])
    ix1, iy1 = min(inner[2], outer[2]), min(inner[3], outer[3])
    overlap = max(0, ix1 - ix0) * max(0, iy1 - iy0)
    area = (inner[2] - inner[0]) * (inner[3] - inner[1])
    return area > 0 and overlap >= share * area


def _to_input(box: BBox, factor: float, width: int, height: int) -> BBox:
    """A box at analysis resolution (``factor`` = analysis / input scale) in input pixels."""
    x0, y0, x1, y1 = box
    return (
        max(0, int(x0 / factor)),
        max(0, int(y0 / factor)),
        min(width, int(np.ceil(x1 / factor))),
        min(height, int(np.ceil(y1 / factor))),
    )
