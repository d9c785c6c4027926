"""Plain text transcriptions: all of it original-language text, newlines normalised."""

from __future__ import annotations

import unicodedata

from pipeline.errors import InputFileError
from pipeline.model import Metadata, Transcript


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
