"""Dark scanner borders, table edges, punch holes and what lies off the sheet: not text, painted
over as paper.

Borders and holes are recognised by shape alone: a border is ink touching the image's edge and far
longer than a character; a punch hole is a solid round blob wider than any typed character. Left
in, they make Tesseract read rows of ``|`` and ``I`` down the margins. What is off the sheet comes
found from ingest (``PageImage.off_sheet``).
"""

from __future__ import annotations

import cv2
import numpy as np

from pipeline.preprocess.components import InkComponents


def margin_components(comps: InkComponents, border_min_px: int, blob_min_px: int,
                      blob_fill: float) -> np.ndarray:
    """Boolean flag per component label (index 0, the paper, is False): border or hole.

    A component that spans at least ``border_min_px`` and lies along the image edge for at least
    half that is a border (a word touching the edge of a tight crop touches it only with a few
    letter tips); one whose smaller side is at least ``blob_min_px`` and which fills at least
    ``blob_fill`` (0–1) of its box is a hole or a blot.
    """
    labels = comps.labels
    x, y, bw, bh, area = (comps.stats[:, i] for i in range(5))
    edge = np.concatenate([labels[0, :], labels[-1, :], labels[:, 0], labels[:, -1]])
    contact = np.bincount(edge, minlength=len(comps.stats))
    border = (contact >= border_min_px / 2) & (np.maximum(bw, bh) >= border_min_px)
    blob = (np.minimum(bw, bh) >= blob_min_px) & (area >= blob_fill * bw * bh)
    drop = border | blob
    drop[0] = False
    return drop


def paint_paper(gray: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """``gray`` with the pixels of ``mask`` (non-zero, same shape), grown by 4 pixels, set to white.

    The growth covers the anti-aliased rim of a border, lighter than the threshold but still a
    stroke to Tesseract.
    """
    rim = cv2.dilate(mask.astype(np.uint8), np.ones((9, 9), np.uint8)) > 0
    out = gray.copy()
    out[rim] = 255
    return out


def paint_off_sheet(gray: np.ndarray, off: np.ndarray) -> np.ndarray:
    """``gray`` with the pixels of ``off`` (bool, same shape) set to the paper's grey level (the
    median of every fourth pixel each way on the sheet): white there would make an edge that the
    illumination flattening darkens the paper beside."""
    on_sheet = gray[::4, ::4][~off[::4, ::4]]
    out = gray.copy()
    out[off] = np.uint8(np.median(on_sheet)) if on_sheet.size else 255
    return out
