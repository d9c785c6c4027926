"""Writers of the formats scanproof reads, for the tests: a parsed ``Transcript`` as TEI P5, and a
text as PAGE-XML, ALTO and hOCR, so that one document can be given to ``verify`` in each."""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from pipeline.model import Markup, MarkupKind, Metadata, Section, Transcript

#: The hand the converter writes handwriting in (declared in the header, not the typist's).
HAND = "pencil"


def to_tei(transcript: Transcript, translation: bool = True) -> str:
    """TEI P5 of a transcript: the original and (if ``translation``) its translation, each markup
    item as the TEI element for it, the metadata in the header."""
    original = _marked(transcript.original, transcript.markup_in(Section.ORIGINAL))
    body = f'<div type="original">\n<ab>{original}</ab>\n</div>'
    if translation and transcript.translation:
        marked = _marked(transcript.translation, transcript.markup_in(Section.TRANSLATION))
        body += f'\n<div type="translation" xml:lang="en">\n<ab>{marked}</ab>\n</div>'
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<TEI xmlns="http://www.tei-c.org/ns/1.0">\n'
            f"{_header(transcript.metadata)}\n<text xml:lang=\"ru\"><body>\n{body}\n</body></text>\n</TEI>\n")


def _header(meta: Metadata) -> str:
    return (
        "<teiHeader><fileDesc>"
        f"<titleStmt><title>{escape(meta.title)}</title><funder>{escape(meta.credits)}</funder></titleStmt>"
        "<publicationStmt><p>Converted for the tests</p></publicationStmt>"
        f"<sourceDesc><bibl>{escape(meta.citation)}</bibl><msDesc><msIdentifier><idno>1</idno></msIdentifier>"
        '<physDesc><handDesc><handNote xml:id="typescript" scope="major" medium="typewriter"/>'
        f'<handNote xml:id="{HAND}" medium="pencil"/></handDesc></physDesc></msDesc></sourceDesc></fileDesc>'
        f"<profileDesc><creation><date>{escape(meta.date)}</date></creation>"
        f"<abstract><p>{escape(meta.summary)}</p></abstract>"
        f'<langUsage><language ident="ru">{escape(meta.original_language)}</language></langUsage></profileDesc>'
        "</teiHeader>"
    )


def _marked(text: str, markup: list[Markup]) -> str:
    """A section's text as TEI: its markup as elements, its line breaks as ``<lb/>``."""
    out, pos = [], 0
    for item in sorted(markup, key=lambda m: m.span):
        start, end = item.span
        out += [_lines(text[pos:start]), _element(item, text[start:end])]
        pos = end
    out.append(_lines(text[pos:]))
    return "".join(out)


def _lines(text: str) -> str:
    return escape(text).replace("\n", "<lb/>\n")


def _element(item: Markup, marked: str) -> str:
    """The TEI element for one markup item; ``marked`` is its extent in the text, brackets and all
    (a bracketed note keeps its words as written: ``[Distribution:]``)."""
    content = escape(item.text)
    if item.kind in (MarkupKind.EDITORIAL, MarkupKind.TRANSLATOR_NOTE) and marked.startswith("["):
        inner = marked[1:-1] if marked.endswith("]") else marked[1:]
        content = escape(inner.split(":", 1)[1].strip() if item.kind is MarkupKind.TRANSLATOR_NOTE else inner)
    return {
        MarkupKind.STAMP: f"<stamp>{content}</stamp>",
        MarkupKind.HANDWRITING: f'<add hand="#{HAND}">{content}</add>',
        MarkupKind.MARGINAL_NUMBER: f'<fw type="folNum">{content}</fw>',
        MarkupKind.SIGNATURE: "<signed/>" if item.text == "signature"
        else f'<signed><add hand="#{HAND}">{content}</add></signed>',
        MarkupKind.TRANSLATOR_NOTE: f'<note type="translator">{content}</note>',
        MarkupKind.EDITORIAL: f"<supplied>{content}</supplied>",
    }[item.kind]


def _blocks(text: str) -> list[list[str]]:
    """Paragraphs of lines (a blank line between paragraphs)."""
    return [[ln for ln in block.split("\n") if ln.strip()] for block in text.split("\n\n") if block.strip()]


def to_page(text: str, prefix: str = "pc", levels: tuple[str, ...] = ("region", "line", "word")) -> str:
    """PAGE-XML 2019 of a text: a region per paragraph, a line per line, each word; the text at each
    of ``levels``; a reading order naming the regions backwards by ``index`` (so that file order
    alone would be wrong: the regions are written in reverse)."""
    p = f"{prefix}:" if prefix else ""
    regions = []
    blocks = _blocks(text)
    for r, block in enumerate(blocks):
        lines = []
        for n, line in enumerate(block):
            words = "".join(f'<{p}Word id="w{r}_{n}_{k}">{_equiv(p, w)}</{p}Word>'
                            for k, w in enumerate(line.split())) if "word" in levels else ""
            own = _equiv(p, line) if "line" in levels else ""
            lines.append(f'<{p}TextLine id="l{r}_{n}">{words}{own}</{p}TextLine>')
        own = _equiv(p, "\n".join(block)) if "region" in levels else ""
        regions.append(f'<{p}TextRegion id="r{r}">{"".join(lines)}{own}</{p}TextRegion>')
    order = "".join(f'<{p}RegionRefIndexed index="{i}" regionRef="r{i}"/>' for i in range(len(blocks)))
    xmlns = f"xmlns{':' + prefix if prefix else ''}=\"http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15\""
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<{p}PcGts {xmlns}><{p}Page imageFilename="page.png">'
            f'<{p}ReadingOrder><{p}OrderedGroup id="g">{order}</{p}OrderedGroup></{p}ReadingOrder>'
            f'{"".join(reversed(regions))}</{p}Page></{p}PcGts>\n')


def _equiv(p: str, text: str) -> str:
    return f"<{p}TextEquiv><{p}Unicode>{escape(text)}</{p}Unicode></{p}TextEquiv>"


def to_alto(text: str) -> str:
    """ALTO v4 of a text: a block per paragraph, a line per line, strings and spaces."""
    blocks = []
    for b, block in enumerate(_blocks(text)):
        lines = "".join(
            "<TextLine>" + "<SP/>".join(f"<String CONTENT={quoteattr(w)}/>" for w in line.split()) + "</TextLine>"
            for line in block)
        blocks.append(f'<TextBlock ID="b{b}">{lines}</TextBlock>')
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<alto xmlns="http://www.loc.gov/standards/alto/ns-v4#">'
            f'<Layout><Page ID="p1"><PrintSpace>{"".join(blocks)}</PrintSpace></Page></Layout></alto>\n')


def to_hocr(text: str) -> str:
    """hOCR (HTML, not well-formed XML: an unclosed ``<meta>``) of a text: a paragraph per
    paragraph, a line per line, its words."""
    pars = []
    for block in _blocks(text):
        lines = "".join(
            '<span class="ocr_line">'
            + " ".join(f"<span class='ocrx_word'>{escape(w)}</span>" for w in line.split()) + "</span>\n"
            for line in block)
        pars.append(f'<p class="ocr_par">{lines}</p>')
    return ('<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>OCR &amp; more</title></head><body>'
            f'<div class="ocr_page" title="bbox 0 0 100 100">{"".join(pars)}</div></body></html>\n')
