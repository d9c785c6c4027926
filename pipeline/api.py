"""The public API: run the stages on documents and write their reports.

The CLI is a thin layer over these functions; a script can call them directly::

    from pathlib import Path
    from pipeline import api
    files = api.verify(Path("transcripts/ID.md"), [Path("scans/ID")], Path("out"))
    print(files.html)

Data flow per page (in a worker process, ``pipeline.page``): ingest → layout → preprocess → ocr.
Per document (in this process, as soon as its pages are read, ``pipeline.document``): align →
divergences, checks, markup matching; then the report. ``pipeline.batch`` schedules that work and
keeps the cache; this module is what a caller uses.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.config import AlignConfig, Config, TranscriptConfig
from pipeline.errors import BadArgumentsError, InputFileError
from pipeline.lazy import lazy_names

if TYPE_CHECKING:
    from pipeline.batch import DocumentInput, DocumentOutcome, PageEvent, Progress, require_ocr_script
    from pipeline.document import analyse
    from pipeline.model import Metrics, OcrPage
    from pipeline.page import read_page
    from pipeline.report import ReportFiles
    from pipeline.review import write_review

# Names of this API that live in the flows' modules, imported when first used.
__getattr__ = lazy_names(__name__, {
    "DocumentInput": "pipeline.batch", "DocumentOutcome": "pipeline.batch", "PageEvent": "pipeline.batch",
    "Progress": "pipeline.batch", "require_ocr_script": "pipeline.batch", "read_page": "pipeline.page",
    "analyse": "pipeline.document", "write_review": "pipeline.review",
})

__all__ = [
    "BatchResult",
    "DocumentInput",
    "DocumentOutcome",
    "PageEvent",
    "Progress",
    "analyse",
    "check",
    "compare_texts",
    "find_documents",
    "read_image",
    "read_page",
    "require_ocr_script",
    "run",
    "verify",
    "write_review",
]


@dataclass(frozen=True)
class BatchResult:
    """A collection run: one outcome per document, and the index page."""

    outcomes: tuple[DocumentOutcome, ...]
    index: Path

    @property
    def failed(self) -> list[DocumentOutcome]:
        return [o for o in self.outcomes if o.error is not None]


def verify(
    transcript_path: Path,
    scans: Sequence[Path],
    out_dir: Path,
    config: Config | None = None,
    progress: Progress | None = None,
) -> ReportFiles:
    """Check one transcription against its scans; write ``report.json`` and ``report.html``.

    ``scans`` are image files or folders of them (pages in natural order of file names).
    """
    from pipeline.batch import DocumentInput, run_documents
    from pipeline.transcript import document_id

    config = config or Config()
    doc = DocumentInput(document_id(transcript_path), transcript_path, tuple(scans))
    outcome = run_documents([doc], out_dir, lambda _: out_dir, config, progress)[0]
    if outcome.failure is not None:
        raise outcome.failure
    assert outcome.files is not None
    return outcome.files


def check(transcript_path: Path, out_dir: Path, config: Config | None = None) -> ReportFiles:
    """Run the text-only checks (dates, numbers, names vs translation) and write the report."""
    from pipeline import transcript
    from pipeline.document import analyse
    from pipeline.report import require_outside, write_report

    config = config or Config()
    require_outside(out_dir, [transcript_path])
    transcript_ = transcript.read_transcript(transcript_path, config.transcript.encoding,
                                             config.transcript.text_level)
    return write_report(analyse(transcript_, [], config), out_dir, config=config.report)


def run(
    scans_dir: Path,
    transcripts_dir: Path,
    out_dir: Path,
    config: Config | None = None,
    progress: Progress | None = None,
) -> BatchResult:
    """Check a collection: every ``transcripts/ID.md`` against ``scans/ID/`` or ``scans/ID.tif``.

    Reports go to ``out_dir/ID/``; ``out_dir/index.html`` lists them. A document that fails is
    named in the result and the batch goes on.
    """
    from pipeline.batch import run_documents
    from pipeline.report import IndexRow, report_folder, require_outside, write_index

    config = config or Config()
    require_outside(out_dir, [scans_dir, transcripts_dir])
    docs = find_documents(scans_dir, transcripts_dir)
    outcomes = run_documents(docs, out_dir, lambda doc_id: report_folder(out_dir, doc_id), config, progress)
    rows = [IndexRow.from_outcome(o.document_id, o.files, o.error) for o in outcomes]
    return BatchResult(tuple(outcomes), write_index(rows, out_dir))


def read_image(path: Path, config: Config | None = None) -> OcrPage:
    """OCR one image after preprocessing (``scanproof ocr``)."""
    from pipeline import ingest, ocr
    from pipeline.page import read_page
    from pipeline.runtime import prepare_page_reading

    config = config or Config()
    ocr.require_tesseract(config.ocr.lang, config.ocr.engine)
    prepare_page_reading()
    sources = ingest.discover_pages([path])
    if not sources:
        raise InputFileError(f"{path}: not an image file; give a PNG, JPEG, TIFF or PDF")
    return read_page(sources[0], 1, config).ocr


def compare_texts(reference: Path, hypothesis: Path, encoding: str | None = None, text_level: str = "line",
                  equivalences: str = "none") -> Metrics:
    """CER and WER of a hypothesis file (an OCR result) against a reference file (``scanproof cer``).

    Either may be in any format ``read_transcript`` reads (plain text, the Wilson export, TEI,
    PAGE-XML at ``text_level``, ALTO, hOCR), both in ``encoding`` when one is given; what is
    compared is each one's ``compared_text``, after the equivalence set ``equivalences``
    (``AlignConfig.equivalences``).
    """
    from pipeline.cer import compare_files

    config = Config(transcript=TranscriptConfig(encoding=encoding, text_level=text_level),
                    align=AlignConfig(equivalences=equivalences))
    metrics = compare_files(reference, hypothesis, config).metrics
    return replace(metrics, confusions=metrics.confusions[:config.align.max_confusions])


def find_documents(scans_dir: Path, transcripts_dir: Path) -> list[DocumentInput]:
    """Pair each transcription ``transcripts_dir/ID.*`` (``.md``, ``.txt``, ``.xml``, ``.tei.xml``,
    ``.hocr`` … : ``transcript.TRANSCRIPT_SUFFIXES``) with ``scans_dir/ID/`` (a folder) or
    ``scans_dir/ID.*``; two transcriptions of one document are refused."""
    from pipeline import ingest
    from pipeline.batch import DocumentInput
    from pipeline.transcript import TRANSCRIPT_SUFFIXES, document_id

    if not transcripts_dir.is_dir():
        raise BadArgumentsError(f"{transcripts_dir}: no such folder of transcripts")
    if not scans_dir.is_dir():
        raise BadArgumentsError(f"{scans_dir}: no such folder of scans")
    docs: dict[str, DocumentInput] = {}
    for path in sorted(transcripts_dir.iterdir(), key=lambda p: ingest.natural_key(p.name)):
        if path.suffix.lower() not in TRANSCRIPT_SUFFIXES or path.name.startswith("."):
            continue
        doc_id = document_id(path)
        if doc_id in docs:
            raise BadArgumentsError(f"{transcripts_dir}: two transcriptions of document {doc_id} "
                                    f"({Path(docs[doc_id].transcript or path).name}, {path.name}); keep one of them")
        folder = scans_dir / doc_id
        files = tuple(
            p for p in sorted(scans_dir.glob(f"{_glob_escape(doc_id)}.*"))
            if p.suffix.lower() in ingest.IMAGE_SUFFIXES
        )
        scans = (folder,) if folder.is_dir() else files
        docs[doc_id] = DocumentInput(doc_id, path, scans)
    if not docs:
        raise BadArgumentsError(f"{transcripts_dir}: no transcripts (*.md, *.txt, *.xml, *.hocr …) found")
    return list(docs.values())


def _glob_escape(name: str) -> str:
    """``name`` with glob metacharacters made literal."""
    return re.sub(r"([*?\[])", r"[\1]", name)


