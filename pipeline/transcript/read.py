"""Reading a transcription file: its bytes decoded (``encoding``), then parsed in its format."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from pipeline.model import Transcript
from pipeline.transcript.encoding import decode_text, read_bytes
from pipeline.transcript.plain import normalize_text, plain_transcript
from pipeline.transcript.wilson import parse_transcript

#: Suffixes read as plain text (everything is original-language text, no Markdown).
PLAIN_TEXT_SUFFIXES = frozenset({".txt", ".text"})


def read_transcript(path: Path, encoding: str | None = None) -> Transcript:
    """Read a transcription file (``.md`` export or plain ``.txt``) in whatever encoding it has,
    or in ``encoding`` when one is given.

    The encoding used is recorded in ``Transcript.encoding``. Raises ``InputFileError`` when the
    file is missing, unreadable, empty, binary or holds no original-language text.
    """
    text, used = decode_text(read_bytes(path), path, encoding)
    parse = plain_transcript if path.suffix.lower() in PLAIN_TEXT_SUFFIXES else parse_transcript
    return replace(parse(text, path.stem, str(path)), encoding=used)


def read_text(path: Path, encoding: str | None = None) -> str:
    """The decoded, newline-normalised text of a text file (any supported encoding, or ``encoding``)."""
    text, _ = decode_text(read_bytes(path), path, encoding)
    return normalize_text(text)
