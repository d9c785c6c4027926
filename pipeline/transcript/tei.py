"""TEI P5 (``http://www.tei-c.org/ns/1.0``): the documentary editors' transcriptions.

The text compared with the scan is the diplomatic one: what is written on the page. Element by
element (everything not named here is read for its text):

- ``<lb/>``, ``<cb/>``: a line break; ``<pb/>``: a new page of the scan (``Transcript.page_starts``);
  ``<p>``, ``<div>``, ``<head>``, ``<ab>``, ``<opener>``, ``<closer>`` …: a paragraph; ``<l>``,
  ``<item>``, ``<dateline>``, ``<salute>``, ``<signed>`` …: a line.
- ``<choice>``: the scan's reading, ``<sic>`` over ``<corr>``, ``<orig>`` over ``<reg>``, ``<abbr>``
  over ``<expan>`` (``<app>``: ``<lem>``), recorded in ``Transcript.reading``; ``<ex>`` (letters an
  editor expanded) is left out; ``<hi>``, ``<unclear>``, ``<del>``, ``<damage>``: their text, kept.
- ``<stamp>``: a stamp (markup ``stamp``, its content; ``[Stamp]`` when it has none).
- ``<add hand="#h">``, ``<note hand="#h">`` or ``<note place="margin|top|bottom|…">``, and text after
  ``<handShift new="#h"/>``: handwriting (markup ``handwriting``, one item per line), when the hand
  is not the typist's; inside ``<signed>`` such text is a signature (markup ``signature``), as is an
  empty ``<signed/>`` or ``<gap reason="signature"/>`` (shown ``[signature]``).
- ``<fw type="folNum|pageNum|sheetNum">``: a sheet number (markup ``marginal_number``).
- ``<supplied>``: not on the scan: shown ``[text]``, an ``editorial`` item, so left out of the
  comparison (as the Wilson export's ``[Lenin]``); ``<gap/>``: nothing on the scan, shown
  ``[reason]`` (``editorial``); ``<note>`` of an editor (``resp``, ``place="foot|end"``, or none):
  ``[text]`` (``editorial``), of a translator (``type="translator"``): ``[Translator's note: text]``
  (``translator_note``).
- ``<div type="translation" xml:lang="…">``: the translation (``Transcript.translation``).

A hand is the typist's when the header's ``<handNote>`` for it has ``scope="major"`` (else the first
``<handNote>`` is), or says it is typed or printed. The markup kinds are those of the Wilson reader
(``pipeline.transcript.wilson``), so that the layout matching (``pipeline.markup``) treats them alike.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter

from pipeline.errors import InputFileError
from pipeline.model import MarkupKind, Metadata, Section, Transcript
from pipeline.transcript.marked import MarkedText
from pipeline.transcript.xmlfile import XML_NS, children, descendants, local, namespace

TEI_NS = "http://www.tei-c.org/ns/1.0"
_PARAGRAPHS = frozenset({"div", "p", "ab", "head", "opener", "closer", "postscript", "list", "table", "lg",
                         "front", "body", "back", "group", "floatingText", "titlePage", "argument", "epigraph",
                         "trailer", "byline", "docket", "sp", "listBibl"})
_LINES = frozenset({"l", "item", "row", "dateline", "salute", "signed", "addrLine", "address", "label", "docDate",
                    "docAuthor", "titlePart", "bibl", "speaker"})
#: Elements whose content is not on the page, or is not text.
_SKIPPED = frozenset({"figDesc", "ex", "interp", "interpGrp", "link", "linkGrp", "spanGrp", "certainty",
                      "respons", "precision", "index", "witDetail", "teiHeader", "facsimile", "standOff"})
#: In a ``<choice>``, the reading on the page, best first.
_DIPLOMATIC = ("sic", "orig", "abbr", "lem")
_ALTERNATIVE = {"sic": "corr", "orig": "reg", "abbr": "expan", "lem": "rdg"}
_SHEET_NUMBERS = frozenset({"folnum", "pagenum", "sheetnum", "folio", "leafnum"})
#: ``<note place>`` values of a note written on the document (``foot``, ``end``: the edition's notes).
_ON_THE_PAGE = frozenset({"margin", "top", "bottom", "above", "below", "left", "right", "opposite", "overleaf",
                          "margin-left", "margin-right", "margin-top", "margin-bottom"})
_TYPED = re.compile(r"typ|printed|machine|машин|печатн", re.I)


def is_tei(root: ET.Element) -> bool:
    """Whether ``root`` is a TEI P5 document: ``TEI`` in the TEI namespace."""
    return local(root.tag) == "TEI" and namespace(root.tag) == TEI_NS


def tei_transcript(root: ET.Element, document_id: str, source: str) -> Transcript:
    """The diplomatic text of a TEI document, its markup, translation and metadata (module docstring)."""
    header = next(children(root, "teiHeader"), None)
    text = next(children(root, "text"), None)
    if text is None:
        raise InputFileError(f"{source or document_id}: the TEI file has no <text>; give the edition itself")
    walker = _Walker(_typed_hands(header), source_breaks=next(descendants(text, "lb"), None) is None)
    walker.walk(text)
    original, translation = walker.original.finish(), walker.translation.finish()
    if not original.text.strip():
        raise InputFileError(f"{source or document_id}: the TEI file holds no text of the original "
                             "(only a translation, or nothing); give the transcription of the original")
    return Transcript(document_id, source, _metadata(header, text), original.text, translation.text,
                      original.markup + translation.markup,
                      source_format="tei", reading=walker.reading(), page_starts=original.page_starts)


class _Walker:
    """Reads the elements of ``<text>`` into the original and the translation (module docstring)."""

    def __init__(self, typed: tuple[frozenset[str], frozenset[str]], source_breaks: bool) -> None:
        self.typed_hands, self.known_hands = typed
        self.original = MarkedText(Section.ORIGINAL, source_breaks)
        self.translation = MarkedText(Section.TRANSLATION, source_breaks)
        self.out = self.original
        self.typed = True  # the hand in effect (``<handShift/>``) is the typist's
        self.in_item = 0  # inside a markup item: no item inside it
        self.in_signed = 0
        self.choices: Counter[str] = Counter()

    def reading(self) -> str:
        """Which reading the text holds, and of how many choices."""
        if not self.choices:
            return "diplomatic"
        chosen = ", ".join(f"<{k}> over <{_ALTERNATIVE.get(k, 'other')}> ×{n}" for k, n in sorted(self.choices.items()))
        return f"diplomatic ({chosen})"

    def walk(self, element: ET.Element) -> None:
        """Read ``element`` (not its tail)."""
        name = local(element.tag)
        if not name or name in _SKIPPED:
            return
        handler = getattr(self, f"_on_{name}", None)
        if handler is not None:
            handler(element)
        elif name in _PARAGRAPHS or name in _LINES:
            breaks = 2 if name in _PARAGRAPHS else 1
            self.out.block(breaks)
            self.content(element)
            self.out.block(breaks)
        else:
            self.content(element)

    def content(self, element: ET.Element) -> None:
        """The text and children of ``element``, each child's tail after it."""
        self.data(element.text)
        for child in element:
            self.walk(child)
            self.data(child.tail)

    def data(self, text: str | None) -> None:
        if text:
            hand = not self.typed and not self.in_item
            run = (MarkupKind.SIGNATURE if self.in_signed else MarkupKind.HANDWRITING) if hand else None
            self.out.data(text, run)

    # --- structure ---------------------------------------------------------------------------------

    def _on_div(self, element: ET.Element) -> None:
        into = self.translation if element.get("type", "").lower() == "translation" else self.out
        outer, typed, self.out = self.out, self.typed, into
        if into is not outer:  # the original's hand shifts do not reach into its translation
            self.typed = True
        self.out.block(2)
        self.content(element)
        self.out.block(2)
        self.out = outer
        if into is not outer:
            self.typed = typed

    def _on_lb(self, element: ET.Element) -> None:
        self.out.line_break()

    _on_cb = _on_lb

    def _on_pb(self, element: ET.Element) -> None:
        if self.out is self.original:
            self.out.page_break()
        else:
            self.out.block(1)

    def _on_space(self, element: ET.Element) -> None:
        self.out.space()

    def _on_cell(self, element: ET.Element) -> None:
        self.out.space()
        self.content(element)
        self.out.space()

    def _on_handShift(self, element: ET.Element) -> None:
        self.typed = self._is_typed(element.get("new"), element.get("medium"))

    # --- readings ----------------------------------------------------------------------------------

    def _on_choice(self, element: ET.Element) -> None:
        options = {local(child.tag): child for child in reversed(list(element)) if local(child.tag)}
        kind = next((k for k in _DIPLOMATIC if k in options), None)
        chosen = options[kind] if kind else next((c for c in element if local(c.tag)), None)
        if kind:
            self.choices[kind] += 1
        if chosen is not None:
            self.walk(chosen)

    _on_app = _on_choice

    # --- markup items ------------------------------------------------------------------------------

    def _on_stamp(self, element: ET.Element) -> None:
        self._item(element, MarkupKind.STAMP, empty="[Stamp]")

    def _on_fw(self, element: ET.Element) -> None:
        if element.get("type", "").lower() in _SHEET_NUMBERS:
            self._item(element, MarkupKind.MARGINAL_NUMBER)
        else:
            self.content(element)

    def _on_add(self, element: ET.Element) -> None:
        if element.get("hand") and not self._is_typed(element.get("hand")):
            self._in_hand(element)
        else:
            self.content(element)

    def _on_signed(self, element: ET.Element) -> None:
        self.out.block(1)
        if not "".join(t for t in _texts(element) if t).strip():
            self._bracketed(MarkupKind.SIGNATURE, "signature", "signature")
        else:
            self.in_signed += 1
            self.content(element)
            self.in_signed -= 1
        self.out.block(1)

    def _on_note(self, element: ET.Element) -> None:
        hand, place, resp = element.get("hand"), element.get("place", "").lower(), element.get("resp")
        kind = element.get("type", "").lower() + " " + (resp or "").lower()
        if "transl" in kind:
            self._bracketed(MarkupKind.TRANSLATOR_NOTE, "Translator's note: ", None, element)
        elif hand and self._is_typed(hand):
            self.content(element)
        elif hand or (place in _ON_THE_PAGE and not resp and "editor" not in kind):
            self._in_hand(element)
        else:  # an editor's note, a footnote or endnote of the edition
            self._bracketed(MarkupKind.EDITORIAL, "", None, element)

    def _on_supplied(self, element: ET.Element) -> None:
        self._bracketed(MarkupKind.EDITORIAL, "", None, element)

    def _on_gap(self, element: ET.Element) -> None:
        reason = " ".join((element.get("reason") or "").split()) or "gap"
        kind = MarkupKind.SIGNATURE if "signature" in reason.lower() else MarkupKind.EDITORIAL
        self._bracketed(kind, reason, reason)

    def _item(self, element: ET.Element, kind: MarkupKind, empty: str = "") -> None:
        """A markup item whose content is its element's text (``empty`` shown when it has none)."""
        if self.in_item:
            self.content(element)
            return
        start = self.out.length
        self.in_item += 1
        self.content(element)
        self.in_item -= 1
        if self.out.length == start and empty:
            self.out.literal(empty)
            self.out.item(kind, start, empty.strip("[]"))
        else:
            self.out.item(kind, start)

    def _bracketed(self, kind: MarkupKind, label: str, text: str | None, element: ET.Element | None = None) -> None:
        """An item the scan does not show as text, in brackets: ``[label`` content ``]``."""
        if self.in_item:
            if element is not None:
                self.content(element)
            return
        self.out.literal("[" + label, glue=True)
        start = self.out.length - len(label) - 1
        if element is not None:
            before = self.out.length
            self.in_item += 1
            self.content(element)
            self.in_item -= 1
            inner = self.out.text_since(before)
            text = " ".join(inner.split())
        self.out.close_literal("]")
        self.out.item(kind, start, text)

    def _in_hand(self, element: ET.Element) -> None:
        """``element``'s text as written by another hand."""
        typed, self.typed = self.typed, False
        self.content(element)
        self.typed = typed

    def _is_typed(self, hand: str | None, medium: str | None = None) -> bool:
        """Whether a hand reference (``#h1``) or a medium names the typist's hand."""
        ref = (hand or "").strip().lstrip("#")
        if not ref:
            return medium is None or _TYPED.search(medium) is not None
        if ref in self.typed_hands:
            return True
        return ref not in self.known_hands and _TYPED.search(ref) is not None


def _texts(element: ET.Element) -> list[str]:
    """The character data inside ``element`` (gaps and skipped elements left out)."""
    out = [element.text or ""]
    for child in element:
        if local(child.tag) not in _SKIPPED and local(child.tag) != "gap":
            out += _texts(child)
        out.append(child.tail or "")
    return out


def _typed_hands(header: ET.Element | None) -> tuple[frozenset[str], frozenset[str]]:
    """(the typist's hands, every hand declared) from the header's ``<handNote>``s."""
    notes = list(descendants(header, "handNote")) if header is not None else []
    ids = [n.get(f"{{{XML_NS}}}id", "") for n in notes]
    major = [i for n, i in zip(notes, ids, strict=True) if n.get("scope") == "major"]
    typed = {i for n, i in zip(notes, ids, strict=True)
             if _TYPED.search(" ".join([n.get("medium", ""), n.get("script", ""), i, "".join(n.itertext())]))}
    main = major or ids[:1]
    return frozenset(typed | set(main)) - {""}, frozenset(ids) - {""}


def _metadata(header: ET.Element | None, text: ET.Element) -> Metadata:
    """The archive's description from the TEI header (title, date, source, abstract, funder, language)."""

    def first(*paths: str) -> str:
        for path in paths:
            element = _find(header, path)
            if element is not None:
                value = " ".join("".join(element.itertext()).split()) or element.get("when", "")
                if value:
                    return value
        return ""

    language = first("profileDesc/langUsage/language")
    if not language:
        code = text.get(f"{{{XML_NS}}}lang") or next(
            (d.get(f"{{{XML_NS}}}lang", "") for d in descendants(text, "div")
             if d.get("type", "").lower() != "translation" and d.get(f"{{{XML_NS}}}lang")), "")
        language = _LANGUAGES.get(code.split("-")[0].lower(), code)
    return Metadata(
        title=first("fileDesc/titleStmt/title"),
        date=first("profileDesc/creation/date", "fileDesc/sourceDesc//date"),
        citation=first("fileDesc/sourceDesc/bibl", "fileDesc/sourceDesc/msDesc/msIdentifier"),
        summary=first("profileDesc/abstract"),
        credits=first("fileDesc/titleStmt/funder", "fileDesc/titleStmt/sponsor"),
        original_language=language,
    )


def _find(header: ET.Element | None, path: str) -> ET.Element | None:
    """The first element at ``path`` (``/``-separated local names, ``//`` for any depth) in the header."""
    if header is None:
        return None
    xpath = "./" + "/".join(f"{{{TEI_NS}}}{step}" if step else "" for step in path.split("/"))
    return header.find(xpath)


#: English names of the languages an ``xml:lang`` code names, as the archive's metadata gives them.
_LANGUAGES = {"ru": "Russian", "uk": "Ukrainian", "be": "Belarusian", "bg": "Bulgarian", "sr": "Serbian",
              "de": "German", "fr": "French", "es": "Spanish", "it": "Italian", "pl": "Polish", "cs": "Czech",
              "en": "English", "zh": "Chinese", "ja": "Japanese", "ko": "Korean", "hu": "Hungarian",
              "ro": "Romanian", "pt": "Portuguese", "mn": "Mongolian", "vi": "Vietnamese"}
