"""Stamps on greyscale scans (``pipeline.layout.frames``): pages drawn by the synth renderer in
colour and converted to grey, as a greyscale scanner does, so a violet stamp is mid-grey ink."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from pipeline.config import LayoutConfig
from pipeline.geometry import iou
from pipeline.layout import detect_regions
from pipeline.model import PageImage, PageSource
from pipeline.synth.degrade import LEVELS
from pipeline.synth.layout import parse_layout
from pipeline.synth.page import render_page

_TEXT = ("Во время беседы было сообщено, что правительство рассмотрело наши предложения по "
         "строительству завода и поставкам оборудования в текущем году.")


def grey_page(stamp: dict | None, level: str, underline: bool = False) -> tuple[PageImage, list]:
    """A greyscale page at 150 dpi: typed paragraphs, a signature and ``stamp`` (or none) over
    the text; with ``underline``, a long ruled line under the text. Returns it and its stamp boxes."""
    elements: list[dict] = [
        {"kind": "text", "x_mm": 25, "y_mm": 30, "width_chars": 60, "paragraphs": [_TEXT, _TEXT, _TEXT]},
        {"kind": "signature", "x_mm": 40, "y_mm": 150, "w_mm": 40, "h_mm": 14, "ink": "blue"},
    ]
    if underline:
        elements.append({"kind": "text", "x_mm": 25, "y_mm": 120, "lines": ["_" * 60]})
    if stamp is not None:
        elements.append({"kind": "stamp", "ink": "violet", **stamp})
    layout = parse_layout({"schema": "scanproof/layout/1", "seed": 3, "level": level, "dpi": 150,
                           "pages": [{"elements": elements}]})
    rendered = render_page(layout.pages[0], layout, 1, LEVELS[level], color=False)
    assert rendered.image.ndim == 2
    pixels = np.repeat(rendered.image[..., None], 3, axis=2)
    page = PageImage(1, PageSource(Path("grey.png")), pixels, 150.0)
    return page, [r.bbox for r in rendered.regions if r.kind == "stamp"]


@pytest.mark.parametrize(("shape", "level", "angle"), [("rect", "archival", 4.0), ("round", "poor", -6.0)])
def test_grey_stamp_found_by_its_outline(shape: str, level: str, angle: float) -> None:
    # A framed stamp across typed lines and a worn round one: each is found (IoU ≥ 0.5), and
    # nothing else on the page is called a stamp.
    size = {"w_mm": 36.0, "h_mm": 36.0} if shape == "round" else {"w_mm": 50.0, "h_mm": 22.0}
    stamp = {"shape": shape, "x_mm": 110.0, "y_mm": 45.0, "lines": ["ПОСОЛЬСТВО СССР", "РАССЕКРЕЧЕНО"],
             "angle_deg": angle, **size}
    page, truth = grey_page(stamp, level)
    stamps = [r for r in detect_regions(page, LayoutConfig(read_elements=False)) if r.kind == "stamp"]
    assert len(stamps) == 1, [(r.bbox, r.features) for r in stamps]
    assert iou(stamps[0].bbox, truth[0]) >= 0.5
    assert stamps[0].features["frame" if shape == "rect" else "ring"] >= 0.5


def test_typed_text_and_a_ruled_line_are_no_grey_stamp() -> None:
    # Rows of type, a ruled line under them and a signature: long straight ink, but no frame.
    page, _ = grey_page(None, "clean", underline=True)
    assert [r for r in detect_regions(page, LayoutConfig(read_elements=False)) if r.kind == "stamp"] == []


def test_the_page_flow_finds_the_regions_detect_regions_finds(tmp_path: Path) -> None:
    # ``read_page`` searches for grey stamps beside the preprocessing and the OCR, and merges them
    # with the elements afterwards: the same regions as the one-call ``detect_regions``, the
    # stamp's own letters not among them as handwriting.
    from dataclasses import replace

    from PIL import Image

    from pipeline.config import Config
    from pipeline.ingest import discover_pages, load_page
    from pipeline.page import read_page

    stamp = {"shape": "rect", "x_mm": 110.0, "y_mm": 45.0, "w_mm": 50.0, "h_mm": 22.0, "angle_deg": 4.0,
             "lines": ["ПОСОЛЬСТВО СССР", "РАССЕКРЕЧЕНО"]}
    page, truth = grey_page(stamp, "archival")
    path = tmp_path / "grey.png"
    Image.fromarray(page.pixels).save(path, dpi=(150, 150))
    config = Config()
    config = replace(config, ocr=replace(config.ocr, lang="rus"), layout=replace(config.layout, read_elements=False))
    source = discover_pages([path])[0]
    flow = read_page(source, 1, config).regions
    whole = detect_regions(load_page(source, 1, config.ingest), config.layout)
    assert [(r.kind, r.bbox) for r in flow] == [(r.kind, r.bbox) for r in whole]
    stamps = [r for r in flow if r.kind == "stamp"]
    assert len(stamps) == 1 and iou(stamps[0].bbox, truth[0]) >= 0.5
    assert not [r for r in flow if r.kind == "handwriting" and iou(r.bbox, truth[0]) > 0.1]
