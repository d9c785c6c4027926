"""``scanproof cer``: error rates of OCR results against references, for one pair of files or for
two folders of them, as text, as JSON, and as an HTML page of the pairs side by side.

Folder mode pairs the files of a reference folder with those of a hypothesis folder by name:
first by document id (``pipeline.transcript.document_id``: the name less its suffix and a format
tag, so ``p1.page.xml`` pairs with ``p1.alto.xml`` and ``1.xml`` with ``1.xml``), then the files
left over by that id less the dotted ending all the ids of its folder share (``a.gt.txt`` with
``a.ocr.txt``: dinglehopper's naming of line folders). A file with no partner is named in a
warning; it is an error only when nothing pairs. The summary counts all pairs together (errors
over characters, not a mean of rates). Only the report imports the HTML templates, so plain
``cer`` starts fast.
"""

from __future__ import annotations

import json
import re
import sys
import warnings
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.config import Config
from pipeline.errors import BadArgumentsError, InputFileError, OutputError, PartialBatchError, ScanproofWarning
from pipeline.model import Metrics


@dataclass(frozen=True)
class PairResult:
    """The figures of one pair, and the two compared texts (before the equivalence set)."""

    name: str
    reference: Path
    hypothesis: Path
    metrics: Metrics
    texts: tuple[str, str]
    #: How each file was read: its format (``plain``, ``tei``, ``page`` …) and its text encoding.
    formats: tuple[str, str] = ("", "")
    encodings: tuple[str, str] = ("", "")

    @property
    def word_errors(self) -> int:
        """The word-level edit distance the WER divides."""
        m = self.metrics
        return round(m.wer * m.reference_words) if m.reference_words else int(m.wer)


def compare_files(reference: Path, hypothesis: Path, config: Config, name: str = "") -> PairResult:
    """Read both files (any format ``read_transcript`` reads) and count the hypothesis's errors.

    Every confusion is kept (the folder summary adds them up); ``pair_json`` shows the first
    ``AlignConfig.max_confusions``.
    """
    from pipeline.align.metrics import text_metrics
    from pipeline.transcript import compared_text, read_transcript

    t = config.transcript
    read = [read_transcript(p, t.encoding, t.text_level) for p in (reference, hypothesis)]
    ref, hyp = (compared_text(r) for r in read)
    metrics = text_metrics(ref, hyp, sys.maxsize, config.align.equivalences)
    return PairResult(name, reference, hypothesis, metrics, (ref, hyp),
                      (read[0].source_format, read[1].source_format), (read[0].encoding, read[1].encoding))


def _shared_ending(keys: Sequence[str]) -> str:
    """The longest dotted ending (``.gt``, ``.ocr.tess``) of every key that leaves each a stem."""
    parts = [k.split(".") for k in keys]
    n = 0
    while parts and all(len(p) > n + 1 for p in parts) and len({p[-1 - n] for p in parts}) == 1:
        n += 1
    return "." + ".".join(parts[0][-n:]) if n else ""


def _files(folder: Path) -> list[Path]:
    """The transcription files of ``folder``: not hidden, with a suffix ``read_transcript`` knows."""
    from pipeline.transcript import TRANSCRIPT_SUFFIXES

    return sorted(p for p in folder.iterdir()
                  if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in TRANSCRIPT_SUFFIXES)


def _keyed(folder: Path, files: Sequence[Path], shortened: bool) -> dict[str, Path]:
    """``files`` of ``folder`` by their document id, ``shortened`` by the ending all ids of the
    folder share. Raises ``BadArgumentsError`` when two files get one key."""
    from pipeline.transcript import document_id

    ids = {p: document_id(p) for p in _files(folder)}
    ending = _shared_ending(list(ids.values())) if shortened else ""
    out: dict[str, Path] = {}
    for path in files:
        key = ids[path].removesuffix(ending)
        if key in out:
            raise BadArgumentsError(f"{folder}: two files pair as {key!r} ({out[key].name}, {path.name}); "
                                    "rename one, or compare them one pair at a time")
        out[key] = path
    return out


def _name_order(name: str) -> list[int | str]:
    """Names with their digit runs compared as numbers (``p2`` before ``p10``); not
    ``pipeline.ingest.natural_key``, whose package loads OpenCV."""
    return [int(t) if t.isdigit() else t.casefold() for t in re.split(r"(\d+)", name)]


def pair_folders(references: Path, hypotheses: Path) -> tuple[list[tuple[str, Path, Path]], list[Path], list[Path]]:
    """(name, reference, hypothesis) of each pair in name order, and the files of each folder
    that have no partner. Files pair by document id, then the rest by the id less the ending
    that all of its folder's ids share. Raises ``BadArgumentsError`` when nothing pairs."""
    left, right = _files(references), _files(hypotheses)
    pairs: dict[str, tuple[Path, Path]] = {}
    for shortened in (False, True):
        ref, hyp = _keyed(references, left, shortened), _keyed(hypotheses, right, shortened)
        for key in ref.keys() & hyp.keys() - pairs.keys():
            pairs[key] = ref[key], hyp[key]
        taken = {p for pair in pairs.values() for p in pair}
        left, right = [p for p in left if p not in taken], [p for p in right if p not in taken]
    if not pairs:
        raise BadArgumentsError(f"no file of {references} has a partner in {hypotheses} (files pair by name: "
                                "a.gt.txt with a.ocr.txt, p1.page.xml with p1.alto.xml)")
    return [(k, *pairs[k]) for k in sorted(pairs, key=_name_order)], left, right


def summed(results: Sequence[PairResult], top: int) -> Metrics:
    """All pairs together: their errors over their characters, and the top confusions of all."""
    from pipeline.align.metrics import rate

    ms = [r.metrics for r in results]
    chars, words = sum(m.reference_chars for m in ms), sum(m.reference_words for m in ms)
    subs, dels, ins = (sum(getattr(m, f) for m in ms) for f in ("substitutions", "deletions", "insertions"))
    confusions: Counter[tuple[str, str]] = Counter()
    for m in ms:
        confusions.update({(a, b): n for a, b, n in m.confusions})
    return Metrics(cer=rate(subs + dels + ins, chars), wer=rate(sum(r.word_errors for r in results), words),
                   reference_chars=chars, reference_words=words, substitutions=subs, deletions=dels,
                   insertions=ins, confusions=tuple((a, b, n) for (a, b), n in confusions.most_common(top)))


def metrics_json(m: Metrics, word_errors: int, top: int) -> dict[str, object]:
    """The figures of ``--json``: rates, counts and the ``top`` confusions (character pairs)."""
    return {
        "cer": m.cer, "wer": m.wer, "n_characters": m.reference_chars, "n_words": m.reference_words,
        "errors": m.substitutions + m.deletions + m.insertions, "word_errors": word_errors,
        "substitutions": m.substitutions, "insertions": m.insertions, "deletions": m.deletions,
        "confusions": [{"reference": a, "hypothesis": b, "count": n} for a, b, n in m.confusions[:top]],
    }


def pair_json(result: PairResult, top: int) -> dict[str, object]:
    """One pair for ``--json``: its files (and name, in folder mode) and ``metrics_json``."""
    named = {"name": result.name} if result.name else {}
    read = {f"{side}_{what}": value for what, values in (("format", result.formats), ("encoding", result.encodings))
            for side, value in zip(("reference", "hypothesis"), values, strict=True)}
    return {**named, "reference": str(result.reference), "hypothesis": str(result.hypothesis), **read,
            **metrics_json(result.metrics, result.word_errors, top)}


def line(m: Metrics) -> str:
    """The one-line text result of a pair (or of a summary)."""
    return f"CER {m.cer:.4f}  WER {m.wer:.4f}  ({m.reference_chars} reference characters)"


@dataclass(frozen=True)
class FolderRun:
    """Folder mode's outcome: the pairs counted, the files without a partner, the pairs not read."""

    results: list[PairResult]
    unpaired_references: list[Path]
    unpaired_hypotheses: list[Path]
    failed: list[str]


def compare_folders(references: Path, hypotheses: Path, config: Config) -> FolderRun:
    """Every pair of the two folders compared; each file without a partner named in a warning.

    A pair whose file cannot be read (``InputFileError``) is left out and listed in ``failed``;
    when no pair can be read, the first such error is raised.
    """
    pairs, lonely_ref, lonely_hyp = pair_folders(references, hypotheses)
    for path, other in [(p, hypotheses) for p in lonely_ref] + [(p, references) for p in lonely_hyp]:
        warnings.warn(f"{path}: no partner in {other}; left out", ScanproofWarning, stacklevel=2)
    results: list[PairResult] = []
    errors: list[InputFileError] = []
    for name, ref, hyp in pairs:
        try:
            results.append(compare_files(ref, hyp, config, name))
        except InputFileError as err:
            errors.append(err)
    if errors and not results:
        raise errors[0]
    return FolderRun(results, lonely_ref, lonely_hyp, [e.message for e in errors])


def run(reference: Path, hypothesis: Path, config: Config, as_json: bool = False,
        report: Path | None = None) -> None:
    """``scanproof cer``: print the figures of a pair of files, or of two folders (module docstring).

    Text: one line per pair, and in folder mode one per pair named and a summary; ``as_json``:
    one JSON object. ``report``: also write ``REPORT/cer.html``, its path printed last (in the
    JSON, ``report``). Raises ``BadArgumentsError`` for a file against a folder,
    ``PartialBatchError`` (after printing the others) when some pairs of two folders could not
    be read.
    """
    top = config.align.max_confusions
    settings = {"equivalences": config.align.equivalences, "text_level": config.transcript.text_level}
    folders = reference.is_dir(), hypothesis.is_dir()
    if folders[0] != folders[1]:
        raise BadArgumentsError(f"{reference if folders[0] else hypothesis} is a folder and "
                                f"{hypothesis if folders[0] else reference} is not; give two files or two folders")
    summary: Metrics | None = None
    failed: list[str] = []
    if folders[0]:
        done = compare_folders(reference, hypothesis, config)
        results, failed = done.results, done.failed
        summary = summed(results, top)
        out: dict[str, object] = {
            **settings, "pairs": [pair_json(r, top) for r in results],
            "summary": {"pairs": len(results), **metrics_json(summary, sum(r.word_errors for r in results), top)},
            "unpaired": {"reference": [str(p) for p in done.unpaired_references],
                         "hypothesis": [str(p) for p in done.unpaired_hypotheses]},
            "failed": failed,
        }
        lines = [f"{r.name}  {line(r.metrics)}" for r in results]
        lines.append(f"all {len(results)} pair{'' if len(results) == 1 else 's'}  {line(summary)}")
    else:
        results = [compare_files(reference, hypothesis, config)]
        out = {**settings, **pair_json(results[0], top)}
        lines = [line(results[0].metrics)]
    if report is not None:
        path = write_report(report, results, summary, config, [reference, hypothesis])
        out["report"] = str(path)
        lines.append(str(path))
    if as_json:
        print(json.dumps(out, ensure_ascii=False, indent=1))
    else:
        print("\n".join(lines))
    if failed:
        raise PartialBatchError(f"{len(failed)} of {len(failed) + len(results)} pairs could not be read "
                                "(the others are counted): " + "; ".join(failed))


def write_report(folder: Path, results: Sequence[PairResult], summary: Metrics | None, config: Config,
                 inputs: Sequence[Path]) -> Path:
    """Write ``folder/cer.html``, the pairs side by side, whole or not at all; return its path.

    Raises ``OutputError`` (exit 5) when ``folder`` holds the inputs, ``cer.html`` there is a
    symbolic link, or the folder cannot be written.
    """
    from pipeline.report.files import atomic_write, require_outside
    from pipeline.report.pair import pair_view, render_pairs

    require_outside(folder, inputs)
    path = folder / "cer.html"
    if path.is_symlink():
        raise OutputError(f"{path}: is a symbolic link, and scanproof does not write through links; "
                          "remove it or choose another --report folder")
    eq = config.align.equivalences
    views = [pair_view(r.name, r.reference, r.hypothesis, r.metrics, r.texts, eq) for r in results]
    html = render_pairs(views, summary, eq, config.transcript.text_level)
    atomic_write(path, html.encode("utf-8"))
    return path
