"""The built-in corpora of official correspondence, one per language, each sentence with its English.

A corpus (``corpora/CODE.yaml``) holds sentence templates with slots for dates, numbers and names,
so that a few dozen templates give any number of different documents, and the furniture of a
document (letterhead, dating line, signature, readers' notes, stamps) in that language. A filled
sentence remembers its slot values in both languages; that is what lets the generator plant
mismatches between the original and the translation.

Languages without grammatical case fill a slot with the value as it is; Russian declines names
and cities (``RussianCorpus``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import yaml

#: Languages a random document can be written in (Tesseract codes).
LANGUAGES = ("rus", "eng", "fra", "deu", "spa")
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
             "October", "November", "December")


@dataclass(frozen=True)
class Slot:
    """One filled slot: what kind of value, its form in the original and in English."""

    kind: str  # "date" | "number" | "name"
    orig: str
    en: str


@dataclass(frozen=True)
class Sentence:
    orig: str
    en: str
    slots: tuple[Slot, ...]


_SLOT = re.compile(r"\{(\w+)(?::(\w+))?\}")


@dataclass(frozen=True, eq=False)
class Corpus:
    """One language's corpus, as its YAML file gives it (the fields are its keys).

    ``document`` is the furniture ``pipeline.synth.document`` lays out; ``translated`` is False for
    an English original, which the published transcription gives without a translation.
    """

    code: str
    language: str
    months: tuple[str, ...]
    date: str
    short_date: str
    initials: tuple[tuple[str, str], ...]
    initials_format: tuple[str, str]
    surnames: tuple[tuple[str, str], ...]
    cities: tuple[tuple[str, ...], ...]
    countries: tuple[tuple[str, ...], ...]
    units: tuple[tuple[str, str], ...]
    templates: tuple[tuple[str, str], ...]
    letter_confusions: dict[str, str]
    document: dict[str, Any] = field(repr=False)
    thousands: str = ""
    decimal: str = ","
    #: How the first of a month is written where it is not ``1`` (French ``1er``).
    day_one: str = "1"
    #: Nouns are capitalised (German): only words written in lower case stand in for one another.
    capitalised_nouns: bool = False
    translated: bool = True

    def date_orig(self, day: int, month: int, year: int) -> str:
        """A date written out the language's way (``5 avril 1963``, ``5. April 1963``)."""
        return self.date.format(day=self.day_one if day == 1 else day, month=self.months[month - 1], year=year)

    def date_short(self, day: int, month: int, year: int) -> str:
        """A date in figures, as a clerk or a reader wrote it (``5.4.63``)."""
        return self.short_date.format(day=day, month=month, yy=f"{year % 100:02d}")

    def number(self, n: int) -> str:
        """``n`` with its thousands grouped the language's way (``12 000``, ``12.000``, ``12,000``)."""
        return f"{n:,}".replace(",", self.thousands)

    def random_name(self, rng: np.random.Generator) -> tuple[str, str, str]:
        """(initials, surname, English form) of a random person; initials + surname is the name."""
        a, b = rng.choice(len(self.initials), 2, replace=False)
        surname, en = self.surnames[int(rng.integers(len(self.surnames)))]
        orig_format, en_format = self.initials_format
        initials = orig_format.format(a=self.initials[a][0], b=self.initials[b][0])
        return initials, surname, en_format.format(a=self.initials[a][1], b=self.initials[b][1]) + en

    def name_form(self, initials: str, surname: str, case: str) -> str:
        """The name as a sentence's slot asks for it (``case``: ``nom``, ``gen``, ``dat``, ``ins``)."""
        return initials + surname

    def city_form(self, city: tuple[str, ...], case: str) -> str:
        """The city as a sentence's slot asks for it (``case``: ``nom``, ``gen``, ``loc``, ``acc``)."""
        return city[0]

    def counted(self, n: int, rng: np.random.Generator) -> int:
        """A count that the nouns after it agree with (see ``RussianCorpus``)."""
        return n

    def sentence(self, rng: np.random.Generator, year: int, template: int | None = None) -> Sentence:
        """A corpus sentence (``template``, or a random one) with its slots filled at random.

        Dates fall in ``year`` or the year before.
        """
        orig_t, en_t = self.templates[int(rng.integers(len(self.templates))) if template is None else template]
        initials, surname, name_en = self.random_name(rng)
        d = random_date(rng, (year - 1, year))
        city = self.cities[int(rng.integers(len(self.cities)))]
        n = int(rng.choice([rng.integers(5, 30), rng.integers(30, 400), rng.integers(400, 5000)]))
        num = self.number(self.counted(n, rng))
        unit = self.units[int(rng.integers(len(self.units)))]
        no = str(int(rng.integers(11, 999)))
        values = {
            "date": (self.date_orig(*d), date_en(*d), "date"),
            "num": (num, num.replace(self.thousands, ",") if self.thousands else num, "number"),
            "no": (no, no, "number"),
            "unit": (unit[0], unit[1], ""),
        }
        if "{dec}" in orig_t:  # drawn only where asked for, so other templates keep their streams
            whole, tenth = int(rng.integers(1, 10)), int(rng.integers(1, 10))
            values["dec"] = (f"{whole}{self.decimal}{tenth}", f"{whole}.{tenth}", "number")
        slots: list[Slot] = []

        def fill_orig(m: re.Match) -> str:
            key, case = m.group(1), m.group(2) or "nom"
            if key == "name":
                value = self.name_form(initials, surname, case)
                slots.append(Slot("name", value, name_en))
                return value
            if key == "city":
                return self.city_form(city, case)
            orig, en, kind = values[key]
            if kind:
                slots.append(Slot(kind, orig, en))
            return orig

        def fill_en(m: re.Match) -> str:
            key = m.group(1)
            if key == "name":
                return name_en
            if key == "city":
                return city[-1]
            return values[key][1]

        orig = _SLOT.sub(fill_orig, orig_t)
        return Sentence(orig[0].upper() + orig[1:], _SLOT.sub(fill_en, en_t), tuple(slots))


class RussianCorpus(Corpus):
    """Russian declines: names take their case ending, cities their case form, nouns after a count
    the genitive plural."""

    _CASE_ENDING = {"nom": "", "gen": "а", "dat": "у", "ins": "ым"}

    def name_form(self, initials: str, surname: str, case: str) -> str:
        return f"{initials}{surname}{self._CASE_ENDING[case]}"

    def city_form(self, city: tuple[str, ...], case: str) -> str:
        """``city`` is (nominative, genitive, English); ``loc`` is the case after "в"."""
        nom = city[0]
        if case == "gen":
            return city[1]
        if case == "loc":  # в Москве, в Берлине, в Софии, в Ханое
            if nom.endswith("ия"):
                return nom[:-1] + "и"
            return (nom[:-1] if nom.endswith(("а", "я", "й")) else nom) + "е"
        if case == "acc":  # в Москву, в Берлин
            return nom[:-1] + "у" if nom.endswith("а") else nom[:-1] + "ю" if nom.endswith("я") else nom
        return nom

    def counted(self, n: int, rng: np.random.Generator) -> int:
        """``n`` nudged so that the noun after it takes the genitive plural (5 тонн, 12 тонн, 40 тонн).

        Russian says 1 тонна, 2–4 тонны: the templates' nouns are genitive plural, so numbers ending in
        1–4 (but not 11–14) get another last digit.
        """
        if n % 10 in (1, 2, 3, 4) and n % 100 not in (11, 12, 13, 14):
            return n - n % 10 + int(rng.choice([0, 5, 6, 7, 8, 9]))
        return n


def _pairs(items: list) -> tuple[tuple[str, ...], ...]:
    """Entries as tuples; a bare string is a word English writes the same (a Latin surname)."""
    return tuple((item, item) if isinstance(item, str) else tuple(item) for item in items)


@cache
def corpus(code: str) -> Corpus:
    """The corpus of language ``code`` (one of ``LANGUAGES``), read once from its YAML file."""
    if code not in LANGUAGES:
        raise ValueError(f"no corpus for language {code!r}")
    data = yaml.safe_load(resources.files(__package__).joinpath(f"corpora/{code}.yaml").read_text("utf-8"))
    kind = RussianCorpus if data.pop("grammar", "") == "russian" else Corpus
    for key in ("initials", "surnames", "cities", "countries", "units", "templates"):
        data[key] = _pairs(data[key])
    data["months"] = tuple(data["months"])
    data["initials_format"] = tuple(data["initials_format"])
    return kind(code=code, **data)


def random_date(rng: np.random.Generator, years: tuple[int, int] = (1955, 1975)) -> tuple[int, int, int]:
    """A (day, month, year) in ``years`` (inclusive); days stop at 28 so every month has them."""
    return int(rng.integers(1, 29)), int(rng.integers(1, 13)), int(rng.integers(years[0], years[1] + 1))


def date_en(day: int, month: int, year: int) -> str:
    """A date as the translations write it (``5 April 1963``)."""
    return f"{day} {MONTHS_EN[month - 1]} {year}"
