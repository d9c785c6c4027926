"""Reading a published transcription: bytes → text → metadata, original, translation, markup.

The input is an archive export in Markdown (the Wilson Center's: bold metadata headings, then the
original-language text, then its translation, with editorial markup; ``wilson``) or a plain
``.txt`` file, which is all original-language text (``plain``). ``read_transcript`` detects the
encoding (``encoding``); the parsers work on text and are pure. Every problem a user can fix is
raised as ``InputFileError``.
"""

from pipeline.transcript.encoding import decode_text
from pipeline.transcript.plain import normalize_text, plain_transcript
from pipeline.transcript.read import PLAIN_TEXT_SUFFIXES, read_text, read_transcript
from pipeline.transcript.wilson import parse_transcript

__all__ = [
    "PLAIN_TEXT_SUFFIXES",
    "decode_text",
    "normalize_text",
    "parse_transcript",
    "plain_transcript",
    "read_text",
    "read_transcript",
]
