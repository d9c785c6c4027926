"""Names of places in another language: ``Moskau``, ``Moscou``, ``Moscú`` are English ``Moscow``.

A translation renders a foreign name as it is (``Dupont`` stays ``Dupont``) unless English has a
name of its own for the place (``Varsovie`` → ``Warsaw``, ``Allemagne`` → ``Germany``). Those
English names come from the Unicode CLDR through Babel (every country and territory, the cities
that name a time zone: the capitals and large cities of the world, and the languages) and, for
the states of the archives' time that no longer exist (``Tchécoslovaquie``, ``Jugoslawien``),
from ISO 3166-3 in Debian's ``iso-codes`` with its translations.
"""

from __future__ import annotations

import gettext
import json
from functools import cache
from pathlib import Path

from pipeline.errors import MissingDependencyError
from pipeline.lang.translit import latin_key

#: Debian's ``iso-codes``: the former countries (ISO 3166-3) and the folder of their translations.
ISO_3166_3 = Path("/usr/share/iso-codes/json/iso_3166-3.json")
LOCALE_DIR = Path("/usr/share/locale")


def _former_countries(lang: str) -> list[tuple[str, str]]:
    """(name in ``lang``, English name) of each former country of ISO 3166-3."""
    try:
        entries = json.loads(ISO_3166_3.read_text("utf-8"))["3166-3"]
    except OSError as exc:
        raise MissingDependencyError(f"{ISO_3166_3} is missing ({exc.strerror}); install it with "
                                     "'apt-get install iso-codes'") from exc
    local = gettext.translation("iso_3166-3", str(LOCALE_DIR), languages=[lang], fallback=True)
    names = [e[key] for e in entries for key in ("name", "official_name", "common_name") if key in e]
    return [(local.gettext(name), name) for name in names]


@cache
def _name_pairs(lang: str) -> tuple[tuple[str, str], ...]:
    """(name in ``lang``, English name) of every territory, language, time-zone city and former
    country; a name ``lang`` lacks is ``""``."""
    from babel import Locale
    from babel.core import get_global

    local, english = Locale.parse(lang), Locale.parse("en")
    pairs = [(local.territories.get(code, ""), name) for code, name in english.territories.items()]
    pairs += [(local.languages.get(code, ""), name) for code, name in english.languages.items()]
    for zone in get_global("zone_territories"):
        # A zone's city is named by its identifier (``Europe/Moscow``) unless a locale says otherwise.
        city = english.time_zones.get(zone, {}).get("city") or zone.rsplit("/", 1)[-1].replace("_", " ")
        pairs.append((local.time_zones.get(zone, {}).get("city", ""), city))
    return tuple(pairs + _former_countries(lang))


@cache
def english_exonyms(lang: str) -> dict[str, frozenset[str]]:
    """For each word of a place or language name in ``lang`` (a CLDR locale: ``fr``, ``de``, ``es``),
    as ``latin_key`` gives it, the words of that name in English, keyed the same way:
    ``english_exonyms("fr")["varsovie"]`` → ``{"warsaw"}``. Words of two letters (``le``, ``de``)
    are left out."""
    out: dict[str, set[str]] = {}
    for theirs, ours in _name_pairs(lang):
        words = {key for w in ours.split() if len(key := latin_key(w)) > 2}
        for w in theirs.split():
            key = latin_key(w)
            if len(key) > 2 and key not in words:
                out.setdefault(key, set()).update(words)
    return {k: frozenset(v) for k, v in out.items()}


def renders_place(word: str, english: str, lang: str) -> bool:
    """Whether ``english`` is (a word of) the English name of the place or language that ``word``
    of ``lang`` names: ``renders_place("Moskau", "Moscow", "de")``."""
    return latin_key(english) in english_exonyms(lang).get(latin_key(word), frozenset())


@cache
def english_place_names(lang: str) -> frozenset[str]:
    """Every word of length three or more of the English names of the places and languages that
    ``english_exonyms`` draws on, as ``latin_key``, whether or not ``lang`` names them otherwise:
    a name English has for a place (``czechoslovakia``, ``helsinki``)."""
    return frozenset(key for _, english in _name_pairs(lang) for w in english.split() if len(key := latin_key(w)) > 2)
