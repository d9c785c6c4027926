"""CER/WER of text pairs: agreement with dinglehopper, edit counts, confusion table."""

import unicodedata
from pathlib import Path

import numpy as np
import pytest
from dinglehopper.character_error_rate import character_error_rate_n
from dinglehopper.ocr_files import plain_extract

from pipeline.align import text_metrics
from pipeline.align.metrics import as_clusters
from pipeline.synth.noise import ocr_noise

SEED = Path(__file__).parent.parent / "transcripts" / "117066.md"
def _dinglehopper_cer(tmp_path: Path, reference: str, hypothesis: str) -> float:
    """dinglehopper's CER as its CLI computes it for two plain-text files."""
    gt, ocr = tmp_path / "gt.txt", tmp_path / "ocr.txt"
    gt.write_text(reference, encoding="utf-8")
    ocr.write_text(hypothesis, encoding="utf-8")
    cer, _ = character_error_rate_n(plain_extract(str(gt), encoding="utf-8"),
                                    plain_extract(str(ocr), encoding="utf-8"))
    return cer


def _pairs() -> list[tuple[str, str]]:
    russian = SEED.read_text(encoding="utf-8")
    body = russian[russian.index("Из дневника"):russian.index("[Stamp]")]
    return [
        (body, ocr_noise(body, np.random.default_rng(1), line_events=1)),
        (body[:600], ocr_noise(body[:600], np.random.default_rng(2), rate=0.1, line_events=1)),
        # Decomposed letters and trailing spaces: grapheme clusters and line stripping matter here.
        (unicodedata.normalize("NFD", "Хрущёв  \nй и ё\n"), "Хрущев\n  и и е"),
        ("ab\u0301c d\u0308e", "abc de\u0308"),
    ]


@pytest.mark.parametrize("pair", range(4))
def test_cer_agrees_with_dinglehopper(tmp_path, pair):
    reference, hypothesis = _pairs()[pair]
    ours = text_metrics(reference, hypothesis).cer
    assert ours == pytest.approx(_dinglehopper_cer(tmp_path, reference, hypothesis), abs=0.001)


def test_counts_and_confusions():
    m = text_metrics("года суда года", "гола сула гоа")
    assert (m.substitutions, m.deletions, m.insertions) == (2, 1, 0)
    assert m.confusions[0] == ("д", "л", 2)
    assert m.cer == pytest.approx(3 / 14)
    assert m.reference_words == 3
    assert m.wer == pytest.approx(1.0)


def test_identical_and_empty_texts():
    assert text_metrics("Гевара сказал", "Гевара сказал").cer == 0.0
    assert text_metrics("", "").cer == 0.0
    assert text_metrics("abc", "").cer == 1.0


def test_clusters_count_as_one_character():
    table: dict[str, str] = {}
    assert len(as_clusters("и\u0306од", table)) == 3
    assert as_clusters("plain", table) == "plain"
