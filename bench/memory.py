"""Peak memory of reading one large page: a 600-dpi A4 scan and a 12000×16000-pixel image.

Each measurement runs in a fresh process, so that its peak resident size (``ru_maxrss``) is its
own: the baseline is the process after importing the pipeline, the peak is after the stage ran.
Memory is reported in MiB and as a ratio to the size of the decoded RGB page (height × width × 3
bytes), the least any stage holding the page must use.

    .venv/bin/python -m bench.memory                  # ingest only, both sizes
    .venv/bin/python -m bench.memory --stages ingest preprocess ocr
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[1]
FONT = "/usr/share/fonts/truetype/gnutypewriter/GNUTypewriter.ttf"
SIZES = {
    "a4-600dpi": (4961, 7016, 600.0),  # 8.27 × 11.69 in
    "12000x16000": (12000, 16000, 1368.0),  # the same sheet, scanned at 1368 dpi
}
LINE = "Беседовал сегодня с министром на приёме в посольстве по случаю годовщины армии."


def make_scan(path: Path, width: int, height: int, dpi: float) -> None:
    """A colour JPEG of typewritten lines on a cream sheet, recording ``dpi``."""
    img = Image.new("RGB", (width, height), (236, 228, 210))
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, round(12 * dpi / 72))
    step = round(dpi / 3)  # double spacing
    for y in range(round(dpi), height - round(dpi), step):
        draw.text((round(dpi), y), LINE, font=font, fill=(40, 40, 60))
    img.save(path, "JPEG", quality=90, dpi=(dpi, dpi))


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def measure(path: Path, stages: list[str]) -> dict[str, float]:
    """Run ``stages`` on ``path`` in this process; peak RSS figures in MiB (child processes apart)."""
    from pipeline import ingest, ocr, preprocess
    from pipeline.config import Config
    from pipeline.model import PageSource

    config = Config()
    base = _rss_mib()
    start = time.perf_counter()
    page = ingest.load_page(PageSource(path), 1, config.ingest)
    out = {"baseline_mib": base, "page_mib": page.pixels.nbytes / 2**20, "ingest_peak_mib": _rss_mib()}
    if "preprocess" in stages or "ocr" in stages:
        pre = preprocess.preprocess(page, config.preprocess)
        out["preprocess_peak_mib"] = _rss_mib()
        if "ocr" in stages:
            ocr.recognize(page, pre, config.ocr)
            out["ocr_peak_mib"] = _rss_mib()
            out["tesseract_peak_mib"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0
    out["seconds"] = time.perf_counter() - start
    return out


def _child(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bench.memory", *args], capture_output=True, text=True,
                          cwd=ROOT, check=True, env={**os.environ, "OMP_THREAD_LIMIT": "1"})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stages", nargs="+", default=["ingest"], choices=["ingest", "preprocess", "ocr"])
    # The children's jobs. Linux keeps a process's peak RSS across exec, so this parent stays small:
    # it neither draws the scans nor reads them.
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--make", nargs=4, metavar=("PATH", "W", "H", "DPI"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.stages)))
        return 0
    if args.make:
        make_scan(Path(args.make[0]), int(args.make[1]), int(args.make[2]), float(args.make[3]))
        return 0
    print("| image | decoded page | baseline | stage | peak above baseline | ÷ page | run time, all stages |")
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for name, (width, height, dpi) in SIZES.items():
            path = Path(tmp) / f"{name}.jpg"
            _child("--make", str(path), str(width), str(height), str(dpi))
            child = _child("--measure", str(path), "--stages", *args.stages)
            r = json.loads(child.stdout.strip().splitlines()[-1])
            for stage in ("ingest", "preprocess", "ocr"):
                if f"{stage}_peak_mib" in r:
                    above = r[f"{stage}_peak_mib"] - r["baseline_mib"]
                    cells = (f"{name} ({width}×{height})", f"{r['page_mib']:.0f} MiB",
                             f"{r['baseline_mib']:.0f} MiB", stage, f"{above:.0f} MiB",
                             f"{above / r['page_mib']:.2f}", f"{r['seconds']:.1f} s")
                    print("| " + " | ".join(cells) + " |")
            if "tesseract_peak_mib" in r:
                print(f"| {name} | | | tesseract (child) | {r['tesseract_peak_mib']:.0f} MiB | "
                      f"{r['tesseract_peak_mib'] / r['page_mib']:.2f} | |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
