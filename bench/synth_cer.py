"""Raw Tesseract CER on synthetic pages: the facsimile of 117066 and random documents, per level.

Raw means what the issue asks to calibrate against: Tesseract ``rus`` on the PNG as written (no
preprocessing), ``--dpi`` given, ``OMP_THREAD_LIMIT=1``, against the page ground truth (the typed lines
of the PAGE-XML, reading order, spaces collapsed). Also times rendering a page against reading it,
both measured in this run.

    .venv/bin/python -m bench.synth_cer [--seeds 3] [--out DIR]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from pipeline.synth import make_document, read_layout, render_layout

ROOT = Path(__file__).resolve().parent.parent
FACSIMILE = ROOT / "scans" / "117066"
NS = {"p": "http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15"}


def page_truth(xml: Path) -> str:
    """The typed lines of a PAGE-XML file, whitespace collapsed, one per line."""
    root = ET.parse(xml).getroot()
    lines = [u.text or "" for region in root.iterfind(".//p:TextRegion[@production='typewritten']", NS)
             for u in region.iterfind("p:TextLine/p:TextEquiv/p:Unicode", NS)]
    return normalise("\n".join(lines))


def normalise(text: str) -> str:
    return "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())


def tesseract(png: Path, dpi: int = 300) -> tuple[str, float]:
    """Tesseract's text of ``png`` and the seconds it took."""
    start = time.perf_counter()
    out = subprocess.run(["tesseract", str(png), "-", "-l", "rus", "--dpi", str(dpi)], capture_output=True,
                         text=True, check=True, env={**os.environ, "OMP_THREAD_LIMIT": "1"}).stdout
    return normalise(out), time.perf_counter() - start


def cer(pngs: list[Path]) -> tuple[float, int, float]:
    """Pooled CER over ``pngs`` (edits ÷ reference characters), characters, and mean OCR seconds."""
    edits = chars = 0
    seconds = 0.0
    for png in pngs:
        reference = page_truth(png.with_suffix(".xml"))
        hypothesis, took = tesseract(png)
        edits += Levenshtein.distance(reference, hypothesis)
        chars += len(reference)
        seconds += took
    return edits / chars, chars, seconds / len(pngs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3, help="random documents per level (default 3)")
    parser.add_argument("--out", type=Path, help="keep the rendered pages here")
    args = parser.parse_args()
    work = args.out or Path(tempfile.mkdtemp(prefix="synth-cer-"))
    rows: list[tuple[str, str, int, float, int]] = []
    render_s: list[float] = []
    ocr_s: list[float] = []

    facsimile = sorted(FACSIMILE.glob("page-*.png"))
    value, chars, took = cer(facsimile)
    rows.append(("117066 facsimile (bundled)", "archival", len(facsimile), value, chars))
    ocr_s.append(took)
    layout = read_layout(FACSIMILE / "layout.yaml")
    for level in ("clean", "poor"):
        start = time.perf_counter()
        pages = render_layout(layout, work / f"117066-{level}", level=level)
        render_s.append((time.perf_counter() - start) / len(pages))
        value, chars, took = cer([p.image for p in pages])
        ocr_s.append(took)
        rows.append(("117066 facsimile (re-rendered)", level, len(pages), value, chars))
    for level in ("clean", "archival", "poor"):
        pngs = []
        for seed in range(1, args.seeds + 1):
            start = time.perf_counter()
            doc = make_document(work / f"random-{level}-{seed}", seed=seed, level=level)
            render_s.append((time.perf_counter() - start) / len(doc.pages))
            pngs += [p.image for p in doc.pages]
        value, chars, took = cer(pngs)
        ocr_s.append(took)
        rows.append((f"random documents, seeds 1–{args.seeds}", level, len(pngs), value, chars))
    phone = make_document(work / "random-phone", seed=1, phone=True)
    value, chars, took = cer([p.image for p in phone.pages])
    rows.append(("random document seed 1, `--phone`", "archival", len(phone.pages), value, chars))

    print("| pages | level | n | raw Tesseract CER | reference chars |")
    print("|---|---|---|---|---|")
    for name, level, n, value, chars in rows:
        print(f"| {name} | {level} | {n} | {value:.1%} | {chars} |")
    render_mean = sum(render_s) / len(render_s)
    ocr_mean = sum(ocr_s) / len(ocr_s)
    print(f"\nrender a page (incl. PNG + PAGE-XML): {render_mean:.2f} s; Tesseract a page: {ocr_mean:.2f} s; "
          f"ratio render ÷ OCR = {render_mean / ocr_mean:.2f}")


if __name__ == "__main__":
    main()
