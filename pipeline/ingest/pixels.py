"""Any decoded image as an RGB ``uint8`` array, converted in strips to bound the memory held."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from PIL import Image

# Rows converted at a time by ``to_rgb`` (a strip of a 12000-pixel-wide page is 9 MB in RGB).
_STRIP_ROWS = 256


def to_rgb(img: Image.Image) -> np.ndarray:
    """Any Pillow image as an RGB ``uint8`` array of shape (height, width, 3).

    Transparent areas become white (paper); 16-bit and 32-bit integer images are scaled from
    their bit depth, float images from 0–1 (or 0–255 when their values go above 1); 1-bit,
    palette, CMYK and YCbCr images go through Pillow's conversion. The image is converted in
    strips of ``_STRIP_ROWS`` rows into the output array, so that beside the decoded image only
    the output is held: a whole-image conversion would hold two or three more copies of a page
    that may be half a gigabyte.
    """
    convert = _strip_converter(img)
    out = np.empty((img.height, img.width, 3), np.uint8)
    for top in range(0, img.height, _STRIP_ROWS):
        bottom = min(top + _STRIP_ROWS, img.height)
        out[top:bottom] = convert(img.crop((0, top, img.width, bottom)))
    return out


def _strip_converter(img: Image.Image) -> Callable[[Image.Image], np.ndarray]:
    """How to turn one strip of ``img`` into RGB ``uint8`` (or one gray channel, broadcast)."""
    mode = img.mode
    if mode == "RGB":
        return np.asarray
    if mode == "L":
        return lambda strip: np.asarray(strip)[:, :, None]
    if mode in ("RGBA", "LA", "PA", "La", "RGBa") or (mode == "P" and "transparency" in img.info):
        return _on_paper
    if mode.startswith("I") or mode == "F":
        offset, factor = _depth_scale(img)
        return lambda strip: _scaled(np.asarray(strip), offset, factor)[:, :, None]
    return lambda strip: np.asarray(strip.convert("RGB"))


def _on_paper(strip: Image.Image) -> np.ndarray:
    """A strip with transparency composited on white: what shows through is paper."""
    paper = Image.new("RGBA", strip.size, (255, 255, 255, 255))
    return np.asarray(Image.alpha_composite(paper, strip.convert("RGBA")).convert("RGB"))


def _depth_scale(img: Image.Image) -> tuple[float, float]:
    """(offset, factor) taking a deep gray image's values to 0–255: ``(v - offset) * factor``.

    Scaled by the nominal range of the depth, not stretched per image (a stretched blank page
    would turn its paper grain into ink); only values beyond 16 bits are stretched.
    """
    if img.mode.startswith("I;16"):
        return 0.0, 1 / 257
    low, high = (float(v) for v in img.getextrema())
    if not (math.isfinite(low) and math.isfinite(high)):
        values = np.asarray(img, np.float64)
        finite = values[np.isfinite(values)]
        low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 0.0)
    if img.mode == "F" and 0.0 < high <= 1.0:
        return 0.0, 255.0
    if high <= 255.0:
        return 0.0, 1.0
    if high <= 65535.0:
        return 0.0, 1 / 257
    return low, 255.0 / (high - low)


def _scaled(values: np.ndarray, offset: float, factor: float) -> np.ndarray:
    """``(values - offset) * factor`` rounded into ``uint8``; NaN (no data) becomes white."""
    scaled = (values.astype(np.float32) - offset) * factor + 0.5
    return np.clip(np.nan_to_num(scaled, nan=255.0, posinf=255.0, neginf=0.0), 0, 255).astype(np.uint8)
