"""Reading a published transcription: bytes → text → metadata, original, translation, markup.

The input is an archive export in Markdown (bold metadata headings, then the original-language
text, then its translation, with editorial markup) or a plain ``.txt`` file, which is all
original-language text. ``read_transcript`` detects the encoding; ``parse_transcript`` works on
text and is pure. Every problem a user can fix is raised as ``InputFileError``.
"""

from __future__ import annotations

import codecs
import html
import re
import unicodedata
import warnings
from collections import Counter
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from charset_normalizer import from_bytes

from pipeline.errors import InputFileError, ScanproofWarning
from pipeline.model import Markup, MarkupKind, Metadata, Section, Span, Transcript

#: Suffixes read as plain text (everything is original-language text, no Markdown).
PLAIN_TEXT_SUFFIXES = frozenset({".txt", ".text"})

# Byte-order marks, longest first (the UTF-32 LE mark starts with the UTF-16 LE one).
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Legacy single-byte encodings of Cyrillic text that detectors confuse with each other (and, on
# short texts, with unrelated code pages); they are always tried beside the detector's guess.
_CYRILLIC_CODEPAGES = ("cp1251", "koi8-r")

# Script of the original language, by the English name the archive gives it. Script names are the
# first word of the Unicode character names (see ``_script``).
_LANGUAGE_SCRIPTS = {
    **dict.fromkeys(
        ("russian", "ukrainian", "belarusian", "byelorussian", "bulgarian", "serbian", "macedonian",
         "mongolian", "kazakh", "kyrgyz", "tajik", "uzbek", "azerbaijani"),
        "CYRILLIC",
    ),
    **dict.fromkeys(("chinese", "japanese"), "CJK"),
    **dict.fromkeys(("arabic", "persian", "farsi", "urdu", "pashto", "dari"), "ARABIC"),
    "korean": "HANGUL",
    "hebrew": "HEBREW",
    "yiddish": "HEBREW",
    "greek": "GREEK",
    "georgian": "GEORGIAN",
    "armenian": "ARMENIAN",
    "hindi": "DEVANAGARI",
    "thai": "THAI",
    "vietnamese": "LATIN",
    **dict.fromkeys(
        ("english", "german", "french", "spanish", "portuguese", "italian", "polish", "czech",
         "slovak", "hungarian", "romanian", "dutch", "swedish", "norwegian", "danish", "finnish",
         "croatian", "slovenian", "albanian", "turkish", "indonesian", "latvian", "lithuanian",
         "estonian"),
        "LATIN",
    ),
}
# English function words: in a Latin-script original (German, Spanish…) they mark the English
# translation. Words shared with common European languages ("in", "a", "die") are left out.
_ENGLISH_WORDS = frozenset({
    "the", "of", "and", "to", "that", "is", "was", "with", "for", "he", "it", "his", "which", "this",
    "be", "by", "have", "had", "not", "are", "were", "would", "from", "at", "as", "we", "they", "our",
    "will", "been", "their", "has", "there", "what", "who", "these", "those", "an",
})
# Share of words in a Latin-script original that may look English before a line counts as English.
_ENGLISH_RATE = 0.15
# A non-Latin script must hold this share of the body's letters to be taken as the original's.
_MIN_SCRIPT_SHARE = 0.2

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


# --- reading bytes ------------------------------------------------------------------------------


def read_transcript(path: Path) -> Transcript:
    """Read a transcription file (``.md`` export or plain ``.txt``) in whatever encoding it has.

    The encoding used is recorded in ``Transcript.encoding``. Raises ``InputFileError`` when the
    file is missing, unreadable, empty, binary or holds no original-language text.
    """
    text, encoding = decode_text(_read_bytes(path), path)
    parse = plain_transcript if path.suffix.lower() in PLAIN_TEXT_SUFFIXES else parse_transcript
    return replace(parse(text, path.stem, str(path)), encoding=encoding)


def read_text(path: Path) -> str:
    """The decoded, newline-normalised text of a text file (any supported encoding)."""
    text, _ = decode_text(_read_bytes(path), path)
    return normalize_text(text)


def _read_bytes(path: Path) -> bytes:
    """The file's bytes, opened read-only; OS errors become one-line ``InputFileError``s."""
    try:
        if not path.exists():
            raise InputFileError(f"{path}: no such file; check the path")
        if path.is_dir():
            raise InputFileError(f"{path}: is a folder, not a transcript; give the .md or .txt file")
        if not path.is_file():
            raise InputFileError(f"{path}: not a regular file; give the .md or .txt file")
        with open(path, "rb") as f:
            return f.read()
    except PermissionError:
        raise InputFileError(f"{path}: cannot be read (permission denied); check its permissions") from None
    except OSError as err:
        raise InputFileError(f"{path}: cannot be read ({err.strerror or err}); check the file") from None


def decode_text(data: bytes, path: Path | str) -> tuple[str, str]:
    """Decode a text file's bytes: (text, name of the encoding used).

    Order: a byte-order mark; UTF-16/32 without a mark (recognised by the rhythm of its high
    bytes); a refusal of binary data; strict UTF-8; then charset-normalizer's guess, checked
    against the Cyrillic code pages it confuses with each other.
    Raises ``InputFileError`` for empty files, binary files and undecodable text.
    """
    if not data.strip():
        raise InputFileError(f"{path}: the transcript is empty; export it again from the archive")
    for bom, name in _BOMS:
        if data.startswith(bom):
            return _decode_or_refuse(data[len(bom):], name, path), _codec_name(name)
    # Before UTF-8: UTF-16 of Cyrillic text is made of bytes below 0x80, so it is valid UTF-8.
    wide = _wide_encoding(data)
    if wide is not None:
        with suppress(UnicodeDecodeError):
            return data.decode(wide), wide
    if _looks_binary(data):
        raise InputFileError(f"{path}: not a text file (binary content); give the transcript as .md or .txt")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    damaged = _damaged_utf8(data)
    if damaged is not None:
        warnings.warn(ScanproofWarning(f"{path}: read as {damaged[1]}; re-export it as UTF-8 to be sure of "
                                       "every letter"), stacklevel=2)
        return damaged
    best = from_bytes(data).best()
    # The detector's own guess comes first, so that it wins ties.
    guesses = ([best.encoding] if best else []) + list(_CYRILLIC_CODEPAGES)
    names = dict.fromkeys(_codec_name(n) for n in guesses)
    decoded: list[tuple[float, str, str]] = []
    for name in names:
        try:
            text = data.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
        decoded.append((_plausibility(text), name, text))
    if not decoded:
        raise InputFileError(f"{path}: cannot tell the text encoding; save the transcript as UTF-8")
    _, name, text = max(decoded, key=lambda d: d[0])
    return text, name


#: UTF-8 with a few bad bytes is still UTF-8 when its good multi-byte characters outnumber the bad
#: bytes this many times; a file in a single-byte code page has almost no valid multi-byte sequence.
_UTF8_GOOD_PER_BAD = 20
#: What ``errors="surrogateescape"`` makes of one invalid byte.
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")


def _damaged_utf8(data: bytes) -> tuple[str, str] | None:
    """UTF-8 with a few invalid bytes: the text with U+FFFD for each, and an encoding name that
    says how many bytes were replaced and where (byte offsets), so the report shows it; None
    when the data is not mostly UTF-8. Guessing a code page for such a file would turn every
    letter of it into another (a silently wrong report), where replacing the bad bytes loses one."""
    # surrogateescape turns each invalid byte into one lone surrogate, so they can be counted and found.
    escaped = data.decode("utf-8", errors="surrogateescape")
    bad = [m.start() for m in _ESCAPED_BYTE.finditer(escaped)]
    good = sum(1 for ch in escaped if ord(ch) > 0x7F) - len(bad)
    if good < _UTF8_GOOD_PER_BAD * len(bad):
        return None
    text = _ESCAPED_BYTE.sub("\ufffd", escaped)
    offsets = [len(escaped[:i].encode("utf-8", "surrogateescape")) for i in bad[:5]]
    shown = ", ".join(map(str, offsets)) + (", …" if len(bad) > 5 else "")
    return text, f"utf-8 ({len(bad)} invalid byte{'s' if len(bad) > 1 else ''} replaced, at byte {shown})"


def _codec_name(name: str) -> str:
    return codecs.lookup(name).name


def _decode_or_refuse(data: bytes, encoding: str, path: Path | str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise InputFileError(
            f"{path}: the text is not valid {_codec_name(encoding)} although it looks like it; "
            "save the transcript as UTF-8"
        ) from None


def _wide_encoding(data: bytes) -> str | None:
    """UTF-16/32 without a byte-order mark, told by its high bytes.

    In UTF-16 text of one script the high byte of every character takes one or two values (0x00
    for ASCII, 0x04 for Cyrillic), while the low bytes vary; single-byte and UTF-8 text has no
    such rhythm. UTF-32 has three zero bytes in every four.
    """
    n = min(len(data), 4096) // 4 * 4
    if n < 8:
        return None
    sample = data[:n]
    if all(sample[k::4].count(0) > 0.9 * n / 4 for k in (1, 2, 3)):
        return "utf-32-le"
    if all(sample[k::4].count(0) > 0.9 * n / 4 for k in (0, 1, 2)):
        return "utf-32-be"
    even, odd = _top_share(sample[0::2]), _top_share(sample[1::2])
    if odd > 0.9 and even < 0.7:
        return "utf-16-le"
    if even > 0.9 and odd < 0.7:
        return "utf-16-be"
    return None


def _top_share(data: bytes) -> float:
    """Share of ``data`` taken by its two most frequent byte values."""
    return sum(n for _, n in Counter(data).most_common(2)) / len(data)


def _looks_binary(data: bytes) -> bool:
    """Zero bytes or many control characters (other than tab, newlines, form feed) mean binary."""
    sample = data[:65536]
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return controls > len(sample) // 100


def _plausibility(text: str) -> float:
    """How much ``text`` looks like prose: letters of one script, mostly lower case (0–2).

    A Cyrillic text decoded with the wrong Cyrillic code page stays Cyrillic but comes out mostly
    in capitals; decoded with an unrelated code page it mixes scripts or symbols.
    """
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 0.0
    scripts = Counter(_script(c) for c in letters)
    cased = [c for c in letters if c.islower() or c.isupper()]
    lower = sum(c.islower() for c in cased) / len(cased) if cased else 0.0
    return scripts.most_common(1)[0][1] / len(letters) + lower * len(letters) / max(len(text), 1)


@lru_cache(maxsize=4096)
def _script(char: str) -> str:
    """The script of a letter: the first word of its Unicode name (CJK for Han and kana)."""
    try:
        word = unicodedata.name(char).split()[0]
    except ValueError:
        return ""
    return "CJK" if word in ("HIRAGANA", "KATAKANA") else word


# --- parsing ------------------------------------------------------------------------------------


def normalize_text(text: str) -> str:
    """Text with one newline convention and one form of each character.

    CRLF/CR become LF; a leading BOM goes; NFC composes letters typed as base + combining mark
    (``е`` + U+0308 → ``ё``) as OCR outputs them; no-break spaces become spaces; control characters
    other than tab and newline are dropped, since no transcription means them.
    """
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text).replace("\u00a0", " ").replace("\u202f", " ")
    return "".join(c for c in text if c in "\t\n" or unicodedata.category(c) != "Cc")


def plain_transcript(text: str, document_id: str, source: str = "") -> Transcript:
    """A plain-text transcription: all of it is original-language text, with no markup."""
    original = "\n".join(line.rstrip() for line in normalize_text(text).split("\n")).strip("\n")
    if not any(c.isalpha() for c in original):
        raise InputFileError(f"{source or document_id}: the transcript holds no text; "
                             "give the transcription of the document")
    return Transcript(document_id, source, Metadata(), original, "", ())


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
    script = _original_script(body, language)
    if script == "LATIN" and _language_name(language) in ("english", ""):
        return body.strip("\n"), ""
    scores = [_line_score(line, script) for _, _, line in lines]
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


def _language_name(language: str) -> str:
    """The first known language name in an ``Original Language`` value, lower case ('' if none)."""
    for word in re.findall(r"[^\W\d_]+", language.lower()):
        if word in _LANGUAGE_SCRIPTS:
            return word
    return ""


def _original_script(body: str, language: str) -> str:
    """The original's script: from its language name, else the body's main non-Latin script."""
    known = _language_name(language)
    if known:
        return _LANGUAGE_SCRIPTS[known]
    scripts = Counter(_script(c) for c in body if c.isalpha())
    letters = sum(scripts.values())
    others = [(n, s) for s, n in scripts.items() if s != "LATIN"]
    if others and max(others)[0] >= _MIN_SCRIPT_SHARE * letters:
        return max(others)[1]
    return "LATIN"


def _line_score(line: str, script: str) -> float:
    """Positive for a line of the original, negative for one of the (English) translation."""
    if script != "LATIN":
        scripts = Counter(_script(c) for c in line if c.isalpha())
        return float(scripts[script] - scripts["LATIN"])
    words = re.findall(r"[^\W\d_]+", line.lower())
    return _ENGLISH_RATE * len(words) - sum(w in _ENGLISH_WORDS for w in words)


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
