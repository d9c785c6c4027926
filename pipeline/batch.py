"""Reading the pages of many documents at once, and reporting each document as soon as its
pages are in: the page tasks of every document share the workers, each page's reading is served
from the cache when it can be (and a document's whole report folder, when a run with the same
inputs wrote it and it is untouched), and one document's failure is recorded while the others go on.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline import cache, ingest, ocr, transcript
from pipeline.cache import Cache
from pipeline.config import AUTO, Config
from pipeline.errors import InputFileError, ScanproofError, ScanproofWarning
from pipeline.executor import TaskOutcome, run_tasks, runs_here
from pipeline.lang.script import CYRILLIC, LATIN, letters_by_script, ocr_scripts
from pipeline.model import DocumentReport, PageResult, PageSource, Transcript
from pipeline.report import ReportFiles, compile_templates, require_outside, require_report_folder, write_report
from pipeline.runtime import prepare_page_reading
from pipeline.tempfiles import leave_stop_signals_to_the_main_thread

if TYPE_CHECKING:
    from pipeline.checks import CheckResult


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
    #: The exception behind ``error``, for a caller that raises it (``api.verify``).
    failure: BaseException | None = field(default=None, repr=False, compare=False)


@dataclass
class _PendingDocument:
    doc: DocumentInput
    sources: list[PageSource]
    #: The run's settings, with the document's own OCR language where ``--lang auto`` found it.
    config: Config
    #: ``ocr.engine_fingerprint`` of that language.
    engine: str
    #: Each page's cache key (``cache.page_key``), in page order; empty without a cache.
    keys: list[str] = field(default_factory=list)
    #: The keys of its analysis and of its report folder (``cache.analysis_key``,
    #: ``cache.report_key``); None without a cache.
    analysis: str | None = None
    report: str | None = None
    pages: dict[int, PageResult] = field(default_factory=dict)


def _prepare_analysis(transcript_: Transcript, config: Config) -> CheckResult:
    """What a document's analysis and report need that no page does, done while its pages are
    read: the analysis's modules (alignment, checks, divergences) imported, the report's template
    compiled, the transcription's own checks run."""
    from pipeline.document import check_transcript

    compile_templates()
    return check_transcript(transcript_, config)


def _analyse_cached(
    transcript_: Transcript, doc: _PendingDocument, pages: list[PageResult], config: Config, store: Cache | None,
    checked: Callable[[], CheckResult],
) -> DocumentReport:
    """``analyse`` through the cache, when every page was read (a failed page is tried again on
    the next run, so its document's analysis is not kept); ``checked`` gives the transcription's
    checks, run beside the reading."""
    from pipeline.document import analyse

    if store is None or doc.analysis is None or any(p.ocr.failed for p in pages):
        return analyse(transcript_, pages, config, checked())
    hit = store.load(doc.analysis, DocumentReport)
    if hit is not None:
        return replace(hit, pages=tuple(pages))
    report = analyse(transcript_, pages, config, checked())
    # The pages are in their own cache entries already.
    store.store(doc.analysis, replace(report, pages=()))
    return report


def run_documents(
    docs: Sequence[DocumentInput],
    out_dir: Path,
    folder_of: Callable[[str], Path],
    config: Config,
    progress: Progress | None = None,
) -> list[DocumentOutcome]:
    """Read all pages of all documents at page level, report each document when its pages are in.

    Each document's report goes to ``folder_of(document_id)`` inside ``out_dir`` (whose
    ``.cache`` is the default cache). A document that fails is recorded in its outcome, and the
    others go on; once no document is left to report, the pages still queued are not read.
    """
    if config.ocr.lang != AUTO:
        ocr.require_tesseract(config.ocr.lang, config.ocr.engine)
    prepare_page_reading()  # pages are opened here too, to count them
    if config.run.cache and config.run.cache_dir is None:
        config = replace(config, run=replace(config.run, cache_dir=str(out_dir / ".cache")))
    outcomes: dict[str, DocumentOutcome] = {}
    pending: dict[str, _PendingDocument] = {}
    transcripts: dict[str, Transcript] = {}

    def fail(doc_id: str, err: ScanproofError, failure: BaseException | None = None) -> None:
        outcomes[doc_id] = DocumentOutcome(doc_id, error=err.message, failure=failure or err)
        pending.pop(doc_id, None)

    for doc in docs:
        try:
            if doc.transcript is None:
                raise InputFileError(f"{doc.document_id}: no transcript")
            # Refused before any page is read, so that minutes of OCR are not lost to it.
            target = folder_of(doc.document_id)
            require_outside(target, [doc.transcript, *doc.scans])
            require_report_folder(target)
            transcripts[doc.document_id] = transcript.read_transcript(
                doc.transcript, config.transcript.encoding, config.transcript.text_level)
            doc_config = with_document_language(config, transcripts[doc.document_id])
            require_ocr_script(transcripts[doc.document_id], doc_config.ocr.lang)
            if not doc.scans:
                raise InputFileError(f"{doc.document_id}: no scans found; put page images in "
                                     f"a folder named {doc.document_id}")
            sources = ingest.discover_pages(doc.scans)
            if config.run.ship_images:
                sources = [replace(s, ship=True) for s in sources]
            if not sources:
                places = ", ".join(map(str, doc.scans))
                raise InputFileError(f"{doc.document_id}: no page images in {places}")
            pending[doc.document_id] = _PendingDocument(doc, sources, doc_config,
                                                        _engine(doc_config.ocr.lang, config.ocr.engine))
        except ScanproofError as err:
            fail(doc.document_id, err)

    store = Cache(Path(config.run.cache_dir)) if config.run.cache and config.run.cache_dir else None
    total = sum(len(p.sources) for p in pending.values())
    done = 0
    if store is not None:
        _cache_keys(pending, folder_of, store)

    # A report that a run with the same inputs wrote is there as it wrote it: nothing to read,
    # analyse or write.
    for doc_id, p in list(pending.items()):
        files = None if store is None or p.report is None else store.report_in_place(folder_of(doc_id), p.report)
        if files is None:
            continue
        del pending[doc_id]
        outcomes[doc_id] = DocumentOutcome(doc_id, files=files)
        for index in range(1, len(p.sources) + 1):
            done += 1
            if progress:
                progress(PageEvent(doc_id, index, done, total, cached=True))

    def take(outcome: TaskOutcome[tuple[str, int]], cached: bool) -> None:
        """One page read: counted, and its document reported once all of its pages are in."""
        nonlocal done
        doc_id, index = outcome.key
        done += 1
        if progress:
            error = None if outcome.error is None else str(outcome.error)
            progress(PageEvent(doc_id, index, done, total, cached, error))
        if doc_id not in pending:
            return  # the document already failed on an earlier page
        if isinstance(outcome.error, ScanproofError):
            fail(doc_id, outcome.error)
            return
        if outcome.error is not None:
            if not isinstance(outcome.error, Exception):
                raise outcome.error
            # A bug, not a bad input: its own exception is kept, for a traceback under --debug.
            fail(doc_id, ScanproofError(f"page {index}: {outcome.error}"), outcome.error)
            return
        p = pending[doc_id]
        p.pages[index] = outcome.result
        if len(p.pages) == len(p.sources):
            del pending[doc_id]
            pages = [p.pages[i] for i in sorted(p.pages)]
            try:
                report = _analyse_cached(transcripts[doc_id], p, pages, p.config, store, checks[doc_id])
                files = write_report(report, folder_of(doc_id), exports=config.report.exports, config=config.report)
                outcomes[doc_id] = DocumentOutcome(doc_id, files=files)
                if store is not None and p.report is not None and not any(r.ocr.failed for r in pages):
                    store.note_report(files, p.report)
            except ScanproofError as err:
                fail(doc_id, err)

    # What the analysis needs that no page does (``_prepare_analysis``, 0.3 s on a one-page
    # document) is done in a thread while the pages are read here, for the OCR and OpenCV leave
    # the GIL: a one-page run does not wait for it after its page. Not when worker processes
    # read them: a process forked while a thread holds a lock (an import's) inherits it held,
    # and waits on it for ever.
    checking = ThreadPoolExecutor(max_workers=1, thread_name_prefix="scanproof-checks",
                                  initializer=leave_stop_signals_to_the_main_thread) \
        if runs_here(config.run, total) else None
    try:
        checks = {doc_id: (functools.partial(_prepare_analysis, transcripts[doc_id], p.config) if checking is None
                           else checking.submit(_prepare_analysis, transcripts[doc_id], p.config).result)
                  for doc_id, p in pending.items()}
        with closing(_read_pages(pending, config, store)) as readings:
            for outcome, cached in readings:
                take(outcome, cached)
                if not pending:
                    break  # every document is reported or failed: leave what is queued unread
    finally:
        if checking is not None:
            checking.shutdown(wait=False, cancel_futures=True)
        if store is not None:
            store.keep_reports()
    if store is not None and store.ignored:
        warnings.warn(ScanproofWarning(
            f"{len(store.ignored)} cache entries in {store.folder} could not be used (damaged, or not "
            "written by this version of scanproof) and were computed afresh"), stacklevel=2)
    return [outcomes[d.document_id] for d in docs]


def _cache_keys(pending: dict[str, _PendingDocument], folder_of: Callable[[str], Path], store: Cache) -> None:
    """Each document's page, analysis and report keys (``cache``), from its scans' remembered
    digests (``Cache.file_digest``)."""
    for doc_id, p in pending.items():
        p.keys = [cache.page_key(source, p.config, p.engine, store.file_digest(source.path)) for source in p.sources]
        if p.doc.transcript is not None:
            p.analysis = cache.analysis_key(Path(p.doc.transcript), p.keys, p.config)
            p.report = cache.report_key(p.analysis, p.sources, folder_of(doc_id), p.config)
    store.keep_digests()


def _read_pages(
    pending: dict[str, _PendingDocument], config: Config, store: Cache | None
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
                tasks.append(((doc_id, i), (source, i, p.config)))
                continue
            key = p.keys[i - 1]
            hit = store.load(key, PageResult)
            if hit is None:
                keys[(doc_id, i)] = key
                tasks.append(((doc_id, i), (source, i, p.config)))
            else:
                # The same image may sit at another place in another document.
                ocr_page = replace(hit.ocr, index=i, image=str(source.path))
                hits.append(TaskOutcome((doc_id, i), replace(hit, ocr=ocr_page)))
    # Yielded once the loop is done: the caller retires finished documents from ``pending``.
    for outcome in hits:
        yield outcome, True
    if not tasks:
        return
    # Imported only when a page is to be read (with its stages: OpenCV, the layout's modules …),
    # here, before any worker is forked: a run served from the cache needs none of it.
    from pipeline.page import read_page_task

    for outcome in run_tasks(read_page_task, tasks, config.run):
        if store is not None and outcome.error is None and outcome.result.ocr.failed is None:
            store.store(keys[outcome.key], outcome.result)
        yield outcome, False


@functools.cache
def _engine(lang: str, engine: str) -> str:
    """``ocr.engine_fingerprint``, once per language of a run, after checking its models are there."""
    ocr.require_tesseract(lang, engine)
    return ocr.engine_fingerprint(lang, engine)


def with_document_language(config: Config, transcript_: Transcript) -> Config:
    """``config`` with ``ocr.lang`` the document's own where it is ``auto``: the language(s) of its
    original text (``pipeline.lang.detect``), or ``OcrConfig.fallback_lang`` where none is found."""
    if config.ocr.lang != AUTO:
        return config
    from pipeline.lang.detect import ocr_languages

    lang = ocr_languages(transcript_.original, config.ocr.second_language_share) or config.ocr.fallback_lang
    return replace(config, ocr=replace(config.ocr, lang=lang))


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
