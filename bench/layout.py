"""Benchmark of stamp, handwriting and signature detection (``pipeline.layout``) on synthetic pages.

1. Detection: ``pipeline.synth.make_document`` pages (one page per seed, every level, in colour and
   in greyscale; truth regions from the renderer, as in its PAGE-XML). Per kind, recall and
   precision at IoU ≥ 0.5 (one-to-one, same kind), and false regions per page. ``detect_regions``
   runs without reading the elements (their text does not change the boxes).
2. Typed-text CER with and without stamps: the same seeds rendered with ``stamps=False``; on the
   pages whose stamp overlaps typed text, the OCR (``pipeline.preprocess`` + ``pipeline.ocr``) is
   compared with the page's typed text (``pipeline.align.text_metrics``) in both renderings.
3. Time of ``detect_regions`` (with and without reading the elements) as a ratio to the time of
   ``preprocess`` + ``recognize`` on the same pages, measured in the same run.

Run: ``.venv/bin/python -m bench.layout --seeds 10 --jobs 2 --work /tmp/scanproof-bench-layout``
(pages are generated once into ``--work`` and reused); ``--first-seed 100`` for a held-out range.
"""

from __future__ import annotations

import argparse
import os
import pickle
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path

import numpy as np

from pipeline import ingest
from pipeline.align import text_metrics
from pipeline.config import Config
from pipeline.geometry import iou
from pipeline.layout import detect_regions
from pipeline.model import PageImage, PageSource
from pipeline.ocr import recognize
from pipeline.preprocess import preprocess
from pipeline.synth import SynthPage, make_document

KINDS = ("stamp", "handwriting", "signature")
LEVELS = ("clean", "archival", "poor")




def synth_page(work: Path, seed: int, level: str, color: bool, stamps: bool = True,
               ribbon: str = "ribbon") -> SynthPage:
    """The first page of a one-page synthetic document typed with ``ribbon``, generated once into
    ``work``."""
    out = work / f"{level}-{'colour' if color else 'grey'}-{'stamps' if stamps else 'nostamps'}-{ribbon}-{seed}"
    cached = out / "page.pickle"
    if cached.exists():
        return pickle.loads(cached.read_bytes())
    page = make_document(out, seed=seed, level=level, pages=1, color=color, stamps=stamps, ribbon=ribbon).pages[0]
    cached.write_bytes(pickle.dumps(page))
    return page


def load(path: Path) -> PageImage:
    return ingest.load_page(PageSource(path), 1, Config().ingest)


def detect_task(args: tuple[Path, int, str, bool, str]) -> tuple[str, bool, dict[str, list[int]], int]:
    """Detection on one page: per kind [true positives, truths, detections], false regions."""
    work, seed, level, color, ribbon = args
    page = synth_page(work, seed, level, color, ribbon=ribbon)
    found = detect_regions(load(page.image), replace(Config().layout, read_elements=False))
    truth = [r for r in page.regions if r.kind in KINDS]
    counts = {k: [0, sum(t.kind == k for t in truth), sum(r.kind == k for r in found)] for k in KINDS}
    used: set[int] = set()
    for t in truth:
        for i, r in enumerate(found):
            if i not in used and r.kind == t.kind and iou(r.bbox, t.bbox) >= 0.5:
                used.add(i)
                counts[t.kind][0] += 1
                break
    return level, color, counts, len(found) - len(used)


def _overlaps_text(page: SynthPage) -> bool:
    stamps = [r.bbox for r in page.regions if r.kind == "stamp"]
    texts = [r.bbox for r in page.regions if r.kind == "text"]
    return any(iou(s, t) > 0 for s in stamps for t in texts)


def _ocr_text(path: Path, config: Config) -> tuple[str, float]:
    page = load(path)
    start = time.perf_counter()
    text = recognize(page, preprocess(page, config.preprocess), config.ocr).text
    return text, time.perf_counter() - start


def cer_task(args: tuple[Path, int, str, bool, str]) -> tuple[int, str, bool, float, float, float, float, float] | None:
    """CER with and without the stamp on one colour page, and (if ``timed``) detection vs OCR times on it."""
    work, seed, level, timed, ribbon = args
    with_stamp = synth_page(work, seed, level, True, ribbon=ribbon)
    if not _overlaps_text(with_stamp):
        return None
    without = synth_page(work, seed, level, True, stamps=False, ribbon=ribbon)
    config = Config()
    text_with, ocr_s = _ocr_text(with_stamp.image, config)
    text_without, _ = _ocr_text(without.image, config)
    cer_with = text_metrics(with_stamp.text, text_with).cer
    cer_without = text_metrics(without.text, text_without).cer
    if not timed:
        return seed, level, True, cer_with, cer_without, ocr_s, float("nan"), float("nan")
    page = load(with_stamp.image)
    start = time.perf_counter()
    detect_regions(page, replace(config.layout, read_elements=False))
    detect_s = time.perf_counter() - start
    start = time.perf_counter()
    detect_regions(page, config.layout)
    detect_read_s = time.perf_counter() - start
    return seed, level, True, cer_with, cer_without, ocr_s, detect_s, detect_read_s


def print_cer(cer_rows: list[tuple[int, str, bool, float, float, float, float, float]]) -> None:
    """Part 2's table: per page, then per level (the pages without stamps are reported too, so that
    a change of the ink separation can be seen not to cost the pages it should not touch)."""
    print("## Typed-text CER, pages whose stamp overlaps typed text")
    print("| seed | level | CER with stamp | CER same page without stamp | difference (pp) |")
    print("|---|---|---|---|---|")
    for seed, level, _, cer_with, cer_without, *_ in cer_rows:
        print(f"| {seed} | {level} | {cer_with:.4f} | {cer_without:.4f} | {100 * (cer_with - cer_without):+.2f} |")
    if not cer_rows:
        return
    print("\n| level | pages | mean CER with stamp | mean CER without stamp | mean difference (pp) | worst (pp) |")
    print("|---|---|---|---|---|---|")
    for level in (*LEVELS, "all"):
        rows = [r for r in cer_rows if level in ("all", r[1])]
        if rows:
            diffs = [100 * (r[3] - r[4]) for r in rows]
            means = f"{np.mean([r[3] for r in rows]):.4f} | {np.mean([r[4] for r in rows]):.4f}"
            print(f"| {level} | {len(rows)} | {means} | {np.mean(diffs):+.2f} | {max(diffs):+.2f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10, help="pages per level and colour mode")
    parser.add_argument("--first-seed", type=int, default=0,
                        help="seeds run from this one (tune on one range, report a held-out one)")
    parser.add_argument("--cer-seeds", type=int, default=4, help="seeds per level for part 2")
    parser.add_argument("--only-cer", action="store_true", help="run part 2 only (no detection, no times)")
    parser.add_argument("--skip-cer", action="store_true", help="run part 1 only (detection; no CER, no times)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--work", type=Path, default=Path("/tmp/scanproof-bench-layout"))
    parser.add_argument("--ribbon", default="ribbon", help="typewriter ribbon of the pages (synth's --ribbon)")
    args = parser.parse_args()
    os.environ["OMP_THREAD_LIMIT"] = "1"
    args.work.mkdir(parents=True, exist_ok=True)
    tasks = [(args.work, seed, level, color, args.ribbon) for color in (True, False) for level in LEVELS
             for seed in range(args.first_seed, args.first_seed + args.seeds)]
    with ProcessPoolExecutor(args.jobs) as pool:
        detections = [] if args.only_cer else list(pool.map(detect_task, tasks))
        cer_tasks = [] if args.skip_cer else [(args.work, s, lv, not args.only_cer, args.ribbon) for lv in LEVELS
                                              for s in range(args.first_seed, args.first_seed + args.cer_seeds)]
        cer_rows = [r for r in pool.map(cer_task, cer_tasks) if r is not None]

    if args.only_cer:
        print_cer(cer_rows)
        return
    print("## Detection (IoU >= 0.5)")
    print("| pages | level | recall stamp | recall handwriting | recall signature | precision stamp | "
          "precision handwriting | precision signature | false regions / page |")
    print("|---|---|---|---|---|---|---|---|---|")
    for color in (True, False):
        for level in (*LEVELS, "all"):
            rows = [d for d in detections if d[1] == color and (level == "all" or d[0] == level)]
            total = {k: np.sum([d[2][k] for d in rows], axis=0) for k in KINDS}
            recall = [f"{t[0]}/{t[1]} ({t[0] / max(t[1], 1):.0%})" for t in total.values()]
            precision = [f"{t[0]}/{t[2]} ({t[0] / max(t[2], 1):.0%})" for t in total.values()]
            false = sum(d[3] for d in rows) / max(len(rows), 1)
            mode = "colour" if color else "grey"
            print(f"| {len(rows)} {mode} | {level} | " + " | ".join(recall + precision) + f" | {false:.2f} |")

    if not args.skip_cer:
        print()
        print_cer(cer_rows)
    if cer_rows:
        ocr = np.array([r[5] for r in cer_rows])
        print(f"detect_regions / (preprocess + recognize): {np.median([r[6] for r in cer_rows] / ocr):.2f} "
              f"without reading the elements, {np.median([r[7] for r in cer_rows] / ocr):.2f} with "
              f"(median over {len(cer_rows)} pages)")


if __name__ == "__main__":
    main()
