"""Reading a preprocessed page with Tesseract into ``OcrWord``s boxed in input-image pixels.

Words, boxes, confidences and block/paragraph/line ids come from Tesseract's TSV output. When asked,
the same run also writes hOCR with the recogniser's per-character choices (``lstm_choice_mode=2``),
which are attached to the words as ``alternatives``. Extra passes read other binarizations of the
page; what each read at a word's place is kept in ``readings``.
"""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from dataclasses import replace

import numpy as np

from pipeline import geometry
from pipeline.config import OcrConfig
from pipeline.errors import TesseractFailedError
from pipeline.model import BBox, OcrPage, OcrWord, PageImage, Preprocessed
from pipeline.ocr import tesseract

#: TSV level of a word row (1 page, 2 block, 3 paragraph, 4 line, 5 word).
_WORD_LEVEL = 5
_XHTML = "{http://www.w3.org/1999/xhtml}"
#: A word of another pass is "at the same place" when it overlaps this share of the smaller box.
_SAME_PLACE = 0.5


def parse_tsv(tsv: str) -> list[OcrWord]:
    """Words of Tesseract's TSV output, boxes in the pixels of the image Tesseract read.

    Rows without text (empty or whitespace) and rows of other levels are skipped.
    """
    words = []
    reader = csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE)
    for row in reader:
        if int(row["level"]) != _WORD_LEVEL:
            continue
        text = (row.get("text") or "").strip()
        if not text:
            continue
        x, y, w, h = (int(row[k]) for k in ("left", "top", "width", "height"))
        words.append(
            OcrWord(
                text=text,
                bbox=(x, y, x + w, y + h),
                confidence=max(0.0, float(row["conf"])),
                block=int(row["block_num"]),
                paragraph=int(row["par_num"]),
                line=int(row["line_num"]),
                word=int(row["word_num"]),
            )
        )
    return words


def _hocr_bbox(title: str) -> BBox | None:
    for part in title.split(";"):
        fields = part.split()
        if len(fields) == 5 and fields[0] == "bbox":
            x0, y0, x1, y1 = (int(v) for v in fields[1:])
            return x0, y0, x1, y1
    return None


def parse_alternatives(hocr: str, conf_min: float = 0.0) -> dict[BBox, tuple[tuple[str, ...], ...]]:
    """Per-character alternatives of each hOCR word written with ``lstm_choice_mode=2``, keyed by
    the word's box. Each character gets the choices other than the one read that the recogniser
    gave a confidence (``x_confs``, 0–100) of ``conf_min`` at least, best first.

    Tesseract also lists a choice group for the space before a word; those groups are skipped.
    A word whose groups do not line up one-to-one with its characters is left out.
    """
    out: dict[BBox, tuple[tuple[str, ...], ...]] = {}
    root = ET.fromstring(hocr.encode("utf-8"))
    for word in root.iter(f"{_XHTML}span"):
        if word.get("class") != "ocrx_word":
            continue
        box = _hocr_bbox(word.get("title", ""))
        groups = [
            [(c.text or "", _choice_confidence(c.get("title", ""))) for c in g]
            for g in word
            if (g.get("id") or "").startswith("lstm_choices")
        ]
        groups = [g for g in groups if g and g[0][0].strip()]
        label = (word.text or "").strip()
        if box is None or not label or len(groups) != len(label):
            continue
        out[box] = tuple(
            tuple(c for c, conf in group[1:] if c.strip() and c != ch and conf >= conf_min)
            for ch, group in zip(label, groups, strict=True)
        )
    return out


def _choice_confidence(title: str) -> float:
    """The ``x_confs`` of a choice's hOCR title (0 when it gives none)."""
    fields = title.split()
    return float(fields[1]) if len(fields) == 2 and fields[0] == "x_confs" else 0.0


def _overlap(a: BBox, b: BBox) -> float:
    """Intersection area over the smaller box's area (0–1)."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return 0.0
    smaller = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
    return w * h / max(smaller, 1)


def reading_at(box: BBox, words: list[OcrWord]) -> str:
    """The text of ``words`` lying at ``box`` (overlapping half of the smaller box), in order."""
    return " ".join(w.text for w in words if _overlap(box, w.bbox) >= _SAME_PLACE)


def recognise(image: np.ndarray, dpi: float, config: OcrConfig, alternatives: bool) -> list[OcrWord]:
    """Tesseract's words on ``image`` (boxes in its pixels), with per-character alternatives when
    ``alternatives`` is set."""
    outputs = ("tsv", "hocr") if alternatives else ("tsv",)
    variables = {"thresholding_method": str(config.thresholding_method)}
    if alternatives:
        variables["lstm_choice_mode"] = "2"
    out = tesseract.run(image, lang=config.lang, dpi=dpi, psm=config.psm, timeout_s=config.timeout_s,
                        outputs=outputs, variables=variables, engine=config.engine)
    words = parse_tsv(out["tsv"])
    if not alternatives:
        return words
    try:
        choices = parse_alternatives(out["hocr"], config.alternative_conf_min)
    except ET.ParseError as err:
        raise TesseractFailedError(f"tesseract wrote unreadable hOCR: {err}") from err
    return [replace(w, alternatives=choices.get(w.bbox, ())) for w in words]


def recognize(page: PageImage, pre: Preprocessed, config: OcrConfig) -> OcrPage:
    """OCR ``pre.pixels`` (and each of ``pre.alternates``) with Tesseract through the engine
    ``config.engine``, which the page records; word boxes come back in ``page``'s pixels.

    Raises ``TesseractFailedError`` when Tesseract crashes or times out.
    """
    words = recognise(pre.pixels, pre.dpi, config, config.char_alternatives)
    if pre.alternates:
        passes = [recognise(pixels, pre.dpi, config, alternatives=False) for _, pixels in pre.alternates]
        words = [replace(w, readings=tuple(reading_at(w.bbox, p) for p in passes)) for w in words]
    size = (page.width, page.height)
    engine, version = tesseract.engine_id(config.engine)
    return OcrPage(
        index=page.index,
        image=str(page.source.path),
        width=page.width,
        height=page.height,
        skew_deg=pre.skew_deg,
        words=tuple(replace(w, bbox=geometry.map_box(w.bbox, pre.to_input, size)) for w in words),
        engine=engine,
        engine_version=version,
        lang=config.lang,
    )
