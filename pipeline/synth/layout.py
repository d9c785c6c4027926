"""Layout files: what a synthetic document's pages show, and where (YAML or JSON).

A layout gives the paper size, the resolution, the degradation level and the generator's seed,
then per page a list of elements placed in millimetres from the sheet's top-left corner::

    schema: scanproof/layout/1
    document: "doc-1"
    seed: 42
    level: archival
    dpi: 300
    paper_mm: [210, 297]
    pages:
      - elements:
          - {kind: text, x_mm: 25, y_mm: 20, lines: ["Из дневника"]}
          - {kind: text, x_mm: 25, y_mm: 90, width_chars: 62, indent_chars: 5,
             paragraphs: ["Беседовал сегодня ..."]}
          - {kind: handwriting, x_mm: 30, y_mm: 260, lines: ["В архив"], ink: blue, angle_deg: 6}
          - {kind: stamp, shape: rect, x_mm: 120, y_mm: 250, w_mm: 50, h_mm: 18,
             lines: ["РАССЕКРЕЧЕНО"], ink: violet, angle_deg: -8}
          - {kind: signature, x_mm: 110, y_mm: 200, w_mm: 40, h_mm: 14, ink: blue}

Elements are listed in reading order; typed text is fixed pitch (``pitch_cpi`` characters per inch)
with ``spacing`` typewriter lines (1/6 inch each) between baselines.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import yaml

from pipeline.errors import InputFileError

SCHEMA = "scanproof/layout/1"
KINDS = ("text", "handwriting", "stamp", "signature")
LEVELS = ("clean", "archival", "poor")
MM_PER_INCH = 25.4
#: One typewriter line feed: 1/6 inch, in millimetres.
LINE_MM = MM_PER_INCH / 6


@dataclass(frozen=True)
class Element:
    """One thing on a page. Which fields matter depends on ``kind``.

    - ``text``: typed lines; ``lines`` are typed as given, ``paragraphs`` are wrapped at
      ``width_chars`` with a first-line indent of ``indent_chars``; ``align`` centres or
      right-aligns short lines inside ``width_chars``.
    - ``handwriting``: ``lines`` written with a pen, ``size_mm`` high, rotated by ``angle_deg``.
    - ``stamp``: ``shape`` ``rect`` or ``round``, ``w_mm`` × ``h_mm``, with ``lines`` inside.
    - ``signature``: pen strokes filling ``w_mm`` × ``h_mm``.

    ``ink`` names a colour (``ribbon``, ``black``, ``blue``, ``violet``, ``red``); ``role`` tags an
    element for the transcript writer (``marginal`` for a sheet number).
    """

    kind: str
    x_mm: float
    y_mm: float
    lines: tuple[str, ...] = ()
    paragraphs: tuple[str, ...] = ()
    width_chars: int = 62
    indent_chars: int = 0
    align: str = "left"
    spacing: float = 1.5
    pitch_cpi: float = 10.0
    w_mm: float = 0.0
    h_mm: float = 0.0
    shape: str = "rect"
    ink: str = ""
    angle_deg: float = 0.0
    size_mm: float = 6.0
    role: str = ""

    def text_lines(self) -> tuple[str, ...]:
        """The lines as they appear on the page (paragraphs wrapped)."""
        out = list(self.lines)
        for para in self.paragraphs:
            out.extend(wrap(para, self.width_chars, self.indent_chars))
        return tuple(out)


@dataclass(frozen=True)
class PageLayout:
    elements: tuple[Element, ...] = ()


@dataclass(frozen=True)
class Layout:
    """A whole document: paper, resolution, degradation level, seed and pages."""

    document: str
    seed: int
    pages: tuple[PageLayout, ...]
    level: str = "archival"
    dpi: int = 300
    paper_mm: tuple[float, float] = (210.0, 297.0)
    title: str = ""


def wrap(paragraph: str, width: int, indent: int = 0) -> list[str]:
    """Break ``paragraph`` into lines of at most ``width`` characters at spaces, as a typist would.

    The first line starts with ``indent`` spaces; a word longer than ``width`` stands alone.
    """
    lines: list[str] = []
    current = " " * indent
    for word in paragraph.split():
        candidate = f"{current} {word}" if current.strip() else current + word
        if len(candidate) > width and current.strip():
            lines.append(current)
            current = word
        else:
            current = candidate
    if current.strip():
        lines.append(current)
    return lines


def _element(raw: dict, where: str) -> Element:
    known = {f.name for f in fields(Element)}
    unknown = set(raw) - known
    if unknown:
        raise InputFileError(f"{where}: unknown element field(s) {', '.join(sorted(unknown))}")
    if raw.get("kind") not in KINDS:
        raise InputFileError(f"{where}: element kind must be one of {', '.join(KINDS)}")
    values = dict(raw)
    for key in ("lines", "paragraphs"):
        if key in values:
            values[key] = tuple(str(s) for s in values[key])
    try:
        return Element(**values)
    except TypeError as exc:
        raise InputFileError(f"{where}: {exc}") from exc


def parse_layout(data: dict, source: str = "layout") -> Layout:
    """Build a ``Layout`` from the parsed YAML/JSON mapping; raises ``InputFileError`` if malformed."""
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise InputFileError(f"{source}: not a layout file (expected schema: {SCHEMA})")
    if data.get("level", "archival") not in LEVELS:
        raise InputFileError(f"{source}: level must be one of {', '.join(LEVELS)}")
    pages = []
    for p, page in enumerate(data.get("pages") or [], start=1):
        elements = tuple(
            _element(e, f"{source}: page {p}, element {i}")
            for i, e in enumerate(page.get("elements") or [], start=1)
        )
        pages.append(PageLayout(elements))
    if not pages:
        raise InputFileError(f"{source}: no pages")
    return Layout(
        document=str(data.get("document", "synthetic")),
        seed=int(data.get("seed", 0)),
        pages=tuple(pages),
        level=str(data.get("level", "archival")),
        dpi=int(data.get("dpi", 300)),
        paper_mm=tuple(float(v) for v in data.get("paper_mm", (210.0, 297.0))),
        title=str(data.get("title", "")),
    )


def read_layout(path: Path) -> Layout:
    """Read a YAML or JSON layout file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputFileError(f"cannot read layout {path}: {exc}") from exc
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise InputFileError(f"{path}: not valid YAML/JSON: {exc}") from exc
    return parse_layout(data, str(path))


def layout_dict(layout: Layout) -> dict:
    """The layout as a plain mapping for YAML/JSON, leaving out fields at their defaults."""
    defaults = Element("text", 0, 0)

    def element(e: Element) -> dict:
        d = {"kind": e.kind, "x_mm": e.x_mm, "y_mm": e.y_mm}
        for f in fields(Element):
            value = getattr(e, f.name)
            if f.name not in d and value != getattr(defaults, f.name):
                d[f.name] = list(value) if isinstance(value, tuple) else value
        return d

    out = {k: v for k, v in asdict(layout).items() if k != "pages"}
    out["paper_mm"] = list(layout.paper_mm)
    out = {"schema": SCHEMA, **out}
    out["pages"] = [{"elements": [element(e) for e in page.elements]} for page in layout.pages]
    return out


def write_layout(layout: Layout, path: Path) -> None:
    """Write ``layout`` as YAML (or JSON when ``path`` ends in ``.json``)."""
    data = layout_dict(layout)
    if path.suffix.lower() == ".json":
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    else:
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100), "utf-8")
