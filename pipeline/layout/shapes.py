"""Shape features of one element's ink: the explainable numbers that decide stamp, handwriting or
signature. Every function takes a boolean ink mask cropped to the element (H, W) and returns plain
floats, so that each decision can be shown in the report beside the region.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from pipeline.glyphs import letters_in_lines

#: Directions round an element's centre sampled for ring coverage (5° each), here and in ``frames``.
RING_BINS = 72
#: Longer side over shorter side of the box of a round stamp, at most: a circle's box is square,
#: and a phone photograph squashes it a little.
ROUND_ASPECT_MAX = 1.33
#: Longest side (px) of the copy of an element searched for circles (``find_ring``).
_HOUGH_SIDE = 300


def ring_coverage(mask: np.ndarray, max_gap_deg: float = 20.0) -> float:
    """Share (0–1) of directions round the box centre in which ink lies on the box's inscribed ellipse.

    A ring stamp's outer circle is its outermost ink, so it touches all four sides of the box and
    fills every direction of a thin band there; writing touches the box only at a few extreme
    points. Normalising by the half-sides makes a stamp seen at an angle (an ellipse) score the same.
    Gaps up to ``max_gap_deg`` count as inked: rubber stamps print broken lines.
    """
    h, w = mask.shape
    ys, xs = np.nonzero(mask)
    if len(xs) == 0 or min(h, w) < 8:
        return 0.0
    nx = (xs + 0.5 - w / 2) / (w / 2)
    ny = (ys + 0.5 - h / 2) / (h / 2)
    r = np.hypot(nx, ny)
    band = (r >= 0.84) & (r <= 1.06)
    theta = np.arctan2(ny[band], nx[band])
    hit = np.zeros(RING_BINS, dtype=bool)
    hit[((theta + math.pi) / (2 * math.pi) * RING_BINS).astype(int) % RING_BINS] = True
    return float(close_gaps(hit, round(max_gap_deg / (360 / RING_BINS)), circular=True).mean())


def close_gaps(hit: np.ndarray, max_gap: int, circular: bool = False) -> np.ndarray:
    """``hit`` (1-D bool) with runs of at most ``max_gap`` False between Trues filled in; on a
    ``circular`` axis the ends join."""
    if max_gap <= 0 or not hit.any():
        return hit
    pad = max_gap if circular else 0
    line = np.concatenate([hit[-pad:], hit, hit[:pad]]) if pad else hit
    # Replicated borders: a constant 0 border would erode the ends of a fully inked side.
    closed = cv2.morphologyEx(line.astype(np.uint8)[None, :], cv2.MORPH_CLOSE,
                              np.ones((1, max_gap + 1), np.uint8), borderType=cv2.BORDER_REPLICATE)[0] > 0
    return closed[pad:len(closed) - pad] if pad else closed


def find_ring(mask: np.ndarray, min_radius: int, max_radius: int,
              max_gap_deg: float = 20.0) -> tuple[float, float, float, float] | None:
    """The best circle of ink in ``mask``: (centre x, centre y, radius in px, score 0–1).

    Candidates come from the Hough transform (OpenCV ``HOUGH_GRADIENT``) with radii in
    [``min_radius``, ``max_radius``]. A candidate's score is the share of directions round its
    centre in which ink lies within 5 % of its radius (gaps up to ``max_gap_deg`` count as inked),
    less the share in which ink lies just outside it (10–20 % beyond): a stamp's ring is its
    outermost ink, while lines of writing cover both bands alike. A ring stamp scores near 1 even
    with a signature across it.
    """
    h, w = mask.shape
    if min(h, w) < 2 * min_radius or not mask.any():
        return None
    # The Hough transform's cost grows with the pixels times the radii tried: a large element is
    # searched on a copy whose longer side is at most _HOUGH_SIDE (a ring's width still shows), and
    # the candidates are scored at full size.
    scale = min(1.0, _HOUGH_SIDE / max(h, w))
    small = mask.astype(np.uint8) * 255
    if scale < 1.0:
        small = cv2.resize(small, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA)
        small = np.where(small > 0, 255, 0).astype(np.uint8)
    blurred = cv2.GaussianBlur(small, (5, 5), 1.5)
    circles = cv2.HoughCircles(blurred, cv2.HOUGH_GRADIENT, dp=2, minDist=max(1, min_radius * scale), param1=100,
                               param2=30, minRadius=max(1, round(min_radius * scale)),
                               maxRadius=max(2, round(max_radius * scale)))
    if circles is None:
        return None
    circles = circles / scale
    ys, xs = np.nonzero(mask)
    best = None
    for cx, cy, r in circles[0, :5]:
        dist = np.hypot(xs - cx, ys - cy)
        direction = ((np.arctan2(ys - cy, xs - cx) + math.pi) / (2 * math.pi) * RING_BINS).astype(int) % RING_BINS
        on = np.zeros(RING_BINS, dtype=bool)
        on[direction[np.abs(dist - r) <= max(2.0, 0.05 * r)]] = True
        outside = np.zeros(RING_BINS, dtype=bool)
        outside[direction[(dist >= 1.1 * r) & (dist <= 1.2 * r)]] = True
        on = close_gaps(on, round(max_gap_deg / (360 / RING_BINS)), circular=True)
        score = float(on.mean() - outside.mean())
        if best is None or score > best[3]:
            best = (float(cx), float(cy), float(r), score)
    return best


def ring_fit(mask: np.ndarray, coverage_min: float = 0.5) -> float:
    """How well (0–1) one circle spanning the box fits the ink: ``find_ring``'s score for radii from
    0.4 of the box's shorter side to 0.6 of its longer side; 0 without such a circle, or when
    ``ring_coverage`` is under ``coverage_min`` (no ring-like outline to test).

    A round stamp's ring is its outermost ink, so the circle spans the box; a square block of
    handwriting touches its box at a few extreme points and fits no circle that wide.
    """
    h, w = mask.shape
    # No circle spans both sides of an oblong box; the Hough search over a large block of type
    # would cost seconds for nothing.
    if max(h, w) > ROUND_ASPECT_MAX * min(h, w) or ring_coverage(mask) < coverage_min:
        return 0.0
    ring = find_ring(mask, max(2, round(0.4 * min(h, w))), max(3, round(0.6 * max(h, w))))
    return 0.0 if ring is None else max(0.0, ring[3])


def ring_bands(mask: np.ndarray, coverage_min: float = 0.5, step: float = 0.02) -> np.ndarray:
    """Which pixels of ``mask``'s box lie on a ring: bool (H, W).

    Radii are normalised to the box's inscribed ellipse (1 = the box's edge). A radius band of
    width ``step`` is a ring when ink covers at least ``coverage_min`` of the directions round the
    centre there; text inside a ring stamp covers only a few directions at any one radius.
    """
    h, w = mask.shape
    yy, xx = np.mgrid[0:h, 0:w]
    r = np.hypot((xx + 0.5 - w / 2) / (w / 2), (yy + 0.5 - h / 2) / (h / 2))
    band = np.minimum((r / step).astype(int), int(1.2 / step))
    angle = np.arctan2(yy + 0.5 - h / 2, xx + 0.5 - w / 2) + math.pi
    theta = (angle / (2 * math.pi) * RING_BINS).astype(int) % RING_BINS
    hit = np.zeros((int(1.2 / step) + 1, RING_BINS), dtype=bool)
    hit[band[mask], theta[mask]] = True
    rings = hit.mean(axis=1) >= coverage_min
    # A printed ring is a few bands thick and wobbles: take the neighbouring bands with it.
    rings = rings | np.roll(rings, 1) | np.roll(rings, -1)
    return rings[band]


def frame_coverage(mask: np.ndarray, max_gap: float = 0.15) -> float:
    """How completely (0–1) ink runs along all four sides of the element's smallest rotated rectangle.

    The score is that of the weakest side (``frame_sides``): a framed stamp scores high on all
    four, a line of text at most on its top and bottom.
    """
    return min(frame_sides(mask, max_gap))


def frame_sides(mask: np.ndarray, max_gap: float = 0.15) -> tuple[float, float, float, float]:
    """Share (0–1) of each side (top, bottom, left, right) of the element's smallest rotated
    rectangle along which ink runs.

    The band along each side is 5 % of the other side, at least 2 px; gaps up to ``max_gap`` of the
    side's length count as inked (rubber stamps print broken lines). Specks (components under 1 %
    of the ink) do not stretch the rectangle.
    """
    solid = without_specks(mask)
    rect = _min_rect(solid)
    if rect is None:
        return 0.0, 0.0, 0.0, 0.0
    (cx, cy), (rw, rh), angle = rect
    # Level the rectangle on a canvas that holds it at any angle, then crop to its ink.
    side = int(math.ceil(math.hypot(rw, rh))) + 2
    rot = cv2.getRotationMatrix2D((cx, cy), angle, 1.0)
    rot[:, 2] += (side / 2 - cx, side / 2 - cy)
    level = cv2.warpAffine(solid.astype(np.uint8), rot, (side, side), flags=cv2.INTER_NEAREST) > 0
    ys, xs = np.nonzero(level)
    upright = level[ys.min():ys.max() + 1, xs.min():xs.max() + 1]
    uh, uw = upright.shape
    by, bx = max(2, round(0.05 * uh)), max(2, round(0.05 * uw))
    sides = (
        upright[:by, :].any(axis=0),
        upright[-by:, :].any(axis=0),
        upright[:, :bx].any(axis=1),
        upright[:, -bx:].any(axis=1),
    )
    top, bottom, left, right = (float(close_gaps(s, round(max_gap * len(s))).mean()) for s in sides)
    return top, bottom, left, right


def without_specks(mask: np.ndarray, share: float = 0.01) -> np.ndarray:
    """``mask`` (bool) without its components smaller than ``share`` of its ink."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    solid = stats[:, cv2.CC_STAT_AREA] >= share * mask.sum()
    solid[0] = False
    return solid[labels]


def outer_rectangle(mask: np.ndarray) -> tuple[tuple[float, float], tuple[float, float], float] | None:
    """The smallest rotated rectangle (OpenCV ``minAreaRect``: centre, size, angle) round the ink
    of ``mask``, specks (``without_specks``) left out; None when it is under 8 px."""
    return _min_rect(without_specks(mask))


def _min_rect(solid: np.ndarray) -> tuple[tuple[float, float], tuple[float, float], float] | None:
    """``outer_rectangle`` of ink already without specks."""
    ys, xs = np.nonzero(solid)
    if len(xs) < 20:
        return None
    rect = cv2.minAreaRect(np.column_stack([xs, ys]).astype(np.float32))
    return rect if min(rect[1]) >= 8 else None


def frame_tilt(mask: np.ndarray) -> float | None:
    """Rotation (degrees counter-clockwise, −45…45) that levels ``outer_rectangle``; None without one."""
    rect = outer_rectangle(mask)
    return None if rect is None else ((rect[2] + 45.0) % 90.0) - 45.0


def frame_band(mask: np.ndarray, share: float = 0.07) -> np.ndarray:
    """Pixels (bool, shape of ``mask``) within ``share`` of the shorter side from the outline of
    ``outer_rectangle``: where a framed stamp's frame lies."""
    band = np.zeros(mask.shape, dtype=np.uint8)
    rect = outer_rectangle(mask)
    if rect is None:
        return band > 0
    thick = max(3, round(2 * share * min(rect[1])))
    cv2.polylines(band, [cv2.boxPoints(rect).round().astype(np.int32)], True, 1, thick)
    return band > 0


def component_shares(mask: np.ndarray, min_px: int) -> tuple[int, float]:
    """Number of 8-connected ink components of at least ``min_px`` pixels, and the largest one's
    share (0–1) of the ink: a signature is one long stroke, a written word several letters."""
    n, _, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    areas = stats[1:n, cv2.CC_STAT_AREA]
    areas = areas[areas >= min_px]
    if len(areas) == 0:
        return 0, 0.0
    return len(areas), float(areas.max() / areas.sum())


def text_rows(mask: np.ndarray, min_run_px: int) -> int:
    """Rows of writing: runs of at least ``min_run_px`` pixel rows whose ink exceeds 10 % of the
    busiest row's (small gaps of fewer than ``min_run_px`` rows do not split a row)."""
    profile = mask.sum(axis=1)
    if profile.max() == 0:
        return 0
    busy = profile > 0.1 * profile.max()
    # Close short gaps so that the space between ascenders and the body does not split a row.
    gap_kernel = np.ones(max(1, min_run_px), dtype=np.uint8)
    busy = cv2.morphologyEx(busy.astype(np.uint8)[:, None], cv2.MORPH_CLOSE, gap_kernel[:, None])[:, 0] > 0
    edges = np.diff(np.concatenate([[0], busy.astype(np.int8), [0]]))
    starts, ends = np.nonzero(edges == 1)[0], np.nonzero(edges == -1)[0]
    return int(((ends - starts) >= min_run_px).sum())


def stroke_width(mask: np.ndarray) -> float:
    """Mean stroke width in pixels: twice the ink area over the length of the ink's outlines."""
    contours, _ = cv2.findContours(mask.astype(np.uint8), cv2.RETR_LIST, cv2.CHAIN_APPROX_NONE)
    perimeter = sum(cv2.arcLength(c, True) for c in contours)
    return float(2.0 * mask.sum() / perimeter) if perimeter > 0 else 0.0


def slant_deg(mask: np.ndarray, angles: tuple[float, ...] = tuple(range(-40, 41, 5))) -> float:
    """Slant of the strokes in degrees from the vertical (positive = leaning right), −40…40.

    The ink is sheared by each candidate angle; the one that makes the column profile sharpest
    (largest sum of squared column counts) stands the strokes upright. Typewriter glyphs stand
    upright already; most handwriting leans by 10–30°.
    """
    h, w = mask.shape
    if h < 4 or not mask.any():
        return 0.0
    src = mask.astype(np.float32)
    best, best_score = 0.0, -1.0
    for angle in angles:
        shear = math.tan(math.radians(angle))
        # x' = x + shear * y (+ shift to stay in frame): feet of right-leaning strokes move under
        # their tops.
        m = np.float32([[1, shear, 0 if shear > 0 else -shear * h], [0, 1, 0]])
        out = cv2.warpAffine(src, m, (w + int(abs(shear) * h) + 1, h), flags=cv2.INTER_NEAREST)
        score = float((out.sum(axis=0) ** 2).sum())
        if score > best_score:
            best, best_score = float(angle), score
    return best


def typed_glyph_height(stats: np.ndarray, px_per_mm: float) -> float:
    """Median height (px) of ink components shaped like typewritten characters (1.2–6 mm tall, at
    most twice as wide as tall); 3 mm when a page has none, about a 12-point capital. ``stats``:
    OpenCV's component statistics of the ink (``InkMasks.dark_components``), background row first."""
    h = stats[1:, cv2.CC_STAT_HEIGHT]
    w = stats[1:, cv2.CC_STAT_WIDTH]
    glyph = (h >= 1.2 * px_per_mm) & (h <= 6 * px_per_mm) & (w <= 2 * h)
    if glyph.sum() < 20:
        return 3.0 * px_per_mm
    return float(np.median(h[glyph]))


def typed_ink(mask: np.ndarray, min_px: float, max_px: float,
              components: tuple[int, np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """The ink of ``mask`` in letters standing in lines (``pipeline.glyphs``), ``min_px``–``max_px``
    high: type or print, in whatever colour. Joined handwriting and signatures are few wide
    components, and their loose letters seldom stand level beside one of their own height.
    ``components``: the 8-connected components of ``mask`` (count, labels, stats), when labelled
    already (``InkMasks.dark_components``)."""
    if components is None:
        n, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    else:
        n, labels, stats = components
    letters = np.concatenate(([False], letters_in_lines(stats[1:], min_px, max_px)))
    return letters[labels]
