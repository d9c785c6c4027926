"""The flow of one document once its pages are read: align → divergences, checks, markup
matching; no I/O.

The analysis depends only on the transcription, the page readings and the settings in
``config.ANALYSIS_SETTINGS``; it is cached on those (``pipeline.cache``).
"""

from __future__ import annotations

from collections.abc import Sequence

from pipeline import align as align_stage
from pipeline import checks as checks_stage
from pipeline.checks import CheckResult
from pipeline.config import Config
from pipeline.divergence import find_divergences
from pipeline.lang.lexicon import Lexicon
from pipeline.markup import match_markup
from pipeline.model import AlignedLine, DocumentReport, Flag, Metrics, PageMetrics, PageResult, Severity, Transcript


def analyse(transcript_: Transcript, pages: Sequence[PageResult], config: Config,
            checked: CheckResult | None = None) -> DocumentReport:
    """Compare a document's pages with its transcription and run every check; no I/O.

    ``checked``: the transcription's own checks (``check_transcript``), when they were run already
    (they need no page).
    """
    if checked is None:
        checked = check_transcript(transcript_, config)
    flags: list[Flag] = list(checked.flags)
    metrics: Metrics | None = None
    page_metrics: tuple[PageMetrics, ...] = ()
    lines: tuple[AlignedLine, ...] = ()
    read = [p.ocr for p in pages if p.ocr.failed is None]
    if read:
        alignment = align_stage.align(read, transcript_, config.align)
        lexicon = Lexicon.for_ocr(config.ocr.lang, config.divergence.hunspell_dir,
                                  config.divergence.word_list_dir)
        writing = {p.ocr.index: [r.bbox for r in p.regions] for p in pages}
        flags += find_divergences(alignment, config.divergence, lexicon, writing)
        metrics, page_metrics, lines = alignment.metrics, alignment.page_metrics, alignment.lines
        regions = [(p.ocr.index, r) for p in pages for r in p.regions]
        flags += match_markup(regions, transcript_, config.markup)
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


def check_transcript(transcript_: Transcript, config: Config) -> CheckResult:
    """The checks of a transcription's own text (``checks.run_checks``): dates, numbers and names
    inside the original and against the translation."""
    return checks_stage.run_checks(transcript_, config.checks)
