"""What the markup formats share: telling markup from text, parsing XML safely, names and refusals.

A file is taken for markup by its content, never by its suffix: after decoding it opens with an
XML declaration or a document type, or is one element (``first_tag``). Which format it is then
follows from its root element and namespace (``read``).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

from pipeline.errors import InputFileError
from pipeline.model import Metadata, Transcript
from pipeline.transcript.plain import normalize_text

#: The formats ``read_transcript`` accepts, as the refusals name them.
ACCEPTED = ("PAGE-XML (2009–2019), ALTO v2–v4, hOCR, TEI P5, the Wilson Center export (.md) "
            "or plain text (.txt)")

XML_NS = "http://www.w3.org/XML/1998/namespace"

# Comments, processing instructions and a document type before the first element.
_PROLOG = re.compile(r"\A\ufeff?\s*(?:(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE(?:[^\[>]|\[.*?\])*>)\s*)*", re.S)
_FIRST_TAG = re.compile(r"<([A-Za-z_][\w.:-]*)([^<>]*)>")
_ENTITY_DECLARATION = re.compile(r"<!ENTITY", re.I)


def first_tag(text: str) -> str | None:
    """The name of the first element of ``text`` when it is a markup document, else None ("" for a
    document that declares itself XML but has no element).

    Markup is text that opens with an XML declaration or a document type, or whose first element
    declares a namespace, is empty and alone (``<name/>``), or closes at the very end of the text
    (``</name>``). A Markdown transcript may open with an inline tag or a comment (``<sup>12</sup>
    Из дневника …``), which closes long before the text ends: it stays text.
    """
    prolog = _PROLOG.match(text)
    declared = prolog is not None and re.search(r"<\?xml|<!DOCTYPE", prolog.group(0)) is not None
    rest = text[prolog.end():] if prolog else text
    tag = _FIRST_TAG.match(rest)
    if tag is None:
        return "" if declared else None
    name, attrs = tag.group(1), tag.group(2)
    if declared or "xmlns" in attrs:
        return name
    if attrs.rstrip().endswith("/") and not rest[tag.end():].strip():
        return name
    if re.search(rf"</{re.escape(name)}\s*>\s*\Z", rest):
        return name
    return None


def parse_xml(text: str, path: Path | str) -> ET.Element:
    """The root element of an XML document held in ``text`` (already decoded).

    Entity declarations are refused before parsing, so that no entity expansion can blow up
    (the standard library's parser expands internal entities; external ones it never loads).
    Malformed XML is refused with where the parser stopped. Both as a one-line ``InputFileError``.
    """
    doctype = re.search(r"<!DOCTYPE(?:[^\[>]|\[.*?\])*>", text[:65536], re.S)
    if doctype and _ENTITY_DECLARATION.search(doctype.group(0)):
        raise InputFileError(f"{path}: the XML declares entities, which scanproof does not expand "
                             "(a guard against entity bombs); remove the <!ENTITY …> declarations")
    try:
        return ET.fromstring(text.removeprefix("\ufeff"))
    except ET.ParseError as err:
        raise InputFileError(f"{path}: malformed XML ({err}); give a well-formed file in one of the formats "
                             f"scanproof reads: {ACCEPTED}") from None


def local(tag: object) -> str:
    """An element's name without its namespace (comments and processing instructions: "")."""
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def namespace(tag: str) -> str:
    """An element's namespace URI ("" when it has none)."""
    return tag[1:].partition("}")[0] if tag.startswith("{") else ""


def children(element: ET.Element, name: str) -> Iterator[ET.Element]:
    """The child elements called ``name`` (in any namespace), in document order."""
    return (child for child in element if local(child.tag) == name)


def descendants(element: ET.Element, name: str) -> Iterator[ET.Element]:
    """The elements called ``name`` (in any namespace) below ``element``, in document order."""
    return (e for e in element.iter() if e is not element and local(e.tag) == name)


def unknown_xml(path: Path | str, root: ET.Element) -> InputFileError:
    """The refusal of a well-formed document of a kind scanproof does not read."""
    ns = namespace(root.tag)
    found = f"<{local(root.tag)}>" + (f" in namespace {ns}" if ns else " without a namespace")
    return InputFileError(f"{path}: XML of an unknown kind (root element {found}); give one of {ACCEPTED}")


def layout_transcript(pages: list[list[list[str]]], document_id: str, source: str, fmt: str) -> Transcript:
    """The transcript of a layout format (PAGE, ALTO, hOCR): pages of blocks of lines.

    One line per line, a blank line between blocks (and pages); empty lines and blocks are left
    out; ``page_starts`` are the offsets where each page's text starts. These formats carry no
    editorial markup and no translation: all of the text is compared with the scan.
    Raises ``InputFileError`` when no line holds text.
    """
    parts: list[str] = []
    starts: list[int] = []
    length = 0
    for page in pages:
        first = True
        for block in page:
            kept = [line for line in (normalize_text(ln).strip() for ln in block) if line]
            if not kept:
                continue
            if parts:
                parts.append("\n\n")
                length += 2
            if first:
                starts.append(length)
                first = False
            joined = "\n".join(kept)
            parts.append(joined)
            length += len(joined)
    text = "".join(parts)
    if not text.strip():
        raise InputFileError(f"{source or document_id}: the {fmt} file holds no text; give one with the "
                             "transcription (or OCR result) in it")
    return Transcript(document_id, source, Metadata(), text, "", (), source_format=fmt, page_starts=tuple(starts))
