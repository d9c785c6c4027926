"""Dates, numbers and names of French, German and Spanish originals against their English translation."""

from __future__ import annotations

import pytest

from pipeline.checks import original_language, run_checks
from pipeline.checks.dates import find_dates
from pipeline.checks.numbers import find_numbers
from pipeline.config import ChecksConfig
from pipeline.model import Metadata, Transcript

ENGLISH = """Embassy of France, Warsaw

5 April 1963

Ref. No. 310

Record of a conversation with Mr. Lefebvre, counsellor of the embassy.

On 2 April 1963 Mr. Lefebvre informed me that the
government had delivered 12,000 tons of grain and 2.5 million francs to Germany.

The next meeting with Mr. Dumoulin is planned in Warsaw for 14 May.
"""

ORIGINALS = {
    "fr": """Ambassade de France, Varsovie

5 avril 1963

Réf. n° 310

Compte rendu d'un entretien avec M. Lefebvre, conseiller de l'ambassade.

Le 2 avril 1963 M. Lefebvre m'a informé que le
gouvernement avait livré 12 000 tonnes de blé et 2,5 millions de francs à l'Allemagne.

La prochaine réunion avec M. Dumoulin est prévue à Varsovie pour le 14 mai.
""",
    "de": """Botschaft von Frankreich, Warschau

5. April 1963

Nr. 310

Aufzeichnung über ein Gespräch mit Herrn Lefebvre, Botschaftsrat.

Am 2. April 1963 teilte mir Herr Lefebvre mit, dass die Regierung
12.000 Tonnen Getreide und 2,5 Millionen Francs an Deutschland geliefert habe.

Das nächste Treffen mit Herrn Dumoulin ist in Warschau für den 14. Mai geplant.
""",
    "es": """Embajada de Francia, Varsovia

5 de abril de 1963

N.º 310

Acta de una conversación con el señor Lefebvre, consejero de la embajada.

El 2 de abril de 1963 el señor Lefebvre me informó que el gobierno
había entregado 12.000 toneladas de trigo y 2,5 millones de francos a Alemania.

La próxima reunión con el señor Dumoulin está prevista en Varsovia para el 14 de mayo.
""",
}
LANGUAGE_NAMES = {"fr": "French", "de": "German", "es": "Spanish"}


def _transcript(lang: str, original: str, translation: str = ENGLISH, named: bool = True) -> Transcript:
    metadata = Metadata(title="Record of a Conversation", date="April 5, 1963",
                        original_language=LANGUAGE_NAMES[lang] if named else "")
    return Transcript("test", "test", metadata, original, translation, ())


def _flags(lang: str, original: str, translation: str = ENGLISH) -> list[tuple[str, str, str | None]]:
    result = run_checks(_transcript(lang, original, translation), ChecksConfig())
    return [(f.kind, f.transcript_text, f.translation_text) for f in result.flags]


@pytest.mark.parametrize("lang", sorted(ORIGINALS))
def test_a_faithful_translation_raises_nothing(lang: str) -> None:
    # Exonyms (Varsovie/Warschau/Varsovia = Warsaw, l'Allemagne = Germany), each language's own
    # grouping of thousands and decimal comma, its date forms and number sign all agree.
    assert _flags(lang, ORIGINALS[lang]) == []


@pytest.mark.parametrize("lang", sorted(ORIGINALS))
def test_a_date_a_number_and_a_name_the_translation_renders_otherwise_are_flagged(lang: str) -> None:
    translation = (ENGLISH.replace("On 2 April 1963", "On 3 April 1963").replace("12,000 tons", "12,600 tons")
                   .replace("Mr. Dumoulin", "Mr. Delacroix"))
    found = _flags(lang, ORIGINALS[lang], translation)
    kinds = sorted(kind for kind, _, _ in found)
    assert kinds == ["date_mismatch", "name_mismatch", "number_mismatch"], found
    assert ("name_mismatch", "Dumoulin", "Delacroix") in found


@pytest.mark.parametrize("lang", sorted(ORIGINALS))
def test_a_misspelt_name_is_flagged_with_both_spellings(lang: str) -> None:
    found = _flags(lang, ORIGINALS[lang].replace("Dumoulin", "Dumoulen"))
    assert found == [("name_mismatch", "Dumoulen", "Dumoulin")]


def test_german_nouns_are_not_names() -> None:
    # Every German noun is capitalised (Regierung, Getreide, Botschaftsrat): none is compared as a name.
    original = ORIGINALS["de"].replace("Botschaftsrat", "Botschaftsrat der Handelsvertretung")
    assert _flags("de", original) == []


@pytest.mark.parametrize("lang", sorted(ORIGINALS))
def test_the_language_is_found_from_the_text_when_the_archive_does_not_name_it(lang: str) -> None:
    t = _transcript(lang, ORIGINALS[lang], named=False)
    assert original_language(t, t.original) == lang


@pytest.mark.parametrize(
    ("lang", "text", "key"),
    [("fr", "le 1er mai 1962", (1962, 5, 1)), ("fr", "le 05/04/1963", (1963, 4, 5)),
     ("de", "am 1.Mai 1962", (1962, 5, 1)), ("de", "vom 05.04.63", (1963, 4, 5)),
     ("es", "el 1.º de mayo del 1962", (1962, 5, 1)), ("es", "el 5 abril, 1963", (1963, 4, 5))],
)
def test_date_forms(lang: str, text: str, key: tuple[int, int, int]) -> None:
    [date] = find_dates(text, lang)
    assert date.key == key


@pytest.mark.parametrize(
    ("lang", "text", "value"),
    [("fr", "12 000", 12000), ("fr", "2,5 millions", 2.5e6), ("de", "12.000", 12000), ("de", "2,5 Mio.", 2.5e6),
     ("es", "12.000", 12000), ("es", "3 mil millones", 3e9), ("es", "5 mil", 5000)],
)
def test_number_forms(lang: str, text: str, value: float) -> None:
    [number] = find_numbers(text, lang)
    assert number.value == value


def test_spanish_sea_is_no_month() -> None:
    # ``mar`` is Spanish for "sea": only with its full stop is it March.
    assert find_dates("el 5 mar Caribe", "es") == [] and find_dates("el 5 de mar. de 1963", "es")


@pytest.mark.parametrize("lang", sorted(ORIGINALS))
def test_a_name_after_an_initial_is_a_name_though_it_is_also_a_word(lang: str) -> None:
    # Vogel (bird), Moreno (dark), Martin (a bird in French): after an initial they are people, and
    # the translation naming another person there is flagged.
    word = {"fr": "Martin", "de": "Vogel", "es": "Moreno"}[lang]
    original = ORIGINALS[lang].replace("Dumoulin", f"D. {word}")
    translation = ENGLISH.replace("Mr. Dumoulin", "Mr. D. Delacroix")
    assert ("name_mismatch", word, "Delacroix") in _flags(lang, original, translation)
    assert _flags(lang, original, translation.replace("Delacroix", word)) == []


@pytest.mark.parametrize(("lang", "place", "english"),
                         [("fr", "Genève", "Geneva"), ("de", "Rom", "Rome"),
                          ("fr", "Tchécoslovaquie", "Czechoslovakia"), ("es", "Checoslovaquia", "Czechoslovakia")])
def test_places_english_has_its_own_name_for_are_no_mismatch(lang: str, place: str, english: str) -> None:
    original = ORIGINALS[lang].replace({"fr": "Varsovie", "de": "Warschau", "es": "Varsovia"}[lang], place)
    assert _flags(lang, original, ENGLISH.replace("Warsaw", english)) == []


def test_an_english_date_with_a_day_above_twelve_is_read_day_first() -> None:
    [date] = find_dates("Lisbon, 25/3/54", "en")
    assert date.key == (1954, 3, 25)
    assert find_dates("Lisbon, 4/5/54", "en") == []  # month first or day first: not said
