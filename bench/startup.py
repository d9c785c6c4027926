"""What a user waits for on one small job, against bare Tesseract in the same run (issue 17).

    OMP_THREAD_LIMIT=1 .venv/bin/python -m bench.startup [--rounds 5]

Times, alternating round by round so that a change in the machine's load falls on all of them:
``python -c pass`` (the interpreter alone), ``scanproof --help``, ``scanproof cer`` on two
20,000-character texts, bare ``tesseract PAGE stdout -l rus --dpi 300`` on one synthetic A4 page,
and ``scanproof verify --no-cache`` of that one-page document with each OCR engine. Prints medians
(wall seconds) and the ratios a user feels, as a Markdown table for ``bench/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pipeline.synth import make_document

ROOT = Path(__file__).resolve().parent.parent


def timed(args: list[str]) -> float:
    began = time.monotonic()
    subprocess.run(args, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.monotonic() - began


def noisy_copy(text: str, rate: float, seed: int) -> str:
    rng = random.Random(seed)
    return "".join(rng.choice("абвгдеко") if rng.random() < rate else c for c in text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp:
        work = Path(tmp)
        doc = make_document(work / "doc", seed=7, level="archival", pages=1)
        page = doc.pages[0].image
        text = (ROOT / "transcripts" / "117066.md").read_text(encoding="utf-8")
        reference = (text * 3)[:20_000]
        (work / "gt.txt").write_text(reference, encoding="utf-8")
        (work / "ocr.txt").write_text(noisy_copy(reference, 0.03, 1), encoding="utf-8")
        scanproof = [sys.executable, "-m", "pipeline"]
        jobs = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "scanproof --help": [*scanproof, "--help"],
            "scanproof cer (20k characters)": [*scanproof, "cer", str(work / "gt.txt"), str(work / "ocr.txt")],
            "bare tesseract, one page": ["tesseract", str(page), "stdout", "-l", "rus", "--dpi", "300"],
        }
        for engine in ("tesserocr", "tesseract"):
            jobs[f"scanproof verify, one page, no cache, --ocr-engine {engine}"] = [
                *scanproof, "verify", "--transcript", str(doc.transcript), str(page), "--out", str(work / "out"),
                "--no-cache", "--ocr-engine", engine]
        times: dict[str, list[float]] = {name: [] for name in jobs}
        for _ in range(args.rounds):
            for name, command in jobs.items():
                times[name].append(timed(command))
    median = {name: statistics.median(ts) for name, ts in times.items()}
    bare = median["bare tesseract, one page"]
    print(f"| job ({args.rounds} rounds) | median s | × bare Tesseract |")
    print("|---|---|---|")
    for name, seconds in median.items():
        print(f"| {name} | {seconds:.2f} | {seconds / bare:.2f} |")


if __name__ == "__main__":
    main()
