"""The words of a document's languages: which strings are words, for the stages that weigh readings.

Russian's dictionary is pymorphy3's (OpenCorpora: word forms and their readings); a word in
pre-reform spelling (``бѣлымъ``, ``учрежденїя``, ``Ѳедоръ``, ``новыя``) is looked up in its
modern spelling, letters and adjective endings, for it is a known spelling, not an error.
English, French, German and Spanish words are looked up in Debian's Hunspell dictionaries
(``hunspell-en-us``, ``-fr``, ``-de-de``, ``-es``) through spylls, Hunspell's rules (affixes,
compounds, case) in Python; British spellings in Debian's ``wbritish`` word list
(``WORD_LISTS``). How common a word is comes from wordfreq's small lists (``WORDFREQ``), which
pool many corpora of each language. Loading a dictionary takes 0.5–2 s and tens of MB, so there is
one of each per process, loaded when first asked; the questions asked again and again (a
document's words recur) are cached.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import pymorphy3

from pipeline.errors import MissingDependencyError
from pipeline.lang.script import CYRILLIC, LATIN, ocr_scripts, script_of

#: The Hunspell dictionary of each Tesseract language whose words we know (Russian's is
#: pymorphy3's), and the Debian package that installs it.
HUNSPELL = {"eng": ("en_US", "hunspell-en-us"), "fra": ("fr_FR", "hunspell-fr"),
            "deu": ("de_DE", "hunspell-de-de"), "spa": ("es_ES", "hunspell-es")}
#: Word lists (one word form a line, as in ``/usr/share/dict``) of a language's other spelling,
#: looked in for a word its dictionary does not know, and the Debian package of each: English
#: originals are American or British (``favorably``, ``favourably``). A list loads in a few
#: hundredths of a second where a second Hunspell dictionary takes seconds.
WORD_LISTS = {"eng": ("british-english", "wbritish")}
#: wordfreq's code of each Tesseract language whose word frequencies it has. Its small lists are
#: used: they load in hundredths of a second (the large ones in up to 0.6 s) and hold every word
#: used once in a million words or more (Zipf 3), which is all a comparison of a common word with
#: a rare one needs.
WORDFREQ = {"rus": "ru", "eng": "en", "fra": "fr", "deu": "de", "spa": "es"}
#: The letters a one-letter change may bring in, by script (Latin: the letters of the four
#: languages above).
_ALPHABETS = {CYRILLIC: "абвгдежзийклмнопрстуфхцчшщъыьэюя",
              LATIN: "abcdefghijklmnopqrstuvwxyzàâäáçèéêëíîïñóôöúùûüÿßœæ"}
#: The letters the 1918 reform replaced, and their modern spelling.
_PRE_REFORM = str.maketrans("ѣѢіІїЇѳѲѵѴ", "еЕиИиИфФиИ")
#: A hard sign ending a word after a consonant: pre-reform spelling, dropped since.
_FINAL_HARD_SIGN = re.compile(r"(?<=[бвгджзклмнпрстфхцчшщБВГДЖЗКЛМНПРСТФХЦЧШЩ])[ъЪ]$")


#: Endings of adjectives and participles the 1918 reform respelt, and what each became: the
#: genitive ``-аго``/``-яго`` (``новаго`` → ``нового``, ``хорошаго`` → ``хорошего``), the plural
#: ``-ыя``/``-ія`` (``новыя`` → ``новые``), which was also a feminine genitive (``-ой``,
#: ``-ей``). No modern word ends so, so the rule cannot make a modern misspelling a word.
_PRE_REFORM_ENDINGS = (("аго", ("ого", "его")), ("яго", ("его",)), ("ыя", ("ые", "ой")),
                       ("ія", ("ие", "ей")), ("їя", ("ие", "ей")))


def modern_spelling(word: str) -> str:
    """``word`` (Cyrillic) in post-1918 spelling: ``ѣ`` → ``е``, ``і``/``ї``/``ѵ`` → ``и``, ``ѳ`` →
    ``ф``, a final hard sign after a consonant dropped (``бѣлымъ`` → ``белым``)."""
    return _FINAL_HARD_SIGN.sub("", word.translate(_PRE_REFORM))


def modern_spellings(word: str) -> tuple[str, ...]:
    """The post-1918 spellings ``word`` (Cyrillic, lower case) may have: ``modern_spelling``'s,
    and, where it ends as an adjective did before the reform (``_PRE_REFORM_ENDINGS``), with each
    ending that replaced it (``новыя`` → ``новые``, ``новой``)."""
    plain = _FINAL_HARD_SIGN.sub("", word)
    respelt = [plain[: -len(old)] + new for old, news in _PRE_REFORM_ENDINGS if plain.endswith(old)
               for new in news]
    return tuple(dict.fromkeys(modern_spelling(w) for w in (word, *respelt)))


@cache
def russian() -> pymorphy3.MorphAnalyzer:
    """The process's pymorphy3 analyzer for Russian (OpenCorpora dictionary)."""
    return pymorphy3.MorphAnalyzer()


@lru_cache(maxsize=1 << 16)
def is_word_form(word: str) -> bool:
    """Whether ``word`` (Cyrillic letters, maybe hyphenated; any case) is in the Russian dictionary,
    in its own spelling or in the modern one."""
    lower = word.lower()
    if russian().word_is_known(lower):
        return True
    return any(modern != lower and modern and russian().word_is_known(modern) for modern in modern_spellings(lower))


@lru_cache(maxsize=1 << 16)
def readings(word: str) -> tuple[pymorphy3.analyzer.Parse, ...]:
    """The dictionary's four likeliest readings (parses) of ``word``, likeliest first."""
    return tuple(russian().parse(word)[:4])


@cache
def hunspell(folder: str, name: str, package: str):  # -> spylls.hunspell.Dictionary
    """The Hunspell dictionary ``folder/name.dic`` (with its ``.aff``), loaded once per process."""
    from spylls.hunspell import Dictionary

    base = Path(folder) / name
    if not base.with_suffix(".dic").is_file() or not base.with_suffix(".aff").is_file():
        raise MissingDependencyError(f"the {name} dictionary is missing from {folder}; install it with "
                                     f"'apt-get install {package}'")
    return Dictionary.from_files(str(base))


@cache
def word_list(folder: str, name: str, package: str) -> frozenset[str]:
    """The entries of the word list ``folder/name``, loaded once per process."""
    try:
        return frozenset((Path(folder) / name).read_text(encoding="utf-8", errors="replace").split())
    except OSError as exc:
        raise MissingDependencyError(f"the word list {name} is missing from {folder} ({exc.strerror}); "
                                     f"install it with 'apt-get install {package}'") from exc


@dataclass(frozen=True)
class Lexicon:
    """The words of a document's languages (Tesseract codes: ``("rus",)``, ``("eng", "fra")``).

    ``knows`` answers True (a word), False (no word of these languages) or None (cannot tell: a
    word of a script none of them is written in, or of a language without a dictionary here).
    """

    languages: tuple[str, ...]
    #: Where Debian's Hunspell dictionaries are (``DivergenceConfig.hunspell_dir``).
    folder: str = "/usr/share/hunspell"
    #: Where the word lists of ``WORD_LISTS`` are (``DivergenceConfig.word_list_dir``).
    lists: str = "/usr/share/dict"

    @classmethod
    def for_ocr(cls, lang: str, folder: str = "/usr/share/hunspell", lists: str = "/usr/share/dict") -> Lexicon:
        """The lexicon of a Tesseract language string (``rus``, ``eng+fra``)."""
        return cls(tuple(code for code in lang.split("+") if code), folder, lists)

    def knows(self, word: str) -> bool | None:
        """Whether ``word`` (letters, maybe with inner hyphens or apostrophes) is a word (see the class)."""
        return _knows(self, word)

    def zipf(self, word: str) -> float | None:
        """How common ``word`` is in the lexicon's languages, on the Zipf scale (log10 of its uses in
        a billion words: 7.7 for ``the``, 3 for a word used once in a million words); 0 for one
        rarer than that, or unknown. The commonest of the languages written in its script counts;
        Russian words are looked up in modern spelling. None: no language of the lexicon that
        wordfreq has is written in the word's script."""
        return _zipf(self, word)

    def alphabet(self, word: str) -> str:
        """The lower-case letters a one-letter change of ``word`` may bring in ("" when unknown)."""
        return _ALPHABETS.get(_script(word), "")


def _script(word: str) -> str:
    first = next((c for c in word if c.isalpha()), "")
    return script_of(first) if first else ""


@lru_cache(maxsize=1 << 16)
def _knows(lexicon: Lexicon, word: str) -> bool | None:
    script = _script(word)
    if script == CYRILLIC:
        return is_word_form(word) if "rus" in lexicon.languages else None
    if script != LATIN:
        return None
    names = [HUNSPELL[code] for code in lexicon.languages if code in HUNSPELL]
    if not names:
        return None
    # Hunspell takes a capitalised or upper-case form of a lower-case word, not the reverse.
    if any(hunspell(lexicon.folder, name, package).lookup(word) for name, package in names):
        return True
    forms = (word, word.lower()) if word.istitle() or word.isupper() else (word,)
    return any(form in word_list(lexicon.lists, *WORD_LISTS[code]) for code in lexicon.languages
               if code in WORD_LISTS for form in forms)


@cache
def _wordfreq():  # -> the wordfreq module
    """wordfreq, imported when first asked (its import takes about 0.2 s)."""
    try:
        import wordfreq
    except ImportError as exc:
        raise MissingDependencyError(f"wordfreq cannot be imported ({exc}): pip install 'wordfreq>=3.1'") from exc
    return wordfreq


@lru_cache(maxsize=1 << 16)
def _zipf(lexicon: Lexicon, word: str) -> float | None:
    script = _script(word)
    codes = [code for code in lexicon.languages if code in WORDFREQ and script in ocr_scripts(code)]
    if not codes:
        return None
    key = modern_spelling(word.lower()) if script == CYRILLIC else word
    return max(_wordfreq().zipf_frequency(key, WORDFREQ[code], wordlist="small") for code in codes)

