"""Words for the WER by UAX #29 (``pipeline.align.words``), as dinglehopper splits them."""

from __future__ import annotations

import unicodedata
import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from uniseg.wordbreak import WordBreak, word_break
from uniseg.wordbreak import words as uax29_segments

from pipeline.align import text_metrics
from pipeline.align.words import _SIMPLE, _is_word, _property, words

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # ocrd's logging setup warns on import
    from dinglehopper.word_error_rate import words as dinglehopper_words


@pytest.mark.parametrize(("text", "expected"), [
    ("из-за", ["из", "за"]),
    ("Leibes-Straffe", ["Leibes", "Straffe"]),
    ("слово,а", ["слово", "а"]),
    ("fol.73", ["fol", "73"]),
    ("1½", ["1", "½"]),
    ("5.4.63 г., А.И.Микоян так-же!", ["5.4.63", "г", "А.И.Микоян", "так", "же"]),
    ("can’t (“32.3” feet)", ["can’t", "32.3", "feet"]),
    ("1\u202f000 руб.", ["1\u202f000", "руб"]),  # a narrow no-break space joins digits (ExtendNumLet)
])
def test_splits_as_uax29_and_dinglehopper(text, expected):
    assert words(text) == expected
    assert list(dinglehopper_words(text)) == expected


def test_combining_marks_stay_with_their_letter():
    assert words("M\u0303ein Wort") == ["M\u0303ein", "Wort"]
    assert words(unicodedata.normalize("NFD", "Хрущёв й")) == [unicodedata.normalize("NFD", "Хрущёв"),
                                                               unicodedata.normalize("NFD", "й")]
    # A mark after a space joins the space (WB4): neither is a word, and the next word stands alone.
    assert words("a \u0301b") == ["a", "b"] == list(dinglehopper_words("a \u0301b"))


def test_devanagari_vowel_signs_make_a_different_word():
    assert words("क्षत्रिय") == ["क्षत्रिय"]
    m = text_metrics("क्षत्रिय", "क्षत्रीय")
    assert (m.wer, m.reference_words) == (1.0, 1)


def test_private_use_letters_are_letters():
    # MUFI's ü inside a word: one word, as dinglehopper means it to be (its patch of uniseg no longer
    # takes effect with uniseg 0.10, which splits the letter off as a word of its own).
    assert words("\ue72bber die") == ["\ue72bber", "die"]


def test_simple_tokens_are_letters_and_digits_by_their_word_break_property():
    for cp in range(0x30, 0x530):
        c = chr(cp)
        if _SIMPLE.fullmatch(c):
            assert word_break(c) in (WordBreak.ALETTER, WordBreak.NUMERIC), hex(cp)


#: Characters that exercise the rules the shortcuts rely on: spaces and line breaks, marks and
#: joiners after them, mid-word and mid-number punctuation, Hebrew, Katakana, regional indicators.
_ALPHABET = list("ab1 \t\n\r.,'’-:\"½") + ["\u0301", "\u200d", "\u200b", "\u00ad", "\u202f", "\u05d0",
                                           "\u30a2", "\U0001f1e6", "\U0001f600", "\ue72b", "й", "\u0915\u093f"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_ALPHABET), max_size=30).map("".join))
def test_the_shortcuts_change_nothing(text):
    plain = [s for s in uax29_segments(text, property=_property) if _is_word(s)]
    assert words(text) == plain


def test_long_text_is_fast():
    import time

    line = "Беседовал сегодня с министром иностранных дел, fol.73, 12.3.58 — из-за погоды.\n"
    # 12 words a line: ``fol.73`` and ``из-за`` split (WB6/7 need letters on both sides), ``12.3.58`` holds (WB11/12)
    start = time.process_time()
    assert len(words(line * 4000)) == 4000 * 12
    assert time.process_time() - start < 2.0  # uniseg alone takes about 3 s for these 320k characters
