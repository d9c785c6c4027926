"""Drawing the elements of a layout as ink: typed lines, handwriting, stamps and signatures.

Each element becomes an ``Ink``: a coverage mask (float32, 0 = no ink, 1 = full ink) placed on the
sheet, its colour, and the boxes of its lines in sheet pixels. Masks are composited onto the paper
multiplicatively, as ink absorbs light, so overlapping stamps darken typed text instead of hiding it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

import cv2
import numpy as np

from pipeline.model import BBox
from pipeline.synth.fonts import HANDWRITING, STAMP, TYPEWRITER, glyph, typewriter_size
from pipeline.synth.layout import LINE_MM, MM_PER_INCH, Element

#: Ink colours as RGB; ``ribbon`` is a worn black-violet typewriter ribbon.
INKS: dict[str, tuple[int, int, int]] = {
    "ribbon": (38, 34, 48),
    "black": (28, 28, 34),
    "blue": (38, 62, 150),
    "violet": (104, 60, 158),
    "red": (176, 48, 54),
}
DEFAULT_INK = {"text": "ribbon", "handwriting": "blue", "stamp": "violet", "signature": "blue"}


@dataclass(frozen=True)
class Strike:
    """How unevenly a typewriter lays down ink; all probabilities are per glyph.

    Jitter is in pixels at 300 dpi and scales with the resolution.
    """

    jitter_x: float = 0.5
    jitter_y: float = 0.6
    #: Standard deviation of each type slug's fixed vertical misalignment, pixels at 300 dpi.
    slug_y: float = 0.8
    faint_p: float = 0.04
    heavy_p: float = 0.04
    #: Mean ink density of a normal strike (0–1) and its spread.
    density: float = 0.9
    density_sd: float = 0.08
    #: How patchy the ribbon is: 0 = solid, 1 = strongly mottled.
    mottle: float = 0.35


@dataclass(frozen=True, eq=False)
class Ink:
    """One element's ink on the sheet: ``mask`` (float32, 0–1) with its top-left at (``x``, ``y``)."""

    element: Element
    mask: np.ndarray
    x: int
    y: int
    color: tuple[int, int, int]
    lines: tuple[tuple[str, BBox], ...]

    @property
    def bbox(self) -> BBox:
        h, w = self.mask.shape
        return (self.x, self.y, self.x + w, self.y + h)


def mm_to_px(mm: float, dpi: float) -> float:
    """Millimetres to pixels at ``dpi`` dots per inch."""
    return mm * dpi / MM_PER_INCH


def smooth_noise(shape: tuple[int, int], scale_px: float, rng: np.random.Generator) -> np.ndarray:
    """Low-frequency noise in [0, 1] of ``shape``, with blobs about ``scale_px`` pixels across."""
    h, w = shape
    gh, gw = max(2, int(h / scale_px) + 2), max(2, int(w / scale_px) + 2)
    grid = rng.random((gh, gw), dtype=np.float32)
    field = cv2.resize(grid, (w, h), interpolation=cv2.INTER_CUBIC)
    lo, hi = float(field.min()), float(field.max())
    return (field - lo) / max(hi - lo, 1e-6)


def _paste(canvas: np.ndarray, mask: np.ndarray, x: int, y: int, value: float) -> BBox | None:
    """Max-composite ``mask * value`` onto ``canvas`` at (x, y); returns the pasted box, clipped."""
    h, w = mask.shape
    x0, y0 = max(x, 0), max(y, 0)
    x1, y1 = min(x + w, canvas.shape[1]), min(y + h, canvas.shape[0])
    if x1 <= x0 or y1 <= y0:
        return None
    sub = mask[y0 - y : y1 - y, x0 - x : x1 - x] * value
    np.maximum(canvas[y0:y1, x0:x1], sub, out=canvas[y0:y1, x0:x1])
    return (x0, y0, x1, y1)


def _union(a: BBox | None, b: BBox | None) -> BBox | None:
    if a is None or b is None:
        return a or b
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


@cache
def _slug_offset(seed: int, char: str, sd: float) -> float:
    """The fixed vertical misalignment of one type slug of a machine (pixels at 300 dpi)."""
    return float(np.random.default_rng([seed, ord(char)]).normal(0.0, sd))


_HEAVY_KERNEL = np.ones((2, 2), np.uint8)


def _typed(e: Element, dpi: float, strike: Strike, machine: int, rng: np.random.Generator) -> Ink:
    scale = dpi / 300.0
    pitch = dpi / e.pitch_cpi
    size = typewriter_size(pitch)
    line_px = mm_to_px(LINE_MM * e.spacing, dpi)
    lines = e.text_lines()
    pad = size
    height = int(line_px * max(len(lines), 1) + 2 * pad)
    canvas = np.zeros((height, int(pitch * (e.width_chars + 2) + 2 * pad)), np.float32)
    boxes: list[BBox | None] = []
    for i, text in enumerate(lines):
        text = text.rstrip()
        start = 0
        if e.align in ("center", "right") and len(text.strip()) < e.width_chars:
            free = e.width_chars - len(text.strip())
            start = free // 2 if e.align == "center" else free
            text = text.strip()
        baseline = pad + int(size * 0.75) + i * line_px
        box = None
        for j, ch in enumerate(text):
            if ch == " ":
                continue
            g = glyph(TYPEWRITER, size, ch, pitch)
            if g.mask.size == 0:
                continue
            mask = g.mask
            roll = rng.random()
            if roll < strike.faint_p:
                value = rng.uniform(0.3, 0.55)
            elif roll < strike.faint_p + strike.heavy_p:
                # A hard strike spreads the ink and closes small counters (е, а, о fill in).
                mask = cv2.dilate(mask, _HEAVY_KERNEL)
                value = 1.0
            else:
                value = min(1.0, max(0.35, rng.normal(strike.density, strike.density_sd)))
            cell_x = pad + (start + j) * pitch
            gx = cell_x + (pitch - g.advance) / 2 + g.dx + rng.normal(0, strike.jitter_x) * scale
            slug = _slug_offset(machine, ch, strike.slug_y)
            gy = baseline + g.dy + (slug + rng.normal(0, strike.jitter_y)) * scale
            box = _union(box, _paste(canvas, mask, round(gx), round(gy), value))
        boxes.append(box)
    if strike.mottle > 0:
        # Ribbon wear: the ink varies over a few characters and from fibre to fibre.
        coarse = smooth_noise(canvas.shape, pitch * 1.5, rng)
        fine = rng.random(canvas.shape, dtype=np.float32)
        canvas *= 1.0 - strike.mottle * (0.6 * coarse + 0.4 * fine)
    x = round(mm_to_px(e.x_mm, dpi)) - pad
    y = round(mm_to_px(e.y_mm, dpi)) - pad
    return _finish(e, canvas, x, y, lines, boxes)


def _finish(e: Element, canvas: np.ndarray, x: int, y: int, lines: tuple[str, ...],
            boxes: list[BBox | None]) -> Ink:
    """Crop ``canvas`` to its ink and express the line boxes in sheet pixels."""
    ys, xs = np.nonzero(canvas > 0)
    if len(xs) == 0:
        cx0 = cy0 = 0
        canvas = canvas[:1, :1] * 0
    else:
        cy0, cx0 = int(ys.min()), int(xs.min())
        canvas = canvas[cy0 : int(ys.max()) + 1, cx0 : int(xs.max()) + 1]
    out = tuple(
        (text.strip(), (b[0] + x, b[1] + y, b[2] + x, b[3] + y))
        for text, b in zip(lines, boxes, strict=True)
        if b is not None and text.strip()
    )
    return Ink(e, np.ascontiguousarray(canvas), x + cx0, y + cy0, INKS[e.ink or DEFAULT_INK[e.kind]], out)


def _rotate(canvas: np.ndarray, angle_deg: float, boxes: list[BBox | None]) -> tuple[np.ndarray, list]:
    """Rotate ``canvas`` about its centre (counter-clockwise positive) onto a canvas that fits it."""
    h, w = canvas.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle_deg, 1.0)
    cos, sin = abs(m[0, 0]), abs(m[0, 1])
    nw, nh = int(h * sin + w * cos) + 2, int(h * cos + w * sin) + 2
    m[0, 2] += nw / 2 - w / 2
    m[1, 2] += nh / 2 - h / 2
    out = cv2.warpAffine(canvas, m, (nw, nh), flags=cv2.INTER_LINEAR)
    moved = []
    for b in boxes:
        if b is None:
            moved.append(None)
            continue
        pts = np.array([[b[0], b[1], 1], [b[2], b[1], 1], [b[0], b[3], 1], [b[2], b[3], 1]], np.float64) @ m.T
        moved.append((int(np.floor(pts[:, 0].min())) - 1, int(np.floor(pts[:, 1].min())) - 1,
                      int(np.ceil(pts[:, 0].max())) + 2, int(np.ceil(pts[:, 1].max())) + 2))
    return out, moved


def _handwritten(e: Element, dpi: float, rng: np.random.Generator) -> Ink:
    size = round(mm_to_px(e.size_mm, dpi) * 1.4)
    lines = e.lines
    line_px = size * 1.05
    pad = size
    longest = max((len(t) for t in lines), default=1)
    canvas = np.zeros((int(line_px * len(lines) + 2 * pad), int(size * 0.75 * longest + 2 * pad)), np.float32)
    boxes: list[BBox | None] = []
    for i, text in enumerate(lines):
        pen_x = pad + rng.uniform(0, size * 0.6)
        baseline = pad + size * 0.8 + i * line_px
        box = None
        drift = rng.normal(0, 0.03)  # lines of a hand note wander up or down
        value = float(np.clip(rng.normal(0.85, 0.08), 0.5, 1.0))
        for ch in text:
            g = glyph(HANDWRITING, size, ch)
            if g.mask.size:
                gy = baseline + g.dy + drift * (pen_x - pad) + rng.normal(0, size * 0.02)
                box = _union(box, _paste(canvas, g.mask, round(pen_x + g.dx), round(gy), value))
            pen_x += g.advance * rng.uniform(0.96, 1.06)
        boxes.append(box)
    canvas *= 1.0 - 0.3 * smooth_noise(canvas.shape, size * 0.7, rng)
    h0, w0 = canvas.shape
    canvas, boxes = _rotate(canvas, e.angle_deg, boxes)
    # Rotation grows the canvas about its centre; shift back so the note stays where it was placed.
    x = round(mm_to_px(e.x_mm, dpi)) - pad - (canvas.shape[1] - w0) // 2
    y = round(mm_to_px(e.y_mm, dpi)) - pad - (canvas.shape[0] - h0) // 2
    return _finish(e, canvas, x, y, lines, boxes)


def _arc_text(canvas: np.ndarray, text: str, centre: tuple[float, float], radius: float, size: int) -> None:
    """Set ``text`` clockwise along the top of a circle, letters upright to the centre."""
    step = size * 0.8 / radius  # radians per letter
    start = -math.pi / 2 - step * (len(text) - 1) / 2
    for k, ch in enumerate(text):
        g = glyph(STAMP, size, ch)
        if g.mask.size == 0:
            continue
        theta = start + k * step
        rotated, _ = _rotate(g.mask, -math.degrees(theta + math.pi / 2), [])
        cx = centre[0] + radius * math.cos(theta)
        cy = centre[1] + radius * math.sin(theta)
        _paste(canvas, rotated, round(cx - rotated.shape[1] / 2), round(cy - rotated.shape[0] / 2), 1.0)


def _stamp(e: Element, dpi: float, rng: np.random.Generator) -> Ink:
    w, h = round(mm_to_px(e.w_mm, dpi)), round(mm_to_px(e.h_mm, dpi))
    pad = max(4, w // 10)
    canvas = np.zeros((h + 2 * pad, w + 2 * pad), np.float32)
    thick = max(2, round(dpi / 100))
    lines = [t for t in e.lines if t.strip()]
    if e.shape == "round":
        centre = (pad + w / 2, pad + h / 2)
        r = min(w, h) / 2
        cv2.circle(canvas, (round(centre[0]), round(centre[1])), round(r - thick), 1.0, thick, cv2.LINE_AA)
        cv2.circle(canvas, (round(centre[0]), round(centre[1])), round(r * 0.68), 1.0, max(1, thick // 2),
                   cv2.LINE_AA)
        if lines:
            # The legend runs round the rim: at most ~330° of it, letters no taller than the ring.
            arc = r * 0.84
            size = max(6, min(round(r * 0.2), int(5.8 * arc / (0.8 * max(len(lines[0]), 1)))))
            _arc_text(canvas, lines[0], centre, arc, size)
        inner, box_w, box_h = lines[1:], r * 1.2, r * 1.0
    else:
        cv2.rectangle(canvas, (pad, pad), (pad + w - 1, pad + h - 1), 1.0, thick, cv2.LINE_AA)
        gap = 2 * thick
        cv2.rectangle(canvas, (pad + gap, pad + gap), (pad + w - 1 - gap, pad + h - 1 - gap), 1.0,
                      max(1, thick // 2), cv2.LINE_AA)
        centre = (pad + w / 2, pad + h / 2)
        inner, box_w, box_h = lines, w * 0.86, h * 0.7
    if inner:
        longest = max(len(t) for t in inner)
        # Bold sans capitals advance about 0.72 em; fit the longest line and all lines in the box.
        lsize = max(6, min(round(box_h / (1.15 * len(inner))), round(box_w / (0.72 * longest))))
        total = lsize * 1.15 * len(inner)
        for i, text in enumerate(inner):
            width = sum(glyph(STAMP, lsize, c).advance for c in text)
            pen_x = centre[0] - width / 2
            baseline = centre[1] - total / 2 + lsize * 0.95 + i * lsize * 1.15
            for ch in text:
                g = glyph(STAMP, lsize, ch)
                if g.mask.size:
                    _paste(canvas, g.mask, round(pen_x + g.dx), round(baseline + g.dy), 1.0)
                pen_x += g.advance
    # A rubber stamp inks unevenly: one side presses harder, and the pad leaves gaps.
    tilt = np.linspace(rng.uniform(0.45, 0.8), rng.uniform(0.85, 1.0), canvas.shape[1], dtype=np.float32)
    gaps = smooth_noise(canvas.shape, max(4.0, thick * 3.0), rng)
    canvas *= tilt[None, :] * np.clip(gaps * 1.6 - 0.15, 0.0, 1.0)
    canvas, _ = _rotate(canvas, e.angle_deg, [])
    x = round(mm_to_px(e.x_mm, dpi)) - (canvas.shape[1] - w) // 2
    y = round(mm_to_px(e.y_mm, dpi)) - (canvas.shape[0] - h) // 2
    text = " ".join(lines)
    return _finish(e, canvas, x, y, (text,), [(0, 0, canvas.shape[1], canvas.shape[0])])


def _signature(e: Element, dpi: float, rng: np.random.Generator) -> Ink:
    w, h = round(mm_to_px(e.w_mm, dpi)), round(mm_to_px(e.h_mm, dpi))
    pad = max(6, h // 4)
    canvas = np.zeros((h + 2 * pad, w + 2 * pad), np.float32)
    # A signature is a fast looping stroke: a sum of a drift and a few loops, then a flourish.
    t = np.linspace(0, 1, 400)
    loops = rng.integers(3, 7)
    xs = pad + w * (0.05 + 0.8 * t) + (w / (loops * 3)) * np.sin(2 * np.pi * loops * t + rng.uniform(0, 6))
    ys = (pad + h * 0.5 + h * 0.32 * np.sin(2 * np.pi * loops * t * rng.uniform(0.9, 1.1) + rng.uniform(0, 6))
          + h * 0.12 * np.sin(2 * np.pi * t * rng.uniform(0.5, 1.5)))
    thick = max(2, round(dpi / 110))
    pts = np.stack([xs, ys], axis=1).round().astype(np.int32)
    cv2.polylines(canvas, [pts], False, 1.0, thick, cv2.LINE_AA)
    fx = pad + w * np.linspace(0.1, 1.0, 60)
    fy = pad + h * (0.85 - 0.25 * np.linspace(0, 1, 60) ** 2)
    cv2.polylines(canvas, [np.stack([fx, fy], 1).round().astype(np.int32)], False, 1.0, max(1, thick - 1),
                  cv2.LINE_AA)
    canvas *= 1.0 - 0.25 * smooth_noise(canvas.shape, 12.0, rng)
    x = round(mm_to_px(e.x_mm, dpi)) - pad
    y = round(mm_to_px(e.y_mm, dpi)) - pad
    return _finish(e, canvas, x, y, ("",), [None])


def render_element(e: Element, dpi: float, strike: Strike, machine: int, rng: np.random.Generator) -> Ink:
    """Draw one element at ``dpi``; ``machine`` seeds the typewriter's fixed slug misalignments."""
    if e.kind == "text":
        return _typed(e, dpi, strike, machine, rng)
    if e.kind == "handwriting":
        return _handwritten(e, dpi, rng)
    if e.kind == "stamp":
        return _stamp(e, dpi, rng)
    return _signature(e, dpi, rng)


def ink_window(ink: Ink, height: int, width: int) -> tuple[tuple[slice, slice], np.ndarray] | None:
    """The part of a ``height`` × ``width`` sheet that ``ink`` covers, and the matching part of its mask."""
    h, w = ink.mask.shape
    x0, y0 = max(ink.x, 0), max(ink.y, 0)
    x1, y1 = min(ink.x + w, width), min(ink.y + h, height)
    if x1 <= x0 or y1 <= y0:
        return None
    return (slice(y0, y1), slice(x0, x1)), ink.mask[y0 - ink.y : y1 - ink.y, x0 - ink.x : x1 - ink.x]


def composite(sheet: np.ndarray, ink: Ink) -> None:
    """Lay ``ink`` on ``sheet`` (float32 RGB, 0–1) in place, multiplicatively."""
    window = ink_window(ink, sheet.shape[0], sheet.shape[1])
    if window is None:
        return
    where, mask = window
    absorb = 1.0 - np.asarray(ink.color, np.float32) / 255.0
    sheet[where] *= 1.0 - mask[..., None] * absorb
