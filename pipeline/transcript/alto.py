"""ALTO (v2–v4 in the Library of Congress namespaces, and the older CCS namespace): OCR results
and ground truth.

Each ``Page`` is a page of the scan, each ``TextBlock`` a block (a blank line between blocks),
each ``TextLine`` a line. A line is its ``String``s' ``CONTENT`` in order, one space for each
``SP`` and between strings that have none, and a ``HYP``'s ``CONTENT`` (the hyphen printed at the
line's end; a soft hyphen there, as ABBYY writes it, is the printed ``-``).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from pipeline.model import Transcript
from pipeline.transcript.xmlfile import descendants, layout_transcript, local, namespace

_NAMESPACES = re.compile(r"http://www\.loc\.gov/standards/alto/ns-v[234]#|http://schema\.ccs-gmbh\.com/ALTO")


def is_alto(root: ET.Element) -> bool:
    """Whether ``root`` is an ALTO document: ``alto`` in one of the ALTO namespaces."""
    return local(root.tag) == "alto" and _NAMESPACES.fullmatch(namespace(root.tag)) is not None


def alto_transcript(root: ET.Element, document_id: str, source: str) -> Transcript:
    """The text of an ALTO document: pages of blocks of lines (module docstring)."""
    pages = list(descendants(root, "Page")) or [root]
    return layout_transcript(
        [[[line_text(line) for line in descendants(block, "TextLine")] for block in descendants(page, "TextBlock")]
         for page in pages],
        document_id, source, "alto")


def line_text(line: ET.Element) -> str:
    """One ``TextLine``'s text."""
    out: list[str] = []
    for item in line:
        name = local(item.tag)
        if name == "String":
            if out and out[-1] != " ":
                out.append(" ")
            out.append(item.get("CONTENT", ""))
        elif name == "SP":
            out.append(" ")
        elif name == "HYP":
            out.append(item.get("CONTENT", "-").replace("\u00ad", "-") or "-")
    return " ".join("".join(out).split())
