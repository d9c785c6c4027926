"""Throughput of whole collections, as ratios measured in one run (issue 10).

    .venv/bin/python bench/throughput.py [--docs 8] [--pages 5] [--jobs 2]

Makes ``docs`` synthetic documents of about ``pages`` pages each (``scanproof synth``, archival
level, fixed seeds), then times, on the same pages:
  * bare Tesseract: ``tesseract PAGE stdout -l rus --dpi 300``, ``jobs`` processes, one thread each;
  * ``scanproof run`` with the local process pool (the whole pipeline: preprocess, layout, OCR,
    alignment, checks, report), cache off;
  * the same on a Dask LocalCluster;
  * a cached re-run after a first run that filled the cache;
and a kill test per engine: one worker is killed with SIGKILL mid-run, and every page must still be
in a report. Peak memory is the largest resident set of any process of a run (ru_maxrss).
Prints a Markdown table for ``bench/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import json
import os
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


def bare_tesseract(images: list[Path], jobs: int) -> float:
    env = dict(os.environ, OMP_THREAD_LIMIT="1")

    def one(image: Path) -> None:
        subprocess.run(["tesseract", str(image), "stdout", "-l", "rus", "--dpi", "300"], env=env,
                       check=True, capture_output=True)

    start = time.perf_counter()
    with ThreadPoolExecutor(jobs) as pool:
        list(pool.map(one, images))
    return time.perf_counter() - start


def scanproof_run(scans: Path, transcripts: Path, out: Path, *extra: str) -> tuple[float, int]:
    """Seconds, and peak RSS in MiB of the largest process of the run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pipeline", "run", "--scans", str(scans), "--transcripts",
                    str(transcripts), "--out", str(out), *extra], cwd=ROOT, check=True, capture_output=True)
    seconds = time.perf_counter() - start
    peak = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    return seconds, peak // 1024


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=8)
    parser.add_argument("--pages", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    jobs = ["--jobs", str(args.jobs)]
    with tempfile.TemporaryDirectory(prefix="scanproof-bench-") as tmp:
        root = Path(tmp)
        scans, transcripts, images = make_collection(root, args.docs, args.pages)
        n = len(images)
        bare = bare_tesseract(images, args.jobs)
        local, local_mem = scanproof_run(scans, transcripts, root / "local", "--no-cache", *jobs)
        dask, dask_mem = scanproof_run(scans, transcripts, root / "dask", "--no-cache", "--engine", "dask", *jobs)
        first, _ = scanproof_run(scans, transcripts, root / "cached", *jobs)
        again, _ = scanproof_run(scans, transcripts, root / "cached", *jobs)
        killed_local = kill_test(scans, transcripts, root / "kill-local", n, *jobs)
        killed_dask = kill_test(scans, transcripts, root / "kill-dask", n, "--engine", "dask", *jobs)

    print(f"{n} pages in {args.docs} documents, {args.jobs} workers\n")
    print("| measurement | seconds | ratio | target |")
    print("|---|---|---|---|")
    print(f"| bare Tesseract (`tesseract … -l rus --dpi 300`, {args.jobs} processes) | {bare:.1f} | 1.00 | |")
    print(f"| `scanproof run`, local pool, no cache | {local:.1f} | {local / bare:.2f} × bare | ≤ 1.25 |")
    print(f"| `scanproof run --engine dask`, no cache | {dask:.1f} | {dask / local:.2f} × local | ≤ 1.3 |")
    print(f"| cached re-run (first run {first:.1f} s) | {again:.1f} | {again / first:.3f} × first | ≤ 0.05 |")
    print(f"\nPeak resident memory of the largest process: local {local_mem} MiB, dask {dask_mem} MiB.")
    print(f"Kill test (one worker SIGKILLed after the first page): local pool {killed_local[0]}/{killed_local[1]} "
          f"pages reported, Dask {killed_dask[0]}/{killed_dask[1]}.")


if __name__ == "__main__":
    main()
