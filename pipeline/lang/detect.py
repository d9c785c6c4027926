"""The language(s) of an original, found from its transcription (``--lang auto``).

Paragraph by paragraph, lingua (``lingua-language-detector``: n-gram models, accurate on short
texts) names the language among those scanproof reads; the language of most of the letters comes
first, and another one follows when paragraphs of its own hold a good share of them (``eng+fra``).
A few foreign words inside a paragraph (a Russian record quoting Spanish names) do not make a
second language: Tesseract reads a script better with one model than with two (FACTS.md).
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache

#: The Tesseract code of each language scanproof reads (it has their models and dictionaries).
TESSERACT = {"RUSSIAN": "rus", "ENGLISH": "eng", "FRENCH": "fra", "GERMAN": "deu", "SPANISH": "spa"}
#: Paragraphs with fewer letters than this say too little on their own; they count for the
#: paragraphs around them (the whole text is judged when no paragraph is long enough).
_MIN_LETTERS = 20
#: Letters looked at, at most, from paragraphs spread evenly over the text (about 0.2 s of
#: detection): a 20 MB transcription is not read whole to name its language.
_MAX_LETTERS = 200_000


@cache
def _detector():  # -> lingua.LanguageDetector
    from lingua import Language, LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_languages(*(getattr(Language, name) for name in TESSERACT)).build()


def _letters(text: str) -> int:
    return sum(c.isalpha() for c in text)


def ocr_languages(text: str, second_share: float = 0.2) -> str | None:
    """The Tesseract language string of ``text`` (``"rus"``, ``"eng+fra"``), or None when it has
    no letters the detector can place.

    ``second_share`` (0–1): the share of the letters a second language's paragraphs must hold
    for it to be named too.
    """
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if _letters(p) >= _MIN_LETTERS] or [text[:_MAX_LETTERS]]
    total = sum(map(_letters, paragraphs))
    if total > _MAX_LETTERS:
        paragraphs = paragraphs[::-(-total // _MAX_LETTERS)]
    letters: Counter[str] = Counter()
    for paragraph in paragraphs:
        found = _detector().detect_language_of(paragraph)
        if found is not None:
            letters[TESSERACT[found.name]] += _letters(paragraph)
    if not letters:
        return None
    total = sum(letters.values())
    (main, _), *others = letters.most_common()
    return "+".join([main, *(code for code, n in others if n >= second_share * total)])


#: The ISO 639-1 code that each language's date and number grammars go by (``pipeline.lang.dates``).
GRAMMAR_CODES = {"rus": "ru", "eng": "en", "fra": "fr", "deu": "de", "spa": "es"}


def grammar_language(text: str, name: str = "") -> str | None:
    """The grammar code (``ru``, ``fr`` …) of the language ``text`` is written in: the one ``name``
    gives (the archive's free-text ``Original Language``, ``"French (typed)"``) when it is one of
    ours, else the detected main language of ``text``; None for a language we have no grammar of."""
    words = re.findall(r"[^\W\d_]+", name.upper())
    named = [TESSERACT[w] for w in words if w in TESSERACT]
    if named:
        return GRAMMAR_CODES[named[0]]
    if words:
        return None
    found = ocr_languages(text)
    return GRAMMAR_CODES[found.split("+")[0]] if found else None
