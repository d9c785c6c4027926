"""Reading a published transcription, or an OCR result: bytes → text → metadata, original,
translation, markup.

``read_transcript`` detects the encoding (``encoding``), then the format by the content
(``read``): the Wilson Center's Markdown export (bold metadata headings, the original-language
text, its translation, editorial markup; ``wilson``), plain text (``plain``), TEI P5 (``tei``, the
documentary editors' format, with its markup as the Wilson reader's), and the layout formats of
OCR engines and ground truth, PAGE-XML (``page``), ALTO (``alto``) and hOCR (``hocr``). The parsers
work on text and are pure. Every problem a user can fix is raised as ``InputFileError``.
"""

from pipeline.transcript.encoding import decode_text
from pipeline.transcript.plain import normalize_text, plain_transcript
from pipeline.transcript.read import (
    PLAIN_TEXT_SUFFIXES,
    TRANSCRIPT_SUFFIXES,
    compared_text,
    document_id,
    parse_text,
    read_text,
    read_transcript,
)
from pipeline.transcript.wilson import parse_transcript

__all__ = [
    "PLAIN_TEXT_SUFFIXES",
    "TRANSCRIPT_SUFFIXES",
    "compared_text",
    "decode_text",
    "document_id",
    "normalize_text",
    "parse_text",
    "parse_transcript",
    "plain_transcript",
    "read_text",
    "read_transcript",
]
