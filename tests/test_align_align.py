"""Alignment of OCR words with a transcription: reading order, spans back to both sides, long texts.

These tests build the OCR side from text (each line a row of boxed words) to control its reading
order exactly; the classifier's tests run on real Tesseract output.
"""

from pathlib import Path

import pytest

from pipeline.align import align
from pipeline.align.anchors import chain_anchors, longest_chain, moved_blocks
from pipeline.align.metrics import distance
from pipeline.align.order import columns
from pipeline.config import AlignConfig, DivergenceConfig
from pipeline.divergence import find_divergences
from pipeline.model import OcrPage, OcrWord, Severity
from pipeline.transcript import parse_transcript

SEED = Path(__file__).parent.parent / "transcripts" / "117066.md"
CONFIG = AlignConfig()


def _page(lines: list[str], index: int = 1, confidence: float = 95.0) -> OcrPage:
    words = [
        OcrWord(w, (100 * k, 40 * n, 100 * k + 90, 40 * n + 30), confidence, 1, 1, n, k)
        for n, line in enumerate(lines)
        for k, w in enumerate(line.split())
    ]
    return OcrPage(index, f"page-{index}.png", 3000, 4000, 0.0, tuple(words))


def _seed():
    return parse_transcript(SEED.read_text(encoding="utf-8"), "117066")


def _typed_lines(transcript) -> list[str]:
    """The transcription's typed lines, markup left out, as a perfect OCR would read them."""
    text = transcript.original
    for m in sorted(transcript.markup, key=lambda m: -m.span[0]):
        if m.section.value == "original":
            text = text[: m.span[0]] + text[m.span[1]:]
    return [line.strip() for line in text.split("\n") if line.strip()]


def test_perfect_reading_has_no_differences():
    tr = _seed()
    al = align([_page(_typed_lines(tr))], tr, CONFIG)
    assert al.metrics.cer == 0.0
    assert al.differences == ()
    assert al.page_metrics[0].cer == 0.0
    assert all(line.cer == 0.0 for line in al.lines)


def test_reordered_header_block_is_put_back():
    """A right-hand header column read after the body (as Tesseract may) is aligned where the
    transcription has it: no omission, no insertion, CER zero."""
    tr = _seed()
    lines = _typed_lines(tr)
    header = lines[2:5]  # "Секретно. Экз. № 2" … "№ 122"
    assert header[0].startswith("Секретно")
    ocr_lines = lines[:2] + lines[5:20] + header + lines[20:]
    al = align([_page(ocr_lines)], tr, CONFIG)
    assert al.moved_lines >= 3
    assert al.metrics.cer == 0.0
    assert not [d for d in al.differences if d.ocr_text or d.transcript_text]


def test_two_pages_and_spans_map_back_to_both_sides():
    tr = _seed()
    lines = _typed_lines(tr)
    half = len(lines) // 2
    page1, page2 = lines[:half], lines[half:]
    target = next(k for k, line in enumerate(page2) if "Фиделем" in line or "Фиделом" in line)
    changed = page2[target].replace("Фиделом", "Фиделем")
    page2 = page2[:target] + [changed] + page2[target + 1:]
    al = align([_page(page1, 1), _page(page2, 2)], tr, CONFIG)
    [d] = al.differences
    assert (d.transcript_text, d.ocr_text, d.page) == ("Фиделом", "Фиделем", 2)
    assert tr.original[d.transcript_span[0]:d.transcript_span[1]] == "Фиделом"
    assert d.bbox == d.words[0].word.bbox
    assert [p.page for p in al.page_metrics] == [1, 2]
    line = next(x for x in al.lines if "Фиделом" in x.transcript)
    assert line.page == 2 and "Фиделем" in line.ocr


def test_dropped_line_and_doubled_word_are_located():
    tr = _seed()
    lines = _typed_lines(tr)
    body = next(k for k, line in enumerate(lines) if line.startswith("Ответил на это"))
    extra = "Посол передал приветствие товарищам из министерства"
    ocr_lines = lines[:body] + [extra] + lines[body:]
    al = align([_page(ocr_lines)], tr, CONFIG)
    flags = find_divergences(al, DivergenceConfig())
    omission = next(f for f in flags if f.kind == "omission")
    assert omission.scan_text == extra
    assert omission.severity in (Severity.HIGH, Severity.MEDIUM)


def test_anchored_alignment_matches_full_levenshtein_on_a_long_text():
    """Aligning gap by gap between anchors finds (nearly) the optimal edit distance: the seed
    repeated as a 20-page document, with OCR-like errors."""
    tr = _seed()
    lines = _typed_lines(tr)
    pages = []
    for p in range(20):
        noisy = [line.replace("д", "л", 1) if (n + p) % 3 == 0 else line for n, line in enumerate(lines)]
        pages.append(_page(noisy, p + 1))
    body = "\n\n".join([tr.original] * 20)
    long_tr = parse_transcript(f"**Original Language:**\n\nRussian\n\n**Contents:**\n\n{body}\n", "long")
    al = align(pages, long_tr, CONFIG)
    optimal = distance(al.transcript.text, al.ocr.text)
    edits = al.metrics.substitutions + al.metrics.deletions + al.metrics.insertions
    assert edits <= optimal * 1.02 + 2
    assert len(al.page_metrics) == 20


def test_chain_and_moved_blocks():
    assert longest_chain([(0, 0), (1, 5), (2, 1), (3, 2), (4, 6)]) == [(0, 0), (2, 1), (3, 2), (4, 6)]
    a = ["alpha", "beta", "gamma", "delta", "omega", "sigma", "kappa"]
    b = ["alpha", "omega", "sigma", "kappa", "beta", "gamma", "delta"]
    chain, off = chain_anchors(a, b)
    assert len(chain) == 4
    assert moved_blocks(off, 2) == [off]


@pytest.mark.parametrize("pages", [[], [OcrPage(1, "x.png", 10, 10, 0.0, ())]])
def test_no_ocr_words(pages):
    tr = _seed()
    al = align(pages, tr, CONFIG)
    assert al.metrics.cer == pytest.approx(1.0)


def _letterhead(copy: str, mark: str = "RESTRICTED,") -> OcrPage:
    """A letterhead of two columns that Tesseract read as one line each, 8 heights apart."""
    rows = [(["EMBASSY", "OF", "NOWHERE"], [mark, "No.", copy]),
            (["Trade", "Section"], ["Harbourtown,", "June", "3,", "1951"])]
    words = []
    for n, (left, right) in enumerate(rows):
        for k, w in enumerate(left):
            words.append(OcrWord(w, (100 * k, 40 * n, 100 * k + 90, 40 * n + 30), 95.0, 1, 1, n, len(words)))
        for k, w in enumerate(right):
            words.append(OcrWord(w, (1200 + 100 * k, 40 * n, 1290 + 100 * k, 40 * n + 30), 95.0, 1, 1, n, len(words)))
    body = ["The", "talks", "went", "on", "until", "the", "evening", "and", "were", "resumed", "on", "the",
            "next", "day"]
    words += [OcrWord(w, (100 * k, 200, 100 * k + 90, 230), 95.0, 2, 1, 1, k) for k, w in enumerate(body)]
    return OcrPage(1, "page-1.png", 3000, 4000, 0.0, tuple(words))


def test_a_letterhead_s_two_columns_read_as_one_line_are_aligned_column_by_column():
    page = _letterhead("1")
    [line] = page.lines()[:1]
    assert [[w.text for w in piece] for piece in columns(line, CONFIG.column_gap)] == [
        ["EMBASSY", "OF", "NOWHERE"], ["RESTRICTED,", "No.", "1"]]
    published = ("EMBASSY OF NOWHERE\nTrade Section\n\nRESTRICTED, No. 7\nHarbourtown, June 3, 1951\n\n"
                 "The talks went on until the evening and were resumed on the next day\n")
    al = align([page], parse_transcript(published, "t"), CONFIG)
    # The copy number is one digit for another, not a number added beside the column moved.
    assert [(d.transcript_text, d.ocr_text) for d in al.differences] == [("7", "1")]
    assert al.moved_lines >= 1
    # Read in the transcription's order, nothing to move and nothing differs.
    assert not align([_letterhead("7")], parse_transcript(published, "t"), CONFIG).differences

    # Its one long word misread, no anchor moves the column; the same text only the scan has at
    # one place and only the transcription at another is still one text, read out of order.
    al = align([_letterhead("1", "BESTRICTED,")], parse_transcript(published, "t"), CONFIG)
    assert sorted((d.transcript_text, d.ocr_text) for d in al.differences) == [
        ("7", "1"), ("RESTRICTED,", "BESTRICTED,")]
