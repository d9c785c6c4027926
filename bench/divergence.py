"""Benchmark of the divergence finder (``pipeline.divergence``), three parts in one run.

1. Recall and false alarms of medium/high flags on ``scanproof synth --plant`` documents, per level
   (fixed seeds; pages are OCR'd once and kept in ``--work``, outside the repository, with the
   boxes of the stamps, notes and signatures the layout stage finds on them, as ``document.analyse``
   hands them to the divergence finder).
2. Time of alignment + classification for documents of 1, 10 and 100 pages (the OCR'd pages above,
   repeated to make up the length).
3. CER with alignment (``text_metrics``) against dinglehopper's CLI on Russian text pairs of 2k–300k
   characters with about 3% OCR-like noise and a few dropped and duplicated lines: time and peak
   memory, each measured in a fresh process.

Run from the repository: ``.venv/bin/python -m bench.divergence [--docs 20] [--levels archival poor]``;
``--first-seed 100`` scores another seed range (tune on one, hold out another), ``--show`` lists every
missed error with the flags at its place and every false alarm. ``--lang fra`` (``eng``, ``deu``,
``spa``; default ``rus``) makes the documents in that language and reads them with its Tesseract
model and dictionary.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import re
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz

from pipeline import ingest, layout, ocr, preprocess
from pipeline.align import align, normalize
from pipeline.config import Config
from pipeline.divergence import find_divergences
from pipeline.lang.lexicon import Lexicon
from pipeline.model import Flag, OcrPage, Severity, Transcript
from pipeline.synth import make_document
from pipeline.synth.corpus import LANGUAGES, corpus
from pipeline.synth.noise import ocr_noise
from pipeline.transcript import parse_transcript, read_transcript

#: Planted kinds that the comparison with the scan is meant to find (the others concern the
#: translation, or handwriting, which the layout checks match against the markup).
SCAN_KINDS = {"digit_confusion", "letter_confusion", "dropped_word", "doubled_word", "dropped_line",
              "word_substitution", "date_slip"}


# --- part 1: recall and false alarms ------------------------------------------------------------


def _config(lang: str) -> Config:
    """The default settings, reading in ``lang``."""
    config = Config()
    return replace(config, ocr=replace(config.ocr, lang=lang))


def ocr_document(folder: Path, seed: int, level: str, plant: int, lang: str = "rus") -> Path:
    """Make one synthetic document in ``lang`` and OCR its pages in it (once); returns the folder."""
    done = folder / "ocr.pkl"
    if done.exists():
        return folder
    doc = make_document(folder, seed=seed, lang=lang, level=level, pages=1, plant=plant)
    config = _config(lang)
    pages = []
    for n, source in enumerate(ingest.discover_pages([p.image for p in doc.pages]), start=1):
        page = ingest.load_page(source, n, config.ingest)
        pages.append(ocr.recognize(page, preprocess.preprocess(page, config.preprocess), config.ocr))
    done.write_bytes(pickle.dumps(pages))
    return folder


def writing_of(folder: Path, lang: str = "rus") -> dict[int, list]:
    """The boxes of the stamps, notes and signatures the layout stage finds on the document's pages
    (what ``document.analyse`` hands the divergence finder), found once and kept beside its OCR."""
    done = folder / "regions.pkl"
    if done.exists():
        return pickle.loads(done.read_bytes())
    config = _config(lang)
    layout_config = replace(config.layout, read_elements=False)
    sources = ingest.discover_pages(sorted(folder.glob("page-*.png"), key=lambda p: int(p.stem.split("-")[1])))
    writing = {n: [r.bbox for r in layout.detect_regions(ingest.load_page(source, n, config.ingest), layout_config)]
               for n, source in enumerate(sources, start=1)}
    done.write_bytes(pickle.dumps(writing))
    return writing


def _overlaps(a: tuple[int, int] | None, b: tuple[int, int]) -> bool:
    return a is not None and a[0] < b[1] and b[0] < a[1]


def _alnum(text: str) -> str:
    return "".join(c for c in text.lower() if c.isalnum())


def planted_spans(transcript: Transcript, error: dict) -> tuple[list[tuple[int, int]], tuple[int, int] | None]:
    """The spans of ``transcript.original`` that a planted error may have changed, and the span of its
    line (None if not found). Every whole-word occurrence of the error's text in its line is a
    candidate: the key does not say which one it is when the line has it twice (``21`` planted for
    ``27`` in a line that has another ``21``). None for a dropped text."""
    norm = normalize(transcript.original)
    line = normalize(error["line"]).text
    at = norm.text.find(line)
    if at < 0:
        return [], None
    line_span = norm.span(at, at + len(line))
    if not error["transcript_text"]:
        return [], line_span
    inner = re.escape(normalize(error["transcript_text"]).text)
    spans = [norm.span(at + m.start(), at + m.end()) for m in re.finditer(rf"(?<!\w){inner}(?!\w)", line)]
    return spans, line_span


def matches(flag: Flag, error: dict, spans: list[tuple[int, int]]) -> bool:
    """Whether ``flag`` finds the planted ``error`` (at one of ``spans``; dropped text: an omission
    showing it). Where the error's place is ambiguous the flag must also show the scan's text."""
    if spans:
        return any(_overlaps(flag.transcript_span, s) for s in spans) and (
            len(spans) == 1 or _alnum(error["scan_text"]) in _alnum(flag.scan_text or ""))
    return flag.kind == "omission" and fuzz.partial_ratio(_alnum(error["scan_text"]),
                                                          _alnum(flag.scan_text or "")) >= 80


def _describe(flag: Flag) -> str:
    return (f"{flag.severity.value} {flag.score} {flag.kind}: {flag.transcript_text!r} / {flag.scan_text!r} "
            f"[{'; '.join(flag.evidence)}]")


def score_document(folder: Path, lang: str = "rus") -> dict:
    """Recall and false alarms on one document in ``lang``; ``misses`` describes each missed error with
    the flags (any severity) at its place, ``false`` each false medium/high flag."""
    pages: list[OcrPage] = pickle.loads((folder / "ocr.pkl").read_bytes())
    transcript = read_transcript(folder / "transcript.md")
    key = json.loads((folder / "answer-key.json").read_text(encoding="utf-8"))
    config = _config(lang)
    lexicon = Lexicon.for_ocr(lang, config.divergence.hunspell_dir)
    every = find_divergences(align(pages, transcript, config.align), config.divergence, lexicon,
                             writing_of(folder, lang))
    flags = [f for f in every if f.severity in (Severity.HIGH, Severity.MEDIUM)]
    errors = [e for e in key["errors"] if e["section"] == "original" and e["kind"] in SCAN_KINDS]
    # A flag on a planted error of another kind (a handwritten note left out, which the layout
    # checks count) is no false alarm either.
    others = [e for e in key["errors"] if e["section"] == "original" and e["kind"] not in SCAN_KINDS]
    found, right_text, used = 0, 0, set()
    for e in others:
        spans, _ = planted_spans(transcript, e)
        used.update(k for k, f in enumerate(flags) if matches(f, e, spans))
    missed, misses = [], []
    for e in errors:
        spans, line_span = planted_spans(transcript, e)
        hits = [k for k, f in enumerate(flags) if matches(f, e, spans)]
        used.update(hits)
        # A dropped line is sometimes flagged in two pieces: the second is no false alarm.
        used.update(k for k, f in enumerate(flags) if not spans and f.kind == "omission" and hits
                    and fuzz.partial_ratio(_alnum(e["scan_text"]), _alnum(f.scan_text or "")) >= 70)
        if hits:
            found += 1
            right_text += any(_alnum(e["scan_text"]) in _alnum(flags[k].scan_text or "") for k in hits)
            continue
        missed.append(e["kind"])
        near = [_describe(f) for f in every if f.kind != "normalization" and (
            any(_overlaps(f.transcript_span, s) for s in spans)
            or not spans and line_span and _overlaps(f.transcript_span, line_span)
            and fuzz.partial_ratio(_alnum(e["scan_text"]), _alnum(f.scan_text or "")) >= 80)]
        misses.append({"document": folder.name, "kind": e["kind"], "transcript": e["transcript_text"],
                       "scan": e["scan_text"], "flags there": near})
    false = [f"{folder.name} {_describe(f)}" for k, f in enumerate(flags) if k not in used]
    return {"planted": len(errors), "found": found, "right_scan_text": right_text, "false": false,
            "pages": len(pages), "missed": missed, "misses": misses}


def level_dir(work: Path, level: str, lang: str) -> Path:
    """Where the documents of ``level`` in ``lang`` are kept (Russian's where they always were)."""
    return work / level if lang == "rus" else work / lang / level


def recall_part(work: Path, levels: list[str], seeds: range, plant: int, jobs: int, show: bool,
                lang: str = "rus") -> dict:
    out = {}
    docs = len(seeds)
    with ProcessPoolExecutor(jobs) as pool:
        for level in levels:
            folders = [level_dir(work, level, lang) / f"seed-{s}" for s in seeds]
            list(pool.map(ocr_document, folders, seeds, [level] * docs, [plant] * docs, [lang] * docs))
            results = [score_document(f, lang) for f in folders]
            planted = sum(r["planted"] for r in results)
            found = sum(r["found"] for r in results)
            false = sum(len(r["false"]) for r in results)
            pages = sum(r["pages"] for r in results)
            worst = max(len(r["false"]) / r["pages"] for r in results)
            missed: dict[str, int] = {}
            for r in results:
                for kind in r["missed"]:
                    missed[kind] = missed.get(kind, 0) + 1
            if show:
                out[f"{level} misses"] = [m for r in results for m in r["misses"]]
            out[level] = {
                "documents": docs, "planted": planted, "recall": found / planted,
                "right_scan_text": sum(r["right_scan_text"] for r in results) / max(found, 1),
                "false_per_page": false / pages, "worst_false_per_page": worst, "missed": missed,
                "false_examples": [x for r in results for x in r["false"]][: None if show else 8],
            }
    return out


# --- part 2: speed on long documents ------------------------------------------------------------


def long_document(folders: list[Path], n_pages: int, language: str = "Russian") -> tuple[list[OcrPage], Transcript]:
    """``n_pages`` OCR'd pages (cycling through ``folders``) and the concatenated transcription."""
    pages, originals = [], []
    for k in range(n_pages):
        folder = folders[k % len(folders)]
        page = pickle.loads((folder / "ocr.pkl").read_bytes())[0]
        pages.append(replace(page, index=k + 1))
        originals.append(read_transcript(folder / "transcript.md").original)
    text = "\n\n".join(originals)
    return pages, parse_transcript(f"**Original Language:**\n\n{language}\n\n**Contents:**\n\n{text}\n", "long")


def speed_part(work: Path, level: str, lang: str = "rus") -> dict:
    folders = sorted(level_dir(work, level, lang).glob("seed-*"))
    config = _config(lang)
    lexicon = Lexicon.for_ocr(lang, config.divergence.hunspell_dir)
    out = {}
    for n in (1, 10, 100):
        pages, transcript = long_document(folders, n, corpus(lang).language)
        t0 = time.perf_counter()
        flags = find_divergences(align(pages, transcript, config.align), config.divergence, lexicon)
        out[f"{n} pages"] = {"seconds": round(time.perf_counter() - t0, 3), "flags": len(flags),
                             "transcript_chars": len(transcript.original)}
    return out


# --- part 3: CER against dinglehopper -----------------------------------------------------------


def prose(rng: np.random.Generator, n_chars: int) -> str:
    """Russian official prose from the synthetic corpus, about ``n_chars`` long, in lines of ~60."""
    words: list[str] = []
    while sum(len(w) + 1 for w in words) < n_chars:
        words += corpus("rus").sentence(rng, int(rng.integers(1950, 1980))).orig.split()
    lines, line = [], []
    for w in words:
        line.append(w)
        if sum(len(x) + 1 for x in line) > 60:
            lines.append(" ".join(line))
            line = []
    lines.append(" ".join(line))
    return "\n".join(lines)[:n_chars]


def _measure(cmd: list[str]) -> tuple[float, float, str]:
    """Run ``cmd``; (wall seconds, peak RSS in MiB, stdout) of that process alone.

    The peak is the child's ``VmHWM``, polled every 10 ms: unlike ``ru_maxrss`` it starts afresh at
    ``exec``, so it does not include this (larger) process that the child was forked from.
    """
    t0 = time.perf_counter()
    peak = 0
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True) as proc:
        status = Path(f"/proc/{proc.pid}/status")
        while proc.poll() is None:
            try:
                hwm = next(line for line in status.read_text().splitlines() if line.startswith("VmHWM"))
                peak = max(peak, int(hwm.split()[1]))
            except (OSError, StopIteration):
                pass
            time.sleep(0.01)
        stdout = proc.stdout.read() if proc.stdout else ""
    if proc.returncode:
        raise RuntimeError(f"{cmd[0]} failed ({proc.returncode})")
    return time.perf_counter() - t0, peak / 1024, stdout


_OURS = """
import sys, time, resource, json
from pathlib import Path
from pipeline.align import text_metrics
ref, hyp = (Path(p).read_text(encoding="utf-8") for p in sys.argv[1:3])
t0 = time.perf_counter()
m = text_metrics(ref, hyp)
print(json.dumps({"cer": m.cer, "seconds": time.perf_counter() - t0}))
"""


def cer_part(sizes: list[int]) -> dict:
    rng = np.random.default_rng(2026)
    bindir = Path(sys.executable).parent
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            ref = prose(rng, size)
            hyp = ocr_noise(ref, rng)
            gt, ocr_txt = Path(tmp, "gt.txt"), Path(tmp, "ocr.txt")
            gt.write_text(ref, encoding="utf-8")
            ocr_txt.write_text(hyp, encoding="utf-8")
            ours_s, ours_mb, ours_out = _measure([sys.executable, "-c", _OURS, str(gt), str(ocr_txt)])
            ours = json.loads(ours_out)
            dh_s, dh_mb, _ = _measure([str(bindir / "dinglehopper"), "--plain-encoding", "utf-8",
                                       str(gt), str(ocr_txt), str(Path(tmp, "report"))])
            dh = json.loads(Path(tmp, "report.json").read_text(encoding="utf-8"))
            out[f"{size // 1000}k"] = {
                "scanproof_s": round(ours_s, 3), "scanproof_metric_s": round(ours["seconds"], 3),
                "scanproof_MiB": round(ours_mb), "dinglehopper_s": round(dh_s, 2),
                "dinglehopper_MiB": round(dh_mb), "speedup": round(dh_s / ours_s, 1),
                "cer": round(ours["cer"], 5), "dinglehopper_cer": round(dh["cer"], 5),
            }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=20)
    parser.add_argument("--first-seed", type=int, default=0,
                        help="seeds first-seed … first-seed+docs-1 (tune on one range, hold out another)")
    parser.add_argument("--plant", type=int, default=8)
    parser.add_argument("--levels", nargs="+", default=["archival", "poor"])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--sizes", nargs="+", type=int, default=[2_000, 20_000, 100_000, 300_000])
    parser.add_argument("--work", type=Path,
                        default=Path(tempfile.gettempdir()) / "scanproof-bench-divergence")
    parser.add_argument("--show", action="store_true",
                        help="list every missed error (with the flags at its place) and every false alarm")
    parser.add_argument("--skip", nargs="*", default=[], choices=["recall", "speed", "cer"])
    parser.add_argument("--lang", default="rus", choices=LANGUAGES,
                        help="language of the documents of parts 1 and 2, and of their OCR (default rus)")
    args = parser.parse_args()
    os.environ["OMP_THREAD_LIMIT"] = "1"
    result: dict = {}
    if "recall" not in args.skip:
        result["recall"] = recall_part(args.work, args.levels, range(args.first_seed, args.first_seed + args.docs),
                                       args.plant, args.jobs, args.show, args.lang)
    if "speed" not in args.skip:
        result["speed"] = speed_part(args.work, args.levels[0], args.lang)
    if "cer" not in args.skip:
        result["cer"] = cer_part(args.sizes)
    print(json.dumps(result, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
