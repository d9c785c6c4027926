"""Fonts for synthetic pages, and glyph bitmaps with per-character fallback.

The typewriter face is Debian's ``fonts-gnutypewriter``; it lacks a few characters (``№``, guillemets,
dashes) and draws brackets as slashes; those fall back to DejaVu Sans Mono (``fonts-dejavu-core``).
The handwriting face is Bad Script (OFL, vendored under ``fonts/`` with its licence), whose Cyrillic
and Latin subsets are separate files. Stamps use DejaVu Sans Bold. Fonts are only ever read from
these paths, never fetched.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from pipeline.errors import MissingDependencyError

FONT_DIR = Path(__file__).parent / "fonts"
TYPEWRITER = (
    Path("/usr/share/fonts/truetype/gnutypewriter/GNUTypewriter.ttf"),
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"),
)
#: Rubber stamps are set in bold sans capitals.
STAMP = (Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),)
HANDWRITING = (
    FONT_DIR / "bad-script-cyrillic-400-normal.woff",
    FONT_DIR / "bad-script-latin-400-normal.woff",
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Oblique.ttf"),
)
#: Characters a face draws as something else: GNU Typewriter draws ( ) [ ] as slashes, which a reader
#: (and Tesseract) would take for "/", so the page would no longer show its ground truth.
_NOT_REALLY = {TYPEWRITER[0]: frozenset("()[]")}
_DEBIAN_PACKAGE = {"gnutypewriter": "fonts-gnutypewriter", "dejavu": "fonts-dejavu-core"}


@dataclass(frozen=True, eq=False)
class Glyph:
    """A glyph's coverage bitmap (float32, 0–1) and where its top-left sits from the pen position.

    ``dx``/``dy`` are pixels from the pen's baseline origin to the bitmap's top-left corner.
    """

    mask: np.ndarray
    dx: int
    dy: int
    advance: float


def _require(path: Path) -> None:
    if not path.exists():
        package = next((p for k, p in _DEBIAN_PACKAGE.items() if k in str(path).lower()), None)
        hint = f": apt-get install -y {package}" if package else " (it ships with scanproof)"
        raise MissingDependencyError(f"font {path} is missing{hint}")


@cache
def _font(path: Path, size_px: int) -> ImageFont.FreeTypeFont:
    _require(path)
    return ImageFont.truetype(str(path), size_px)


@cache
def _has_glyph(path: Path, size_px: int, char: str) -> bool:
    """Whether the font draws ``char`` itself rather than its .notdef box (or a stand-in)."""
    if char in _NOT_REALLY.get(path, ()):
        return False
    font = _font(path, size_px)
    # U+FFFF is never assigned, so its bitmap is the font's .notdef glyph.
    notdef = font.getmask("\uffff")
    mask = font.getmask(char)
    return char.isspace() or mask.size != notdef.size or bytes(mask) != bytes(notdef)


@cache
def glyph(faces: tuple[Path, ...], size_px: int, char: str, advance_px: float = 0.0) -> Glyph:
    """The bitmap of ``char`` from the first face in ``faces`` that has it.

    ``size_px`` is the font size in pixels (em height); a positive ``advance_px`` squeezes fallback
    glyphs wider than that horizontally so a fixed-pitch line keeps its pitch.
    """
    path = next((p for p in faces if _has_glyph(p, size_px, char)), faces[0])
    font = _font(path, size_px)
    ascent, descent = font.getmetrics()
    pad = size_px // 2
    canvas = Image.new("L", (size_px * 2 + 2 * pad, ascent + descent + 2 * pad), 0)
    ImageDraw.Draw(canvas).text((pad, pad + ascent), char, font=font, fill=255, anchor="ls")
    arr = np.asarray(canvas, dtype=np.float32) / 255.0
    advance = font.getlength(char)
    ys, xs = np.nonzero(arr > 0)
    if len(xs) == 0:
        return Glyph(np.zeros((0, 0), np.float32), 0, 0, advance)
    y0, y1, x0, x1 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
    mask = arr[y0:y1, x0:x1]
    if advance_px > 0 and mask.shape[1] > advance_px and path != faces[0]:
        img = Image.fromarray((mask * 255).astype(np.uint8))
        img = img.resize((max(1, int(advance_px * 0.9)), mask.shape[0]), Image.Resampling.LANCZOS)
        mask = np.asarray(img, dtype=np.float32) / 255.0
        x0 = pad
    return Glyph(np.ascontiguousarray(mask), int(x0 - pad), int(y0 - pad - ascent), advance)


def typewriter_size(pitch_px: float) -> int:
    """Font size (pixels) at which the typewriter face's advance equals ``pitch_px``."""
    probe = 100
    return max(4, round(probe * pitch_px / _font(TYPEWRITER[0], probe).getlength("Ш")))
