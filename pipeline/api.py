"""The public API: run the stages on documents and write their reports.

The CLI is a thin layer over these functions; a script can call them directly::

    from pathlib import Path
    from pipeline import api
    files = api.verify(Path("transcripts/ID.md"), [Path("scans/ID")], Path("out"))
    print(files.html)

Data flow per page (in a worker process, ``pipeline.page``): ingest → layout → preprocess → ocr.
Per document (in this process, as soon as its pages are read, ``pipeline.document``): align →
divergences, checks, markup matching; then the report. This module schedules that work, keeps
the cache, and turns each document's outcome into a report or a recorded failure.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from pipeline import align as align_stage
from pipeline import cache, ingest, ocr, transcript
from pipeline.cache import Cache
from pipeline.config import Config
from pipeline.document import analyse
from pipeline.errors import (
    BadArgumentsError,
    InputFileError,
    ScanproofError,
    ScanproofWarning,
)
from pipeline.executor import TaskOutcome, limit_ocr_threads, run_tasks
from pipeline.lang.script import CYRILLIC, LATIN, letters_by_script, ocr_scripts
from pipeline.model import (
    DocumentReport,
    Metrics,
    OcrPage,
    PageResult,
    PageSource,
    Transcript,
)
from pipeline.page import read_page, read_page_task
from pipeline.report import (
    IndexRow,
    ReportFiles,
    report_folder,
    require_outside,
    require_report_folder,
    write_index,
    write_report,
)


@dataclass(frozen=True)
class PageEvent:
    """Progress: one page of a run has been read (or has failed)."""

    document: str
    page: int
    done: int  # pages finished so far in this run
    total: int  # pages in this run
    cached: bool
    error: str | None = None


#: Called after each page of a run.
Progress = Callable[[PageEvent], None]

_TRANSCRIPT_SUFFIXES = (".md", ".txt")


@dataclass(frozen=True)
class DocumentInput:
    """One document of a collection: its id, its transcription (if any) and its scans."""

    document_id: str
    transcript: Path | None
    scans: tuple[Path, ...]


@dataclass(frozen=True)
class DocumentOutcome:
    """What became of one document of a batch."""

    document_id: str
    files: ReportFiles | None = None
    error: str | None = None


@dataclass(frozen=True)
class BatchResult:
    """A collection run: one outcome per document, and the index page."""

    outcomes: tuple[DocumentOutcome, ...]
    index: Path

    @property
    def failed(self) -> list[DocumentOutcome]:
        return [o for o in self.outcomes if o.error is not None]


@dataclass
class _PendingDocument:
    doc: DocumentInput
    sources: list[PageSource]
    #: Each page's cache key (``cache.page_key``), in page order; empty without a cache.
    keys: list[str] = field(default_factory=list)
    pages: dict[int, PageResult] = field(default_factory=dict)


def _analyse_cached(
    transcript_: Transcript, doc: _PendingDocument, pages: list[PageResult], config: Config, store: Cache | None
) -> DocumentReport:
    """``analyse`` through the cache, when every page was read (a failed page is tried again on
    the next run, so its document's analysis is not kept)."""
    if store is None or doc.doc.transcript is None or any(p.ocr.failed for p in pages):
        return analyse(transcript_, pages, config)
    key = cache.analysis_key(Path(doc.doc.transcript), doc.keys, config)
    hit = store.load(key, DocumentReport)
    if hit is not None:
        return replace(hit, pages=tuple(pages))
    report = analyse(transcript_, pages, config)
    # The pages are in their own cache entries already.
    store.store(key, replace(report, pages=()))
    return report


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
    config = config or Config()
    doc = DocumentInput(transcript_path.stem, transcript_path, tuple(scans))
    outcome = _run_documents([doc], out_dir, config, progress, single=True)[0]
    assert outcome.files is not None  # single=True re-raises the document's error
    return outcome.files


def check(transcript_path: Path, out_dir: Path, config: Config | None = None) -> ReportFiles:
    """Run the text-only checks (dates, numbers, names vs translation) and write the report."""
    config = config or Config()
    require_outside(out_dir, [transcript_path])
    transcript_ = transcript.read_transcript(transcript_path)
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
    config = config or Config()
    require_outside(out_dir, [scans_dir, transcripts_dir])
    docs = find_documents(scans_dir, transcripts_dir)
    outcomes = _run_documents(docs, out_dir, config, progress, single=False)
    rows = [IndexRow.from_outcome(o.document_id, o.files, o.error) for o in outcomes]
    return BatchResult(tuple(outcomes), write_index(rows, out_dir))


def read_image(path: Path, config: Config | None = None) -> OcrPage:
    """OCR one image after preprocessing (``scanproof ocr``)."""
    config = config or Config()
    ocr.require_tesseract(config.ocr.lang)
    limit_ocr_threads()
    sources = ingest.discover_pages([path])
    if not sources:
        raise InputFileError(f"{path}: not an image file; give a PNG, JPEG, TIFF or PDF")
    return read_page(sources[0], 1, config).ocr


def compare_texts(reference: Path, hypothesis: Path) -> Metrics:
    """CER and WER of a hypothesis text file against a reference text file (``scanproof cer``)."""
    return align_stage.text_metrics(transcript.read_text(reference), transcript.read_text(hypothesis))


def find_documents(scans_dir: Path, transcripts_dir: Path) -> list[DocumentInput]:
    """Pair ``transcripts_dir/ID.{md,txt}`` with ``scans_dir/ID/`` (a folder) or ``scans_dir/ID.*``."""
    if not transcripts_dir.is_dir():
        raise BadArgumentsError(f"{transcripts_dir}: no such folder of transcripts")
    if not scans_dir.is_dir():
        raise BadArgumentsError(f"{scans_dir}: no such folder of scans")
    docs = []
    for path in sorted(transcripts_dir.iterdir(), key=lambda p: ingest.natural_key(p.name)):
        if path.suffix.lower() not in _TRANSCRIPT_SUFFIXES or path.name.startswith("."):
            continue
        doc_id = path.stem
        folder = scans_dir / doc_id
        files = tuple(
            p for p in sorted(scans_dir.glob(f"{_glob_escape(doc_id)}.*"))
            if p.suffix.lower() in ingest.IMAGE_SUFFIXES
        )
        scans = (folder,) if folder.is_dir() else files
        docs.append(DocumentInput(doc_id, path, scans))
    if not docs:
        raise BadArgumentsError(f"{transcripts_dir}: no transcripts (*.md, *.txt) found")
    return docs


def _glob_escape(name: str) -> str:
    """``name`` with glob metacharacters made literal."""
    return re.sub(r"([*?\[])", r"[\1]", name)


def _run_documents(
    docs: Sequence[DocumentInput],
    out_dir: Path,
    config: Config,
    progress: Progress | None,
    single: bool,
) -> list[DocumentOutcome]:
    """Read all pages of all documents at page level, report each document when its pages are in.

    With ``single`` the first document error is raised instead of recorded.
    """
    ocr.require_tesseract(config.ocr.lang)
    if config.run.cache and config.run.cache_dir is None:
        config = replace(config, run=replace(config.run, cache_dir=str(out_dir / ".cache")))
    engine = ocr.engine_fingerprint(config.ocr.lang)
    outcomes: dict[str, DocumentOutcome] = {}
    pending: dict[str, _PendingDocument] = {}
    transcripts: dict[str, Transcript] = {}

    def fail(doc_id: str, err: ScanproofError) -> None:
        if single:
            raise err
        outcomes[doc_id] = DocumentOutcome(doc_id, error=err.message)
        pending.pop(doc_id, None)

    for doc in docs:
        try:
            if doc.transcript is None:
                raise InputFileError(f"{doc.document_id}: no transcript")
            # Refused before any page is read, so that minutes of OCR are not lost to it.
            target = out_dir if single else report_folder(out_dir, doc.document_id)
            require_outside(target, [doc.transcript, *doc.scans])
            require_report_folder(target)
            transcripts[doc.document_id] = transcript.read_transcript(doc.transcript)
            require_ocr_script(transcripts[doc.document_id], config.ocr.lang)
            if not doc.scans:
                raise InputFileError(f"{doc.document_id}: no scans found; put page images in "
                                     f"a folder named {doc.document_id}")
            sources = ingest.discover_pages(doc.scans)
            if config.run.ship_images:
                sources = [replace(s, ship=True) for s in sources]
            if not sources:
                places = ", ".join(map(str, doc.scans))
                raise InputFileError(f"{doc.document_id}: no page images in {places}")
            pending[doc.document_id] = _PendingDocument(doc, sources)
        except ScanproofError as err:
            fail(doc.document_id, err)

    store = Cache(Path(config.run.cache_dir)) if config.run.cache and config.run.cache_dir else None
    total = sum(len(p.sources) for p in pending.values())
    done = 0
    for outcome, cached in _read_pages(pending, config, engine, store):
        doc_id, index = outcome.key
        done += 1
        if progress:
            error = None if outcome.error is None else str(outcome.error)
            progress(PageEvent(doc_id, index, done, total, cached, error))
        if doc_id not in pending:
            continue  # the document already failed on an earlier page
        if isinstance(outcome.error, ScanproofError):
            fail(doc_id, outcome.error)
            continue
        if outcome.error is not None:
            if single or not isinstance(outcome.error, Exception):
                raise outcome.error
            fail(doc_id, ScanproofError(f"page {index}: {outcome.error}"))
            continue
        p = pending[doc_id]
        p.pages[index] = outcome.result
        if len(p.pages) == len(p.sources):
            del pending[doc_id]
            pages = [p.pages[i] for i in sorted(p.pages)]
            try:
                report = _analyse_cached(transcripts[doc_id], p, pages, config, store)
                target = out_dir if single else report_folder(out_dir, doc_id)
                files = write_report(report, target, exports=config.report.exports, config=config.report)
                outcomes[doc_id] = DocumentOutcome(doc_id, files=files)
            except ScanproofError as err:
                fail(doc_id, err)
    if store is not None and store.ignored:
        warnings.warn(ScanproofWarning(
            f"{len(store.ignored)} cache entries in {store.folder} could not be used (damaged, or not "
            "written by this version of scanproof) and were computed afresh"), stacklevel=2)
    return [outcomes[d.document_id] for d in docs]


def _read_pages(
    pending: dict[str, _PendingDocument], config: Config, engine: str, store: Cache | None
) -> Iterator[tuple[TaskOutcome[tuple[str, int]], bool]]:
    """Every page of ``pending``, as (outcome, whether it came from the cache): cached readings
    first, without a worker, then the others as the workers finish them, each stored as it comes.

    The cache is read and written here, in this process, so that workers (remote ones too) need
    no access to it; a failed page is not kept, so that the next run tries it again.
    """
    tasks = []
    keys: dict[tuple[str, int], str] = {}
    hits: list[TaskOutcome[tuple[str, int]]] = []
    for doc_id, p in pending.items():
        for i, source in enumerate(p.sources, start=1):
            if store is None:
                tasks.append(((doc_id, i), (source, i, config)))
                continue
            key = cache.page_key(source, config, engine)
            p.keys.append(key)
            hit = store.load(key, PageResult)
            if hit is None:
                keys[(doc_id, i)] = key
                tasks.append(((doc_id, i), (source, i, config)))
            else:
                # The same image may sit at another place in another document.
                ocr_page = replace(hit.ocr, index=i, image=str(source.path))
                hits.append(TaskOutcome((doc_id, i), replace(hit, ocr=ocr_page)))
    # Yielded once the loop is done: the caller retires finished documents from ``pending``.
    for outcome in hits:
        yield outcome, True
    if not tasks:
        return
    for outcome in run_tasks(read_page_task, tasks, config.run):
        if store is not None and outcome.error is None and outcome.result.ocr.failed is None:
            store.store(keys[outcome.key], outcome.result)
        yield outcome, False


def require_ocr_script(transcript_: Transcript, lang: str) -> None:
    """Refuse a transcription whose original is in a script the OCR language cannot read.

    Comparing Latin-script OCR with a Cyrillic transcription (or the reverse) would flag every word.
    """
    letters = letters_by_script(transcript_.original)
    cyrillic, latin = letters[CYRILLIC], letters[LATIN]
    reads = ocr_scripts(lang)
    if cyrillic > 2 * latin and CYRILLIC not in reads:
        raise InputFileError(f"{transcript_.source}: the original text is in Cyrillic but the OCR language is "
                             f"{lang}; pass --lang rus (or the document's language)")
    if latin > 2 * cyrillic and LATIN not in reads:
        raise InputFileError(f"{transcript_.source}: the original text is in Latin script but the OCR language "
                             f"is {lang}; pass --lang with the document's language, e.g. --lang deu "
                             "(apt-get install tesseract-ocr-deu)")


