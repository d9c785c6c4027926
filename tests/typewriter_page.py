"""Test pages rendered in the GNU Typewriter face, with the ink of every word labelled.

Until synth pages exist for every case, the OCR and preprocessing tests draw their own: a page of
Russian typescript whose word ink is known exactly, so that boxes and skew can be checked.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from pipeline import geometry

FONT = Path("/usr/share/fonts/truetype/gnutypewriter/GNUTypewriter.ttf")
SEED = Path(__file__).resolve().parent.parent / "transcripts" / "117066.md"


@dataclass(frozen=True)
class RenderedPage:
    """An RGB page, a label image (word i's ink is i + 1, paper 0), the words and the text."""

    rgb: np.ndarray
    labels: np.ndarray
    words: list[str]
    text: str


def seed_lines(first: str, count: int, width: int = 60) -> list[str]:
    """``count`` typed lines of the seed transcript's Russian text, starting at paragraph ``first``."""
    text = SEED.read_text(encoding="utf-8")
    body = text[text.index(first):].replace("*", "")
    lines: list[str] = []
    for para in body.split("\n"):
        if para.strip() and not para.startswith("["):
            lines += textwrap.wrap(para.strip(), width)
        if len(lines) >= count:
            break
    return lines[:count]


def render(lines: list[str], *, dpi: int = 300, angle_deg: float = 0.0, ink: int = 25) -> RenderedPage:
    """An A4 page at ``dpi`` with ``lines`` typed at 12 pt, turned ``angle_deg`` counter-clockwise."""
    scale = dpi / 300.0
    width, height = round(2480 * scale), round(3508 * scale)
    font = ImageFont.truetype(str(FONT), round(42 * scale))
    page = Image.new("L", (width, height), 255)
    labels = Image.new("L", (width, height), 0)
    draw, mark = ImageDraw.Draw(page), ImageDraw.Draw(labels)
    mark.fontmode = "1"  # no anti-aliasing: an edge pixel must carry its word's label, not a blend
    words: list[str] = []
    y = round(300 * scale)
    for line in lines:
        x = round(220 * scale)
        for word in line.split():
            draw.text((x, y), word, font=font, fill=ink)
            mark.text((x, y), word, font=font, fill=len(words) + 1)
            words.append(word)
            x += round(font.getlength(word + " "))
        y += round(75 * scale)
    assert len(words) < 255, "labels are 8-bit"
    gray, lab = np.array(page), np.array(labels)
    if angle_deg:
        forward, size = geometry.rotation(angle_deg, width, height)
        gray = cv2.warpAffine(gray, forward[:2], size, flags=cv2.INTER_LINEAR, borderValue=255)
        lab = cv2.warpAffine(lab, forward[:2], size, flags=cv2.INTER_NEAREST, borderValue=0)
    rgb = np.repeat(gray[:, :, None], 3, axis=2)
    return RenderedPage(rgb, lab, words, "\n".join(lines))
