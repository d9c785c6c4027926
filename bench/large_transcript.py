"""Verifying a very long transcription: time and peak memory against size (issue 20).

    .venv/bin/python -m bench.large_transcript [--sizes 5 20] [--transcript transcripts/117066.md]

Makes transcriptions of ``sizes`` megabytes (UTF-8) from a real one: its original-language
paragraphs, their words shuffled with a fixed seed, repeated until the size is reached, inserted
into the original section (metadata, markup and translation kept). Each is verified against the
same scans with the page readings cached, so that the figures are those of the work that grows
with the transcription (parsing, alignment, checks, report), and the baseline is the same command
on the unchanged transcription in the same run. Peak memory is the run's largest resident set
(``wait4``). Prints a Markdown table for ``bench/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def grown(text: str, megabytes: float, seed: int = 1) -> str:
    """``text`` (a Wilson Center export) with its original section grown to ``megabytes``."""
    start = text.index("**Contents:**")
    end = text.index("####", start)  # the translation's first heading
    words = text[start:end].split()[4:]
    rng = random.Random(seed)
    blocks, size = [], len(text.encode())
    while size < megabytes * 1e6:
        rng.shuffle(words)
        blocks.append(" ".join(words[:80]) + "\n\n")
        size += len(blocks[-1].encode())
    return text[:end] + "".join(blocks) + text[end:]


def timed_verify(transcript: Path, scans: Path, out: Path, cache: Path) -> tuple[float, float]:
    """(wall seconds, peak resident MB) of one ``scanproof verify``."""
    args = [sys.executable, "-m", "pipeline", "verify", "--transcript", str(transcript), str(scans),
            "--out", str(out), "--cache", str(cache), "--jobs", "1"]
    began = time.monotonic()
    proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.monotonic() - began
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"verify failed on {transcript}: {proc.stderr.read().decode()}")
    return seconds, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[5.0, 20.0], help="megabytes")
    parser.add_argument("--transcript", type=Path, default=ROOT / "transcripts" / "117066.md")
    parser.add_argument("--scans", type=Path, default=ROOT / "scans" / "117066")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-large-") as tmp:
        work = Path(tmp)
        cache = work / "cache"
        timed_verify(args.transcript, args.scans, work / "warm", cache)  # reads the pages into the cache
        rows = []
        text = args.transcript.read_text(encoding="utf-8")
        for size in [None, *args.sizes]:
            path = work / "doc.md"
            path.write_text(text if size is None else grown(text, size), encoding="utf-8")
            megabytes = path.stat().st_size / 1e6
            # The analysis of an earlier run must not be served: only page readings stay cached.
            for entry in cache.rglob("*.json"):
                if b'"type": "DocumentReport"' in entry.read_bytes()[:200]:
                    entry.unlink()
            out = work / f"out-{megabytes:.1f}"
            seconds, peak = timed_verify(path, args.scans, out, cache)
            shutil.rmtree(out)
            rows.append((megabytes, seconds, peak))
    base = rows[0][1]
    print("| transcript | wall s | × the original's | s per MB | peak RSS MB |")
    print("|---|---|---|---|---|")
    for megabytes, seconds, peak in rows:
        print(f"| {megabytes:.2f} MB | {seconds:.1f} | {seconds / base:.1f} | {seconds / megabytes:.1f} | {peak:.0f} |")


if __name__ == "__main__":
    main()
