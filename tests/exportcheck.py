"""Validators for the OCR exports: ALTO against the official ALTO 4.4 schema, hOCR with hocr-tools'
checker plus the hOCR 1.2 spec's rules on properties (https://kba.github.io/hocr-spec/1.2/)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from hocr_tools_lib.tools.hocr_check import Checker
from hocr_tools_lib.utils.node_utils import get_bbox
from hocr_tools_lib.utils.rectangle_utils import mostly_non_overlapping
from lxml import etree, html

SCHEMAS = Path(__file__).resolve().parent / "schemas"
PAGE_XSD = Path(__file__).resolve().parent.parent / "pipeline" / "report" / "schemas" / "pagecontent-2019-07-15.xsd"
XLINK_URL = "http://www.loc.gov/standards/xlink/xlink.xsd"
#: The hOCR classes whose elements must carry a ``bbox`` (spec §6: layout and typesetting elements).
BOXED = ("ocr_page", "ocr_carea", "ocr_par", "ocr_line", "ocrx_word")
_PROPERTY = re.compile(r"^\s*([a-z_]+)((?:\s+(?:\"(?:[^\"\\]|\\.)*\"|[^\s;\"]+))*)\s*$")


class _LocalXLink(etree.Resolver):
    """Serve ALTO's XLink import from the copy beside it: the test machines have no network."""

    def resolve(self, url, pubid, context):  # noqa: ANN001, ANN201 — lxml's signature
        if url == XLINK_URL:
            return self.resolve_filename(str(SCHEMAS / "xlink.xsd"), context)
        return None


@cache
def alto_schema() -> etree.XMLSchema:
    """The official ALTO 4.4 schema, with its XLink import served locally."""
    parser = etree.XMLParser()
    parser.resolvers.add(_LocalXLink())
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "alto-4-4.xsd"), parser))


def assert_valid_alto(path: Path) -> None:
    """Raise ``lxml.etree.DocumentInvalid`` naming the first schema error of the ALTO file."""
    alto_schema().assertValid(etree.parse(str(path)))


class _Collecting(Checker):
    """hocr-tools' checker, keeping its failed checks instead of printing them."""

    def __init__(self, path: str) -> None:
        super().__init__(path, no_overlap=True)
        self.failed: list[str] = []

    def test_ok(self, v: bool, msg: str) -> None:  # noqa: FBT001 — the parent's signature
        if not v:
            self.failed.append(msg)


def _properties(title: str) -> dict[str, list[str]]:
    """The ``title`` attribute's properties: name → values; raises ``ValueError`` on bad syntax."""
    props: dict[str, list[str]] = {}
    for part in filter(str.strip, re.split(r";(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)", title)):
        m = _PROPERTY.match(part)
        if not m:
            raise ValueError(f"not a property: {part!r}")
        props[m.group(1)] = re.findall(r"\"(?:[^\"\\]|\\.)*\"|[^\s\"]+", m.group(2))
    return props


def hocr_problems(path: Path) -> list[str]:
    """What is wrong with the hOCR file: hocr-tools' checks (meta tags, nesting, overlap) and the
    spec's property rules — every layout element has a well-formed ``bbox`` of non-negative
    integers inside its page's, ``x_wconf`` is 0–100, each class used is in ``ocr-capabilities``."""
    # hocr-tools' own overlap check compares the boxes of *all* pages with each other (its XPath
    # starts at the root), which fails any document of two pages; overlap is checked per page below.
    checker = _Collecting(str(path))
    checker.check()
    problems = list(checker.failed)
    doc = html.parse(str(path))
    for page in doc.xpath("//*[@class='ocr_page']"):
        for cls in ("ocr_line", "ocr_par", "ocr_carea"):
            if not mostly_non_overlapping([get_bbox(el) for el in page.xpath(f".//*[@class='{cls}']")]):
                problems.append(f"{page.get('id')}: {cls} boxes overlap")
    caps = set(" ".join(doc.xpath("//meta[@name='ocr-capabilities']/@content")).split())
    for page in doc.xpath("//*[@class='ocr_page']"):
        page_box: list[int] | None = None
        for el in [page, *page.xpath(".//*[starts-with(@class, 'ocr')]")]:
            cls, where = el.get("class"), el.get("id") or el.tag
            if cls not in caps:
                problems.append(f"{where}: class {cls} not in ocr-capabilities")
            try:
                props = _properties(el.get("title", ""))
            except ValueError as exc:
                problems.append(f"{where}: {exc}")
                continue
            if cls in BOXED:
                box = props.get("bbox", [])
                if len(box) != 4 or not all(v.isdigit() for v in box):
                    problems.append(f"{where}: bbox {box} is not four non-negative integers")
                    continue
                x0, y0, x1, y1 = map(int, box)
                if x0 > x1 or y0 > y1:
                    problems.append(f"{where}: bbox {box} has its corners swapped")
                if page_box is None:
                    page_box = [x0, y0, x1, y1]
                elif not (page_box[0] <= x0 and page_box[1] <= y0 and x1 <= page_box[2] and y1 <= page_box[3]):
                    problems.append(f"{where}: bbox {box} outside its page {page_box}")
            if "x_wconf" in props:
                conf = props["x_wconf"]
                if len(conf) != 1 or not conf[0].isdigit() or int(conf[0]) > 100:
                    problems.append(f"{where}: x_wconf {conf} is not an integer 0-100")
    return problems


@cache
def page_schema() -> etree.XMLSchema:
    """The PAGE-XML 2019-07-15 schema the product ships (``pipeline/report/schemas``)."""
    return etree.XMLSchema(etree.parse(str(PAGE_XSD)))


def assert_valid_exports(paths: list[Path]) -> None:
    """Validate each export by its kind: PAGE-XML and ALTO by schema, hOCR by :func:`hocr_problems`."""
    for path in paths:
        if path.name.endswith(".page.xml"):
            page_schema().assertValid(etree.parse(str(path)))
        elif path.name.endswith(".alto.xml"):
            assert_valid_alto(path)
        elif path.suffix == ".hocr":
            assert hocr_problems(path) == [], path.name
        else:
            raise AssertionError(f"unknown export {path.name}")
