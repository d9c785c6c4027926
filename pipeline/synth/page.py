"""Rendering one page of a layout into an image and its ground truth."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from pipeline.model import BBox, Region
from pipeline.synth.degrade import Degradation, PointMap, bleed_through, paper, phone_photo, scan
from pipeline.synth.layout import Layout, PageLayout
from pipeline.synth.render import Ink, composite, ink_window, mm_to_px, render_element

Polygon = tuple[tuple[int, int], ...]

# Independent random streams per purpose, so that e.g. switching stamps off leaves the text as it was.
_STREAM_INK, _STREAM_PAPER, _STREAM_SCAN, _STREAM_PHONE = 1, 2, 3, 4


@dataclass(frozen=True)
class TruthLine:
    text: str
    polygon: Polygon
    bbox: BBox


@dataclass(frozen=True)
class TruthRegion:
    """One element's ground truth in output-image pixels."""

    kind: str  # "text" | "handwriting" | "stamp" | "signature"
    polygon: Polygon
    bbox: BBox
    lines: tuple[TruthLine, ...]
    shape: str = ""  # stamps: "rect" or "round"

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    def region(self) -> Region:
        return Region(kind=self.kind, bbox=self.bbox, text=self.text, confidence=1.0)


@dataclass(frozen=True, eq=False)
class RenderedPage:
    image: np.ndarray  # uint8, RGB (H, W, 3) or grey (H, W)
    regions: tuple[TruthRegion, ...]

    @property
    def text(self) -> str:
        """The typed text of the page, lines in reading order."""
        return "\n".join(r.text for r in self.regions if r.kind == "text")


def _box_polygon(box: BBox, to_image: PointMap, curved: bool, size: tuple[int, int]) -> tuple[Polygon, BBox]:
    """Map a sheet box through ``to_image``: its outline polygon and the image box it covers."""
    x0, y0, x1, y1 = box
    n = 9 if curved else 2  # a curled page bends box edges, so sample them
    t = np.linspace(0.0, 1.0, n)
    edges = np.concatenate([
        np.c_[x0 + (x1 - x0) * t, np.full(n, y0)],
        np.c_[np.full(n, x1), y0 + (y1 - y0) * t][1:],
        np.c_[x1 - (x1 - x0) * t, np.full(n, y1)][1:],
        np.c_[np.full(n, x0), y1 - (y1 - y0) * t][1:-1],
    ])
    pts = to_image(edges)
    w, h = size
    xs = np.clip(pts[:, 0], 0, w)
    ys = np.clip(pts[:, 1], 0, h)
    polygon = tuple((int(round(x)), int(round(y))) for x, y in zip(xs, ys, strict=True))
    bbox = (int(np.floor(xs.min())), int(np.floor(ys.min())), int(np.ceil(xs.max())), int(np.ceil(ys.max())))
    return polygon, bbox


def _truth(ink: Ink, to_image: PointMap, curved: bool, size: tuple[int, int]) -> TruthRegion:
    polygon, bbox = _box_polygon(ink.bbox, to_image, curved, size)
    lines = tuple(TruthLine(text, *_box_polygon(b, to_image, curved, size)) for text, b in ink.lines)
    shape = ink.element.shape if ink.element.kind == "stamp" else ""
    return TruthRegion(ink.element.kind, polygon, bbox, lines, shape)


def render_page(page: PageLayout, layout: Layout, page_no: int, deg: Degradation, *,
                phone: bool = False, color: bool = True) -> RenderedPage:
    """Render page ``page_no`` (1-based) of ``layout`` at ``layout.dpi`` with degradation ``deg``.

    Deterministic in ``layout.seed`` and ``page_no``.
    """
    dpi = float(layout.dpi)
    w = round(mm_to_px(layout.paper_mm[0], dpi))
    h = round(mm_to_px(layout.paper_mm[1], dpi))
    rng_ink = np.random.default_rng([layout.seed, page_no, _STREAM_INK])
    inks = [render_element(e, dpi, deg.strike, layout.seed, rng_ink) for e in page.elements]
    sheet = paper(h, w, deg, dpi, np.random.default_rng([layout.seed, page_no, _STREAM_PAPER]))
    if deg.bleed > 0:
        typed = np.zeros((h, w), np.float32)
        for ink in inks:
            window = ink_window(ink, h, w) if ink.element.kind == "text" else None
            if window is not None:
                np.maximum(typed[window[0]], window[1], out=typed[window[0]])
        bleed_through(sheet, typed, deg, dpi, np.random.default_rng([layout.seed, page_no, _STREAM_PAPER, 1]))
    for ink in inks:
        composite(sheet, ink)
    # A phone photo replaces the scanner: no lid border, and the camera's perspective replaces skew.
    scanner = replace(deg, skew_deg=0.0, border_mm=0.0, jpeg_quality=0) if phone else deg
    image, to_image = scan(sheet, scanner, dpi, np.random.default_rng([layout.seed, page_no, _STREAM_SCAN]))
    to_final = to_image
    if phone:
        photo_rng = np.random.default_rng([layout.seed, page_no, _STREAM_PHONE])
        image, to_photo = phone_photo(image, dpi, photo_rng)

        def to_final(points: np.ndarray) -> np.ndarray:
            return to_photo(to_image(points))

    size = (image.shape[1], image.shape[0])
    regions = tuple(_truth(ink, to_final, phone, size) for ink in inks)
    if not color:
        image = (image.astype(np.float32) @ np.float32([0.299, 0.587, 0.114])).round().astype(np.uint8)
    return RenderedPage(image, regions)
