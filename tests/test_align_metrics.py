"""CER/WER of text pairs: agreement with dinglehopper, edit counts, confusion table."""

import unicodedata
from pathlib import Path

import numpy as np
import pytest
from dinglehopper.character_error_rate import character_error_rate_n
from dinglehopper.ocr_files import plain_extract
from rapidfuzz.distance import Levenshtein

from pipeline.align import text_metrics
from pipeline.align.metrics import as_clusters, opcodes
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


def _unit_cost(ops, reference: str, hypothesis: str) -> int:
    return sum(max(a1 - a0, b1 - b0) for tag, a0, a1, b0, b1 in ops if tag != "equal")


def test_edits_pair_characters_of_a_kind_without_adding_edits():
    # rapidfuzz's alignment of `14,` and `15th` inserts the `5` and pairs `4` with `t`: a digit lost
    # and a letter read for a digit, where the page's `15th` was read for the transcription's `14,`.
    ops = opcodes("on 14, 1941", "on 15th 1941")
    pairs = [("on 14, 1941"[a0:a1], "on 15th 1941"[b0:b1]) for tag, a0, a1, b0, b1 in ops if tag == "replace"]
    assert ("4", "5") in pairs
    assert not any(a.isdigit() != b.isdigit() for a, b in pairs if len(a) == len(b) == 1)
    # The fewest edits still: every op sequence covers both texts and costs the Levenshtein distance.
    rng = np.random.default_rng(5)
    russian = SEED.read_text(encoding="utf-8")
    for k in range(30):
        start = int(rng.integers(0, len(russian) - 200))
        ref = russian[start:start + 200]
        hyp = ocr_noise(ref, np.random.default_rng(k), rate=0.15, line_events=1)
        ops = opcodes(ref, hyp)
        assert _unit_cost(ops, ref, hyp) == Levenshtein.distance(ref, hyp)
        assert "".join(ref[a0:a1] for _, a0, a1, _, _ in ops) == ref
        assert "".join(hyp[b0:b1] for _, _, _, b0, b1 in ops) == hyp
        assert all(ref[a0:a1] == hyp[b0:b1] for tag, a0, a1, b0, b1 in ops if tag == "equal")


def test_a_stretch_of_one_kind_keeps_its_alignment():
    # Letters only: nothing to pair better, and the OCR's habits were counted on rapidfuzz's pairing.
    ref, hyp = "сказанїя", "сказаня"
    assert opcodes(ref, hyp) == [(op.tag, op.src_start, op.src_end, op.dest_start, op.dest_end)
                                 for op in Levenshtein.opcodes(ref, hyp)]
