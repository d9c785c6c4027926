"""Cyrillic in Latin letters, two ways, both from the transliteration schemes of ``iuliia``.

- ``transliterate``: one fixed romanization (BGN/PCGN's letters, the style of English translations
  of Russian), to make a key of a reading that can be looked up among a translation's words
  (``7 февраля`` → ``7february``). One answer per text, cheap.
- ``rendering_table``: every spelling that any of several named schemes (BGN/PCGN, ISO 9, Library
  of Congress …), or the Spanish and English conventions of ``data/spanish.yaml``, gives a letter
  or letter pair; for deciding whether an English word can be a rendering of a Russian name.

Both compare Latin text by ``latin_key``: lower-case ASCII letters only.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import cache
from importlib import resources
from typing import Any

import yaml

from pipeline.lang.months import english_month, matched_month, month_alternation

#: The scheme ``transliterate`` romanizes with.
_KEY_SCHEME = "bgn_pcgn"
#: Where ``transliterate`` parts from its scheme's letters reduced by ``latin_key``: iuliia's
#: BGN/PCGN gives ``ё`` as the Cyrillic letter itself (which ``latin_key`` drops), translations
#: write ``e``; ``№`` is no letter, translations write ``No.``.
_KEY_EXTRA = {"ё": "e", "№": "no"}


def latin_key(text: str) -> str:
    """Lower-case ASCII letters only: accents, apostrophes, primes and separators removed."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if "a" <= ch <= "z")


@cache
def _scheme(name: str) -> dict[str, Any]:
    """An iuliia scheme (``bgn_pcgn``, ``ala_lc`` …) as the JSON the package ships."""
    return json.loads(resources.files("iuliia").joinpath("schemas", f"{name}.json").read_text("utf-8"))


@cache
def _key_letters() -> dict[int, str]:
    letters = {unit: latin_key(latin) for unit, latin in _scheme(_KEY_SCHEME)["mapping"].items()}
    return str.maketrans(letters | _KEY_EXTRA)


@cache
def _russian_month() -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){month_alternation('ru')}(?!\w)", re.IGNORECASE)


def _english_month_of(match: re.Match[str]) -> str:
    month = matched_month(match)
    return english_month(month) if month else match.group()


def transliterate(text: str) -> str:
    """``text`` lower-cased, Cyrillic romanized as English translations of Russian do (BGN/PCGN's
    letters without context rules: ``щ`` → ``shch``, ``ё`` → ``e``, ``№`` → ``no``; Russian month
    names in any case as the English month), letters and digits only."""
    text = _russian_month().sub(_english_month_of, text.lower())
    return "".join(re.findall(r"[^\W_]+", text.translate(_key_letters())))


@cache
def rendering_table(schemes: tuple[str, ...]) -> dict[str, frozenset[str]]:
    """For each lower-case Cyrillic letter or letter pair, every Latin spelling (by ``latin_key``)
    some scheme gives it.

    ``schemes`` are iuliia scheme names (``bgn_pcgn``, ``ala_lc``, ``gost_779`` …); the Spanish and
    English conventions of ``data/spanish.yaml`` are always added.
    """
    table: dict[str, set[str]] = {}

    def add(unit: str, latin: str) -> None:
        table.setdefault(unit, set()).add(latin_key(latin))

    for name in schemes:
        data = _scheme(name)
        for unit, latin in data["mapping"].items():
            add(unit, latin)
        # Context rules: prev_mapping "xy" gives y's spelling after x, next_mapping "xy" gives x's
        # before y; a single-letter key is the word-initial spelling. Endings map whole letter pairs.
        for unit, latin in (data.get("prev_mapping") or {}).items():
            add(unit[-1], latin)
        for unit, latin in (data.get("next_mapping") or {}).items():
            add(unit[0], latin)
        for unit, latin in (data.get("ending_mapping") or {}).items():
            add(unit, latin)
    extra = yaml.safe_load(resources.files(__package__).joinpath("data/spanish.yaml").read_text("utf-8"))
    for unit, spellings in extra.items():
        for latin in spellings:
            add(unit, latin)
    return {unit: frozenset(spellings) for unit, spellings in table.items()}
