"""The public API: run the stages on documents and write their reports.

The CLI is a thin layer over these functions; a script can call them directly::

    from pathlib import Path
    from pipeline import api
    files = api.verify(Path("transcripts/ID.md"), [Path("scans/ID")], Path("out"))
    print(files.html)

Data flow per page (in a worker process): ingest → layout → preprocess → ocr.
Per document (in this process, as soon as its pages are read): align → divergences, checks,
markup matching → report.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from pipeline import align as align_stage
from pipeline import cache, ingest, layout, ocr, preprocess, transcript
from pipeline import checks as checks_stage
from pipeline.config import Config
from pipeline.errors import BadArgumentsError, InputFileError, ScanproofError, TesseractFailedError
from pipeline.executor import run_tasks
from pipeline.model import (
    AlignedLine,
    DocumentReport,
    Flag,
    Metrics,
    OcrPage,
    PageMetrics,
    PageResult,
    PageSource,
    Severity,
    Transcript,
)
from pipeline.report import (
    IndexRow,
    ReportFiles,
    encode_pixels,
    report_folder,
    require_export_formats,
    require_outside,
    require_report_folder,
    write_index,
    write_report,
)
from pipeline.tempfiles import temporary_directory


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
    pages: dict[int, PageResult] = field(default_factory=dict)


def read_page(source: PageSource, index: int, config: Config) -> PageResult:
    """Read one page: decode it, find its non-typed elements, clean it up and OCR it.

    A Tesseract crash or time-out on the page gives an ``OcrPage`` marked failed rather than an
    exception, so that the rest of the document still gets its report.
    """
    page = ingest.load_page(source, index, config.ingest)
    preview = encode_pixels(page.pixels, config.report)
    try:
        regions = tuple(layout.detect_regions(page, config.layout, config.ocr.lang))
        pre = preprocess.preprocess(page, config.preprocess)
        ocr_page = ocr.read_page(page, pre, config.ocr)
    except TesseractFailedError as err:
        failed = OcrPage(index, str(source.path), page.width, page.height, 0.0, (), err.message)
        return PageResult(failed, (), preview)
    return PageResult(ocr_page, regions, preview)


def _read_page_task(source: PageSource, index: int, config: Config, engine: str) -> tuple[PageResult, bool]:
    """``read_page`` through the cache: (reading, whether it came from the cache)."""
    if source.data is not None:
        return _read_shipped_page(source, index, config, engine)
    if not config.run.cache or config.run.cache_dir is None:
        return read_page(source, index, config), False
    cache_dir = Path(config.run.cache_dir)
    key = cache.page_key(source, config, engine)
    hit = cache.load(cache_dir, key, PageResult)
    if hit is not None:
        # The same image may sit at another place in another document.
        return replace(hit, ocr=replace(hit.ocr, index=index, image=str(source.path))), True
    result = read_page(source, index, config)
    if result.ocr.failed is None:
        cache.store(cache_dir, key, result)
    return result, False


def _read_shipped_page(source: PageSource, index: int, config: Config, engine: str) -> tuple[PageResult, bool]:
    """``_read_page_task`` on a page whose bytes came with the task: read from a private copy,
    reported (and its errors worded) under the page's own path."""
    with temporary_directory(prefix="scanproof-page-") as tmp:
        local = Path(tmp) / source.path.name
        local.write_bytes(source.data or b"")
        try:
            result, cached = _read_page_task(PageSource(local, source.frame), index, config, engine)
        except ScanproofError as err:
            raise type(err)(err.message.replace(str(local), str(source.path))) from None
    return replace(result, ocr=replace(result.ocr, image=str(source.path))), cached


def analyse(transcript_: Transcript, pages: Sequence[PageResult], config: Config) -> DocumentReport:
    """Compare a document's pages with its transcription and run every check; no I/O."""
    checked = checks_stage.run_checks(transcript_, config.checks)
    flags: list[Flag] = list(checked.flags)
    metrics: Metrics | None = None
    page_metrics: tuple[PageMetrics, ...] = ()
    lines: tuple[AlignedLine, ...] = ()
    read = [p.ocr for p in pages if p.ocr.failed is None]
    if read:
        alignment = align_stage.align(read, transcript_, config.align)
        flags += align_stage.find_divergences(alignment, config.align)
        metrics, page_metrics, lines = alignment.metrics, alignment.page_metrics, alignment.lines
        regions = [(p.ocr.index, r) for p in pages for r in p.regions]
        flags += layout.match_markup(regions, transcript_, config.layout)
    flags += [
        Flag("page_failed", Severity.HIGH, f"Page {p.ocr.index} could not be read: {p.ocr.failed}",
             page=p.ocr.index)
        for p in pages
        if p.ocr.failed is not None
    ]
    flags.sort(key=lambda f: (f.severity.rank, f.page or 0))
    return DocumentReport(
        document=transcript_.document_id,
        transcript=transcript_,
        pages=tuple(pages),
        metrics=metrics,
        flags=tuple(flags),
        page_metrics=page_metrics,
        lines=lines,
        paragraphs=checked.paragraphs,
    )


def _analyse_cached(
    transcript_: Transcript, doc: _PendingDocument, pages: list[PageResult], config: Config, engine: str
) -> DocumentReport:
    """``analyse`` through the cache, when every page was read (a failed page is tried again on
    the next run, so its document's analysis is not kept)."""
    if not config.run.cache or config.run.cache_dir is None or any(p.ocr.failed for p in pages):
        return analyse(transcript_, pages, config)
    cache_dir = Path(config.run.cache_dir)
    page_keys = [cache.page_key(source, config, engine) for source in doc.sources]
    key = cache.analysis_key(Path(doc.doc.transcript), page_keys, config)
    hit = cache.load(cache_dir, key, DocumentReport)
    if hit is not None:
        return replace(hit, pages=tuple(pages))
    report = analyse(transcript_, pages, config)
    # The pages are in their own cache entries already.
    cache.store(cache_dir, key, replace(report, pages=()))
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
    require_export_formats(config.report.exports)
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

    tasks = [
        ((doc_id, i), (source, i, config, engine))
        for doc_id, p in pending.items()
        for i, source in enumerate(p.sources, start=1)
    ]
    done = 0
    for outcome in run_tasks(_read_page_task, tasks, config.run):
        doc_id, index = outcome.key
        done += 1
        if progress:
            error = None if outcome.error is None else str(outcome.error)
            cached = outcome.error is None and outcome.result[1]
            progress(PageEvent(doc_id, index, done, len(tasks), cached, error))
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
        p.pages[index] = outcome.result[0]
        if len(p.pages) == len(p.sources):
            del pending[doc_id]
            pages = [p.pages[i] for i in sorted(p.pages)]
            try:
                report = _analyse_cached(transcripts[doc_id], p, pages, config, engine)
                target = out_dir if single else report_folder(out_dir, doc_id)
                files = write_report(report, target, exports=config.report.exports, config=config.report)
                outcomes[doc_id] = DocumentOutcome(doc_id, files=files)
            except ScanproofError as err:
                fail(doc_id, err)
    return [outcomes[d.document_id] for d in docs]


#: Tesseract languages written in Cyrillic; every other language we may be given is read as Latin.
_CYRILLIC_LANGS = frozenset({"rus", "ukr", "bel", "bul", "srp", "mkd", "kaz", "kir", "tgk", "mon", "uzb_cyrl"})


def require_ocr_script(transcript_: Transcript, lang: str) -> None:
    """Refuse a transcription whose original is in a script the OCR language cannot read.

    Comparing Latin-script OCR with a Cyrillic transcription (or the reverse) would flag every word.
    """
    cyrillic = sum(1 for c in transcript_.original if "\u0400" <= c <= "\u04ff")
    latin = sum(1 for c in transcript_.original if c.isascii() and c.isalpha())
    reads_cyrillic = any(part in _CYRILLIC_LANGS for part in lang.split("+"))
    reads_latin = any(part not in _CYRILLIC_LANGS for part in lang.split("+"))
    if cyrillic > 2 * latin and not reads_cyrillic:
        raise InputFileError(f"{transcript_.source}: the original text is in Cyrillic but the OCR language is "
                             f"{lang}; pass --lang rus (or the document's language)")
    if latin > 2 * cyrillic and not reads_latin:
        raise InputFileError(f"{transcript_.source}: the original text is in Latin script but the OCR language "
                             f"is {lang}; pass --lang with the document's language, e.g. --lang deu "
                             "(apt-get install tesseract-ocr-deu)")


