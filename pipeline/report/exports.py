"""Exports of the OCR result in the standard formats of the digitisation world.

PAGE-XML (PRImA, 2019-07-15) and ALTO v4 are written one file per page, hOCR one file for the
document. Words are grouped as Tesseract grouped them: paragraph → region/block, line → line.
Boxes are in input-image pixels, like everything else in scanproof. The vendored PAGE schema is in
``schemas/``; tests validate against it.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from pipeline.config import EXPORT_FORMATS
from pipeline.errors import BadArgumentsError
from pipeline.model import BBox, DocumentReport, OcrPage, OcrWord, PageResult
from pipeline.report.files import atomic_write

PAGE_NS = "http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15"
ALTO_NS = "http://www.loc.gov/standards/alto/ns-v4#"
XHTML_NS = "http://www.w3.org/1999/xhtml"

#: PAGE-XML graphic region types of the layout kinds (``text`` regions come from the words).
_PAGE_GRAPHIC = {"stamp": "stamp", "handwriting": "handwritten-annotation", "signature": "signature"}


@dataclass(frozen=True)
class Paragraph:
    """One Tesseract paragraph: its lines of words and the box around them."""

    block: int
    number: int
    lines: list[list[OcrWord]]

    @property
    def bbox(self) -> BBox:
        return union([w.bbox for line in self.lines for w in line])


def union(boxes: Sequence[BBox]) -> BBox:
    """The smallest box holding all ``boxes`` (at least one)."""
    return (min(b[0] for b in boxes), min(b[1] for b in boxes),
            max(b[2] for b in boxes), max(b[3] for b in boxes))


def paragraphs(page: OcrPage) -> list[Paragraph]:
    """The page's words grouped into paragraphs of lines, in reading order."""
    out: list[Paragraph] = []
    for line in page.lines():
        block, number = line[0].block, line[0].paragraph
        if not out or (out[-1].block, out[-1].number) != (block, number):
            out.append(Paragraph(block, number, []))
        out[-1].lines.append(line)
    return out


def _clip(box: BBox, width: int, height: int) -> BBox:
    """``box`` cut to the page ``width`` × ``height`` (pixels)."""
    return (min(max(0, box[0]), width), min(max(0, box[1]), height),
            min(max(0, box[2]), width), min(max(0, box[3]), height))


def _on_page(page: PageResult) -> PageResult:
    """The page with every word and region box cut to the image.

    A box mapped back through a deskew can start or end a pixel or two off the page; the schemas
    want non-negative positions and the hOCR spec wants every box inside its page's."""
    o = page.ocr
    words = tuple(replace(w, bbox=_clip(w.bbox, o.width, o.height)) for w in o.words)
    regions = tuple(replace(r, bbox=_clip(r.bbox, o.width, o.height)) for r in page.regions)
    return replace(page, ocr=replace(o, words=words), regions=regions)


def _points(box: BBox) -> str:
    """PAGE ``Coords/@points`` of a box: its four corners, clockwise, inclusive pixel positions."""
    x0, y0, x1, y1 = box
    x1, y1 = max(x0, x1 - 1), max(y0, y1 - 1)
    return f"{x0},{y0} {x1},{y0} {x1},{y1} {x0},{y1}"


def _sub(parent: ET.Element, ns: str, tag: str, **attrs: object) -> ET.Element:
    return ET.SubElement(parent, f"{{{ns}}}{tag}", {k: str(v) for k, v in attrs.items()})


def _page_text(parent: ET.Element, text: str, conf: float | None = None) -> None:
    equiv = _sub(parent, PAGE_NS, "TextEquiv", **({} if conf is None else {"conf": f"{conf:.2f}"}))
    _sub(equiv, PAGE_NS, "Unicode").text = text


#: Characters XML 1.0 forbids (C0 controls but tab, LF and CR; surrogates; U+FFFE/U+FFFF). A scan's
#: file name or an OCR'd word may hold one, and ElementTree would write it into a file no parser opens.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_safe(text: str) -> str:
    """``text`` with each character XML forbids replaced by U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


def _serialise(root: ET.Element, ns: str) -> bytes:
    for el in root.iter():
        el.text = None if el.text is None else _xml_safe(el.text)
        el.tail = None if el.tail is None else _xml_safe(el.tail)
        el.attrib.update({k: _xml_safe(v) for k, v in el.attrib.items()})
    ET.register_namespace("", ns)
    ET.indent(root, space=" ")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def page_xml(page: PageResult, image: str, created: datetime | None = None) -> bytes:
    """PAGE-XML (2019-07-15) of one page: text regions → lines → words, and graphic regions for
    stamps, handwriting and signatures. ``image`` is the file name recorded for the page."""
    page = _on_page(page)
    stamp = (created or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%S")
    root = ET.Element(f"{{{PAGE_NS}}}PcGts")
    meta = _sub(root, PAGE_NS, "Metadata")
    _sub(meta, PAGE_NS, "Creator").text = "scanproof (Tesseract)"
    _sub(meta, PAGE_NS, "Created").text = stamp
    _sub(meta, PAGE_NS, "LastChange").text = stamp
    o = page.ocr
    el = _sub(root, PAGE_NS, "Page", imageFilename=image, imageWidth=o.width, imageHeight=o.height)
    for p in paragraphs(o):
        rid = f"r{p.block}_{p.number}"
        region = _sub(el, PAGE_NS, "TextRegion", id=rid, type="paragraph")
        _sub(region, PAGE_NS, "Coords", points=_points(p.bbox))
        for li, line in enumerate(p.lines, start=1):
            tl = _sub(region, PAGE_NS, "TextLine", id=f"{rid}_l{li}")
            _sub(tl, PAGE_NS, "Coords", points=_points(union([w.bbox for w in line])))
            for wi, w in enumerate(line, start=1):
                word = _sub(tl, PAGE_NS, "Word", id=f"{rid}_l{li}_w{wi}")
                _sub(word, PAGE_NS, "Coords", points=_points(w.bbox))
                _page_text(word, w.text, max(0.0, min(1.0, w.confidence / 100)))
            _page_text(tl, " ".join(w.text for w in line))
        _page_text(region, "\n".join(" ".join(w.text for w in line) for line in p.lines))
    for i, r in enumerate((r for r in page.regions if r.kind in _PAGE_GRAPHIC), start=1):
        g = _sub(el, PAGE_NS, "GraphicRegion", id=f"g{i}", type=_PAGE_GRAPHIC[r.kind])
        _sub(g, PAGE_NS, "Coords", points=_points(r.bbox))
    return _serialise(root, PAGE_NS)


def _alto_box(box: BBox) -> dict[str, int]:
    return {"HPOS": box[0], "VPOS": box[1], "WIDTH": box[2] - box[0], "HEIGHT": box[3] - box[1]}


def alto_xml(page: PageResult, image: str) -> bytes:
    """ALTO v4 of one page: text blocks → lines → strings (with ``WC`` 0–1), and graphical
    elements for stamps, handwriting and signatures. Measurement unit: pixels."""
    page = _on_page(page)
    o = page.ocr
    root = ET.Element(f"{{{ALTO_NS}}}alto")
    desc = _sub(root, ALTO_NS, "Description")
    _sub(desc, ALTO_NS, "MeasurementUnit").text = "pixel"
    _sub(_sub(desc, ALTO_NS, "sourceImageInformation"), ALTO_NS, "fileName").text = image
    step = _sub(_sub(desc, ALTO_NS, "OCRProcessing", ID="ocr1"), ALTO_NS, "ocrProcessingStep")
    _sub(_sub(step, ALTO_NS, "processingSoftware"), ALTO_NS, "softwareName").text = "scanproof (Tesseract)"
    layout = _sub(root, ALTO_NS, "Layout")
    pg = _sub(layout, ALTO_NS, "Page", ID=f"p{o.index}", PHYSICAL_IMG_NR=o.index,
              WIDTH=o.width, HEIGHT=o.height)
    space = _sub(pg, ALTO_NS, "PrintSpace", **_alto_box((0, 0, o.width, o.height)))
    for p in paragraphs(o):
        bid = f"b{p.block}_{p.number}"
        block = _sub(space, ALTO_NS, "TextBlock", ID=bid, **_alto_box(p.bbox))
        for li, line in enumerate(p.lines, start=1):
            box = union([w.bbox for w in line])
            tl = _sub(block, ALTO_NS, "TextLine", ID=f"{bid}_l{li}", **_alto_box(box))
            for wi, w in enumerate(line, start=1):
                if wi > 1:
                    _sub(tl, ALTO_NS, "SP")
                _sub(tl, ALTO_NS, "String", ID=f"{bid}_l{li}_w{wi}", CONTENT=w.text,
                     WC=f"{max(0.0, min(1.0, w.confidence / 100)):.2f}", **_alto_box(w.bbox))
    for i, r in enumerate((r for r in page.regions if r.kind in _PAGE_GRAPHIC), start=1):
        _sub(space, ALTO_NS, "GraphicalElement", ID=f"g{i}", **_alto_box(r.bbox))
    return _serialise(root, ALTO_NS)


def _title(box: BBox, extra: str = "") -> str:
    return f"bbox {box[0]} {box[1]} {box[2]} {box[3]}" + (f"; {extra}" if extra else "")


def hocr(report: DocumentReport) -> bytes:
    """hOCR (XHTML) of all pages: ``ocr_page`` → ``ocr_carea`` → ``ocr_par`` → ``ocr_line`` →
    ``ocrx_word`` with ``x_wconf`` (0–100)."""
    root = ET.Element(f"{{{XHTML_NS}}}html")
    head = _sub(root, XHTML_NS, "head")
    _sub(head, XHTML_NS, "title").text = report.document
    _sub(head, XHTML_NS, "meta", **{"http-equiv": "Content-Type", "content": "text/html; charset=utf-8"})
    _sub(head, XHTML_NS, "meta", name="ocr-system", content="scanproof (Tesseract)")
    _sub(head, XHTML_NS, "meta", name="ocr-capabilities",
         content="ocr_page ocr_carea ocr_par ocr_line ocrx_word ocrp_wconf")
    body = _sub(root, XHTML_NS, "body")
    for page in map(_on_page, report.pages):
        o = page.ocr
        image = o.image.replace("\\", "\\\\").replace('"', '\\"')
        div = _sub(body, XHTML_NS, "div", **{"class": "ocr_page", "id": f"page_{o.index}",
                                             "title": _title((0, 0, o.width, o.height),
                                                             f'image "{image}"; ppageno {o.index - 1}')})
        for p in paragraphs(o):
            pid = f"{o.index}_{p.block}_{p.number}"
            area = _sub(div, XHTML_NS, "div", **{"class": "ocr_carea", "id": f"block_{pid}",
                                                 "title": _title(p.bbox)})
            par = _sub(area, XHTML_NS, "p",
                       **{"class": "ocr_par", "id": f"par_{pid}", "title": _title(p.bbox)})
            for li, line in enumerate(p.lines, start=1):
                span = _sub(par, XHTML_NS, "span", **{"class": "ocr_line", "id": f"line_{pid}_{li}",
                                                      "title": _title(union([w.bbox for w in line]))})
                for wi, w in enumerate(line, start=1):
                    word = _sub(span, XHTML_NS, "span", **{
                        "class": "ocrx_word", "id": f"word_{pid}_{li}_{wi}",
                        "title": _title(w.bbox, f"x_wconf {round(w.confidence)}")})
                    word.text = w.text
                    word.tail = " "
    return _serialise(root, XHTML_NS)


def require_export_formats(formats: Sequence[str]) -> None:
    """Raise ``BadArgumentsError`` naming any format not in ``EXPORT_FORMATS``."""
    unknown = sorted(set(formats) - set(EXPORT_FORMATS))
    if unknown:
        raise BadArgumentsError(f"unknown export format {', '.join(unknown)}; "
                                f"choose from {', '.join(EXPORT_FORMATS)}")


def write_exports(
    report: DocumentReport,
    out_dir: Path,
    formats: Sequence[str],
) -> list[Path]:
    """Write the requested exports into ``out_dir/exports/``; returns the files written.

    ``formats`` are names from ``EXPORT_FORMATS``. The exports name the input images, since their
    boxes are in input pixels (the report's own page images may be scaled down). Raises
    ``BadArgumentsError`` for an unknown format.
    """
    require_export_formats(formats)
    folder = out_dir / "exports"
    written: list[Path] = []
    for page in report.pages if set(formats) & {"page-xml", "alto"} else ():
        for fmt, render, suffix in (("page-xml", page_xml, "page.xml"), ("alto", alto_xml, "alto.xml")):
            if fmt in formats:
                path = folder / f"page-{page.ocr.index:04d}.{suffix}"
                atomic_write(path, render(page, page.ocr.image))
                written.append(path)
    if "hocr" in formats:
        path = folder / "ocr.hocr"
        atomic_write(path, hocr(report))
        written.append(path)
    return written
