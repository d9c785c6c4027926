"""The language knowledge of ``pipeline.lang``: scripts, month names, transliteration, proper names."""

from __future__ import annotations

import re

import pytest

from pipeline.errors import MissingDependencyError
from pipeline.lang import lexicon
from pipeline.lang.months import english_month, is_month, matched_month, month_alternation, month_number
from pipeline.lang.proper_names import (
    RENDERED_NAME_TAGS,
    is_name_like,
    is_name_or_abbreviation,
    is_name_reading,
    is_rendered_name,
)
from pipeline.lang.script import (
    CYRILLIC,
    LATIN,
    known_language,
    letters_by_script,
    ocr_scripts,
    original_line_score,
    original_script,
    script_of,
    script_share,
)
from pipeline.lang.translit import latin_key, rendering_table, transliterate

# --- scripts ----------------------------------------------------------------------------------


def test_letters_are_counted_per_script_digits_and_marks_left_out() -> None:
    counts = letters_by_script("Москва, 1961 — Moscow № 5")
    assert counts == {CYRILLIC: 6, LATIN: 6}


def test_script_of_letters() -> None:
    assert [script_of(c) for c in "жwΩア漢"] == [CYRILLIC, LATIN, "GREEK", "CJK", "CJK"]


def test_script_share_of_a_mixed_text() -> None:
    assert script_share("Привет, world", CYRILLIC) == pytest.approx(6 / 11)
    assert script_share("1961 — 62", CYRILLIC) == 0.0


@pytest.mark.parametrize(
    ("body", "language", "script"),
    [
        ("Latin words only here", "Russian (typed)", CYRILLIC),  # the archive's language name decides
        ("Αθήνα και Σπάρτη. Athens and Sparta.", "", "GREEK"),  # 13 of 28 letters: above 20 %
        ("Αθήνα is in Greece and that is that", "", LATIN),  # 5 of 28 letters: below 20 %
        ("Der Brief des Ministers", "German", LATIN),
    ],
)
def test_original_script(body: str, language: str, script: str) -> None:
    assert original_script(body, language) == script


def test_known_language_is_the_first_name_we_know() -> None:
    assert known_language("Typed original: Ukrainian, with an English translation") == "ukrainian"
    assert known_language("unknown tongue") == ""


def test_line_scores_tell_the_original_from_the_english() -> None:
    assert original_line_score("Это строка, a b", CYRILLIC) == 7.0  # 9 Cyrillic letters − 2 Latin
    # 5 words × 0.15 − 3 English function words (the, of, the).
    assert original_line_score("the text of the letter", LATIN) == pytest.approx(-2.25)
    assert original_line_score("der Text des Briefes", LATIN) == pytest.approx(0.6)


@pytest.mark.parametrize(
    ("lang", "scripts"),
    [("rus", {CYRILLIC}), ("eng", {LATIN}), ("rus+eng", {CYRILLIC, LATIN}), ("deu", {LATIN}),
     ("uzb_cyrl", {CYRILLIC}), ("uzb", {LATIN})],
)
def test_ocr_scripts(lang: str, scripts: set[str]) -> None:
    assert ocr_scripts(lang) == scripts


# --- months -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "lang", "month"),
    [
        ("Марта", None, 3),  # genitive, capitalised
        ("маем", "ru", 5),  # instrumental
        ("ДЕКАБРЕ", "ru", 12),  # prepositional, capitals
        ("апр.", None, 4),
        ("сент.,", "ru", 9),  # a trailing comma after the abbreviation's stop
        ("мар.", "ru", 3),
        ("мар", "ru", None),  # this abbreviation needs its full stop
        ("Sept.", "en", 9),
        ("May", "en", 5),
        ("сентября", "en", None),  # a Russian month is no English one
        ("март", "en", None),
        ("марка", None, None),
    ],
)
def test_month_number(word: str, lang: str | None, month: int | None) -> None:
    assert month_number(word, lang) == month


def test_is_month() -> None:
    assert is_month("января;")
    assert not is_month("январский")


def test_month_alternation_says_which_month() -> None:
    match = re.search(month_alternation("ru"), "3 июня 1961", re.IGNORECASE)
    assert match is not None and match.group() == "июня"
    assert matched_month(match) == 6


def test_english_month_names() -> None:
    assert [english_month(n) for n in (1, 5, 9, 12)] == ["january", "may", "september", "december"]


# --- transliteration --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("7 февраля 1961 года", "7february1961goda"),
        ("в мае 1961 г.", "vmay1961g"),  # every case of a month becomes its English name
        ("Щербаков, № 415", "shcherbakovno415"),
        ("Ёлкин объявил", "elkinobyavil"),  # ё as e, hard sign dropped
    ],
)
def test_transliterate(text: str, key: str) -> None:
    assert transliterate(text) == key


def test_latin_key_keeps_ascii_letters() -> None:
    assert latin_key("Ŝčerbakov’-Ü") == "scerbakovu"


def test_rendering_table_joins_schemes_and_spanish_conventions() -> None:
    bgn = rendering_table(("bgn_pcgn",))
    assert "shch" in bgn["щ"]
    assert {"kh", "j", "h"} <= bgn["х"]  # BGN/PCGN's kh, and the Spanish conventions' j and h
    assert "x" in bgn["кс"]
    both = rendering_table(("bgn_pcgn", "iso_9_1954"))
    assert bgn["щ"] < both["щ"]  # ISO 9 adds its own spelling (ŝ, as s)


# --- dictionary and proper names --------------------------------------------------------------


def test_word_forms() -> None:
    assert lexicon.is_word_form("Строительства")
    assert not lexicon.is_word_form("строитэльства")
    assert lexicon.readings("столами")[0].normal_form == "стол"


def test_pre_reform_spelling_is_a_known_spelling() -> None:
    assert lexicon.modern_spelling("бѣлымъ") == "белым"
    assert lexicon.modern_spelling("присутствїя") == "присутствия"
    assert lexicon.modern_spelling("Ѳедоръ") == "Федор"
    assert lexicon.modern_spelling("объ") == "об" and lexicon.modern_spelling("подъезд") == "подъезд"
    assert lexicon.is_word_form("бѣлымъ") and lexicon.is_word_form("шаръ")


def test_pre_reform_adjective_endings_are_known_spellings() -> None:
    # The reform respelt -аго/-яго as -ого/-его and -ыя/-ія as -ые/-ие.
    for word in ("старинныя", "добраго", "синяго", "синія", "хорошаго"):
        assert lexicon.is_word_form(word), word
    assert not lexicon.is_word_form("кывыя")
    assert lexicon.modern_spellings("армия") == ("армия",)
    assert lexicon.modern_spellings("новыя") == ("новыя", "новые", "новой")
    assert not lexicon.is_word_form("бѣлымф")


@pytest.mark.parametrize(
    ("langs", "word", "known"),
    [
        ("eng", "outside", True), ("eng", "outsihe", False), ("eng", "revivification", True),
        ("eng", "revivication", False), ("eng", "tne", False), ("eng", "Vienna", True), ("eng", "THE", True),
        ("eng", "well-known", True), ("fra", "posés", True), ("fra", "bosés", False),
        ("fra", "l'Anglais", True), ("deu", "Häuser", True), ("spa", "gato", True), ("eng", "gato", False),
        ("eng+spa", "gato", True),
        # British spellings beside the American dictionary, in every case a word may be typed in.
        ("eng", "favourably", True), ("eng", "Organisations", True), ("eng", "COLOURED", True),
        ("eng", "favoupably", False), ("fra", "favourably", False),
        # A word of a script none of the languages is written in, or of a language without a
        # dictionary here: the lexicon cannot tell.
        ("eng", "Москва", None), ("rus", "outside", None), ("ita", "gatto", None),
        ("rus+eng", "Москва", True), ("rus+eng", "outside", True),
    ],
)
def test_the_lexicon_of_a_documents_languages(langs: str, word: str, known: bool | None) -> None:
    assert lexicon.Lexicon.for_ocr(langs).knows(word) is known


def test_how_common_a_word_is_in_each_language() -> None:
    eng, rus = lexicon.Lexicon.for_ocr("eng"), lexicon.Lexicon.for_ocr("rus")
    # Zipf scale: `the` about 7.7, a word used once in a million words 3; rarer ones 0.
    assert eng.zipf("the") > 7 > 5 > eng.zipf("thee") > 3
    assert eng.zipf("The") == eng.zipf("the")
    assert eng.zipf("qwzx") == 0
    # Pre-reform spelling is looked up in modern spelling: `тамъ` is `там`.
    assert rus.zipf("тамъ") == rus.zipf("там") > 5
    # The commonest of the languages of the script counts; a script none is written in, None.
    assert lexicon.Lexicon.for_ocr("eng+fra").zipf("une") == lexicon.Lexicon.for_ocr("fra").zipf("une") > 6
    assert eng.zipf("там") is None and rus.zipf("the") is None


def test_a_missing_dictionary_names_its_package(tmp_path) -> None:
    with pytest.raises(MissingDependencyError, match="apt-get install hunspell-fr"):
        lexicon.Lexicon.for_ocr("fra", str(tmp_path)).knows("maison")
    with pytest.raises(MissingDependencyError, match="apt-get install wbritish"):
        lexicon.Lexicon.for_ocr("eng", lists=str(tmp_path)).knows("favourably")


@pytest.mark.parametrize(
    ("word", "name_or_abbreviation", "rendered"),
    [
        ("СССР", True, False),  # an abbreviation: a name for scoring, compared letter by letter otherwise
        ("Москва", True, True),  # a place
        ("москва", False, False),  # not capitalised
        ("Борисов", True, True),  # a surname reading among the likelier ones
        ("Иван", True, False),  # a first name: often cut to an initial in translations
        ("Петрович", True, False),  # a patronymic
        ("Стол", False, False),  # a common word, capitalised
        ("Хлымпт", False, True),  # unknown to the dictionary, capitalised; guessed as a common noun
    ],
)
def test_proper_names(word: str, name_or_abbreviation: bool, rendered: bool) -> None:
    assert is_name_or_abbreviation(word) is name_or_abbreviation
    assert is_rendered_name(word) is rendered


def test_name_like_and_name_readings() -> None:
    assert is_name_like("МИД")  # capitals, few letters
    assert not is_name_like("дом")
    surname = lexicon.readings("Борисов")
    assert any(is_name_reading(p, RENDERED_NAME_TAGS) for p in surname)
    assert not any(is_name_reading(p) for p in lexicon.readings("стол"))


def test_every_language_with_months_has_a_date_grammar_that_reads_a_full_date():
    """A language is added in ``pipeline/lang`` alone: its months and its date grammar together
    make ``find_dates`` read its dates."""
    from pipeline.checks.dates import find_dates
    from pipeline.lang.dates import date_languages
    from pipeline.lang.months import _table

    assert set(date_languages()) == set(_table())
    samples = {"ru": "Москва, 5 апреля 1963 года", "en": "Moscow, April 5, 1963", "fr": "Paris, le 5 avril 1963",
               "de": "Berlin, den 5. April 1963", "es": "La Habana, 5 de abril de 1963"}
    for lang in date_languages():
        [mention] = find_dates(samples[lang], lang)
        assert (mention.key, mention.precision.value) == ((1963, 4, 5), "day"), lang
