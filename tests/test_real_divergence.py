"""Divergences on real transcriptions of real scans, in English and in 18th-century Russian (issue 16).

The pages are evaluation data in ``../shared/dev-data/real-pages/`` (see its README): not part of
the project, so these tests read them there and skip when the folder is absent. Each runs the whole
``verify`` (real Tesseract, real layout) on a real page against its real transcription, as
published and with errors planted into it. The transcribers' own slips asserted here were
confirmed by looking at the scans (``bench/real_divergence.py``, ``NATURAL``).
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

from pipeline import api
from pipeline.config import Config

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT.parent / "shared" / "dev-data" / "real-pages"
pytestmark = pytest.mark.skipif(not PAGES.is_dir(), reason=f"{PAGES} (real scans for development) absent")
SERIOUS = ("medium", "high")


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache for the module: each page is read once, every variant of its transcription after
    that costs only the analysis."""
    return tmp_path_factory.mktemp("cache")


def verify(name: str, text: str, out: Path, cache: Path) -> list[dict]:
    """The flags of ``verify`` of page ``name`` against the transcription ``text``, in its language."""
    meta = json.loads((PAGES / name / "meta.json").read_text(encoding="utf-8"))
    transcript = out / "transcript.txt"
    out.mkdir(parents=True, exist_ok=True)
    transcript.write_text(text, encoding="utf-8")
    config = Config()
    config = replace(config, ocr=replace(config.ocr, lang=meta["language"]),
                     run=replace(config.run, cache=True, cache_dir=str(cache)))
    api.verify(transcript, [PAGES / name / meta["image"]], out / "report", config)
    return json.loads((out / "report" / "report.json").read_text(encoding="utf-8"))["flags"]


def serious(flags: list[dict]) -> list[dict]:
    return [f for f in flags if f["severity"] in SERIOUS]


def gt(name: str) -> str:
    return (PAGES / name / "gt.txt").read_text(encoding="utf-8")


@pytest.mark.slow
def test_an_english_transcribers_slips_rank_above_the_ocr_noise(tmp_path, cache):
    flags = verify("ehri-en-07", gt("ehri-en-07"), tmp_path, cache)
    found = {(f["transcript_text"], f["scan_text"]) for f in serious(flags)}
    assert {("decison", "decision"), ("scholl", "school")} <= found
    # The OCR's own misreadings of the page are many, and stay low or info.
    assert len([f for f in flags if f["kind"] == "transcription_divergence"]) >= 10
    assert len(serious(flags)) <= 3


@pytest.mark.slow
def test_a_common_word_slipped_into_a_rarer_one_is_found(tmp_path, cache):
    # ehri-en-02's transcription has `ant` and `these` where the typescript says `and` and `the`
    # (confirmed on the scan): both readings are words, but the page's is far the commoner.
    flags = verify("ehri-en-02", gt("ehri-en-02"), tmp_path, cache)
    slip = [f for f in serious(flags) if f["transcript_text"] == "ant" and f["scan_text"] == "and"]
    assert slip and "`and` is a common word, `ant` a rare one" in slip[0]["evidence"]
    # A name misspelt once, where the scan reads the spelling the transcription has elsewhere.
    text = gt("ehri-en-03")
    name = re.search(r'"([A-Z][a-z]{5,})"', text).group(1)
    assert text.count(name) >= 2
    misspelt = name[:4] + ("f" if name[4] != "f" else "g") + name[5:]
    flags = serious(verify("ehri-en-03", text.replace(name, misspelt, 1), tmp_path, cache))
    assert any(misspelt in (f["transcript_text"] or "") and "elsewhere" in " ".join(f["evidence"]) for f in flags)


@pytest.mark.slow
def test_a_digit_beside_a_blot_and_a_word_of_the_letterhead_added_are_found(tmp_path, cache):
    # nlr18-ru-04 prints `178,`, which the OCR reads `17$,` (weighing `8` for its `$`): a
    # transcription's `168,` differs at the `7` the OCR read without wavering.
    text = gt("nlr18-ru-04")
    assert text.count("178,") == 1
    flags = serious(verify("nlr18-ru-04", text.replace("178,", "168,"), tmp_path, cache))
    assert any(f["transcript_text"] == "168," and "did not weigh `6`" in " ".join(f["evidence"]) for f in flags)
    # stanford-en-03's letterhead has `BOARD` in capitals, which the transcription leaves out; its
    # `Board` added inside a clearly read line is no word moved from there.
    text = gt("stanford-en-03")
    assert "ments have been made" in text and "Board" in text
    flags = serious(verify("stanford-en-03", text.replace("ments have been made", "ments have Board been made"),
                           tmp_path, cache))
    assert any(f["kind"] == "insertion" and f["transcript_text"] == "Board" for f in flags)


def _replace_nth_word(text: str, pattern: str, n: int, new: str) -> tuple[str, str]:
    """``text`` with its ``n``-th word matching ``pattern`` replaced by ``new(word)``; and the word."""
    m = [m for m in re.finditer(rf"(?<=\s){pattern}(?=[\s,.])", text)][n]
    return text[:m.start()] + new.format(m.group()) + text[m.end():], m.group()


@pytest.mark.slow
def test_planted_letter_dropped_and_added_words_are_found_in_english(tmp_path, cache):
    text = gt("ehri-en-05")
    # A letter changed in a long word, a word dropped, a word added: a third, a half and two
    # thirds of the way down the page.
    words = len(re.findall(r"(?<=\s)[a-z]{8,}(?=[\s,.])", text))
    text, long_word = _replace_nth_word(text, r"[a-z]{8,}", words // 3, "{0}")
    misspelt = long_word[:3] + ("x" if long_word[3] != "x" else "z") + long_word[4:]
    text = text.replace(f" {long_word}", f" {misspelt}", 1)
    at = text.index(" ", len(text) // 2)
    dropped = re.match(r" ([a-z]{4,})(?= )", text[at:])
    while dropped is None:
        at = text.index(" ", at + 1)
        dropped = re.match(r" ([a-z]{4,})(?= )", text[at:])
    text = text[:at] + text[at + len(dropped.group()):]
    at = text.index(" ", 2 * len(text) // 3)
    text = text[:at] + " people" + text[at:]
    flags = serious(verify("ehri-en-05", text, tmp_path, cache))
    assert any(f["transcript_text"] and misspelt in f["transcript_text"] and long_word in (f["scan_text"] or "")
               for f in flags), [(f["transcript_text"], f["scan_text"]) for f in flags]
    assert any(f["kind"] == "omission" and dropped.group(1) in (f["scan_text"] or "") for f in flags)
    assert any(f["kind"] == "insertion" and f["transcript_text"] == "people" for f in flags)


@pytest.mark.slow
def test_pre_reform_spelling_is_no_error_and_a_slip_in_it_is_one(tmp_path, cache):
    text = gt("nlr18-ru-07")
    assert len(re.findall("[ѣіїѳѵ]", text)) >= 20  # a page in the old spelling
    flags = verify("nlr18-ru-07", text, tmp_path, cache)
    # The transcription's `ѣ` where the print has `ъ` (confirmed on the scan) is found …
    assert any(f["transcript_text"].startswith("любятѣ") for f in serious(flags))
    # … while the letters the `rus` model cannot read (ѣ, і) raise nothing above low.
    old_letters = [f for f in flags if f["kind"] == "transcription_divergence"
                   and re.search("[ѣіїѳѵ]", f["transcript_text"] or "")]
    assert len(old_letters) >= 5
    assert len(serious(flags)) <= 2


@pytest.mark.slow
def test_elements_a_plain_transcription_does_not_mark_are_no_findings(tmp_path, cache):
    # A 1905 letter: pen signature and notes, printed letterhead; the transcription is plain text,
    # which marks no element (and has the handwritten lines as text).
    flags = verify("stanford-en-01", gt("stanford-en-01"), tmp_path, cache)
    elements = [f for f in flags if f["kind"].startswith("untranscribed_")]
    assert elements  # the page's hands are found …
    assert not serious(elements)  # … and, unmarked by a transcription that marks none, rank low or info
    assert any(f["severity"] == "info" and "in the transcription's text" in f["message"] for f in elements)
