"""OCR quality ablation: raw Tesseract against the preprocessing pipeline, each step switched off.

Sets of pages, each read by every variant (``--variants``):

- synth pages (``pipeline.synth.make_document``, one page per seed, seeds 1…``--pages``) at the
  levels ``clean``, ``archival`` and ``poor``, ``phone`` (archival sheets photographed by a
  phone: perspective, curl, shadow) and ``lowres`` (archival sheets scanned at ``LOWRES_DPI``, as
  the 72–150 dpi typescripts of the real-page set); reference = the page's typed text;
- ``komi``: the real scanned newspaper lines in ``bench/data/komi_lines`` (read as single lines,
  ``--psm 7``). Tesseract's ``rus`` cannot output the Komi letters ``ӧ``/``і`` (see SOURCES.md), so
  their errors are counted apart from the rest.

``raw`` is Tesseract on the unprocessed image (same language, ``--dpi``, ``--psm``); ``pipeline`` is
``PreprocessConfig()``; ``-X`` is the pipeline with step X off; ``bin:M`` the pipeline with
binarization M; ``bin:tess-M`` the pipeline's grayscale image binarized by Tesseract's own method
M. CER = edit distance / reference characters, whitespace runs collapsed to one space. Also
measured: preprocessing time as a share of OCR time (pipeline variant, same pages), and deskew
error on clean synth pages turned by known angles in ±5°.

Usage: ``.venv/bin/python bench/ocr_quality.py --pages 10 --jobs 1`` (synth pages are generated
once into ``--work`` and reused).
"""

from __future__ import annotations

import argparse
import statistics
import time
import unicodedata
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from PIL import Image
from rapidfuzz.distance import Levenshtein

from pipeline.config import IngestConfig, OcrConfig, PreprocessConfig
from pipeline.ingest.paper import page_off_sheet
from pipeline.model import OcrPage, PageImage, PageSource
from pipeline.ocr import recognize, tesseract
from pipeline.ocr.reading import parse_tsv
from pipeline.preprocess import preprocess
from pipeline.preprocess.deskew import rotate

KOMI_DIR = Path(__file__).resolve().parent / "data" / "komi_lines"
#: Letters of the Komi alphabet that ``rus`` lacks, with the Latin look-alikes the ground truth uses.
KOMI_LETTERS = set("ӧӦіІöÖ")
LEVELS = ("clean", "archival", "poor", "phone", "lowres")
#: Scan resolution of the ``lowres`` level.
LOWRES_DPI = 100
BASE = PreprocessConfig()
GRAY = replace(BASE, binarize="none")
#: Each variant: its preprocessing (None = none at all, the raw image) and its Tesseract settings.
VARIANTS: dict[str, tuple[PreprocessConfig | None, OcrConfig]] = {
    "raw": (None, OcrConfig()),
    "pipeline": (BASE, OcrConfig()),
    "-sheet": (replace(BASE, sheet=False), OcrConfig()),
    "-off_sheet": (replace(BASE, off_sheet=False), OcrConfig()),
    "-ink": (replace(BASE, ink_separation=False), OcrConfig()),
    "-unmix": (replace(BASE, ink_unmix=False), OcrConfig()),
    "-flatten": (replace(BASE, flatten=False), OcrConfig()),
    "-margins": (replace(BASE, margins=False), OcrConfig()),
    "-deskew": (replace(BASE, deskew=False), OcrConfig()),
    "-rescale": (replace(BASE, rescale=False), OcrConfig()),
    "bin:sauvola": (replace(BASE, binarize="sauvola"), OcrConfig()),
    "bin:wolf": (replace(BASE, binarize="wolf"), OcrConfig()),
    "bin:otsu": (replace(BASE, binarize="otsu"), OcrConfig()),
    "bin:tess-otsu": (GRAY, OcrConfig(thresholding_method=0)),
    "bin:tess-adaptive": (GRAY, OcrConfig(thresholding_method=1)),
    "bin:tess-sauvola": (GRAY, OcrConfig(thresholding_method=2)),
}


@dataclass(frozen=True)
class Item:
    """One page (or line) to read: its image, reference text, resolution and segmentation mode."""

    set: str
    index: int  # position within its set
    image: Path
    reference: str
    dpi: float
    psm: int


@dataclass(frozen=True)
class Reading:
    """One variant's reading of one item."""

    set: str
    index: int
    variant: str
    errors: int  # edit operations against the reference
    komi_errors: int  # of which on a Komi letter of the reference
    chars: int  # reference characters
    komi_chars: int
    pre_s: float
    ocr_s: float


def normalize(text: str) -> str:
    """NFC, whitespace runs collapsed to one space, ends stripped."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def count_errors(reference: str, hypothesis: str) -> tuple[int, int]:
    """Edit operations turning ``reference`` into ``hypothesis``, and how many of them replace or
    delete a Komi letter of the reference."""
    ops = Levenshtein.editops(reference, hypothesis)
    komi = sum(1 for op in ops if op.tag != "insert" and reference[op.src_pos] in KOMI_LETTERS)
    return len(ops), komi


def synth_items(work: Path, levels: Sequence[str], pages: int) -> list[Item]:
    """Generate (once) and list the synth pages: one page per seed 1…``pages`` for each level."""
    from pipeline.synth import make_document  # only the benchmark uses synth

    items = []
    for level in levels:
        for seed in range(1, pages + 1):
            out = work / f"{level}-{seed}"
            image, truth = out / "page-1.png", out / "page-1.gt.txt"
            dpi = LOWRES_DPI if level == "lowres" else 300
            if not truth.exists():
                doc = make_document(out, seed=seed, level="archival" if level in ("phone", "lowres") else level,
                                    phone=level == "phone", dpi=dpi)
                truth.write_text(doc.pages[0].text, encoding="utf-8")
            items.append(Item(level, seed - 1, image, truth.read_text(encoding="utf-8"), float(dpi), 3))
    return items


def komi_items(limit: int) -> list[Item]:
    """The real newspaper lines, at most ``limit``, in name order."""
    items = []
    for n, tif in enumerate(sorted(KOMI_DIR.glob("*.tif"))[:limit]):
        truth = tif.with_name(tif.name[: -len(".tif")] + ".gt.txt")
        dpi = float(Image.open(tif).info.get("dpi", (300.0, 300.0))[0])
        items.append(Item("komi", n, tif, truth.read_text(encoding="utf-8"), dpi, 7))
    return items


def _load(path: Path) -> np.ndarray:
    return np.array(Image.open(path).convert("RGB"))


def read_item(item: Item, variants: Sequence[str]) -> list[Reading]:
    """Read ``item`` with each variant; runs in a worker process."""
    rgb = _load(item.image)
    page = PageImage(1, PageSource(item.image), rgb, item.dpi, off_sheet=page_off_sheet(rgb, item.dpi, IngestConfig()))
    reference = normalize(item.reference)
    komi_chars = sum(1 for c in reference if c in KOMI_LETTERS)
    out = []
    for name in variants:
        config, ocr_config = VARIANTS[name]
        ocr_config = replace(ocr_config, psm=item.psm)
        t0 = time.perf_counter()
        if config is None:
            t1 = t0
            tsv = tesseract.run(rgb, lang=ocr_config.lang, dpi=item.dpi, psm=item.psm,
                                timeout_s=ocr_config.timeout_s)["tsv"]
            text = OcrPage(1, str(item.image), page.width, page.height, 0.0, tuple(parse_tsv(tsv))).text
        else:
            pre = preprocess(page, config)
            t1 = time.perf_counter()
            text = recognize(page, pre, ocr_config).text
        t2 = time.perf_counter()
        errors, komi = count_errors(reference, normalize(text))
        out.append(Reading(item.set, item.index, name, errors, komi, len(reference), komi_chars,
                           t1 - t0, t2 - t1))
    return out


def skew_errors(work: Path, pages: int, angles_per_page: int) -> list[float]:
    """|found − true| skew, degrees, on clean synth pages turned by seeded angles in ±5°."""
    rng = np.random.default_rng(2024)
    config = replace(BASE, rescale=False, binarize="none")
    errors = []
    for item in synth_items(work, ["clean"], pages):
        rgb = _load(item.image)
        paper = tuple(int(v) for v in np.median(rgb.reshape(-1, 3), axis=0))
        for angle in rng.uniform(-5.0, 5.0, angles_per_page):
            turned, _ = rotate(rgb, float(angle), fill=0)
            # Fill the corners the turn uncovers with the page's paper, as a scanner lid would not.
            mask, _ = rotate(np.full(rgb.shape[:2], 255, np.uint8), float(angle), fill=0)
            turned[mask == 0] = paper
            found = preprocess(PageImage(1, PageSource(item.image), turned, item.dpi), config).skew_deg
            errors.append(abs(found - float(angle)))
    return errors


def table(readings: list[Reading], variants: Sequence[str], sets: Sequence[str]) -> list[str]:
    """Markdown CER table: one row per variant, one column per set (komi: all letters, and
    without the Komi-letter errors)."""
    def cer(rs: list[Reading], skip_komi: bool = False) -> str:
        chars = sum(r.chars - (r.komi_chars if skip_komi else 0) for r in rs)
        errs = sum(r.errors - (r.komi_errors if skip_komi else 0) for r in rs)
        return f"{100 * errs / max(chars, 1):.2f}%"

    head = [s if s != "komi" else "komi (all) | komi (without ӧ/і)" for s in sets]
    lines = ["| variant | " + " | ".join(head) + " |", "|---" * (1 + len(head) + ("komi" in sets)) + "|"]
    for v in variants:
        cells = []
        for s in sets:
            rs = [r for r in readings if r.variant == v and r.set == s]
            cells.append(cer(rs) if s != "komi" else f"{cer(rs)} | {cer(rs, skip_komi=True)}")
        lines.append(f"| {v} | " + " | ".join(cells) + " |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=10, help="synth pages per level (seeds 1…N)")
    parser.add_argument("--levels", default=",".join(LEVELS), help="synth levels, comma-separated")
    parser.add_argument("--komi", type=int, default=100, help="real newspaper lines (0 = none)")
    parser.add_argument("--variants", default=",".join(VARIANTS), help="variants, comma-separated")
    parser.add_argument("--ablation-items", type=int, default=3,
                        help="items of each set read by every variant (raw and pipeline read all)")
    parser.add_argument("--skew-pages", type=int, default=4, help="clean pages for the deskew test")
    parser.add_argument("--skew-angles", type=int, default=5, help="angles per deskew page")
    parser.add_argument("--jobs", type=int, default=1, help="worker processes")
    parser.add_argument("--work", type=Path, default=Path("/tmp/scanproof-bench-ocr"),
                        help="where synth pages are generated and kept")
    args = parser.parse_args()
    variants = [v for v in args.variants.split(",") if v]
    levels = [lv for lv in args.levels.split(",") if lv]
    unknown = [v for v in variants if v not in VARIANTS] + [lv for lv in levels if lv not in LEVELS]
    if unknown:
        parser.error(f"unknown variant or level: {', '.join(unknown)}")

    items = synth_items(args.work, levels, args.pages) + komi_items(args.komi)
    # raw and pipeline read every item; the other variants the first --ablation-items of each set.
    main_variants = [v for v in variants if v in ("raw", "pipeline")]
    per_item = [variants if item.index < args.ablation_items else main_variants for item in items]
    started = time.perf_counter()
    with ProcessPoolExecutor(args.jobs) as pool:
        readings = [r for rs in pool.map(read_item, items, per_item) for r in rs]
    sets = [s for s in (*levels, "komi") if any(i.set == s for i in items)]
    elapsed = time.perf_counter() - started
    print(f"CER, all items ({args.pages} synth pages per level, {args.komi} komi lines; {elapsed:.0f} s)")
    print("\n".join(table(readings, main_variants, sets)))
    ablation = [v for v in variants if v not in main_variants]
    if ablation and args.ablation_items:
        first = [r for r in readings if r.index < args.ablation_items]
        print(f"\nAblation, first {args.ablation_items} items of each set")
        print("\n".join(table(first, variants, sets)))

    if "pipeline" in variants:
        print("\nPreprocessing time / OCR time, pipeline variant (median over pages, and total):")
        for s in sets:
            rs = [r for r in readings if r.variant == "pipeline" and r.set == s]
            median = statistics.median(r.pre_s / r.ocr_s for r in rs)
            total = sum(r.pre_s for r in rs) / sum(r.ocr_s for r in rs)
            ocr_s = statistics.median(r.ocr_s for r in rs)
            print(f"- {s}: median {median:.2f}, total {total:.2f} (OCR {ocr_s:.2f} s per item)")
    if args.skew_pages:
        errs = skew_errors(args.work, args.skew_pages, args.skew_angles)
        print(f"\nDeskew, {len(errs)} clean pages turned in ±5°: "
              f"median error {statistics.median(errs):.3f}°, max {max(errs):.3f}°")


if __name__ == "__main__":
    main()
