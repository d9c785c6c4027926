"""hOCR (HTML or XHTML whose elements carry ``ocr_*`` classes): OCR results, Tesseract's among them.

Read with the standard library's HTML parser, so that HTML that is not well-formed XML (unclosed
``<meta>``, ``&nbsp;``) reads too. Each ``ocr_page`` is a page of the scan; each ``ocr_carea`` or
``ocr_par`` a block (a blank line between blocks, the innermost one counting); each line
(``ocr_line``, ``ocrx_line``, ``ocr_header``, ``ocr_caption``, ``ocr_textfloat``) a line, its
``ocrx_word``s joined by one space, or its text where it has no words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

from pipeline.errors import InputFileError
from pipeline.model import Transcript
from pipeline.transcript.xmlfile import layout_transcript

_LINES = frozenset({"ocr_line", "ocrx_line", "ocr_header", "ocr_caption", "ocr_textfloat"})
_BLOCKS = frozenset({"ocr_carea", "ocr_par", "ocrx_block"})
# Elements that never hold page text, and elements that HTML never closes.
_SKIP = frozenset({"head", "script", "style", "title"})
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
                   "source", "track", "wbr"})
_HOCR_CLASS = re.compile(r"\bocrx?_\w+")


def is_hocr(text: str) -> bool:
    """Whether an HTML document marks any element with an hOCR class."""
    return re.search(r"class\s*=\s*['\"][^'\"]*\bocr_(?:page|line|par|carea)\b", text) is not None


def hocr_transcript(text: str, document_id: str, source: str) -> Transcript:
    """The text of an hOCR document: pages of blocks of lines (module docstring)."""
    if not is_hocr(text):
        raise InputFileError(f"{source or document_id}: an HTML file without hOCR (no ocr_page or ocr_line "
                             "elements); give the OCR engine's hOCR output, or the transcription as text")
    reader = _Reader()
    reader.feed(text)
    reader.close()
    return layout_transcript(reader.pages, document_id, source, "hocr")


@dataclass
class _Open:
    """An element being read: its name and the hOCR roles it opened."""

    tag: str
    roles: frozenset[str] = frozenset()


class _Reader(HTMLParser):
    """Collects the lines of an hOCR document as pages of blocks of lines."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pages: list[list[list[str]]] = []
        self.stack: list[_Open] = []
        self.words: list[str] = []  # the current line's words
        self.line: list[str] = []  # the current line's text, for a line without words
        self.word: list[str] | None = None  # the current word's text, inside an ocrx_word
        self.skipping = 0  # depth inside elements that hold no page text

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = frozenset(_HOCR_CLASS.findall(dict(attrs).get("class") or ""))
        if tag in _VOID:
            return
        self.stack.append(_Open(tag, classes))
        if tag in _SKIP:
            self.skipping += 1
        if "ocr_page" in classes or not self.pages and classes & (_BLOCKS | _LINES):
            self.pages.append([])
        if classes & _BLOCKS or (classes & _LINES and not self.pages[-1]):
            self.pages[-1].append([])
        if classes & _LINES:
            self.words, self.line = [], []
        if "ocrx_word" in classes:
            self.word = []

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID or not any(o.tag == tag for o in self.stack):
            return
        while self.stack:
            done = self.stack.pop()
            self._close(done)
            if done.tag == tag:
                break

    def _close(self, done: _Open) -> None:
        if done.tag in _SKIP:
            self.skipping -= 1
        if "ocrx_word" in done.roles and self.word is not None:
            self.words.append("".join(self.word).strip())
            self.word = None
        if done.roles & _LINES and self.pages and self.pages[-1]:
            text = " ".join(w for w in self.words if w) or " ".join("".join(self.line).split())
            self.pages[-1][-1].append(text)
            self.words, self.line = [], []

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        if self.word is not None:
            self.word.append(data)
        self.line.append(data)

    def close(self) -> None:
        super().close()
        while self.stack:
            self._close(self.stack.pop())
