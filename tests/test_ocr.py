"""The OCR stage with real Tesseract: text quality, boxes on the input image, typed failures."""

from __future__ import annotations

from pathlib import Path

import jiwer
import numpy as np
import pytesseract
import pytest
from PIL import Image
from rapidfuzz.distance import Levenshtein

from pipeline.config import OcrConfig, PreprocessConfig
from pipeline.errors import MissingDependencyError, TesseractFailedError
from pipeline.model import OcrPage, PageImage, PageSource
from pipeline.ocr import recognize, require_tesseract, tesseract, tesseract_version
from pipeline.ocr.reading import parse_tsv
from pipeline.preprocess import preprocess
from pipeline.synth import make_document
from tests.typewriter_page import RenderedPage, render, seed_lines

LINES = seed_lines("Гевара сказал, что он прочитал", 12)


def _read(page: RenderedPage, pre_config: PreprocessConfig | None = None) -> OcrPage:
    image = PageImage(1, PageSource(Path("test.png")), page.rgb, 300.0)
    return recognize(image, preprocess(image, pre_config or PreprocessConfig()), OcrConfig())


@pytest.fixture(scope="module")
def skewed() -> tuple[RenderedPage, OcrPage]:
    page = render(LINES, angle_deg=-3.2)
    return page, _read(page)


def test_version_and_languages() -> None:
    assert tesseract_version()[0].isdigit()
    require_tesseract("rus+eng")


def test_missing_language_names_its_package() -> None:
    expected = r"zzz\.traineddata not found: apt-get install tesseract-ocr-zzz"
    with pytest.raises(MissingDependencyError, match=expected):
        require_tesseract("rus+zzz")


def test_missing_tesseract_names_the_install_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/nonexistent/tesseract")
    tesseract.tesseract_version.cache_clear()
    tesseract._tessdata.cache_clear()
    try:
        with pytest.raises(MissingDependencyError, match="apt-get install tesseract-ocr tesseract-ocr-rus"):
            require_tesseract("rus")
        with pytest.raises(MissingDependencyError, match="apt-get install tesseract-ocr tesseract-ocr-rus"):
            require_tesseract("rus", "tesserocr")  # its language data are found by asking the program
        with pytest.raises(MissingDependencyError):
            tesseract.run(np.full((50, 50), 255, np.uint8), lang="rus", dpi=300, psm=3, timeout_s=5,
                          engine="tesseract")
    finally:
        tesseract.tesseract_version.cache_clear()
        tesseract._tessdata.cache_clear()


def test_timeout_is_a_typed_failure() -> None:
    # 10 ms is less than Tesseract needs to load its Russian model, on any machine; the limit used
    # to be rounded up to a whole second, which a fast machine beat (and the test with it).
    page = render(LINES)
    with pytest.raises(TesseractFailedError, match="timed out"):
        tesseract.run(page.rgb, lang="rus", dpi=300, psm=3, timeout_s=0.01)


@pytest.mark.slow
def test_skewed_page_reads_well(skewed: tuple[RenderedPage, OcrPage]) -> None:
    page, ocr = skewed
    assert abs(ocr.skew_deg - -3.2) <= 0.2
    assert jiwer.cer(page.text, ocr.text) <= 0.03


@pytest.mark.slow
def test_word_boxes_cover_their_ink_on_the_input(skewed: tuple[RenderedPage, OcrPage]) -> None:
    """Each word read right has a box, on the input image, holding ≥ 95% of that word's ink."""
    page, ocr = skewed
    unique = {w: i + 1 for i, w in enumerate(page.words) if page.words.count(w) == 1}
    checked = 0
    for word in ocr.words:
        label = unique.get(word.text)
        if label is None:
            continue
        x0, y0, x1, y1 = word.bbox
        ink = page.labels == label
        inside = ink[y0:y1, x0:x1].sum()
        assert inside >= 0.95 * ink.sum(), word
        # And the box is the word's, not the line's: most labelled ink in it is this word's.
        assert inside >= 0.6 * (page.labels[y0:y1, x0:x1] > 0).sum(), word
        checked += 1
    assert checked >= 0.7 * len(unique)
    assert all(0 <= w.bbox[0] < w.bbox[2] <= ocr.width and 0 <= w.bbox[1] < w.bbox[3] <= ocr.height
               for w in ocr.words)


def test_alternatives_and_extra_passes_on_a_strip() -> None:
    page = render(LINES[:3])
    strip = PageImage(1, PageSource(Path("strip.png")), page.rgb[250:560], 300.0)
    pre = preprocess(strip, PreprocessConfig(extra_binarizations=("none",)))
    ocr = recognize(strip, pre, OcrConfig(char_alternatives=True, psm=6))
    assert len(ocr.words) >= 15
    with_choices = [w for w in ocr.words if w.alternatives]
    assert len(with_choices) >= 0.8 * len(ocr.words)
    for w in with_choices:
        assert len(w.alternatives) == len(w.text)
        assert all(c not in alts for c, alts in zip(w.text, w.alternatives, strict=True))
    # The second pass read the same words at the same places, nearly all alike.
    assert all(len(w.readings) == 1 for w in ocr.words)
    same = sum(w.readings[0] == w.text for w in ocr.words)
    assert same >= 0.7 * len(ocr.words)


def _cer(reference: str, hypothesis: str) -> float:
    ref, hyp = " ".join(reference.split()), " ".join(hypothesis.split())
    return Levenshtein.distance(ref, hyp) / len(ref)


def _raw_and_pipeline(image_path: Path, reference: str) -> tuple[float, float]:
    """CER of Tesseract on the unprocessed page, and after preprocessing."""
    rgb = np.array(Image.open(image_path).convert("RGB"))
    page = PageImage(1, PageSource(image_path), rgb, 300.0)
    raw = OcrPage(1, str(image_path), page.width, page.height, 0.0, tuple(parse_tsv(
        tesseract.run(rgb, lang="rus", dpi=300, psm=3, timeout_s=300)["tsv"])))
    pipeline = recognize(page, preprocess(page, PreprocessConfig()), OcrConfig())
    return _cer(reference, raw.text), _cer(reference, pipeline.text)


@pytest.mark.slow
@pytest.mark.parametrize(("level", "phone", "bound", "ratio"), [("archival", False, 0.08, 0.75),
                                                                  ("archival", True, 0.14, 0.65)])
def test_synth_page_reads_better_than_raw(tmp_path: Path, level: str, phone: bool, bound: float,
                                          ratio: float) -> None:
    doc = make_document(tmp_path, seed=1, level=level, phone=phone)
    raw, ours = _raw_and_pipeline(doc.pages[0].image, doc.pages[0].text)
    assert ours <= bound
    assert ours <= ratio * raw
