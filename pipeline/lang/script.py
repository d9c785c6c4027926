"""Which script a text, a language name or a Tesseract language is written in.

Scripts are named by the first word of the Unicode names of their letters (``CYRILLIC``,
``LATIN``, ``GREEK`` …), except that Han and both kana are ``CJK``. Every question here is
answered from one count of a text's letters per script (``letters_by_script``).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import lru_cache

CYRILLIC = "CYRILLIC"
LATIN = "LATIN"

#: Script of the original language, by the English name the archive gives it.
_LANGUAGE_SCRIPTS = {
    **dict.fromkeys(
        ("russian", "ukrainian", "belarusian", "byelorussian", "bulgarian", "serbian", "macedonian",
         "mongolian", "kazakh", "kyrgyz", "tajik", "uzbek", "azerbaijani"),
        CYRILLIC,
    ),
    **dict.fromkeys(("chinese", "japanese"), "CJK"),
    **dict.fromkeys(("arabic", "persian", "farsi", "urdu", "pashto", "dari"), "ARABIC"),
    "korean": "HANGUL",
    "hebrew": "HEBREW",
    "yiddish": "HEBREW",
    "greek": "GREEK",
    "georgian": "GEORGIAN",
    "armenian": "ARMENIAN",
    "hindi": "DEVANAGARI",
    "thai": "THAI",
    "vietnamese": LATIN,
    **dict.fromkeys(
        ("english", "german", "french", "spanish", "portuguese", "italian", "polish", "czech",
         "slovak", "hungarian", "romanian", "dutch", "swedish", "norwegian", "danish", "finnish",
         "croatian", "slovenian", "albanian", "turkish", "indonesian", "latvian", "lithuanian",
         "estonian"),
        LATIN,
    ),
}
#: Tesseract languages (traineddata names) written in Cyrillic; every other language we may be
#: given is taken to read Latin script.
_CYRILLIC_OCR_LANGS = frozenset({"rus", "ukr", "bel", "bul", "srp", "mkd", "kaz", "kir", "tgk", "mon", "uzb_cyrl"})

# English function words: in a Latin-script original (German, Spanish…) they mark the English
# translation. Words shared with common European languages ("in", "a", "die") are left out.
_ENGLISH_WORDS = frozenset({
    "the", "of", "and", "to", "that", "is", "was", "with", "for", "he", "it", "his", "which", "this",
    "be", "by", "have", "had", "not", "are", "were", "would", "from", "at", "as", "we", "they", "our",
    "will", "been", "their", "has", "there", "what", "who", "these", "those", "an",
})
# Share of words in a Latin-script original that may look English before a line counts as English.
_ENGLISH_RATE = 0.15
# A non-Latin script must hold this share of the body's letters to be taken as the original's.
_MIN_SCRIPT_SHARE = 0.2
_WORD = re.compile(r"[^\W\d_]+")


@lru_cache(maxsize=4096)
def script_of(char: str) -> str:
    """The script of one letter: the first word of its Unicode name (``CJK`` for Han and kana),
    ``""`` for a character without a name."""
    try:
        word = unicodedata.name(char).split()[0]
    except ValueError:
        return ""
    return "CJK" if word in ("HIRAGANA", "KATAKANA") else word


def letters_by_script(text: str) -> Counter[str]:
    """How many letters (``str.isalpha``) of ``text`` each script has."""
    counts: Counter[str] = Counter()
    # Counting the distinct characters first (in C) leaves one script look-up per character kind,
    # not per character: a transcription of megabytes has a few hundred kinds.
    for char, n in Counter(text).items():
        if char.isalpha():
            counts[script_of(char)] += n
    return counts


def script_share(text: str, script: str) -> float:
    """The share of ``text``'s letters that are in ``script``, 0–1 (0 for a text without letters)."""
    counts = letters_by_script(text)
    letters = sum(counts.values())
    return counts[script] / letters if letters else 0.0


def known_language(language: str) -> str:
    """The first language name we know the script of in a free-text value such as the archive's
    ``Original Language`` (``"Russian (typed)"`` → ``"russian"``), lower case; ``""`` if none."""
    for word in _WORD.findall(language.lower()):
        if word in _LANGUAGE_SCRIPTS:
            return word
    return ""


def original_script(body: str, language: str) -> str:
    """The script of a transcription's original: that of its language name (``language``, free
    text) when we know it, else the body's main non-Latin script if it holds at least
    ``_MIN_SCRIPT_SHARE`` of the body's letters, else ``LATIN``."""
    known = known_language(language)
    if known:
        return _LANGUAGE_SCRIPTS[known]
    scripts = letters_by_script(body)
    letters = sum(scripts.values())
    others = [(n, s) for s, n in scripts.items() if s != LATIN]
    if others and max(others)[0] >= _MIN_SCRIPT_SHARE * letters:
        return max(others)[1]
    return LATIN


def original_line_score(line: str, script: str) -> float:
    """Positive for a line of an original written in ``script``, negative for a line of its English
    translation: for a non-Latin script, its letters minus the Latin ones; for a Latin one, the
    English function words below ``_ENGLISH_RATE`` per word (words, unbounded)."""
    if script != LATIN:
        scripts = letters_by_script(line)
        return float(scripts[script] - scripts[LATIN])
    words = _WORD.findall(line.lower())
    return _ENGLISH_RATE * len(words) - sum(w in _ENGLISH_WORDS for w in words)


def ocr_scripts(lang: str) -> frozenset[str]:
    """The scripts a Tesseract language setting reads: ``rus`` → {CYRILLIC}, ``deu`` → {LATIN},
    ``rus+eng`` → both. A language we do not list as Cyrillic counts as Latin."""
    return frozenset(CYRILLIC if part in _CYRILLIC_OCR_LANGS else LATIN for part in lang.split("+"))
