"""Transliteration matching: does an English word render a Russian name or abbreviation?"""

from __future__ import annotations

import pytest

from pipeline.checks.names import (
    common_english,
    glossed,
    lemmas,
    match_word,
    rendering_cost,
    similarity,
)
from pipeline.checks.numbers import find_numbers
from pipeline.config import ChecksConfig
from pipeline.errors import MissingDependencyError
from pipeline.lang.proper_names import is_name_like

SCHEMES = ChecksConfig().translit_schemes
ACCEPT = ChecksConfig().name_accept


@pytest.mark.parametrize(
    ("russian", "english"),
    [
        ("Хрущёва", "Khrushchev"),  # genitive, ё, BGN/PCGN
        ("Микояном", "Mikoyan"),  # instrumental
        ("Малиновского", "Malinovskiy"),  # BGN -iy
        ("Малиновского", "Malinovsky"),  # Wikipedia -y
        ("Малиновского", "Malinovskij"),  # ISO 9 / scientific
        ("Хусеплане", "Juseplan"),  # Spanish: Х as J, a word the dictionary does not know
        ("Гевары", "Guevara"),  # Spanish: Ге as Gue
        ("Кастро", "Castro"),  # Spanish: К as C
        ("Алексеев", "Alekseyev"),
        ("Алексеев", "Alexeev"),  # кс as x
        ("АЛЕКСЕЕВА", "ALEKSEYEV"),
        ("Андропову", "Andropov"),
        ("Гаваны", "Havana"),  # Spanish: Г as H, genitive
        ("Щербаков", "Shcherbakov"),
        ("Щербаков", "Ščerbakov"),  # ISO 9 with diacritics
        ("Воробьев", "Vorobyev"),
        ("Зайцев", "Zaytsev"),
        ("Ильин", "Ilyin"),
        ("УВИ", "UVI"),  # abbreviation, letter by letter
        ("вщ", "vshch"),
        ("ОЛАС", "OLAS"),
        ("Кубы", "Cuban"),  # an English adjective of the name
        ("Петрова", "Petrov's"),
    ],
)
def test_renderings_match(russian: str, english: str) -> None:
    m = match_word(russian, english, SCHEMES, ACCEPT)
    assert m.similarity >= ACCEPT, m


@pytest.mark.parametrize(
    ("russian", "english", "swap"),
    [
        ("Андронову", "Andropov", ("н", "п")),
        ("вц", "vshch", ("ц", "щ")),
        ("Петрова", "Pelrov", None),  # the translation's own misspelling: similar, no Cyrillic look-alike
        ("УВБ", "UVI", None),
        ("Гаваи", "Havana", None),
        ("Гусеба", "Gusev", ("б", "в")),
    ],
)
def test_misspellings_are_near_but_not_accepted(russian: str, english: str, swap: tuple | None) -> None:
    m = match_word(russian, english, SCHEMES, ACCEPT)
    assert m.similarity < ACCEPT
    assert m.swap == swap
    if swap is None:
        assert m.similarity >= ChecksConfig().name_min


@pytest.mark.parametrize(("russian", "english"), [("Петрова", "Sokolov"), ("Козлов", "Morozov"),
                                                  ("Гавана", "Prague"), ("УВИ", "OLAS")])  # fmt: skip
def test_other_names_are_far(russian: str, english: str) -> None:
    assert match_word(russian, english, SCHEMES, ACCEPT).similarity < ChecksConfig().name_min


def test_rendering_cost_counts_edits() -> None:
    assert rendering_cost("Андропов", "Andropov", SCHEMES) == 0
    assert rendering_cost("Андронов", "Andropov", SCHEMES) == 1
    assert rendering_cost("Андронов", "Andropoff", SCHEMES) == 3
    assert similarity("Андронов", "Andropov", SCHEMES) == pytest.approx(1 - 1 / 8)


def test_lemmas_reduce_inflection() -> None:
    assert "микоян" in lemmas("Микояном")
    assert "хрущёв" in lemmas("Хрущёва")
    assert "гевара" in lemmas("Геваре")  # unknown to the dictionary: case ending stripped, -а added


@pytest.mark.parametrize(("word", "expected"), [("Микояном", True), ("УВБ", True), ("вц", True),
                                                ("Гевара", True), ("Министром", False), ("Советской", False),
                                                ("посольстве", False), ("Беседовал", False)])  # fmt: skip
def test_name_like_words(word: str, expected: bool) -> None:
    assert is_name_like(word) is expected


@pytest.mark.parametrize(("word", "translation"), [("ЦК", "2-CC CPSU (to Cde. Andropov)"),
                                                   ("КПСС", "CC CPSU"), ("СССР", "the USSR"),
                                                   ("Москве", "in Moscow"), ("ГДР", "the GDR")])  # fmt: skip
def test_glossary_covers_translated_abbreviations(word: str, translation: str) -> None:
    assert glossed(word, translation)
    assert not glossed(word, "nothing of the kind")


@pytest.mark.parametrize(
    ("russian", "english"),
    [("45-ой", "45th"), ("№ 122", "No 122"), ("45 000", "45,000"), ("4,8 млн.", "4.8 million"),
     ("Экз. № 2", "Copy No 2"), ("1,5 тыс.", "1.5 thousand"), ("12-го", "12th")],
)  # fmt: skip
def test_number_conventions_agree(russian: str, english: str) -> None:
    (ru,) = find_numbers(russian, "ru")
    (en,) = find_numbers(english, "en")
    assert ru.value == en.value
    assert (ru.sign, ru.ordinal) == (en.sign, en.ordinal)


def test_space_grouped_number_keeps_its_parts() -> None:
    (n,) = find_numbers("2 147.", "ru")
    assert n.value == 2147 and n.parts == (2, 147)


def test_missing_word_list_is_a_typed_error(tmp_path) -> None:
    with pytest.raises(MissingDependencyError, match="wamerican"):
        common_english(str(tmp_path / "no-such-list"))
    assert "embassy" in common_english(ChecksConfig().english_words)
    assert "moscow" not in common_english(ChecksConfig().english_words)  # proper names are capitalised
