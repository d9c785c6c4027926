"""Reading a transcription file: its bytes decoded (``encoding``), then parsed in its format.

The format is told by the content, never by the suffix: a markup document (``xmlfile.first_tag``)
is read by its root element and namespace, PAGE-XML (``page``), ALTO (``alto``), TEI (``tei``) or
hOCR (``hocr``, any HTML); other XML, and malformed XML, is refused. Text that is not markup is the
Wilson Center export (``wilson``), or plain text (``plain``) when the file is named ``.txt``.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from pipeline.errors import InputFileError
from pipeline.model import Section, Transcript
from pipeline.transcript.alto import alto_transcript, is_alto
from pipeline.transcript.encoding import decode_text, read_bytes
from pipeline.transcript.hocr import hocr_transcript
from pipeline.transcript.page import is_page, page_transcript
from pipeline.transcript.plain import normalize_text, plain_transcript
from pipeline.transcript.tei import is_tei, tei_transcript
from pipeline.transcript.wilson import parse_transcript
from pipeline.transcript.xmlfile import first_tag, local, parse_xml, unknown_xml

#: Suffixes read as plain text (everything is original-language text, no Markdown) when the
#: content is not markup.
PLAIN_TEXT_SUFFIXES = frozenset({".txt", ".text"})
#: Suffixes of transcription files that ``scanproof run`` looks for in a folder.
TRANSCRIPT_SUFFIXES = frozenset({".md", ".txt", ".text", ".xml", ".tei", ".hocr", ".html", ".htm", ".xhtml"})
#: Formats whose blocks are layout (where an engine ended a region), not paragraphs of the text.
LAYOUT_FORMATS = frozenset({"page", "alto", "hocr"})
# A second suffix naming the format (``117066.tei.xml``) is not part of the document's id.
_FORMAT_TAGS = frozenset({".tei", ".page", ".alto", ".hocr"})
_DECLARED = re.compile(rb"\A\s*<\?xml[^>]{0,200}?encoding\s*=\s*[\"']([A-Za-z0-9._-]{1,40})[\"']")


def read_transcript(path: Path, encoding: str | None = None, text_level: str = "line") -> Transcript:
    """Read a transcription or OCR result in any format scanproof knows, in whatever encoding it
    has, or in ``encoding`` when one is given.

    ``text_level`` (``region``, ``line`` or ``word``) is the PAGE-XML level the text is taken at
    (``pipeline.transcript.page``). The encoding used is recorded in ``Transcript.encoding``, the
    format in ``source_format``. Raises ``InputFileError`` when the file is missing, unreadable,
    empty, binary, malformed or unknown XML, or holds no original-language text.
    """
    data = read_bytes(path)
    text, used = _decode(data, path, encoding)
    return replace(parse_text(text, path, text_level), encoding=used)


def parse_text(text: str, path: Path, text_level: str = "line") -> Transcript:
    """Parse a decoded transcription in the format its content shows (module docstring); pure."""
    doc_id, source = document_id(path), str(path)
    tag = first_tag(text)
    if tag is None:
        if path.suffix.lower() in PLAIN_TEXT_SUFFIXES:
            return replace(plain_transcript(text, doc_id, source), source_format="plain")
        return replace(parse_transcript(text, doc_id, source), source_format="wilson")
    if tag.lower() == "html":
        return hocr_transcript(text, doc_id, source)
    root = parse_xml(text, path)
    if is_page(root):
        return page_transcript(root, doc_id, source, text_level)
    if is_alto(root):
        return alto_transcript(root, doc_id, source)
    if is_tei(root):
        return tei_transcript(root, doc_id, source)
    if local(root.tag).lower() == "html":
        return hocr_transcript(text, doc_id, source)
    raise unknown_xml(path, root)


def compared_text(transcript: Transcript) -> str:
    """The text of the original that is compared with a scan's reading (``scanproof cer``).

    Markup items are cut out, as the alignment cuts them (``pipeline.align.normalize``): stamps,
    handwriting, sheet numbers and signatures are matched with the scan's elements instead, and
    editorial items (``<supplied>``, gaps, notes) are not on the page. A line left empty by the cut
    goes too. In the layout formats (PAGE, ALTO, hOCR) a block boundary counts as one line break,
    as dinglehopper joins regions: where an engine ends a block is layout, not text.
    """
    spans = sorted(m.span for m in transcript.markup_in(Section.ORIGINAL))
    lines: list[str] = []
    start = 0
    dropped = False  # the last line was all markup: a blank line after it is not doubled
    for line in transcript.original.split("\n"):
        end = start + len(line)
        cuts = [(max(a, start) - start, min(b, end) - start) for a, b in spans if a < end and b > start]
        kept = _cut(line, cuts).strip() if cuts else line
        if line.strip() and not kept:
            dropped = True
        elif kept or not (dropped and (not lines or not lines[-1])):
            lines.append(kept)
            dropped = dropped and not kept
        start = end + 1
    text = "\n".join(lines)
    if transcript.source_format in LAYOUT_FORMATS:
        text = re.sub(r"\n{2,}", "\n", text)
    return text.strip("\n")


def _cut(line: str, cuts: list[tuple[int, int]]) -> str:
    """``line`` without the ``cuts`` (offsets in it); the spaces on both sides of a cut become one."""
    out = ""
    pos = 0
    for a, b in cuts:
        if b <= pos:
            continue
        out = out + line[pos:max(a, pos)]
        pos = b
        if out.endswith(" ") and line[pos:pos + 1] == " ":
            out = out.rstrip(" ")
    return out + line[pos:]


def document_id(path: Path) -> str:
    """A document's id from its transcription's file name: ``117066`` for ``117066.md`` and for
    ``117066.tei.xml``."""
    stem = Path(path.name).stem
    tag = Path(stem).suffix
    return stem[: -len(tag)] if tag.lower() in _FORMAT_TAGS and len(stem) > len(tag) else stem


def read_text(path: Path, encoding: str | None = None) -> str:
    """The decoded, newline-normalised text of a text file (any supported encoding, or ``encoding``)."""
    text, _ = decode_text(read_bytes(path), path, encoding)
    return normalize_text(text)


def _decode(data: bytes, path: Path, encoding: str | None) -> tuple[str, str]:
    """Decode as ``decode_text`` does, except that an XML file that declares its encoding (and
    has no byte-order mark) is read in it, unless ``encoding`` says otherwise: the declaration is
    the file's own word, where detection is a guess."""
    declared = _DECLARED.match(data[:300]) if encoding is None else None
    if declared:
        name = declared.group(1).decode("ascii")
        try:
            return decode_text(data, path, name)
        except (InputFileError, LookupError):  # an unknown or wrong declaration: detect instead
            pass
    return decode_text(data, path, encoding)


