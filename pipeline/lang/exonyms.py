"""Names of places in another language: ``Moskau``, ``Moscou``, ``Moscú`` are English ``Moscow``.

A translation renders a foreign name as it is (``Dupont`` stays ``Dupont``) unless English has a
name of its own for the place (``Varsovie`` → ``Warsaw``, ``Allemagne`` → ``Germany``). Those
English names come from the Unicode CLDR through Babel: every country and territory, the cities
that name a time zone (the capitals and large cities of the world), and the languages.
"""

from __future__ import annotations

from functools import cache

from pipeline.lang.translit import latin_key


@cache
def english_exonyms(lang: str) -> dict[str, frozenset[str]]:
    """For each word of a place or language name in ``lang`` (a CLDR locale: ``fr``, ``de``, ``es``),
    as ``latin_key`` gives it, the words of that name in English, keyed the same way:
    ``english_exonyms("fr")["varsovie"]`` → ``{"warsaw"}``. Words of three letters or fewer (``le``,
    ``de``) are left out."""
    from babel import Locale
    from babel.core import get_global

    local, english = Locale.parse(lang), Locale.parse("en")
    pairs = [(local.territories.get(code, ""), name) for code, name in english.territories.items()]
    pairs += [(local.languages.get(code, ""), name) for code, name in english.languages.items()]
    for zone in get_global("zone_territories"):
        # A zone's city is named by its identifier (``Europe/Moscow``) unless a locale says otherwise.
        city = english.time_zones.get(zone, {}).get("city") or zone.rsplit("/", 1)[-1].replace("_", " ")
        pairs.append((local.time_zones.get(zone, {}).get("city", ""), city))
    out: dict[str, set[str]] = {}
    for theirs, ours in pairs:
        words = {key for w in ours.split() if len(key := latin_key(w)) > 3}
        for w in theirs.split():
            key = latin_key(w)
            if len(key) > 3 and key not in words:
                out.setdefault(key, set()).update(words)
    return {k: frozenset(v) for k, v in out.items()}


def renders_place(word: str, english: str, lang: str) -> bool:
    """Whether ``english`` is (a word of) the English name of the place or language that ``word``
    of ``lang`` names: ``renders_place("Moskau", "Moscow", "de")``."""
    return latin_key(english) in english_exonyms(lang).get(latin_key(word), frozenset())
