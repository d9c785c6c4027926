"""The Wilson Center Digital Archive's Markdown export: bold metadata headings, the original-language
text, then its translation, with editorial markup (``[Stamp]: …``, italic handwriting, ``<sup>``
sheet numbers). ``parse_transcript`` works on text and is pure.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass

from pipeline.errors import InputFileError
from pipeline.lang.script import LATIN, known_language, original_line_score, original_script
from pipeline.model import Markup, MarkupKind, Metadata, Section, Span, Transcript
from pipeline.transcript.plain import normalize_text

_LABEL = re.compile(r"\*\*\s*([^*\n]{1,80}?)\s*:\s*\*\*[ \t]*(.*)", re.S)
# Spans and notes have bounded lengths: an unclosed mark then costs a bounded scan, not one to the
# end of the text from every mark (quadratic on hostile input).
_BOLD_BLOCK = re.compile(r"\*\*(?=\S)(.{1,2000}?)(?<=\S)\*\*", re.S)
_BOLD = re.compile(r"\*\*(?=\S)([^\n]{1,300}?)(?<=\S)\*\*")
_HEADING = re.compile(r" {0,3}#{1,6}(?=[ \t]|$)")
_RULE = re.compile(r"[ ]{0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})")
_BR = re.compile(r"<br\s*/?>", re.I)
_AUTOLINK = re.compile(r"<((?:https?|ftp)://[^>\s]+)>")
_YEAR = re.compile(r"\b(?:1[0-9]{3}|20[0-9]{2})\b")
_TAG = re.compile(r"<[^<>\n]{1,40}>")
_SUP = re.compile(r"<sup>([^<>]{0,40}(?:<[^<>]{1,10}>[^<>]{0,40}){0,4})</sup>", re.I)
# A bracketed note, not a Markdown link ``[text](url)``; a ``[Label]: rest`` note runs to the line end.
_BRACKET = re.compile(r"\[([^\[\]\n]{0,500})\](?!\()(?:[ \t]*:[ \t]*([^\n]*))?")
# ``*italic*`` inside one paragraph; ``**`` (bold) has been removed before.
_ITALIC = re.compile(r"(?<![*\w])\*(?=[^\s*])((?:(?!\n[ \t]*\n)[^*]){1,2000}?)(?<=[^\s*])\*(?![*\w])")
_NOTE_KINDS = (
    (re.compile(r"(?:rubber[ -]?)?stamps?|seals?|штамп|печать", re.I), MarkupKind.STAMP),
    (re.compile(r"(?:illegible )?signatures?|signed|подпись", re.I), MarkupKind.SIGNATURE),
    (re.compile(r"translator['’]?s?\.? note|trans(?:lator)?\.? note|note of the translator", re.I),
     MarkupKind.TRANSLATOR_NOTE),
)


def parse_transcript(text: str, document_id: str, source: str = "") -> Transcript:
    """Parse an archive export: metadata headings, original-language text, translation, markup.

    The body after the metadata is split where its script changes between the original's (from
    ``Original Language``, else the body's dominant non-Latin script) and the Latin script of the
    translation; for a Latin-script original the split follows English function words. Markdown
    artefacts that are not content (two-space line breaks, ``#`` heading marks, ``**bold**``)
    are removed; markup items stay in the text and are listed with their spans.
    """
    name = source or document_id
    text = normalize_text(text)
    if not text.strip():
        raise InputFileError(f"{name}: the transcript is empty; export it again from the archive")
    metadata, body_start = _parse_metadata(text)
    body = _clean_body(text[body_start:])
    original, translation = _split_sections(body, metadata.original_language)
    if not any(c.isalpha() for c in original):
        language = metadata.original_language or "original-language"
        raise InputFileError(f"{name}: no {language} text found (only metadata or a translation); "
                             "give the transcription of the original")
    markup = _find_markup(original, Section.ORIGINAL) + _find_markup(translation, Section.TRANSLATION)
    return Transcript(document_id, source, metadata, original, translation, tuple(markup))


@dataclass(frozen=True)
class _Block:
    """A paragraph (lines between blank lines) and where it starts and ends in the text."""

    start: int
    end: int
    text: str


def _lines(text: str) -> list[tuple[int, int, str]]:
    """The non-blank lines of ``text`` with their (start, end) offsets."""
    out = []
    start = 0
    for line in text.split("\n"):
        if line.strip():
            out.append((start, start + len(line), line))
        start += len(line) + 1
    return out


def _blocks(text: str) -> list[_Block]:
    """Paragraphs: runs of non-blank lines."""
    spans: list[list[int]] = []
    for start, end, _ in _lines(text):
        if spans and start == spans[-1][1] + 1:
            spans[-1][1] = end
        else:
            spans.append([start, end])
    return [_Block(start, end, text[start:end]) for start, end in spans]


def _parse_metadata(text: str) -> tuple[Metadata, int]:
    """The metadata at the head of an export, and where the body starts.

    Leading all-bold paragraphs are the date and title; then ``**Label:**`` paragraphs, each with
    its value on the same line or in the next paragraph. Without any label there is no metadata
    and the whole text is body (a bold first line is then the document's own heading).
    """
    blocks = _blocks(text)
    i = 0
    headings: list[str] = []
    while i < len(blocks) and (bold := _BOLD_BLOCK.fullmatch(blocks[i].text)) \
            and not _LABEL.fullmatch(blocks[i].text):
        headings.append(_inline(bold.group(1)))
        i += 1
    fields: dict[str, str] = {}
    contents: tuple[str, ...] = ()
    while i < len(blocks) and (label := _LABEL.fullmatch(blocks[i].text)):
        key = " ".join(label.group(1).lower().split())
        value = label.group(2)
        i += 1
        if not value.strip() and i < len(blocks) and not _LABEL.fullmatch(blocks[i].text):
            value = blocks[i].text
            i += 1
        fields[key] = _inline(value)
        if key == "contents":
            contents = tuple(s for s in (_inline(line) for line in value.split("\n")) if s)
    if not fields:
        return Metadata(), 0
    dates = [h for h in headings if _YEAR.search(h) and len(h) <= 40]
    date = fields.get("date") or (dates[0] if dates else "")
    title = fields.get("title") or " ".join(h for h in headings if h != date)
    metadata = Metadata(
        title=title,
        date=date,
        citation=fields.get("citation", ""),
        summary=fields.get("summary", ""),
        credits=fields.get("credits", ""),
        original_language=fields.get("original language", ""),
        contents=contents,
    )
    return metadata, blocks[i].start if i < len(blocks) else len(text)


def _inline(text: str) -> str:
    """A metadata value on one line: bold marks, autolink brackets and line breaks removed."""
    text = " ".join(text.split())
    return _AUTOLINK.sub(r"\1", html.unescape(_BOLD.sub(r"\1", text)))


def _clean_body(body: str) -> str:
    """The body with Markdown artefacts that are not content removed, line structure kept."""
    lines = []
    for line in _BR.sub("\n", body).split("\n"):
        line = line.rstrip()
        if _RULE.fullmatch(line):
            line = ""
        elif heading := _HEADING.match(line):
            line = _heading_text(line[heading.end():])
        lines.append(_BOLD.sub(r"\1", html.unescape(line)))
    return "\n".join(lines)


def _heading_text(rest: str) -> str:
    """A Markdown heading's text: ``rest`` after the ``#`` marks, without closing ``#`` marks."""
    text = rest.strip()
    bare = text.rstrip("#")
    if bare != text and (not bare or bare[-1] in " \t"):
        return bare.rstrip()
    return text


def _split_sections(body: str, language: str) -> tuple[str, str]:
    """(original, translation): the body cut at the line where the script or language changes."""
    lines = [(start, end, _TAG.sub("", line)) for start, end, line in _lines(body)]
    script = original_script(body, language)
    if script == LATIN and known_language(language) in ("english", ""):
        return body.strip("\n"), ""
    scores = [original_line_score(line, script) for _, _, line in lines]
    prefix = [0.0]
    for s in scores:
        prefix.append(prefix[-1] + s)
    # Original first: the cut maximising the prefix; translation first: minimising it. Among equal
    # cuts the last one wins, so lines without letters (numbers, dates) stay with what precedes them.
    best_first = max(range(len(prefix)), key=lambda k: (prefix[k], k))
    best_last = max(range(len(prefix)), key=lambda k: (-prefix[k], k))
    total = prefix[-1]
    cut_first = lines[best_first][0] if best_first < len(lines) else len(body)
    cut_last = lines[best_last][0] if best_last < len(lines) else len(body)
    if 2 * prefix[best_first] - total >= total - 2 * prefix[best_last]:
        return body[:cut_first].strip("\n"), body[cut_first:].strip("\n")
    return body[cut_last:].strip("\n"), body[:cut_last].strip("\n")


def _find_markup(text: str, section: Section) -> list[Markup]:
    """Every markup item in a section's text, in order of position."""
    found = list(_notes(text, section))
    found += [Markup(MarkupKind.MARGINAL_NUMBER, _TAG.sub("", m.group(1)).strip(), section, m.span())
              for m in _SUP.finditer(text)]
    found += [Markup(MarkupKind.HANDWRITING, " ".join(m.group(1).split()), section, m.span())
              for m in _ITALIC.finditer(text)]
    return sorted(found, key=lambda m: m.span)


def _notes(text: str, section: Section) -> Iterator[Markup]:
    """Bracketed notes: ``[Stamp]: text``, ``[signature]``, ``[Translator's note: …]``, ``[illegible]``."""
    for m in _BRACKET.finditer(text):
        inner, after = m.group(1).strip(), m.group(2)
        label, sep, detail = inner.partition(":")
        label = label.strip()
        kind = next((k for pattern, k in _NOTE_KINDS if pattern.fullmatch(label)), MarkupKind.EDITORIAL)
        if after is not None and after.strip():
            content = after.strip()
        elif sep and detail.strip():
            content = detail.strip()
        else:
            content = label
        span: Span = m.span()
        yield Markup(kind, " ".join(content.split()), section, span)
