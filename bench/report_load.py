"""How fast the HTML report of a long document opens in headless Chromium, and how much it weighs.

A synthetic document of ``--pages`` pages (with planted errors, so there are flags to show) goes
through the whole pipeline once (``api.verify``; page readings are cached in the work folder, so
re-runs only rewrite the report). Its report is then opened ``--runs`` times, each in a fresh
browser context (empty cache), timing from navigation start until the page has loaded every image
and the viewer script has marked the page ready (``html[data-ready=true]``). The baseline, measured
in the same run, is the report of the document's first page alone.

    .venv/bin/python bench/report_load.py --pages 50 --runs 5
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from playwright.sync_api import Browser, sync_playwright

from pipeline import api
from pipeline.config import Config, RunConfig
from pipeline.synth import make_document

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run"]


def folder_bytes(folder: Path) -> int:
    """Bytes of the report's files (the page-reading cache is not part of the report)."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and ".cache" not in p.parts)


def open_seconds(browser: Browser, html: Path) -> tuple[float, float]:
    """(seconds until loaded and ready, the browser's own DOMContentLoaded time in seconds)."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    start = time.perf_counter()
    page.goto(html.as_uri(), wait_until="load")
    page.wait_for_selector("html[data-ready=true]", state="attached")
    elapsed = time.perf_counter() - start
    dcl = page.evaluate("performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd") / 1000
    context.close()
    return elapsed, dcl


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=50)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--work", type=Path, default=Path("/tmp/scanproof-bench-report"))
    args = parser.parse_args()

    scans = args.work / f"synth-{args.pages}p-seed{args.seed}"
    if not (scans / "transcript.md").exists():
        make_document(scans, seed=args.seed, pages=args.pages, plant=max(8, args.pages // 2))
    page_files = sorted(scans.glob("page-*.png"), key=lambda p: int(p.stem.split("-")[1]))
    # One page-reading cache for both runs: the 1-page baseline re-uses page 1's reading.
    config = Config(run=RunConfig(cache_dir=str(args.work / ".cache")))
    t0 = time.perf_counter()
    full = api.verify(scans / "transcript.md", page_files, args.work / "report-full", config)
    pipeline_s = time.perf_counter() - t0
    one = api.verify(scans / "transcript.md", page_files[:1], args.work / "report-one", config)

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        open_seconds(browser, one.html)  # warm up the browser process itself
        rounds = [(open_seconds(browser, one.html), open_seconds(browser, full.html))
                  for _ in range(args.runs)]
        browser.close()

    base = statistics.median(r[0][0] for r in rounds)
    long = statistics.median(r[1][0] for r in rounds)
    dcl = statistics.median(r[1][1] for r in rounds)
    ratios = [r[1][0] / r[0][0] for r in rounds]
    print(f"document: {len(page_files)} pages, {full.flags.total} flags; pipeline run {pipeline_s:.1f} s")
    print(f"report weight: {folder_bytes(full.folder) / 1e6:.2f} MB "
          f"(report.html {full.html.stat().st_size / 1e6:.2f} MB, "
          f"report.json {full.json.stat().st_size / 1e6:.2f} MB, {len(full.images)} page images); "
          f"1-page report {folder_bytes(one.folder) / 1e6:.2f} MB")
    print(f"open → loaded and ready, median of {args.runs}: {args.pages}-page report {long:.3f} s, "
          f"1-page report {base:.3f} s; ratio {statistics.median(ratios):.2f} "
          f"(range {min(ratios):.2f}–{max(ratios):.2f}); DOMContentLoaded {dcl:.3f} s")


if __name__ == "__main__":
    main()
