"""The bilingual glossary of stamp words: what a stamp says, in the scan's and the note's language.

A stamp reads ``СЕКРЕТНО`` on the scan and ``[Stamp]: Secret`` in the transcription;
both map to the same glossary entry, which is how a stamp is matched to its note across languages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml
from rapidfuzz import fuzz

#: A text at least this similar (0–1, ``lookup``) to a glossary form is taken as naming its entry:
#: OCR of a worn stamp loses a letter or two of a long word ("КОНФИДЕНЦИАЛЬН0" scores 0.97).
NAMES_MIN = 0.75


@dataclass(frozen=True)
class StampWord:
    """One meaning of the glossary and the forms it is written in."""

    key: str
    forms: tuple[str, ...]


@lru_cache(maxsize=1)
def glossary() -> tuple[StampWord, ...]:
    """The entries of ``data/stamp_words.yaml``, forms normalised with ``normalise``."""
    data = resources.files("pipeline.layout").joinpath("data/stamp_words.yaml")
    raw = yaml.safe_load(data.read_text("utf-8"))
    return tuple(StampWord(e["key"], tuple(normalise(f) for f in e["forms"])) for e in raw)


def normalise(text: str) -> str:
    """Lower-case letters, digits and single spaces only (``"КОПИЯ ВЕРНА."`` → ``"копия верна"``)."""
    return " ".join(re.findall(r"\w+", text.lower().replace("ё", "е")))


def lookup(text: str) -> tuple[str, float]:
    """The glossary entry whose form is most similar to a part of ``text``, and that similarity 0–1.

    Similarity is rapidfuzz's ``partial_ratio`` (best-matching substring), so a stamp reading with
    OCR noise round the word (``"| КОНФИДЕНЦИАЛЬНО 7"``) still finds its entry. Forms shorter than four
    characters must match whole words, else every text would contain them. ``("", 0.0)`` when
    ``text`` has no letters.
    """
    norm = normalise(text)
    if not norm:
        return "", 0.0
    words = set(norm.split())
    # On equal similarity the longer form wins: "совершенно секретно" is Top Secret, not Secret.
    best_key, best, best_len = "", 0.0, 0
    for entry in glossary():
        for form in entry.forms:
            if len(form) < 4:
                score = 1.0 if form in words else 0.0
            elif len(norm) < len(form):
                score = fuzz.ratio(form, norm) / 100
            else:
                score = fuzz.partial_ratio(form, norm) / 100
            if (score, len(form)) > (best, best_len):
                best_key, best, best_len = entry.key, score, len(form)
    return best_key, best
