"""Is a Russian word a proper name? Two questions, asked of the dictionary's readings (pymorphy3).

Both rest on the OpenCorpora grammemes of names (``NAME_TAGS``) and differ on purpose:

- ``is_name_or_abbreviation`` (scoring OCR/transcription differences): a capitalised word with a
  likely name *or abbreviation* reading. A slip there changes who or what the record names, and an
  abbreviation (``СССР``) is no more guessable from context than a surname.
- ``is_rendered_name`` (checking a translation): a word that an English translation must carry over
  by transliteration: surnames, places and organisations (``RENDERED_NAME_TAGS``), or capitalised
  words the dictionary does not know; not abbreviations (compared letter by letter elsewhere) nor
  first names and patronymics (often cut to initials or dropped). ``is_name_like`` is its wider
  first sieve: every word a translation would transliterate rather than translate.
"""

from __future__ import annotations

from functools import lru_cache

import pymorphy3

from pipeline.lang import lexicon

#: pymorphy3 grammemes that mark a proper name: first name, surname, patronymic, place,
#: organisation, trade mark.
NAME_TAGS = frozenset({"Name", "Surn", "Patr", "Geox", "Orgn", "Trad"})
#: Grammemes of the names a translation always renders: surnames, places, organisations.
RENDERED_NAME_TAGS = frozenset({"Surn", "Geox", "Orgn"})
#: Names and the pymorphy3 grammeme of abbreviations.
_NAME_OR_ABBREVIATION_TAGS = NAME_TAGS | {"Abbr"}
#: Least dictionary probability (0–1) of a reading that ``is_name_or_abbreviation`` heeds: rarer
#: readings make a name of many common words.
_LIKELY_READING = 0.1
_VOWELS = frozenset("аеёиоуыэюя")


def is_name_reading(parse: pymorphy3.analyzer.Parse, tags: frozenset[str] = NAME_TAGS) -> bool:
    """Whether one dictionary reading of a word carries one of ``tags`` (by default: a proper name)."""
    return bool(tags & parse.tag.grammemes)


@lru_cache(maxsize=1 << 16)
def is_name_or_abbreviation(word: str) -> bool:
    """A capitalised word that the dictionary reads, with probability ``_LIKELY_READING`` or more,
    as a first name, surname, patronymic, place, organisation, trade mark or abbreviation."""
    if not word[:1].isupper():
        return False
    return any(is_name_reading(p, _NAME_OR_ABBREVIATION_TAGS)
               for p in lexicon.russian().parse(word) if p.score >= _LIKELY_READING)


@lru_cache(maxsize=1 << 16)
def is_name_like(word: str) -> bool:
    """True for words an English translation would transliterate rather than translate.

    That is: proper names by the dictionary's likeliest reading (first names, surnames, places,
    organisations), abbreviations (all capitals, or short and unknown to the dictionary, like the
    initials of an office in a distribution list), and capitalised words the dictionary does not know.
    """
    if len(word) < 2:
        return False
    known = lexicon.is_word_form(word)
    if word.isupper() and (not known or len(word) <= 5 and not set(word.lower()) & _VOWELS):
        return True
    if not known:
        return word[0].isupper() or len(word) <= 4
    return word[0].isupper() and is_name_reading(lexicon.readings(word)[0])


def is_rendered_name(word: str) -> bool:
    """True for a surname, place or organisation name, or a capitalised word the dictionary does not
    know; not for abbreviations (capitals only, up to five letters), first names or patronymics."""
    if not is_name_like(word) or (word.isupper() and len(word) <= 5):
        return False
    if not lexicon.is_word_form(word):
        return True
    # Any of the likelier readings: Борисов is a surname as well as "Boris's".
    return any(is_name_reading(p, RENDERED_NAME_TAGS) for p in lexicon.readings(word))
