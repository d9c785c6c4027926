"""Stamps in grey-black ink (greyscale scans, black stamps): their frames and rings.

On a greyscale scan a violet stamp is mid-grey ink, often paler than the type and worn into dashes,
so it does not survive the dark-ink mask whole, and its letters look like large handwriting. What
still sets it apart is geometry: a stamp's frame is two pairs of long, thin, straight lines that
meet as a (slightly rotated) rectangle, and a round stamp is a thin circle; typed text, underlines
and handwriting make neither. The functions here are pure, on a page's Lab lightness and ink masks
at analysis resolution; lengths are in pixels unless named ``_mm``.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from pipeline.config import LayoutConfig
from pipeline.layout.shapes import RING_BINS, close_gaps
from pipeline.model import BBox


def pale_ink(lightness: np.ndarray, block_px: int, contrast: float) -> np.ndarray:
    """Ink at least ``contrast`` lightness levels (0–255) below the mean of its ``block_px``
    neighbourhood: bool (H, W), from float ``lightness`` (H, W, 0–255).

    A 3×3 blur first keeps the sensor noise of a poor scan from passing as ink; the contrast is set
    below the dark-ink mask's so that a worn stamp's pale frame is kept whole.
    """
    grey = cv2.blur(np.clip(lightness, 0, 255).astype(np.uint8), (3, 3))
    return cv2.adaptiveThreshold(grey, 1, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV,
                                 block_px | 1, contrast) > 0


def parallel_profiles(mask: np.ndarray, starts: np.ndarray, along: np.ndarray, length: int,
                      half_width: int = 1) -> np.ndarray:
    """Ink along parallel segments at once: bool (P, ``length``), row p sampling the unit-pixel
    steps from ``starts[p]`` (x, y) in direction ``along`` (unit vector), inked when ``mask`` has
    ink within ``half_width`` px across the segment."""
    normal = np.array([-along[1], along[0]])
    steps = np.arange(length, dtype=float)
    across = np.arange(-half_width, half_width + 1, dtype=float)
    # (P, across, length) sample points.
    pts = (starts[:, None, None, :] + steps[None, None, :, None] * along
           + across[None, :, None, None] * normal)
    xs, ys = np.rint(pts[..., 0]).astype(int), np.rint(pts[..., 1]).astype(int)
    h, w = mask.shape
    ok = (xs >= 0) & (xs < w) & (ys >= 0) & (ys < h)
    return (mask[np.clip(ys, 0, h - 1), np.clip(xs, 0, w - 1)] & ok).any(axis=1)


def coverage(hits: np.ndarray, max_gap: int) -> np.ndarray:
    """Share (0–1) of each row of ``hits`` (bool (P, L)) inked once gaps of at most ``max_gap``
    are closed, shape (P,): a worn stamp prints its lines as dashes."""
    if hits.shape[1] == 0:
        return np.zeros(len(hits))
    # Replicated borders, as in ``close_gaps``: a zero border would erode a line inked to its end.
    closed = cv2.morphologyEx(hits.astype(np.uint8), cv2.MORPH_CLOSE, np.ones((1, max_gap + 1), np.uint8),
                              borderType=cv2.BORDER_REPLICATE)
    return closed.mean(axis=1)


def thin_segments(mask: np.ndarray, px_per_mm: float, min_len_mm: float, max_tilt_deg: float,
                  clear_mm: float) -> list[tuple[float, float, float, float]]:
    """Long straight thin lines of ink in ``mask``: (x0, y0, x1, y1) in px, each within
    ``max_tilt_deg`` of the horizontal or the vertical.

    Candidates come from the probabilistic Hough transform (``min_len_mm`` long, gaps up to 1.5 mm
    bridged); a line is kept when ink runs along most of it while the two parallels ``clear_mm``
    away are mostly paper: a thin line. Hough also finds lines along the foot or the head of a row
    of type, which have the glyphs' bodies on one side.
    """
    found = cv2.HoughLinesP(mask.astype(np.uint8), 1, np.pi / 360, round(0.8 * min_len_mm * px_per_mm),
                            minLineLength=round(min_len_mm * px_per_mm), maxLineGap=round(1.5 * px_per_mm))
    if found is None:
        return []
    gap = round(1.5 * px_per_mm)
    clear = clear_mm * px_per_mm
    out = []
    for x0, y0, x1, y1 in found.reshape(-1, 4).astype(float):
        tilt = math.degrees(math.atan2(abs(y1 - y0), abs(x1 - x0)))
        if min(tilt, 90.0 - tilt) > max_tilt_deg:
            continue
        length = max(1, round(math.hypot(x1 - x0, y1 - y0)))
        along = np.array([x1 - x0, y1 - y0]) / length
        normal = np.array([-along[1], along[0]])
        starts = np.array([x0, y0]) + np.array([0.0, -clear, clear])[:, None] * normal
        on, left, right = parallel_profiles(mask, starts, along, length)
        if coverage(on[None, :], gap)[0] >= 0.8 and max(left.mean(), right.mean()) <= 0.35:
            out.append((x0, y0, x1, y1))
    return out


def find_frames(mask: np.ndarray, segments: list[tuple[float, float, float, float]], px_per_mm: float,
                side_mm: tuple[float, float], side_min: float) -> list[tuple[np.ndarray, float]]:
    """Rectangular stamp frames: (corners (4, 2) float px, score 0–1), best first, not overlapping.

    Two ``segments`` parallel within 3°, ``side_mm`` (shortest, longest) apart across, overlapping
    along their length by half the shorter, are the long sides of a candidate. Its short sides are
    looked for within 4 mm of the long sides' ends, leaning up to 6° off square, where ink runs
    furthest across; the score is the coverage (``coverage``, dashes joined) of its weakest side,
    and a frame needs ``side_min``.
    """
    gap = round(1.5 * px_per_mm)
    reach = round(4 * px_per_mm)
    found = []
    segs = drop_repeats([np.asarray(s, dtype=float).reshape(2, 2) for s in segments], px_per_mm)
    # The short sides are searched for along hundreds of lines a candidate; "ink within 2 px
    # across the line" is read off the mask widened once along the axis the line crosses (the
    # long sides' direction, within a few degrees of an axis), so each line is sampled once.
    widened = {axis: cv2.dilate(mask.astype(np.uint8), np.ones((1, 5) if axis == 0 else (5, 1), np.uint8)) > 0
               for axis in (0, 1)}
    for i, a in enumerate(segs):
        ua = _unit(a)
        for b in segs[i + 1:]:
            ub = _unit(b)
            if abs(float(ua[0] * ub[1] - ua[1] * ub[0])) > math.sin(math.radians(3.0)):
                continue
            # The rectangle's axis is the mean of the two sides' directions: a hand-set stamp's
            # opposite sides may differ by a degree or two.
            u = ua + ub if ua @ ub > 0 else ua - ub
            u /= np.linalg.norm(u)
            n = np.array([-u[1], u[0]])
            na, nb = float(np.mean(a @ n)), float(np.mean(b @ n))
            if not side_mm[0] * px_per_mm <= abs(na - nb) <= side_mm[1] * px_per_mm:
                continue
            ta, tb = np.sort(a @ u), np.sort(b @ u)
            overlap = min(ta[1], tb[1]) - max(ta[0], tb[0])
            if overlap < 0.5 * min(ta[1] - ta[0], tb[1] - tb[0]):
                continue
            lo, hi = sorted((na, nb))
            # Each short side is looked for along the long sides' ends, and may lean a few
            # degrees off square: a worn or hand-cut stamp, or a scan skewed unevenly.
            ends = []
            across = hi - lo
            lean = round(math.tan(math.radians(6.0)) * across)
            for edge in (min(ta[0], tb[0]), max(ta[1], tb[1])):
                ts = np.arange(edge - reach, edge + reach + 1)
                best = (-1.0, 0.0, 0.0)
                wide = widened[int(abs(u[1]) > abs(u[0]))]
                for shift in range(-lean, lean + 1, 2):
                    d = (shift * u + across * n) / math.hypot(shift, across)
                    covered = coverage(parallel_profiles(wide, ts[:, None] * u + lo * n, d,
                                                         round(math.hypot(shift, across)), 0), gap)
                    k = int(np.argmax(covered))
                    if covered[k] > best[0]:
                        best = (float(covered[k]), float(ts[k]), float(ts[k] + shift))
                ends.append(best)
                if best[0] < side_min:
                    break  # the frame's score is its weakest side's: no need to look further
            if len(ends) < 2:
                continue
            (c0, t0, s0), (c1, t1, s1) = ends
            corners = np.array([t0 * u + lo * n, t1 * u + lo * n, s1 * u + hi * n, s0 * u + hi * n])
            long_sides = [_side_coverage(mask, corners[j], corners[k], gap) for j, k in ((0, 1), (3, 2))]
            score = float(min(c0, c1, *long_sides))
            if score >= side_min and (t1 - t0) >= across:
                found.append((corners, score))
    found.sort(key=lambda f: -f[1])
    kept: list[tuple[np.ndarray, float]] = []
    for corners, score in found:
        if not any(_box_iou(corners, k) > 0.2 for k, _ in kept):
            kept.append((corners, score))
    return kept


def drop_repeats(segments: list[np.ndarray], tolerance_px: float) -> list[np.ndarray]:
    """``segments`` (each (2, 2): end points x, y in px) without the repeats of a longer one: a
    segment whose two ends both lie within ``tolerance_px`` of that one's ends is dropped.

    The Hough transform returns a frame's side several times over (both edges of a stroke, a
    degree apart); every pair of sides is searched for a frame, so repeats cost time
    quadratically and add nothing.
    """
    kept: list[np.ndarray] = []
    for seg in sorted(segments, key=lambda g: -float(np.linalg.norm(g[1] - g[0]))):
        if not any(min(np.abs(seg - line).max(), np.abs(seg[::-1] - line).max()) <= tolerance_px
                   for line in kept):
            kept.append(seg)
    return kept


def _side_coverage(mask: np.ndarray, p0: np.ndarray, p1: np.ndarray, gap: int) -> float:
    """``coverage`` of the segment ``p0``–``p1`` (x, y px), ink within 2 px across it."""
    length = max(1, round(float(np.linalg.norm(p1 - p0))))
    return float(coverage(parallel_profiles(mask, p0[None, :], (p1 - p0) / length, length, 2), gap)[0])


def _unit(segment: np.ndarray) -> np.ndarray:
    """Direction (unit vector) of a segment given as its two end points (2, 2)."""
    d = segment[1] - segment[0]
    return d / max(float(np.linalg.norm(d)), 1e-9)


def _box_iou(a: np.ndarray, b: np.ndarray) -> float:
    """IoU of the upright boxes round two sets of corners (N, 2)."""
    ax0, ay0, ax1, ay1 = *a.min(axis=0), *a.max(axis=0)
    bx0, by0, bx1, by1 = *b.min(axis=0), *b.max(axis=0)
    inter = max(0.0, min(ax1, bx1) - max(ax0, bx0)) * max(0.0, min(ay1, by1) - max(ay0, by0))
    union = (ax1 - ax0) * (ay1 - ay0) + (bx1 - bx0) * (by1 - by0) - inter
    return inter / union if union > 0 else 0.0


def find_rings(mask: np.ndarray, radius_px: tuple[int, int], on_min: float,
               off_max: float, shrink: int = 3) -> list[tuple[float, float, float, float]]:
    """Round stamps: circles of thin ink in ``mask``, (centre x, centre y, radius px, score 0–1),
    best first, not overlapping.

    Candidates are Hough circles (OpenCV ``HOUGH_GRADIENT``) with radii in ``radius_px``, found on
    the mask reduced ``shrink`` times (the transform's time grows with the pixels and radii it
    tries; a ring 12 mm across still spans 24 px at 50 dpi) and scored at full size. Ink must
    lie within 5 % of the radius in at least ``on_min`` of the directions round the centre (gaps
    up to 20° count as inked: worn rings print as dashes), and in at most ``off_max`` of them
    10–20 % beyond it: a stamp's ring is its outermost ink, while a block of type or writing fills
    both bands alike. The score is the first share less the second.
    """
    small = cv2.resize(mask.astype(np.float32), None, fx=1 / shrink, fy=1 / shrink, interpolation=cv2.INTER_AREA)
    blurred = cv2.GaussianBlur(np.clip(small * 2 * 255, 0, 255).astype(np.uint8), (3, 3), 1.0)
    circles = cv2.HoughCircles(blurred, cv2.HOUGH_GRADIENT, dp=1, minDist=radius_px[0] / shrink, param1=100,
                               param2=20, minRadius=radius_px[0] // shrink, maxRadius=radius_px[1] // shrink)
    if circles is None:
        return []
    circles = circles * shrink + (shrink - 1) / 2 * np.array([1.0, 1.0, 0.0])
    h, w = mask.shape
    gap = round(20 / (360 / RING_BINS))
    found = []
    for cx, cy, r in circles[0, :20]:
        x0, y0 = max(0, int(cx - 1.4 * r)), max(0, int(cy - 1.4 * r))
        x1, y1 = min(w, int(cx + 1.4 * r) + 1), min(h, int(cy + 1.4 * r) + 1)
        ys, xs = np.nonzero(mask[y0:y1, x0:x1])
        dist = np.hypot(xs + x0 - cx, ys + y0 - cy)
        direction = ((np.arctan2(ys + y0 - cy, xs + x0 - cx) + math.pi) / (2 * math.pi) * RING_BINS
                     ).astype(int) % RING_BINS
        # The reduced transform places the radius to a few pixels: the ring is the radius near it
        # that scores best.
        best = (-1.0, 0.0, 0.0, 0.0)
        for radius in np.arange(0.9 * r, 1.1 * r, 2.0):
            on = np.zeros(RING_BINS, dtype=bool)
            on[direction[np.abs(dist - radius) <= max(2.0, 0.04 * radius)]] = True
            off = np.zeros(RING_BINS, dtype=bool)
            off[direction[(dist >= 1.1 * radius) & (dist <= 1.2 * radius)]] = True
            on_share, off_share = float(close_gaps(on, gap, circular=True).mean()), float(off.mean())
            if on_share - off_share > best[0]:
                best = (on_share - off_share, on_share, off_share, float(radius))
        score, on_share, off_share, radius = best
        if on_share >= on_min and off_share <= off_max:
            found.append((float(cx), float(cy), radius, score))
    found.sort(key=lambda f: -f[3])
    kept: list[tuple[float, float, float, float]] = []
    for c in found:
        if all(math.hypot(c[0] - k[0], c[1] - k[1]) > k[2] + c[2] for k in kept):
            kept.append(c)
    return kept


def grey_stamps(lightness: np.ndarray, exclude: np.ndarray, px_per_mm: float, block_px: int,
                config: LayoutConfig) -> list[tuple[BBox, str, float]]:
    """Stamps in grey-black ink on a page: (box in px, ``frame`` or ``ring``, score 0–1).

    ``lightness`` is the page's Lab lightness (H, W, 0–255) at ``px_per_mm``; ``exclude`` (bool,
    H × W) is ink already accounted for (coloured ink), left out of the search. Frames and rings
    are looked for in the pale ink (``pale_ink`` over ``block_px``, ``config.grey_ink_contrast``),
    so that a worn stamp paler than the type keeps its outline; rings up to ``config.ring_max_mm``,
    frames up to twice that across.
    """
    ink = pale_ink(lightness, block_px, config.grey_ink_contrast) & ~exclude
    h, w = ink.shape
    out: list[tuple[BBox, str, float]] = []
    segments = thin_segments(ink, px_per_mm, config.frame_line_min_mm, config.frame_tilt_max_deg,
                             config.frame_clear_mm)
    across = (config.stamp_min_mm / 2, 2 * config.ring_max_mm)
    for corners, score in find_frames(ink, segments, px_per_mm, across, config.frame_side_min):
        x0, y0 = np.floor(corners.min(axis=0)).astype(int) - 1
        x1, y1 = np.ceil(corners.max(axis=0)).astype(int) + 2
        out.append(((max(0, int(x0)), max(0, int(y0)), min(w, int(x1)), min(h, int(y1))), "frame", score))
    radii = (round(config.stamp_min_mm / 2 * px_per_mm), round(config.ring_max_mm * px_per_mm))
    for cx, cy, r, score in find_rings(ink, radii, config.ring_coverage_min, 1.0):
        if score < config.grey_ring_score_min:
            continue
        box = (max(0, int(cx - r - 1)), max(0, int(cy - r - 1)), min(w, int(cx + r + 2)), min(h, int(cy + r + 2)))
        # A framed stamp's corner letters may look like an arc; its frame decides.
        if not any(_overlap(box, b) > 0.3 for b, _, _ in out):
            out.append((box, "ring", score))
    return out


def _overlap(a: BBox, b: BBox) -> float:
    """Share (0–1) of the smaller of two boxes that the other covers."""
    inter = max(0, min(a[2], b[2]) - max(a[0], b[0])) * max(0, min(a[3], b[3]) - max(a[1], b[1]))
    smaller = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
    return inter / smaller if smaller > 0 else 0.0
