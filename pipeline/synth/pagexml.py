"""Ground truth as PAGE-XML (2019-07-15 schema).

Typed and handwritten text are ``TextRegion`` elements (``production="typewritten"`` or
``"handwritten-cursive"``) with line- and region-level ``TextEquiv``; stamps and signatures are
``GraphicRegion type="stamp"`` / ``type="signature"``. PAGE gives graphic regions no ``TextEquiv``, so
a stamp's legend goes in the ``custom`` attribute (``text {content:…;}``, PAGE's custom convention).
The metadata dates are fixed so that re-rendering a layout reproduces the file byte for byte.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from pipeline.synth.page import Polygon, TruthRegion

NS = "http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15"
SCHEMA_LOCATION = f"{NS} {NS}/pagecontent.xsd"
#: Fixed, so that output depends only on the layout and seed.
TIMESTAMP = "2000-01-01T00:00:00"
_PRODUCTION = {"text": "typewritten", "handwriting": "handwritten-cursive"}


def _points(polygon: Polygon) -> str:
    return " ".join(f"{x},{y}" for x, y in polygon)


def _escape_custom(text: str) -> str:
    # PAGE's custom attribute uses ';' and '}' as delimiters; keep them out of the value.
    return text.replace("\\", "\\\\").replace(";", "\\u003b").replace("}", "\\u007d").replace("\n", " ")


def _text_equiv(parent: ET.Element, text: str) -> None:
    ET.SubElement(ET.SubElement(parent, "TextEquiv"), "Unicode").text = text


def page_xml(regions: tuple[TruthRegion, ...], image_name: str, width: int, height: int) -> bytes:
    """The PAGE-XML document (UTF-8 bytes) describing ``regions`` on an image ``width`` × ``height``."""
    root = ET.Element("PcGts", {
        "xmlns": NS,
        "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
        "xsi:schemaLocation": SCHEMA_LOCATION,
    })
    meta = ET.SubElement(root, "Metadata")
    ET.SubElement(meta, "Creator").text = "scanproof synth"
    ET.SubElement(meta, "Created").text = TIMESTAMP
    ET.SubElement(meta, "LastChange").text = TIMESTAMP
    page = ET.SubElement(root, "Page", {"imageFilename": image_name, "imageWidth": str(width),
                                        "imageHeight": str(height)})
    order = ET.SubElement(ET.SubElement(page, "ReadingOrder"), "OrderedGroup", {"id": "ro"})
    for i, region in enumerate(regions, start=1):
        rid = f"r{i}"
        ET.SubElement(order, "RegionRefIndexed", {"index": str(i - 1), "regionRef": rid})
        if region.kind in _PRODUCTION:
            node = ET.SubElement(page, "TextRegion", {"id": rid, "type": "paragraph",
                                                       "production": _PRODUCTION[region.kind]})
            ET.SubElement(node, "Coords", {"points": _points(region.polygon)})
            for j, line in enumerate(region.lines, start=1):
                ln = ET.SubElement(node, "TextLine", {"id": f"{rid}l{j}"})
                ET.SubElement(ln, "Coords", {"points": _points(line.polygon)})
                _text_equiv(ln, line.text)
            _text_equiv(node, region.text)
        else:
            attrs = {"id": rid, "type": region.kind}
            if region.text:
                attrs["custom"] = f"text {{content:{_escape_custom(region.text)};}}"
            if region.shape:
                attrs["custom"] = (attrs.get("custom", "") + f" shape {{type:{region.shape};}}").strip()
            node = ET.SubElement(page, "GraphicRegion", attrs)
            ET.SubElement(node, "Coords", {"points": _points(region.polygon)})
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")
