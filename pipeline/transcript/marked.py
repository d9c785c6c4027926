"""A section's text built piece by piece from a marked-up document, with its markup items' spans.

Whitespace is XML's: a run of it between words is one space, a line starts and ends without it;
line breaks come from the document's line-break and block elements (or, in a document that has
no line-break elements, from the line breaks of its source). A paragraph is followed by a blank
line. Spans index the finished text and cover their item's content, whitespace trimmed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from pipeline.model import Markup, MarkupKind, Section, Span

_TOKEN = re.compile(r"\s+|\S+")


@dataclass(frozen=True)
class Finished:
    """A section as built: its text, markup items (in order of position) and page starts."""

    text: str
    markup: tuple[Markup, ...]
    page_starts: tuple[int, ...]


class MarkedText:
    """The text of one section (the original or the translation) as it is being built."""

    def __init__(self, section: Section, source_breaks: bool) -> None:
        self.section = section
        #: Whether the source's own line breaks are line breaks (a document without ``<lb/>``).
        self.source_breaks = source_breaks
        self._parts: list[str] = []
        self._length = 0
        self._last = "\n"
        self._breaks = 0  # line breaks owed before the next content, at most 2
        self._space = False  # a space owed before the next content
        self._glued = False  # the next content follows without a space (after an opening bracket)
        self._page_owed = False
        self._items: list[tuple[MarkupKind, Span, str | None]] = []
        self._runs: list[tuple[MarkupKind, Span]] = []
        self._pages: list[int] = []

    @property
    def length(self) -> int:
        return self._length

    def data(self, text: str, run: MarkupKind | None = None) -> None:
        """Character data of the document; ``run`` marks its words as written by another hand
        (``HANDWRITING``, or ``SIGNATURE`` inside a signature), one item per line."""
        for token in _TOKEN.finditer(text):
            piece = token.group(0)
            if not piece.isspace():
                piece = unicodedata.normalize("NFC", piece)
                start = self._emit(piece)
                if run is not None:
                    self._runs.append((run, (start, self._length)))
            elif self.source_breaks and "\n" in piece:
                self.line_break(min(piece.count("\n"), 2))
            else:
                self._space = True

    def space(self) -> None:
        """A space before the next content (``<space/>``, between table cells)."""
        self._space = True

    def line_break(self, count: int = 1) -> None:
        """``<lb/>``: one more line break (two in a row make a blank line)."""
        self._breaks = min(self._breaks + count, 2)

    def block(self, breaks: int) -> None:
        """The boundary of a block: at least ``breaks`` line breaks (2: a paragraph, 1: a line)."""
        self._breaks = max(self._breaks, breaks)

    def page_break(self) -> None:
        """``<pb/>``: the next content starts a page of the scan, on a new line."""
        self._page_owed = True
        self.block(1)

    def literal(self, text: str, glue: bool = False) -> None:
        """Text the reader adds (a bracket, a label); ``glue``: the next content follows it directly."""
        self._emit(text)
        self._glued = glue

    def close_literal(self, text: str) -> None:
        """Text that closes what ``literal`` opened, directly after the content (``]``)."""
        self._breaks, self._space, self._glued = 0, False, False
        self._put(text)

    def text_since(self, start: int) -> str:
        """The text built from offset ``start`` on."""
        return "".join(self._parts)[start:]

    def item(self, kind: MarkupKind, start: int, text: str | None = None) -> None:
        """A markup item from ``start`` (``length`` before its content) to here; its text is
        ``text``, or its content's words."""
        self._items.append((kind, (start, self._length), text))

    def finish(self) -> Finished:
        """The text built, with its items: each ``run`` of another hand becomes one item per line."""
        text = "".join(self._parts)
        items = [(kind, _trim(text, span), given) for kind, span, given in self._items]
        items += [(kind, span, None) for kind, span in self._merged_runs(text)]
        markup = [Markup(kind, given if given is not None else " ".join(text[a:b].split()), self.section, (a, b))
                  for kind, (a, b), given in items if b > a]
        pages = self._pages if not self._pages or self._pages[0] == 0 else [0, *self._pages]
        return Finished(text, tuple(sorted(markup, key=lambda m: m.span)), tuple(pages))

    def _merged_runs(self, text: str) -> list[tuple[MarkupKind, Span]]:
        """Runs of one kind separated by spaces only (not a line break) joined."""
        out: list[tuple[MarkupKind, Span]] = []
        for kind, (a, b) in self._runs:
            if out and out[-1][0] == kind and not text[out[-1][1][1]:a].strip(" \t"):
                out[-1] = (kind, (out[-1][1][0], b))
            else:
                out.append((kind, (a, b)))
        return out

    def _emit(self, piece: str) -> int:
        """Owed separators, then ``piece``; returns where ``piece`` starts."""
        if self._length:
            if self._breaks:
                self._put("\n" * self._breaks)
            elif self._space and not self._glued and self._last != "\n":
                self._put(" ")
        if self._page_owed:
            self._pages.append(self._length)
            self._page_owed = False
        self._breaks, self._space, self._glued = 0, False, False
        start = self._length
        self._put(piece)
        return start

    def _put(self, piece: str) -> None:
        self._parts.append(piece)
        self._length += len(piece)
        self._last = piece[-1]


def _trim(text: str, span: Span) -> Span:
    a, b = span
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b
