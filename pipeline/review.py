"""``scanproof apply-review``: the reviewer's accepted flags applied to the transcription, in its own
format, with an errata list.

Inputs: the transcription a report was made from, that report's ``report.json``, and the review its
"Export review" button saved (``scanproof/review/1``: a decision per flag id). Each accepted flag
that proposes a reading (a ``transcript_span`` in the transcription's original and the
``scan_text`` the OCR read there) replaces the published text with the scan's reading, or with
the text the reviewer typed (the decision's ``correction``, the report's "✎ Correct…" button):
the OCR's reading is evidence, not always the page's exact text. Outputs:
the corrected file, in the transcription's own format and encoding and byte for byte the same
outside the corrections; and the errata (CSV: flag, page, line of the file, published text,
corrected text, status, evidence), which also lists every accepted flag that was not applied and
why.

Placing a correction in the file: the report's spans index the original text as the reader
extracted it, not the file (the Wilson export's formatting, TEI's, PAGE's or ALTO's markup lie
between). The published text is looked for in the file with its neighbouring words, the space
between words free to differ (and, in XML, to hold tags); the n-th such place in the original is
the n-th in the file. Where no context makes the two counts agree the flag is not applied: a
correction is never guessed into a wrong place.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from pathlib import Path
from xml.sax.saxutils import escape

from pipeline.errors import InputFileError, OutputError
from pipeline.model import Span, Transcript

REVIEW_SCHEMA = "scanproof/review/1"
#: Formats whose text sits among XML markup, escaped.
_XML_FORMATS = frozenset(("tei", "page", "alto", "hocr"))
#: The errata list's columns.
ERRATA_COLUMNS = ("flag", "page", "line", "published", "corrected", "status", "evidence")


@dataclass(frozen=True)
class Erratum:
    """One accepted flag: what the transcription said, what it says now, and whether it was applied."""

    flag: str
    page: int | None
    #: The line of the transcription file (from 1) the correction is on; None when not placed.
    line: int | None
    published: str
    corrected: str
    #: ``applied``, or ``not applied: <why>``.
    status: str
    evidence: str

    @property
    def applied(self) -> bool:
        return self.status == "applied"


@dataclass(frozen=True)
class ReviewResult:
    """The corrected transcription's text and the errata (and, once written, where the errata are)."""

    text: str
    errata: tuple[Erratum, ...]
    errata_path: Path | None = None

    @property
    def applied(self) -> int:
        return sum(e.applied for e in self.errata)


def _load_json(path: Path, what: str) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise InputFileError(f"{path}: cannot read the {what} ({err.strerror})") from err
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise InputFileError(f"{path}: is not the {what} scanproof writes (not JSON: {err})") from err
    if not isinstance(data, dict):
        raise InputFileError(f"{path}: is not the {what} scanproof writes (not a JSON object)")
    return data


def accepted_flags(report: dict, report_path: Path, review_path: Path) -> list[tuple[dict, str | None]]:
    """The flags of ``report`` (``report_path``'s contents) the review accepted, in the report's
    order, each with the reviewer's own correction (the decision's ``correction``), or None to take
    the scan's reading.

    Raises ``InputFileError`` when the review is not what scanproof writes, when it is of another
    document, or when it names a flag the report does not hold (a review of another run).
    """
    review = _load_json(review_path, "review")
    if review.get("schema") != REVIEW_SCHEMA:
        raise InputFileError(f"{review_path}: is not a review exported from a scanproof report "
                             f"(schema {review.get('schema')!r}, expected {REVIEW_SCHEMA!r})")
    if review.get("document") != report.get("document"):
        raise InputFileError(f"{review_path}: reviews document {review.get('document')!r}, but {report_path} "
                             f"is the report of {report.get('document')!r}")
    flags = {f.get("id"): f for f in report.get("flags", []) if isinstance(f, dict)}
    decisions = [d for d in review.get("decisions", []) if isinstance(d, dict)]
    unknown = [str(d.get("id")) for d in decisions if d.get("id") not in flags]
    if unknown:
        raise InputFileError(f"{review_path}: names flags {', '.join(unknown[:3])} that {report_path} does not "
                             "hold; export the review from this report")
    chosen = {d["id"]: d.get("correction") for d in decisions if d.get("decision") == "accepted"}
    bad = [str(i) for i, text in chosen.items() if text is not None and not isinstance(text, str)]
    if bad:
        raise InputFileError(f"{review_path}: the correction of {bad[0]} is not text; export the review again")
    return [(f, chosen[f["id"]]) for f in report.get("flags", []) if isinstance(f, dict) and f.get("id") in chosen]


def _regex(text: str, xml: bool) -> str:
    """A regular expression for ``text`` as a file holds it: escaped as XML in an XML file, and any
    space (in XML, any space and tags) where ``text`` has space."""
    gap = r"(?:\s|<[^>]*>)+" if xml else r"\s+"
    return "".join(gap if part.isspace() else re.escape(escape(part) if xml else part)
                   for part in re.split(r"(\s+)", text) if part)


def _token_start(text: str, pos: int, words: int) -> int:
    """Where the token ``pos`` is in (or that ends at ``pos``) starts, ``words`` tokens further back."""
    i = pos
    for n in range(words + 1):
        if n:
            while i > 0 and text[i - 1].isspace():
                i -= 1
        while i > 0 and not text[i - 1].isspace():
            i -= 1
    return i


def _token_end(text: str, pos: int, words: int) -> int:
    """Where the token ``pos`` is in (or that starts at ``pos``) ends, ``words`` tokens further on."""
    i = pos
    for n in range(words + 1):
        if n:
            while i < len(text) and text[i].isspace():
                i += 1
        while i < len(text) and not text[i].isspace():
            i += 1
    return i


def place(original: str, raw: str, span: Span, xml: bool) -> Span | None:
    """Where in ``raw`` (the file's text) the published text at ``span`` of ``original`` is, or
    None when no context finds it as many times in the file as in the original (module docstring).

    The context is the rest of the words the span starts and ends in, then one, two, three whole
    words more on each side, until the n-th match in the original (the span's own) has an n-th in
    the file and the counts agree.
    """
    s0, s1 = span
    if s1 <= s0:
        return None
    for words in range(4):
        a, b = _token_start(original, s0, words), _token_end(original, s1, words)
        before, target, after = original[a:s0], original[s0:s1], original[s1:b]
        plain = re.compile(f"{_regex(before, False)}({_regex(target, False)}){_regex(after, False)}")
        starts = [m.start(1) for m in plain.finditer(original)]
        in_file = list(re.finditer(f"{_regex(before, xml)}({_regex(target, xml)}){_regex(after, xml)}", raw))
        if s0 in starts and len(in_file) == len(starts):
            return in_file[starts.index(s0)].span(1)
    return None


def _corrected(published: str, normalized: str, scan: str) -> str:
    """The scan's reading in the transcription's spelling: where the compared (normalized)
    transcript text and the scan agree, the published characters are kept (``„`` stays ``„``,
    ``ё`` stays ``ё``); where they differ, the scan's. Falls back to the scan's text where the
    normalization changed the length."""
    if len(published) != len(normalized):
        return scan
    out = []
    for tag, a0, a1, b0, b1 in SequenceMatcher(None, normalized, scan, autojunk=False).get_opcodes():
        out.append(published[a0:a1] if tag == "equal" else scan[b0:b1])
    return "".join(out)


def _with_one_space(raw: str, where: Span) -> Span:
    """``where`` widened by the space on one side when the text there is deleted, so that a word
    taken out of ``a b c`` leaves ``a c``, not ``a  c``; the space before, unless at a line start."""
    start, end = where
    if start > 0 and raw[start - 1] in " \t" and end < len(raw) and raw[end].isspace():
        return start - 1, end
    if end < len(raw) and raw[end] in " \t":
        return start, end + 1
    return where


def apply_review(transcript: Transcript, raw: str, report_path: Path, review_path: Path) -> ReviewResult:
    """The corrections of the review's accepted flags applied to ``raw``, the transcription file's
    decoded text, which ``transcript`` was read from.

    Raises ``InputFileError`` when ``report.json`` was made from another transcription (or an
    older version of this one).
    """
    from pipeline.report.json import transcript_digest

    report = _load_json(report_path, "report.json")
    digest = report.get("transcript_sha256")
    if digest is not None and digest != transcript_digest(transcript):
        raise InputFileError(f"{transcript.source}: is not the transcription {report_path} was made from "
                             "(it has changed since); run verify again and review the new report")
    xml = transcript.source_format in _XML_FORMATS
    edits: list[tuple[Span, str]] = []
    errata = []
    for flag, own in accepted_flags(report, report_path, review_path):
        span, scan = flag.get("transcript_span"), flag.get("scan_text")
        evidence = "; ".join([flag.get("message") or "", *flag.get("evidence", [])]).strip("; ")
        published = transcript.original[span[0]:span[1]] if span else (flag.get("transcript_text") or "")
        where = None
        if not span or (scan is None and own is None):
            status = "not applied: the flag proposes no reading of the scan to put in its place"
        elif (where := place(transcript.original, raw, (span[0], span[1]), xml)) is None:
            status = "not applied: its place in the file is not certain; correct it by hand"
        elif any(where[0] < e[1] and e[0] < where[1] for e, _ in edits):
            status, where = "not applied: overlaps a correction applied before it", None
        else:
            status = "applied"
        if own is not None:
            corrected, evidence = own, f"the reviewer's correction; {evidence}"
        elif scan is not None:
            corrected = _corrected(published, flag.get("transcript_text") or "", scan)
        else:
            corrected = published
        if where is not None:
            if not corrected:
                where = _with_one_space(raw, where)
            edits.append((where, escape(corrected, {'"': "&quot;"}) if xml else corrected))
        line = raw.count("\n", 0, where[0]) + 1 if where else None
        errata.append(Erratum(str(flag["id"]), flag.get("page"), line, published, corrected, status, evidence))
    text = raw
    for (start, end), new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return ReviewResult(text, tuple(errata))


def errata_csv(errata: Sequence[Erratum]) -> str:
    """The errata list as CSV text (``ERRATA_COLUMNS``), one row per accepted flag."""
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\n")
    out.writerow(ERRATA_COLUMNS)
    for e in errata:
        out.writerow([e.flag, e.page or "", e.line or "", e.published, e.corrected, e.status, e.evidence])
    return buf.getvalue()


def write_review(transcript_path: Path, report_path: Path, review_path: Path, out: Path,
                 errata: Path | None = None, encoding: str | None = None, text_level: str = "line") -> ReviewResult:
    """``scanproof apply-review``: write the corrected transcription to ``out`` and its errata to
    ``errata`` (default: ``out`` with ``.errata.csv`` for its suffix), each whole or not at all.

    The corrected file has the transcription's encoding. Raises ``OutputError`` (exit 5) when
    an output would overwrite an input, ``InputFileError`` for unreadable or mismatched inputs.
    """
    from pipeline.report.files import atomic_write
    from pipeline.transcript import read_transcript
    from pipeline.transcript.encoding import BOMS, read_bytes

    errata = errata or out.with_name(out.name.split(".")[0] + ".errata.csv")
    inputs = [p.resolve() for p in (transcript_path, report_path, review_path)]
    for target in (out, errata):
        if target.resolve() in inputs:
            raise OutputError(f"{target}: is an input; scanproof never writes over its inputs, choose another name")
    transcript = read_transcript(transcript_path, encoding, text_level)
    if " " in transcript.encoding:  # "utf-8 with the invalid bytes replaced …"
        raise InputFileError(f"{transcript_path}: has bytes that are not {transcript.encoding.split()[0]}, which a "
                             "corrected copy would lose; re-save it in one encoding (UTF-8) first")
    codec = codecs.lookup(transcript.encoding).name.removesuffix("-sig")
    data = read_bytes(transcript_path)
    # The mark is kept as it was; the text between is decoded as it is, line ends and all.
    bom = next((mark for mark, name in BOMS if data.startswith(mark) and name.removesuffix("-sig") == codec), b"")
    raw = data[len(bom):].decode(codec)
    result = apply_review(transcript, raw, report_path, review_path)
    try:
        body = result.text.encode(codec)
    except UnicodeEncodeError as err:
        raise OutputError(f"{out}: a correction has {err.object[err.start:err.end]!r}, which {codec} cannot "
                          "hold; convert the transcription to UTF-8 first") from err
    atomic_write(errata, errata_csv(result.errata).encode("utf-8"))
    atomic_write(out, bom + body)
    return replace(result, errata_path=errata)
