"""Finding the non-typed elements of a page: stamps, handwriting and signatures.

Two sources of candidates: coloured ink (stamp and pen inks apart from the grey-black type), and,
for greyscale scans and black pens, grey-black ink that does not look typewritten (much taller than
the page's typed glyphs). Nearby ink is grouped into elements (``elements``), elements holding two
kinds of ink are split (``split``), each element's shape features then decide its kind (``kinds``),
and the features travel with the region as its explanation. Stamps in grey-black ink are found by
their outlines (``frames``), apart: ``find_ink`` → ``element_regions`` and ``grey_stamp_regions``
→ ``with_grey_stamps``, so that the page flow can run the costly outline search beside the OCR.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import cv2
import numpy as np

from pipeline.config import LayoutConfig, OcrConfig
from pipeline.ingest.paper import resize_mask
from pipeline.layout.elements import Element, colour_elements, edge_sliver, grow_in_hue, merge_nearby, untyped_elements
from pipeline.layout.frames import grey_stamps
from pipeline.layout.ink import InkMasks, ink_masks, mm_to_px
from pipeline.layout.kinds import describe, element_kind
from pipeline.layout.read import read_regions
from pipeline.layout.shapes import typed_ink
from pipeline.layout.split import split_stamp, split_type
from pipeline.model import BBox, PageImage, Region


@dataclass(frozen=True, eq=False)
class PageInk:
    """A page's ink at analysis resolution and the elements grouped from it (``find_ink``)."""

    masks: InkMasks
    #: Coloured elements (split into their inks and from the type), then grey-black untyped ones.
    elements: list[Element]
    #: How many of ``elements`` are coloured (they come first).
    coloured: int
    #: Analysis scale over input scale (at most 1), and the analysis resolution in px a mm.
    factor: float
    px_per_mm: float


def detect_regions(page: PageImage, config: LayoutConfig, ocr: OcrConfig | None = None) -> list[Region]:
    """Stamps, handwriting and signatures on ``page``, boxes in input pixels, top to bottom.

    Each region has ``kind`` in ``stamp|handwriting|signature``, a ``confidence`` 0–1, the
    ``features`` that decided it (sizes in mm, coverages and shares 0–1, slant in degrees) and, when
    ``config.read_elements``, the text Tesseract read in it, with the document's OCR settings
    ``ocr`` (its language, where the command line's ``--lang`` goes, and its time limits).

    The same as ``with_grey_stamps(element_regions(ink), grey_stamp_regions(ink))`` of
    ``ink = find_ink(page)``, which ``page.read_page`` runs in two threads: the grey-stamp search
    is most of the time, and the preprocessing needs only the elements.
    """
    ink = find_ink(page, config)
    regions = with_grey_stamps(element_regions(ink, page, config), grey_stamp_regions(ink, page, config))
    if config.read_elements:
        regions = read_regions(page, regions, config, ocr or OcrConfig())
    return regions


def find_ink(page: PageImage, config: LayoutConfig) -> PageInk:
    """The page's ink masks and its elements: coloured ink and untyped grey-black ink, grouped."""
    factor = min(1.0, config.analysis_dpi / page.dpi)
    rgb = page.pixels
    if factor < 1.0:
        rgb = cv2.resize(rgb, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    dpi = page.dpi * factor
    chroma = (config.colour_chroma_min, config.colour_chroma_grow)
    reach = mm_to_px(config.group_mm, dpi)
    block = mm_to_px(config.local_block_mm, dpi)
    masks = off_sheet_cleared(ink_masks(rgb, chroma, config.ink_hues_deg, block, reach), page)
    colour = merge_nearby(colour_elements(masks, dpi, config), reach, config.hue_split_deg)
    grow = mm_to_px(config.stamp_grow_mm, dpi)
    colour = merge_nearby([grow_in_hue(e, masks, grow, reach, config) for e in colour], reach,
                          config.hue_split_deg)
    px_per_mm = dpi / 25.4
    colour = [part for e in colour for part in split_stamp(e, masks, px_per_mm, config)]
    text = text_ink(masks, px_per_mm, config)
    # Type is type in any colour: the page's text typed with a blue or violet ribbon, and a line
    # of type in another ink (old print's brownish ink tinted unevenly, a bichrome ribbon's red).
    # Such elements are taken apart into the typing (letters of the page's typed size standing in
    # lines) and what else is there.
    if text is not None:
        colour = [part for e in colour for part in
                  split_type(e, masks, px_per_mm, reach, config, text[1],
                             None if _same_hue(e.hue, text, config) else config.other_ink_letters_min)]
    # Black ink lying under a coloured element is the type that the stamp or note was put over.
    dark = [e for e in merge_nearby(untyped_elements(masks, dpi, config), reach, config.hue_split_deg)
            if not any(_inside(e.bbox, c.bbox) for c in colour)]
    # Grey-black ink nearly all in a line's worth of letters standing in lines is print (a heading
    # set larger than the text, touching letters of heavy old print), whatever seeded it.
    if dark:
        letters = typed_ink(masks.dark, config.typed_letter_min_mm * px_per_mm, config.typed_letter_max_mm * px_per_mm,
                            masks.dark_components)
        boxes = cv2.connectedComponentsWithStats(letters.astype(np.uint8), connectivity=8)[2][1:]
        dark = [e for e in dark if not _printed(e, letters, config)
                and not _within_lines(e, boxes, px_per_mm, config)]
    return PageInk(masks, colour + dark, len(colour), factor, px_per_mm)


def element_regions(ink: PageInk, page: PageImage, config: LayoutConfig) -> list[Region]:
    """The regions of the elements of ``ink`` that are stamp, handwriting or signature, unread,
    top to bottom: what the preprocessing takes foreign ink out of."""
    masks, px_per_mm, factor = ink.masks, ink.px_per_mm, ink.factor
    dpi = px_per_mm * 25.4
    sliver, touch = mm_to_px(config.edge_sliver_max_mm, dpi), mm_to_px(config.edge_touch_mm, dpi)
    regions = []
    for element in ink.elements:
        if edge_sliver(element.bbox, masks.frame, sliver, touch):
            continue
        features = describe(element, px_per_mm, masks)
        decided = element_kind(features, config)
        if decided is None:
            continue
        kind, confidence = decided
        features["page_y"] = round((element.bbox[1] + element.bbox[3]) / 2 / masks.dark.shape[0], 3)
        features["page_x"] = round((element.bbox[0] + element.bbox[2]) / 2 / masks.dark.shape[1], 3)
        # A small note in the margin (an archival sheet number) is matched by position, not text.
        small = max(features["width_mm"], features["height_mm"]) <= config.marginal_max_mm
        features["marginal"] = float(kind == "handwriting" and small)
        box = _to_input(element.bbox, factor, page.width, page.height)
        regions.append(Region(kind, box, "", round(confidence, 3), features))
    return _top_to_bottom(regions)


def grey_stamp_regions(ink: PageInk, page: PageImage, config: LayoutConfig) -> list[Region]:
    """Stamps in grey-black ink (``frames.grey_stamps``) away from the coloured elements, unread:
    looked for where ``config.grey_stamps_on_colour`` or the page has no coloured element."""
    coloured = ink.elements[:ink.coloured]
    if coloured and not config.grey_stamps_on_colour:
        return []
    masks = ink.masks
    block = mm_to_px(config.local_block_mm, ink.px_per_mm * 25.4)
    grey = [g for g in grey_stamps(masks.lightness, masks.coloured, ink.px_per_mm, block, config)
            if not any(_inside(g[0], c.bbox, 0.3) for c in coloured)]
    return [_grey_stamp_region(g, masks.dark, ink.px_per_mm, ink.factor, page) for g in grey]


def with_grey_stamps(elements: list[Region], stamps: list[Region]) -> list[Region]:
    """``element_regions`` and ``grey_stamp_regions`` of a page together, top to bottom.

    A grey stamp's letters and frame are large untyped ink, found as elements too: those inside a
    stamp go, a signature across it stays.
    """
    kept = [r for r in elements if r.kind == "signature" or not any(_inside(r.bbox, s.bbox) for s in stamps)]
    return _top_to_bottom(stamps + kept)


def _top_to_bottom(regions: list[Region]) -> list[Region]:
    return sorted(regions, key=lambda r: (r.bbox[1], r.bbox[0]))


def off_sheet_cleared(masks: InkMasks, page: PageImage) -> InkMasks:
    """``masks`` without the ink off the sheet (``PageImage.off_sheet``), framed by the sheet's
    box: a book's edge, the scanner's bed and the facing page hold no element of this page."""
    if page.off_sheet is None:
        return masks
    off = resize_mask(page.off_sheet, *masks.dark.shape)
    # The sheet's box from its rows and columns: listing its pixels took 14 ms an A4 page.
    ys, xs = np.flatnonzero(~off.all(axis=1)), np.flatnonzero(~off.all(axis=0))
    if len(xs) == 0:
        return masks
    # Paper-white lightness there too: the grey-stamp search reads outlines from it.
    return replace(masks, coloured=masks.coloured & ~off, dark=masks.dark & ~off,
                   lightness=np.where(off, np.float32(255.0), masks.lightness),
                   frame=(int(xs[0]), int(ys[0]), int(xs[-1]) + 1, int(ys[-1]) + 1))


def text_ink(masks: InkMasks, px_per_mm: float, config: LayoutConfig) -> tuple[float | None, float] | None:
    """The hue (degrees) of the page's text, None when it is grey-black, and the median height
    (pixels) of its letters; None when the page has no letters standing in lines.

    The text is its letters standing in lines (``typed_ink`` of all the ink); it is coloured when
    at least ``config.text_ink_share_min`` of the letters have a tenth of their pixels or more in
    coloured ink (a near-black violet ribbon is coloured only in parts of its strokes), and its
    letters' height is then that of the coloured ones.
    """
    letters = typed_ink(masks.dark | masks.coloured, config.typed_letter_min_mm * px_per_mm,
                        config.typed_letter_max_mm * px_per_mm)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(letters.astype(np.uint8), connectivity=8)
    if n <= 1:
        return None
    size, heights = stats[1:, cv2.CC_STAT_AREA], stats[1:, cv2.CC_STAT_HEIGHT]
    tinted = np.bincount(labels[masks.coloured], minlength=n)[1:] >= 0.1 * size
    if tinted.mean() < config.text_ink_share_min:
        return None, float(np.median(heights))
    return float(np.median(masks.hue[letters & masks.coloured])), float(np.median(heights[tinted]))


def _printed(element: Element, letters: np.ndarray, config: LayoutConfig) -> bool:
    """Whether ``element`` is print: ``config.printed_share_min`` of its ink or more in the page's
    ``letters`` (bool, letters standing in lines), in ``config.printed_letters_min`` letters or more."""
    x0, y0, x1, y1 = element.bbox
    own = letters[y0:y1, x0:x1] & element.mask
    if own.sum() < config.printed_share_min * element.mask.sum():
        return False
    return cv2.connectedComponents(own.astype(np.uint8), connectivity=8)[0] - 1 >= config.printed_letters_min


def _within_lines(element: Element, letters: np.ndarray, px_per_mm: float, config: LayoutConfig) -> bool:
    """Whether ``element``, a small mark (``marginal_max_mm`` at most), stands inside lines of
    print: ``within_lines_letters_min`` of the page's letters standing in lines or more on each
    side of it, within ``within_lines_reach_mm``, their middles level with it. ``letters``: their
    boxes (``cv2.connectedComponentsWithStats`` rows: x, y, width, height, area). Old print's
    heavy or touching letters come apart from their lines so; a sheet number or a note stands in
    the margin, or between the lines, level with no letter's middle."""
    x0, y0, x1, y1 = element.bbox
    if max(x1 - x0, y1 - y0) > config.marginal_max_mm * px_per_mm or not len(letters):
        return False
    reach = config.within_lines_reach_mm * px_per_mm
    lx0, lx1 = letters[:, 0], letters[:, 0] + letters[:, 2]
    middle = letters[:, 1] + letters[:, 3] / 2
    level = (middle >= y0) & (middle <= y1)
    # A letter the mark's box cuts into counts on the side it reaches out to.
    left = level & (lx0 < x0) & (lx1 >= x0 - reach)
    right = level & (lx1 > x1) & (lx0 <= x1 + reach)
    return int(left.sum()) >= config.within_lines_letters_min and int(right.sum()) >= config.within_lines_letters_min


def _same_hue(hue: float, text: tuple[float | None, float] | None, config: LayoutConfig) -> bool:
    return text is not None and text[0] is not None \
        and abs((hue - text[0] + 180.0) % 360.0 - 180.0) <= config.hue_split_deg


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
