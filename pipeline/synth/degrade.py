"""What ageing, a flatbed scanner and a phone camera do to a typed sheet.

The degradation levels (``clean``, ``archival``, ``poor``) are presets of one ``Degradation``
dataclass; pass your own instance to go beyond them. Geometric steps return a ``PointMap`` so that
ground-truth boxes follow the ink exactly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import cv2
import numpy as np

from pipeline.synth.render import Strike, smooth_noise

#: Maps sheet pixel coordinates (N×2, x then y) to output-image coordinates.
PointMap = Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True)
class Degradation:
    """How worn the sheet and how rough the scan. Pixel amounts are at 300 dpi and scale with dpi."""

    strike: Strike = field(default_factory=Strike)
    #: Paper colour (RGB) and the strength of its mottling (0 = flat, 0.1 = visibly uneven).
    paper_rgb: tuple[int, int, int] = (238, 233, 218)
    paper_texture: float = 0.04
    #: The sheet lies on the glass rotated by up to this many degrees either way.
    skew_deg: float = 1.0
    #: Dark scanner lid showing along the top/left edge, up to this many millimetres.
    border_mm: float = 3.0
    #: Light falls off by up to this fraction across the page.
    illumination: float = 0.08
    #: Gaussian blur sigma, pixels.
    blur_px: float = 0.7
    #: Sensor noise standard deviation, grey levels (0–255).
    noise: float = 4.0
    #: Dark specks of dust and dirt per A4 page.
    specks: int = 150
    #: Opacity of the verso's text showing through (0 = none).
    bleed: float = 0.05
    #: JPEG quality of the scanner's compression, 0 for none.
    jpeg_quality: int = 88


LEVELS: dict[str, Degradation] = {
    "clean": Degradation(
        strike=Strike(jitter_x=0.2, jitter_y=0.2, slug_y=0.3, faint_p=0.0, heavy_p=0.0, density=0.95,
                      density_sd=0.03, mottle=0.1),
        paper_rgb=(248, 247, 243), paper_texture=0.01, skew_deg=0.0, border_mm=0.0, illumination=0.0,
        blur_px=0.4, noise=0.0, specks=0, bleed=0.0, jpeg_quality=0,
    ),
    "archival": Degradation(
        strike=Strike(jitter_x=0.7, jitter_y=0.8, slug_y=1.2, faint_p=0.06, heavy_p=0.06, density=0.85,
                      density_sd=0.12, mottle=0.45),
        paper_rgb=(236, 229, 210), paper_texture=0.05, skew_deg=1.2, border_mm=3.0, illumination=0.1,
        blur_px=0.9, noise=5.0, specks=250, bleed=0.06, jpeg_quality=85,
    ),
    "poor": Degradation(
        strike=Strike(jitter_x=1.1, jitter_y=1.3, slug_y=1.8, faint_p=0.14, heavy_p=0.12, density=0.72,
                      density_sd=0.18, mottle=0.6),
        paper_rgb=(222, 210, 182), paper_texture=0.09, skew_deg=4.0, border_mm=6.0, illumination=0.25,
        blur_px=1.4, noise=12.0, specks=1500, bleed=0.14, jpeg_quality=55,
    ),
}


def paper(height: int, width: int, deg: Degradation, dpi: float, rng: np.random.Generator) -> np.ndarray:
    """A sheet of paper: float32 RGB in 0–1, of ``height`` × ``width`` pixels."""
    tone = np.asarray(deg.paper_rgb, np.float32) / 255.0
    if deg.paper_texture <= 0:
        return np.broadcast_to(tone, (height, width, 3)).copy()
    cloud = smooth_noise((height, width), dpi * 0.8, rng) * 0.6
    cloud += smooth_noise((height, width), dpi * 0.1, rng) * 0.4
    grain = rng.standard_normal((height, width), dtype=np.float32) * np.float32(0.35)
    shade = 1.0 - deg.paper_texture * (cloud + 0.25 * grain)
    return shade[..., None] * tone


def bleed_through(sheet: np.ndarray, typed: np.ndarray, deg: Degradation, dpi: float,
                  rng: np.random.Generator) -> None:
    """Show the verso's typing through the paper, mirrored, blurred and shifted, in place.

    ``typed`` is the recto's typed-ink coverage (float32, 0–1), standing in for the verso's.
    """
    if deg.bleed <= 0:
        return
    shift = int(rng.uniform(0.3, 0.7) * dpi / 6)  # off by part of a line, as a verso's lines are
    verso = np.roll(typed[:, ::-1], shift, axis=0)
    sigma = 1.5 * dpi / 300
    verso = cv2.GaussianBlur(verso, (0, 0), sigma)
    sheet *= (1.0 - deg.bleed * verso)[..., None]


def scan(sheet: np.ndarray, deg: Degradation, dpi: float,
         rng: np.random.Generator) -> tuple[np.ndarray, PointMap]:
    """Scan ``sheet`` (float32 RGB 0–1): skew, lid border, light fall-off, blur, noise, dust, JPEG.

    Returns the uint8 RGB image (same size) and the map from sheet to image pixels.
    """
    h, w = sheet.shape[:2]
    scale = dpi / 300.0
    angle = float(rng.uniform(-deg.skew_deg, deg.skew_deg))
    border = deg.border_mm * dpi / 25.4
    tx, ty = rng.uniform(0.3, 1.0, 2) * border
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    m[:, 2] += (tx, ty)
    lid = np.float32(0.16)
    img = cv2.warpAffine(sheet, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                         borderValue=(float(lid), float(lid), float(lid)))
    if deg.illumination > 0:
        # Light varies slowly, so compute it on a coarse grid and scale it up.
        gh, gw = max(2, h // 16), max(2, w // 16)
        yy, xx = np.mgrid[0:gh, 0:gw].astype(np.float32)
        theta = rng.uniform(0, 2 * np.pi)
        ramp = np.cos(theta) * xx / gw + np.sin(theta) * yy / gh
        ramp = (ramp - ramp.min()) / max(float(ramp.max() - ramp.min()), 1e-6)
        coarse = 1.0 - deg.illumination * (0.7 * ramp + 0.3 * smooth_noise((gh, gw), dpi / 8, rng))
        img *= cv2.resize(coarse, (w, h), interpolation=cv2.INTER_LINEAR)[..., None]
    if deg.blur_px > 0:
        img = cv2.GaussianBlur(img, (0, 0), deg.blur_px * scale)
    out = img
    out *= np.float32(255.0)
    if deg.noise > 0:
        out += (rng.standard_normal((h, w), dtype=np.float32) * np.float32(deg.noise))[..., None]
    n = int(deg.specks * (h * w) / (3508 * 2480))
    if n:
        xs, ys = rng.integers(0, w, n), rng.integers(0, h, n)
        radii = np.maximum(1, (rng.pareto(2.5, n) * scale + 0.6).astype(int))
        greys = rng.uniform(20, 140, n)
        for x, y, r, g in zip(xs, ys, radii, greys, strict=True):
            cv2.circle(out, (int(x), int(y)), int(min(r, 6 * scale + 1)), (float(g),) * 3, -1, cv2.LINE_AA)
    result = np.clip(out, 0, 255, out=out).astype(np.uint8)
    if deg.jpeg_quality:
        ok, buf = cv2.imencode(".jpg", result, [cv2.IMWRITE_JPEG_QUALITY, deg.jpeg_quality])
        result = cv2.imdecode(buf, cv2.IMREAD_UNCHANGED)

    def to_image(points: np.ndarray) -> np.ndarray:
        return np.c_[points, np.ones(len(points))] @ m.T

    return result, to_image


def phone_photo(image: np.ndarray, dpi: float, rng: np.random.Generator) -> tuple[np.ndarray, PointMap]:
    """Make a scan look photographed by a phone: sheet on a table, in perspective, curled, shadowed.

    ``image`` is a uint8 RGB page; the result is larger (the table shows around the sheet). Returns
    the photo and the map from ``image`` pixels to photo pixels.
    """
    h, w = image.shape[:2]
    margin = 0.07
    ow, oh = int(w * (1 + 2 * margin)), int(h * (1 + 2 * margin))
    # The sheet bends along one axis (a curl across the width), a few millimetres at most.
    curl = rng.uniform(0.004, 0.012) * h * rng.choice([-1.0, 1.0])

    def bend(points: np.ndarray) -> np.ndarray:
        x, y = points[:, 0], points[:, 1]
        return np.c_[x, y + curl * np.sin(np.pi * np.clip(x / w, 0, 1))]

    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    wobble = rng.uniform(-0.045, 0.045, (4, 2)) * np.float32([w, h])
    lo, hi = np.float32([margin * w, margin * h]), np.float32([w * (1 + margin), h * (1 + margin)])
    dst = np.float32([[lo[0], lo[1]], [hi[0], lo[1]], [hi[0], hi[1]], [lo[0], hi[1]]])
    dst += wobble.astype(np.float32)
    persp = cv2.getPerspectiveTransform(src, dst)
    inverse = np.linalg.inv(persp)
    u, v = np.meshgrid(np.arange(ow, dtype=np.float32), np.arange(oh, dtype=np.float32))
    den = inverse[2, 0] * u + inverse[2, 1] * v + inverse[2, 2]
    mx = (inverse[0, 0] * u + inverse[0, 1] * v + inverse[0, 2]) / den
    my = (inverse[1, 0] * u + inverse[1, 1] * v + inverse[1, 2]) / den
    my -= curl * np.sin(np.pi * np.clip(mx / w, 0, 1))
    table = np.empty((oh, ow, 3), np.float32)
    table[:] = rng.uniform([70, 55, 40], [140, 115, 90]).astype(np.float32)
    table *= (0.8 + 0.4 * smooth_noise((oh, ow), dpi * 0.3, rng))[..., None]
    photo = cv2.remap(image.astype(np.float32), mx.astype(np.float32), my.astype(np.float32),
                      cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=(-1, -1, -1))
    outside = photo[..., 0] < 0
    photo[outside] = table[outside]
    # A hand or the phone casts a soft shadow over one side; the lamp lights the middle best.
    a, b = rng.uniform(0, ow), rng.uniform(0, oh)
    normal = rng.normal(0, 1, 2)
    side = ((u - a) * normal[0] + (v - b) * normal[1]) / np.hypot(*normal)
    shadow = 1.0 / (1.0 + np.exp(side / (0.04 * ow)))
    radial = ((u / ow - 0.5) ** 2 + (v / oh - 0.5) ** 2) * 2
    light = (1.0 - rng.uniform(0.25, 0.45) * shadow) * (1.0 - rng.uniform(0.1, 0.3) * radial)
    photo *= light[..., None]
    photo = cv2.GaussianBlur(photo, (0, 0), 1.0 * dpi / 300)
    photo += rng.normal(0, 4.0, photo.shape[:2]).astype(np.float32)[..., None]
    out = np.clip(photo, 0, 255).astype(np.uint8)
    ok, buf = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, 80])
    out = cv2.imdecode(buf, cv2.IMREAD_UNCHANGED)

    def to_photo(points: np.ndarray) -> np.ndarray:
        bent = bend(points)
        homog = np.c_[bent, np.ones(len(bent))] @ persp.T
        return homog[:, :2] / homog[:, 2:3]

    return out, to_photo
