"""The text-only checks on the seed document 117066 (transcription and translation only, no scan)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.checks import run_checks
from pipeline.config import ChecksConfig
from pipeline.model import Flag, Severity
from pipeline.transcript import read_transcript

SEED = Path(__file__).resolve().parent.parent / "transcripts" / "117066.md"


@pytest.fixture(scope="module")
def result():
    return run_checks(read_transcript(SEED), ChecksConfig())


@pytest.fixture(scope="module")
def serious(result) -> list[Flag]:
    return [f for f in result.flags if f.severity in (Severity.HIGH, Severity.MEDIUM)]


def _find(flags: list[Flag], kind: str, transcript_text: str, translation_text: str | None = None) -> Flag:
    found = [f for f in flags if f.kind == kind and f.transcript_text and transcript_text in f.transcript_text
             and (translation_text is None or f.translation_text == translation_text)]  # fmt: skip
    assert found, f"no {kind} flag for {transcript_text!r} in {[f.message for f in flags]}"
    return found[0]


def test_footer_date_against_translation(serious) -> None:
    f = _find(serious, "date_mismatch", "5.4.68", "5.4.63")
    assert f.severity is Severity.HIGH and "8 and 3" in f.message


def test_footer_date_against_header(serious) -> None:
    f = _find(serious, "date_discrepancy", "5.4.68")
    assert "апреля 1963 года" in f.message and "April 5, 1963" in f.message


@pytest.mark.parametrize(
    ("kind", "original", "translation"),
    [
        ("name_mismatch", "Андронову", "Andropov"),
        ("number_mismatch", "2 147", "No. 147"),
        ("name_mismatch", "УВБ", "UVI"),
        ("name_mismatch", "вц", "vshch"),
        ("name_mismatch", "Гаваи", "Havana"),
    ],
)
def test_translation_mismatches(serious, kind: str, original: str, translation: str) -> None:
    f = _find(serious, kind, original, translation)
    assert f.transcript_span is not None
    assert f.message.startswith("The transcription has")


def test_spans_point_at_the_transcript_text(result) -> None:
    original = read_transcript(SEED).original
    for f in result.flags:
        start, end = f.transcript_span
        assert original[start:end] == f.transcript_text


@pytest.mark.parametrize(
    "agreeing",
    ["45-ой", "№ 122", "Экз. № 2", "25 февраля 1963", "Хрущёва", "Микояном", "Малиновского", "Хусеплане",
     "Гевара", "ОЛАС", "АЛЕКСЕЕВ", "ЦК", "КПСС", "Кастро"],
)  # fmt: skip
def test_no_flag_where_original_and_translation_agree(result, agreeing: str) -> None:
    assert not [f for f in result.flags if agreeing in (f.transcript_text or "")]


def test_only_the_expected_flags(serious) -> None:
    assert len(serious) == 7, [f.message for f in serious]


def test_paragraph_pairs_cover_both_texts(result) -> None:
    pairs = result.paragraphs
    assert sum(bool(p.original and p.translation) for p in pairs) >= 25
    body = next(p for p in pairs if p.original.startswith("Рассказал Гевара"))
    assert "about Guevara's honesty" in body.translation  # a translation paragraph split by a page break
