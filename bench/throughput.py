"""Throughput of whole collections, as ratios measured in one run (issue 10).

    .venv/bin/python bench/throughput.py [--docs 8] [--pages 5] [--jobs 2]

Makes ``docs`` synthetic documents of about ``pages`` pages each (``scanproof synth``, archival
level, fixed seeds), then times, on the same pages:
  * bare Tesseract: ``tesseract PAGE stdout -l rus --dpi 300``, ``jobs`` processes, one thread each;
  * ``scanproof run`` with the local process pool (the whole pipeline: preprocess, layout, OCR,
    alignment, checks, report), cache off; bare and pipeline alternate for ``rounds`` rounds, so that
    a change in the machine's load falls on both, and CPU seconds (user + system, children
    included) are reported beside wall-clock seconds, as they depend less on other processes;
  * the same on a Dask LocalCluster;
  * a cached re-run after a first run that filled the cache, and a re-run after one transcript of
    the collection was edited (its pages are cached, its analysis is not);
and a kill test per engine: one worker is killed with SIGKILL mid-run, and every page must still be
in a report. Peak memory is the largest resident set of any process of a run (ru_maxrss). Then:
  * a one-page ``scanproof verify --no-cache`` (the first document's first page) against bare
    Tesseract on that page, alternated ``rounds`` times;
  * CPU seconds per stage (``time.process_time`` around each, in this process, one page after the
    other, the default OCR engine): ingest, layout, preprocess, OCR and the preview for every page;
    per document the analysis (alignment and divergences, markup), the checks and the report. The
    checks are timed on their own and their time taken out of the analysis, which runs them.
Prints Markdown tables for ``bench/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pipeline.synth import make_document

ROOT = Path(__file__).resolve().parent.parent


def make_collection(root: Path, docs: int, pages: int) -> tuple[Path, Path, list[Path]]:
    scans, transcripts = root / "scans", root / "transcripts"
    transcripts.mkdir(parents=True)
    images: list[Path] = []
    for d in range(docs):
        made = make_document(root / "gen" / f"doc{d}", seed=7000 + d, level="archival", pages=pages)
        folder = scans / f"doc{d}"
        folder.mkdir(parents=True)
        for page in made.pages:
            images.append(Path(shutil.copy(page.image, folder / page.image.name)))
        shutil.copy(made.transcript, transcripts / f"doc{d}.md")
    return scans, transcripts, images


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def bare_tesseract(images: list[Path], jobs: int) -> tuple[float, float]:
    """Wall-clock and CPU seconds of bare Tesseract on ``images``."""
    env = dict(os.environ, OMP_THREAD_LIMIT="1")

    def one(image: Path) -> None:
        subprocess.run(["tesseract", str(image), "stdout", "-l", "rus", "--dpi", "300"], env=env,
                       check=True, capture_output=True)

    cpu, start = children_cpu(), time.perf_counter()
    with ThreadPoolExecutor(jobs) as pool:
        list(pool.map(one, images))
    return time.perf_counter() - start, children_cpu() - cpu


def scanproof_run(scans: Path, transcripts: Path, out: Path, *extra: str) -> tuple[float, float, int]:
    """Wall-clock seconds, CPU seconds, and peak RSS in MiB of the largest process of the run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    cpu, start = children_cpu(), time.perf_counter()
    subprocess.run([sys.executable, "-m", "pipeline", "run", "--scans", str(scans), "--transcripts",
                    str(transcripts), "--out", str(out), *extra], cwd=ROOT, check=True, capture_output=True)
    seconds, cpu = time.perf_counter() - start, children_cpu() - cpu
    peak = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    return seconds, cpu, peak // 1024


def descendants(pid: int) -> list[int]:
    out: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children = (task / "children").read_text().split()
        except OSError:
            continue
        for child in map(int, children):
            out += [child, *descendants(child)]
    return out


def python_workers(pid: int) -> list[int]:
    found = []
    for child in descendants(pid):
        try:
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:
            continue
        if b"python" in cmdline and b"tesseract" not in cmdline:
            found.append(child)
    return found


def kill_test(scans: Path, transcripts: Path, out: Path, pages: int, *extra: str) -> tuple[int, int]:
    """Kill one worker after the first page is read; return (pages reported, pages in all)."""
    log = out.with_suffix(".jsonl")
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", "run", "--scans", str(scans),
                             "--transcripts", str(transcripts), "--out", str(out), "--no-cache",
                             "--progress-log", str(log), *extra],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    while proc.poll() is None and (not log.exists() or not log.read_text().strip()):
        time.sleep(0.1)
    workers = python_workers(proc.pid)
    if workers:
        os.kill(workers[-1], signal.SIGKILL)
    proc.wait()
    reported = 0
    for report in out.glob("*/report.json"):
        data = json.loads(report.read_text(encoding="utf-8"))
        failed = {f["page"] for f in data["flags"] if f["kind"] == "page_failed"}
        reported += sum(1 for p in data["pages"] if p["index"] not in failed)
    return reported, pages


def stage_cpu(scans: Path, transcripts: Path, out: Path) -> dict[str, float]:
    """CPU seconds per stage over the collection, in this process (module docstring)."""
    from functools import partial

    from pipeline import checks, document, ingest, layout, ocr, preprocess
    from pipeline.config import Config
    from pipeline.model import PageResult
    from pipeline.preview import encode_pixels
    from pipeline.report import write_report
    from pipeline.transcript import read_transcript

    config = Config()
    spent = dict.fromkeys(("ingest", "layout", "preprocess", "OCR", "align", "checks", "report"), 0.0)

    def timed(stage: str, fn, *args):
        began = time.process_time()
        try:
            return fn(*args)
        finally:
            spent[stage] += time.process_time() - began

    orient = partial(ocr.detect_orientation, timeout_s=config.ocr.orientation_timeout_s, engine=config.ocr.engine)
    for md in sorted(transcripts.glob("*.md")):
        transcript = timed("ingest", read_transcript, md)
        pages = []
        for i, source in enumerate(ingest.discover_pages([scans / md.stem]), start=1):
            page = timed("ingest", ingest.load_page, source, i, config.ingest)
            regions = tuple(timed("layout", layout.detect_regions, page, config.layout, config.ocr))
            pre = timed("preprocess", preprocess.preprocess, page, config.preprocess, orient, [r.bbox for r in regions])
            read = timed("OCR", ocr.recognize, page, pre, config.ocr)
            pages.append(PageResult(read, regions, timed("report", encode_pixels, page.pixels, config.report)))
        report = timed("align", document.analyse, transcript, pages, config)
        timed("checks", checks.run_checks, transcript, config.checks)
        timed("report", write_report, report, out / md.stem)
    spent["align"] -= spent["checks"]
    return spent


def one_page(images: list[Path], transcripts: Path, out: Path, rounds: int) -> tuple[float, float]:
    """Wall seconds of bare Tesseract and of a one-page ``verify`` on the first page, summed over rounds."""
    bare = verify = 0.0
    for _ in range(rounds):
        bare += bare_tesseract(images[:1], 1)[0]
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "pipeline", "verify", "--transcript", str(transcripts / "doc0.md"),
                        str(images[0]), "--out", str(out), "--no-cache"], cwd=ROOT, check=True, capture_output=True,
                       env=dict(os.environ, OMP_THREAD_LIMIT="1"))
        verify += time.perf_counter() - start
    return bare, verify


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=8)
    parser.add_argument("--pages", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=2, help="bare and pipeline runs, alternated")
    args = parser.parse_args()
    jobs = ["--jobs", str(args.jobs)]
    with tempfile.TemporaryDirectory(prefix="scanproof-bench-") as tmp:
        root = Path(tmp)
        scans, transcripts, images = make_collection(root, args.docs, args.pages)
        n = len(images)
        bare, local = [], []
        for r in range(args.rounds):
            bare.append(bare_tesseract(images, args.jobs))
            local.append(scanproof_run(scans, transcripts, root / f"local{r}", "--no-cache", *jobs))
        dask = scanproof_run(scans, transcripts, root / "dask", "--no-cache", "--executor", "dask", *jobs)
        first = scanproof_run(scans, transcripts, root / "cached", *jobs)
        again = scanproof_run(scans, transcripts, root / "cached", *jobs)
        edited = transcripts / "doc0.md"
        # A typo corrected in one transcript: one long Russian word spelt backwards.
        text = re.sub(r"[а-я]{6,}", lambda m: m.group(0)[::-1], edited.read_text(encoding="utf-8"), count=1)
        edited.write_text(text, encoding="utf-8")
        after_edit = scanproof_run(scans, transcripts, root / "cached", *jobs)
        killed_local = kill_test(scans, transcripts, root / "kill-local", n, *jobs)
        killed_dask = kill_test(scans, transcripts, root / "kill-dask", n, "--executor", "dask", *jobs)
        single = one_page(images, transcripts, root / "one", args.rounds)
        stages = stage_cpu(scans, transcripts, root / "stages")

    bare_wall, bare_cpu = sum(b[0] for b in bare), sum(b[1] for b in bare)
    local_wall, local_cpu = sum(r[0] for r in local), sum(r[1] for r in local)
    rounds = ", ".join(f"{r[0] / b[0]:.2f}" for b, r in zip(bare, local, strict=True))
    print(f"{n} pages in {args.docs} documents, {args.jobs} workers, {args.rounds} rounds\n")
    print("| measurement | wall s | ratio (wall) | CPU s | ratio (CPU) | target |")
    print("|---|---|---|---|---|---|")
    print(f"| bare Tesseract (`tesseract … -l rus --dpi 300`, {args.jobs} processes), all rounds | "
          f"{bare_wall:.1f} | 1.00 | {bare_cpu:.1f} | 1.00 | |")
    print(f"| `scanproof run`, local pool, no cache, all rounds (per round: {rounds}) | {local_wall:.1f} | "
          f"{local_wall / bare_wall:.2f} × bare | {local_cpu:.1f} | {local_cpu / bare_cpu:.2f} × bare | ≤ 1.25 |")
    mean_local = local_wall / args.rounds
    print(f"| `scanproof run --executor dask`, no cache | {dask[0]:.1f} | {dask[0] / mean_local:.2f} × local | "
          f"{dask[1]:.1f} | | ≤ 1.3 |")
    print(f"| cached re-run (first run {first[0]:.1f} s) | {again[0]:.1f} | {again[0] / first[0]:.3f} × first | "
          f"{again[1]:.1f} | | ≤ 0.05 |")
    print(f"| re-run after editing one transcript of {args.docs} | {after_edit[0]:.1f} | "
          f"{after_edit[0] / first[0]:.3f} × first | {after_edit[1]:.1f} | | |")
    peak = max(r[2] for r in local)
    print(f"\nPeak resident memory of the largest process: local {peak} MiB, dask {dask[2]} MiB.")
    print(f"Kill test (one worker SIGKILLed after the first page): local pool {killed_local[0]}/{killed_local[1]} "
          f"pages reported, Dask {killed_dask[0]}/{killed_dask[1]}.")
    print(f"\nOne-page `scanproof verify --no-cache`, {args.rounds} rounds: {single[1] / args.rounds:.2f} s against "
          f"bare Tesseract's {single[0] / args.rounds:.2f} s on the page: **{single[1] / single[0]:.2f} ×** "
          "(target ≤ 1.1)")
    total = sum(stages.values())
    print(f"\n| stage | CPU s, all {n} pages | a page | share |\n|---|---|---|---|")
    for stage, seconds in stages.items():
        print(f"| {stage} | {seconds:.1f} | {seconds / n:.2f} | {seconds / total:.0%} |")
    print(f"| all | {total:.1f} | {total / n:.2f} | |")


if __name__ == "__main__":
    main()
