"""PAGE-XML (the PRImA page content schema, 2009–2019 versions): ground truth and OCR results.

Regions are read in the file's ``ReadingOrder`` (ordered groups by ``index``, unordered ones and
plain ``RegionRef``s in file order, groups nested in any depth) and, where it has none, in document
order; text regions the reading order leaves out follow in document order, so that no text is lost.
Each text region is one block; its text is taken at the level asked for
(``pipeline.config.TEXT_LEVELS``):

- ``region``: the region's own ``TextEquiv`` (its lines are its ``Unicode`` text's lines);
- ``line``: one line per ``TextLine`` ``TextEquiv``;
- ``word``: each line's ``Word`` ``TextEquiv``s joined by one space.

Where a region or line has no text at that level, the nearest level that has it is read instead
(a region whose lines are empty by its own text, a line without words by its own), the way OCR-D
tools fill in the levels they do not produce. Of several ``TextEquiv``s of one element the one with
the lowest ``index`` is read, else the first.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from pipeline.model import Transcript
from pipeline.transcript.xmlfile import children, descendants, layout_transcript, local, namespace

_NAMESPACE = re.compile(r"http://schema\.primaresearch\.org/PAGE/gts/pagecontent/(\d{4})-\d{2}-\d{2}")
_GROUPS = ("OrderedGroup", "OrderedGroupIndexed", "UnorderedGroup", "UnorderedGroupIndexed")


def is_page(root: ET.Element) -> bool:
    """Whether ``root`` is a PAGE document: ``PcGts`` in a 2009–2019 page content namespace."""
    match = _NAMESPACE.fullmatch(namespace(root.tag))
    return local(root.tag) == "PcGts" and match is not None and 2009 <= int(match.group(1)) <= 2019


def page_transcript(root: ET.Element, document_id: str, source: str, text_level: str = "line") -> Transcript:
    """The text of a PAGE document, one block per text region in reading order (module docstring)."""
    regions = [region_lines(r, text_level) for r in ordered_regions(root)]
    return layout_transcript([regions], document_id, source, "page")


def ordered_regions(root: ET.Element) -> list[ET.Element]:
    """The text regions in reading order, then those the reading order does not name."""
    by_id = {r.get("id"): r for r in descendants(root, "TextRegion")}
    order = next(descendants(root, "ReadingOrder"), None)
    named: list[str] = []
    if order is not None:
        for group in order:
            named += _group_refs(group)
    out = [by_id[ref] for ref in dict.fromkeys(named) if ref in by_id]
    seen = {id(r) for r in out}
    return out + [r for r in by_id.values() if id(r) not in seen]


def _group_refs(group: ET.Element) -> list[str]:
    """Region ids of a reading-order group, in its order (a group may itself name a region, such as
    a table whose cells it orders: that region comes first)."""
    members = [m for m in group if local(m.tag) in (*_GROUPS, "RegionRef", "RegionRefIndexed")]
    if local(group.tag).startswith("Ordered"):
        members.sort(key=lambda m: _number(m.get("index")))
    refs = [group.get("regionRef")] if group.get("regionRef") else []
    for member in members:
        if local(member.tag) in _GROUPS:
            refs += _group_refs(member)
        elif member.get("regionRef"):
            refs.append(member.get("regionRef", ""))
    return refs


def _number(text: str | None) -> float:
    try:
        return float(text) if text is not None else float("inf")
    except ValueError:
        return float("inf")


def region_lines(region: ET.Element, text_level: str) -> list[str]:
    """The lines of one text region at ``text_level``, falling back to the nearest level with text."""
    own = text_equiv(region)
    lines = [_line_text(line, text_level) for line in children(region, "TextLine")]
    if text_level == "region" and own.strip():
        return own.splitlines()
    if any(line.strip() for line in lines):
        return lines
    return own.splitlines()


def _line_text(line: ET.Element, text_level: str) -> str:
    """A line's text: its words joined (``word`` level) or its own ``TextEquiv``, each the other's
    fallback."""
    own = text_equiv(line)
    words = " ".join(w for w in (text_equiv(word).strip() for word in children(line, "Word")) if w)
    if text_level == "word":
        return words or own
    return own if own.strip() else words


def text_equiv(element: ET.Element) -> str:
    """The ``Unicode`` text of an element's own ``TextEquiv``: the one with the lowest ``index``,
    else the first ("" when it has none)."""
    equivs = list(children(element, "TextEquiv"))
    if not equivs:
        return ""
    chosen = min(enumerate(equivs), key=lambda e: (_number(e[1].get("index")), e[0]))[1]
    return "".join("".join(u.itertext()) for u in children(chosen, "Unicode"))
