"""The ``scanproof`` command: parse arguments, call ``pipeline.api``, print results.

Results go to stdout, progress and errors to stderr: an error is one line ``scanproof: …`` and an
exit code from ``pipeline.errors.ExitCode``; ``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import argparse
import json
import math
import signal
import sys
import time
import warnings
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, replace
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from pipeline.config import (
    AUTO,
    EQUIVALENCE_SETS,
    EXECUTORS,
    EXPORT_FORMATS,
    OCR_ENGINES,
    TEXT_LEVELS,
    AlignConfig,
    Config,
    IngestConfig,
    OcrConfig,
    RunConfig,
    TranscriptConfig,
)
from pipeline.errors import (
    ExitCode,
    OutputError,
    PartialBatchError,
    ScanproofError,
    ScanproofWarning,
    StopRequested,
)

if TYPE_CHECKING:
    from pipeline import api

DEFAULT_SCANS = Path("scans")
DEFAULT_TRANSCRIPTS = Path("transcripts")
DEFAULT_REPORTS = Path("reports")


def _positive_seconds(text: str) -> float:
    """A finite number of seconds above zero (``nan`` and ``inf`` parse as floats, but mean nothing)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r}: give a finite number of seconds above 0")
    return value


def _positive_int(text: str) -> int:
    """A whole number above zero."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r}: give a whole number above 0")
    return value


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line and exit code 1 like every other refusal."""

    def error(self, message: str) -> NoReturn:
        self.exit(int(ExitCode.bad_args), f"scanproof: {self.prog}: {message}; see {self.prog} --help\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="scanproof",
        description="Check a published transcription of an archival document against its scan.",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks instead of one-line errors")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def with_jobs(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        g = p.add_argument_group("scheduling and cache")
        g.add_argument("-j", "--jobs", type=int, default=RunConfig.jobs,
                       help="worker processes for OCR (default: one per CPU core)")
        g.add_argument("--executor", "--engine", choices=EXECUTORS, default=RunConfig.executor,
                       help="local process pool (default) or Dask distributed")
        g.add_argument("--scheduler", metavar="ADDRESS",
                       help="use an existing Dask scheduler, e.g. tcp://HOST:8786 (implies --executor dask)")
        g.add_argument("--ship-images", action="store_true",
                       help="send page images to the workers (Dask workers without the scans' storage)")
        g.add_argument("--cache", metavar="DIR", help="page-reading cache (default: OUT/.cache)")
        g.add_argument("--no-cache", action="store_true", help="read every page afresh")
        g.add_argument("--progress-log", type=Path, metavar="FILE",
                       help="append one JSON line per page read, for unattended runs")
        p.add_argument("--export", default="", metavar="FORMATS",
                       help=f"also export the OCR result, comma-separated: {', '.join(EXPORT_FORMATS)}")
        return with_reading(with_encoding(p), default_lang=AUTO)

    def with_encoding(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument("--encoding", metavar="NAME",
                       help="text encoding of the transcription(s), e.g. cp1251 or latin-1 (default: detected "
                       "per file; the one used is named in report.json)")
        p.add_argument("--text-level", choices=TEXT_LEVELS, default=TranscriptConfig.text_level,
                       help="PAGE-XML level the text is read at: the regions' own text, one line per TextLine, "
                       "or the lines' words (default: %(default)s; where a file has no text at that level, "
                       "the nearest level that has it)")
        return p

    def with_reading(p: argparse.ArgumentParser, default_lang: str = OcrConfig.lang) -> argparse.ArgumentParser:
        found = ("; auto: each document's own, found from its transcription" if default_lang == AUTO else "")
        p.add_argument("-l", "--lang", default=default_lang,
                       help=f"Tesseract language(s) of the original, e.g. rus, deu, rus+eng{found} "
                       "(default: %(default)s)")
        p.add_argument("--ocr-engine", choices=OCR_ENGINES, default=OcrConfig.engine,
                       help="what runs Tesseract: tesserocr in this process, the tesseract program, or auto, "
                       "the fastest installed (default: %(default)s; the report names the one used)")
        p.add_argument("--page-timeout", type=_positive_seconds, default=OcrConfig.timeout_s, metavar="SECONDS",
                       help="give up a page whose OCR takes longer (default: %(default)s); it is marked failed")
        p.add_argument("--max-pixels", type=_positive_int, default=IngestConfig.max_pixels, metavar="N",
                       help="largest image accepted, in pixels (default: %(default)s); a guard against "
                       "decompression bombs")
        return p

    p = with_jobs(sub.add_parser("verify", help="check one transcription against its scans"))
    p.add_argument("--transcript", type=Path, required=True,
                   help="the published transcription: TEI, PAGE-XML, ALTO, hOCR, the Wilson Center export (.md) "
                   "or plain text (.txt)")
    p.add_argument("scans", type=Path, nargs="+", metavar="SCAN", help="page images, or folders of them")
    p.add_argument("--out", type=Path, required=True, help="folder for report.json and report.html")

    p = with_jobs(sub.add_parser("run", help="check every document of a collection"))
    p.add_argument("--scans", type=Path, default=DEFAULT_SCANS, help="folder of scans (default: scans/)")
    p.add_argument("--transcripts", type=Path, default=DEFAULT_TRANSCRIPTS,
                   help="folder of transcriptions (default: transcripts/)")
    p.add_argument("--out", type=Path, default=DEFAULT_REPORTS, help="folder for reports (default: reports/)")

    p = with_encoding(sub.add_parser("check", help="check a transcription against its translation, without a scan"))
    p.add_argument("transcript", type=Path)
    p.add_argument("--out", type=Path, required=True)

    p = with_encoding(sub.add_parser(
        "cer", help="print CER and WER of a hypothesis (an OCR result) against a reference; either in plain "
        "text, PAGE-XML, ALTO, hOCR, TEI or the Wilson export"))
    p.add_argument("reference", type=Path, help="the reference (ground truth) file, or a folder of them")
    p.add_argument("hypothesis", type=Path, help="the OCR result, or a folder of them paired by name with the "
                   "reference folder's files (a.gt.txt with a.ocr.txt, p1.page.xml with p1.alto.xml)")
    p.add_argument("--json", action="store_true", help="print one JSON object: rates, counts, top confusions")
    p.add_argument("--report", type=Path, metavar="DIR",
                   help="also write DIR/cer.html, the texts side by side with their differences marked")
    p.add_argument("--equivalences", choices=EQUIVALENCE_SETS, default=AlignConfig.equivalences,
                   help="characters counted as one: none, or dinglehopper's set (ligatures, MUFI letters, ’, ⸗, "
                   "dashes), for figures comparable with dinglehopper's (default: %(default)s)")

    p = with_encoding(sub.add_parser(
        "apply-review", help="apply the flags a reviewer accepted (the report's Export review) to the "
        "transcription, in its own format; write the corrected file and an errata list"))
    p.add_argument("transcript", type=Path, help="the transcription the report was made from")
    p.add_argument("report", type=Path, help="the report's folder, or its report.json")
    p.add_argument("review", type=Path, help="the review JSON the report's Export review button saved")
    p.add_argument("--out", type=Path, required=True, help="the corrected transcription to write")
    p.add_argument("--errata", type=Path, metavar="CSV",
                   help="the errata list to write (default: the --out name with .errata.csv)")

    p = with_reading(sub.add_parser("ocr", help="print the OCR of one image after preprocessing"))
    p.add_argument("image", type=Path)
    p.add_argument("--format", choices=("txt", "tsv"), default="txt")

    _synth_cli().add_parser(sub)
    return parser


def _synth_cli():
    # Imported only for the command line: synth is a tool beside the pipeline, and loading its
    # fonts and corpus would slow every other command's start.
    from pipeline.synth import cli

    return cli


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``scanproof`` console script; returns the exit code."""
    args = build_parser().parse_args(argv)
    try:
        with warnings.catch_warnings(), _stop_signals_unwind():
            warnings.showwarning = _show_warning
            return _dispatch(args)
    except ScanproofError as err:
        if args.debug:
            raise
        print(f"scanproof: {_one_line(err.message)}", file=sys.stderr)
        return int(err.exit_code)
    except KeyboardInterrupt:
        print("scanproof: interrupted; no report was half-written", file=sys.stderr)
        return int(ExitCode.ctrl_c)
    except StopRequested as stop:
        name = signal.Signals(stop.signum).name
        print(f"scanproof: stopped by {name}; no report was half-written", file=sys.stderr)
        return 128 + stop.signum


#: Signals that stop a run as Ctrl-C does: ``kill``, a service manager or batch system, a closed terminal.
_STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


@contextmanager
def _stop_signals_unwind() -> Iterator[None]:
    """While the command runs, SIGTERM and SIGHUP raise ``StopRequested`` instead of ending the
    process on the spot, which would leave its workers, their Tesseract runs and its temporary
    folders behind."""

    def stop(signum: int, frame: object) -> None:
        raise StopRequested(signum)

    previous = {s: signal.signal(s, stop) for s in _STOP_SIGNALS}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def _show_warning(
    message: Warning | str, category: type[Warning], filename: str, lineno: int, *args: object, **kwargs: object
) -> None:
    """Our warnings as one line each, like errors; others as Python formats them."""
    if issubclass(category, ScanproofWarning):
        print(f"scanproof: warning: {_one_line(str(message))}", file=sys.stderr)
    else:
        print(warnings.formatwarning(message, category, filename, lineno), end="", file=sys.stderr)


def _one_line(message: str) -> str:
    """``message`` with its control characters shown as escapes: a file name may hold a newline
    (or a terminal escape), and an error must stay one line that cannot drive the terminal."""
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in message)


def _run_config(args: argparse.Namespace) -> RunConfig:
    return RunConfig(
        jobs=args.jobs,
        executor="dask" if args.scheduler else args.executor,
        scheduler=args.scheduler,
        cache=not args.no_cache,
        cache_dir=args.cache,
        ship_images=args.ship_images,
    )


def _dispatch(args: argparse.Namespace) -> int:
    # Imported here, not at the top: ``--help`` and usage errors then never load the pipeline.
    from pipeline import api

    config = Config()
    if hasattr(args, "lang"):
        config = replace(config, ingest=replace(config.ingest, max_pixels=args.max_pixels),
                         ocr=replace(config.ocr, lang=args.lang, timeout_s=args.page_timeout,
                                     engine=args.ocr_engine))
    if hasattr(args, "text_level"):
        config = replace(config, transcript=TranscriptConfig(encoding=args.encoding, text_level=args.text_level))
    if hasattr(args, "jobs"):
        exports = tuple(f.strip() for f in args.export.split(",") if f.strip())
        config = replace(config, run=_run_config(args), report=replace(config.report, exports=exports))
    if args.command == "verify":
        with _progress(args.progress_log) as progress:
            files = api.verify(args.transcript, args.scans, args.out, config, progress)
        print(files.html)
    elif args.command == "run":
        with _progress(args.progress_log) as progress:
            result = api.run(args.scans, args.transcripts, args.out, config, progress)
        for outcome in result.outcomes:
            if outcome.files is not None:
                print(outcome.files.html)
        print(result.index)
        if result.failed:
            names = "; ".join(f"{o.document_id}: {o.error}" for o in result.failed)
            count = f"{len(result.failed)} of {len(result.outcomes)}"
            raise PartialBatchError(f"{count} documents failed (the others have reports): {names}")
    elif args.command == "check":
        print(api.check(args.transcript, args.out, config).html)
    elif args.command == "cer":
        from pipeline import cer

        config = replace(config, align=replace(config.align, equivalences=args.equivalences))
        cer.run(args.reference, args.hypothesis, config, as_json=args.json, report=args.report)
    elif args.command == "apply-review":
        report = args.report / "report.json" if args.report.is_dir() else args.report
        done = api.write_review(args.transcript, report, args.review, args.out, args.errata,
                                config.transcript.encoding, config.transcript.text_level)
        print(f"{done.applied} of {len(done.errata)} accepted corrections applied; the errata: {done.errata_path}")
        print(args.out)
    elif args.command == "ocr":
        page = api.read_image(args.image, config)
        if args.format == "txt":
            print(page.text)
        else:
            print("page\tblock\tpar\tline\tword\tx0\ty0\tx1\ty1\tconf\ttext")
            for w in page.words:
                fields = (page.index, w.block, w.paragraph, w.line, w.word, *w.bbox, f"{w.confidence:.1f}")
                print(*fields, w.text, sep="\t")
    else:
        return _synth_cli().run(args)
    return int(ExitCode.ok)


@contextmanager
def _progress(log_path: Path | None) -> Iterator[api.Progress]:
    """Report page progress: a bar on stderr when it is a terminal, JSON lines to ``log_path``.

    Nothing goes to stdout, which carries only results.
    """
    with ExitStack() as stack:
        sinks: list[api.Progress] = []
        if log_path is not None:
            try:
                log = stack.enter_context(open(log_path, "a", encoding="utf-8"))
            except OSError as err:
                raise OutputError(f"{log_path}: cannot write the progress log ({err.strerror})") from err
            start = time.monotonic()

            def write_line(event: api.PageEvent) -> None:
                record = {"time": round(time.monotonic() - start, 3), **asdict(event)}
                log.write(json.dumps(record, ensure_ascii=False) + "\n")
                log.flush()

            sinks.append(write_line)
        if sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            from pipeline.tempfiles import stop_signals_held

            # The bar's refresh thread starts with the stop signals blocked, and keeps them so: see
            # ``leave_stop_signals_to_the_main_thread``.
            with stop_signals_held():
                bar = stack.enter_context(Progress(
                    TextColumn("Reading pages"), BarColumn(), MofNCompleteColumn(),
                    TextColumn("{task.fields[rate]}"), TimeRemainingColumn(),
                    console=Console(stderr=True), transient=True))
            task = bar.add_task("pages", total=None, rate="")
            start_bar = time.monotonic()

            def update_bar(event: api.PageEvent) -> None:
                rate = event.done / max(time.monotonic() - start_bar, 1e-6)
                bar.update(task, completed=event.done, total=event.total, rate=f"{rate:.2f} pages/s")

            sinks.append(update_bar)

        def report(event: api.PageEvent) -> None:
            for sink in sinks:
                sink(event)

        yield report
