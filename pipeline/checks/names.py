"""Names and abbreviations across scripts: does an English word render a Russian one?

A Russian name reaches an English translation through one of several transliteration schemes
(BGN/PCGN ``Shcherbakov``, ISO 9 ``Ŝerbakov``, Library of Congress ``Shcherbakov``, the Wikipedia
style ``Rokossovsky``) or, for names that came into Russian from Spanish, back to their source
spelling (Гонсалес → ``Gonzalez``, Хуан → ``Juan``). Rather than generate every spelling, we
align the Latin word against the Cyrillic one, letting each Cyrillic letter (or letter pair) stand for
any rendering some scheme gives it (``pipeline.lang.translit.rendering_table``: the Russian schemes
shipped by the ``iuliia`` package, plus a small table of Spanish and English conventions that no
package covers). The cost of the cheapest alignment, in character edits, gives the similarity.
Inflected forms are reduced to their dictionary lemma with pymorphy3 first (Громыко, Косыгиным →
Косыгин), and abbreviations are compared letter by letter (ГКЭС ↔ GKES).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path

import yaml
from rapidfuzz.distance import Levenshtein

from pipeline.checks.confusion import confusion_pairs, look_alike_swaps
from pipeline.errors import MissingDependencyError
from pipeline.lang import lexicon
from pipeline.lang.proper_names import is_name_reading
from pipeline.lang.translit import latin_key, rendering_table

# Hyphenated compounds are taken apart: Нью-Йорк renders as two English words.
_CYRILLIC_WORD = re.compile(r"[А-Яа-яЁё]+")
_LATIN_WORD = re.compile(r"[A-Za-zÀ-ÿ]+")


def rendering_cost(cyrillic: str, latin: str, schemes: tuple[str, ...]) -> int:
    """Fewest character edits that turn some transliteration of ``cyrillic`` into ``latin``.

    Both are single words; ``latin`` is compared by ``latin_key``. Each Cyrillic letter (or a letter
    pair with a spelling of its own, such as кс → x) may take any spelling of ``rendering_table``;
    the result is 0 when one combination of spellings gives ``latin`` exactly.
    """
    return _rendering_cost(cyrillic.lower(), latin_key(latin), schemes)


@lru_cache(maxsize=65536)
def _rendering_cost(cyr: str, lat: str, schemes: tuple[str, ...]) -> int:
    table = rendering_table(schemes)
    n, m = len(cyr), len(lat)
    inf = n + m + 1
    # cost[i][j]: cheapest way to spell cyr[:i] as lat[:j].
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0
    for i in range(n):
        units = [(cyr[i : i + size], size) for size in (1, 2) if i + size <= n and cyr[i : i + size] in table]
        if not units:  # a character no scheme spells (a digit, a stray Latin letter): keep it as is
            units = [(cyr[i], 1)]
        for j in range(m + 1):
            here = cost[i][j]
            if here >= inf:
                continue
            # A Latin letter with no Cyrillic counterpart.
            if j < m and here + 1 < cost[i][j + 1]:
                cost[i][j + 1] = here + 1
            for unit, size in units:
                longest = _longest_spelling(unit, schemes)
                for k in range(j, min(m, j + longest + 1) + 1):
                    step = _spelling_cost(unit, lat[j:k], schemes)
                    if here + step < cost[i + size][k]:
                        cost[i + size][k] = here + step
    # Latin letters left over after the last Cyrillic one.
    return min(cost[n][j] + (m - j) for j in range(m + 1))


# A document's names share their letters and short Latin pieces, so these two small tables are asked
# the same questions thousands of times: caching them makes the name check several times faster.
@lru_cache(maxsize=4096)
def _longest_spelling(unit: str, schemes: tuple[str, ...]) -> int:
    return max(len(s) for s in rendering_table(schemes).get(unit, frozenset({unit})))


@lru_cache(maxsize=65536)
def _spelling_cost(unit: str, piece: str, schemes: tuple[str, ...]) -> int:
    """Fewest edits from ``piece`` to some spelling of the Cyrillic ``unit``."""
    return min(Levenshtein.distance(s, piece) for s in rendering_table(schemes).get(unit, frozenset({unit})))


def similarity(cyrillic: str, latin: str, schemes: tuple[str, ...]) -> float:
    """1 − edits / length: 1.0 when ``latin`` is a transliteration of ``cyrillic``, 0.0 or less far off."""
    lat = latin_key(latin)
    return 1.0 - rendering_cost(cyrillic, lat, schemes) / max(len(lat), len(cyrillic), 1)


#: Case endings of Russian nouns and adjectives, longest first; a name the dictionary does not know
#: (a foreign one, Гонсалеса) is tried without them, and with the nominative -а of its declension.
_CASE_ENDINGS = ("ами", "ями", "ого", "его", "ому", "ему", "ой", "ей", "ом", "ем", "ым", "им", "ах", "ях",
                 "а", "я", "ы", "и", "у", "ю", "е", "о")  # fmt: skip


@lru_cache(maxsize=16384)
def lemmas(word: str) -> tuple[str, ...]:
    """The word and its dictionary forms (Косыгиным → косыгин), lower-case, without duplicates.

    For a word the dictionary does not know, also its stem without a case ending, bare and with -а.
    """
    lower = word.lower()
    out = [lower]
    parses = lexicon.readings(word)
    # A surname often doubles as a common word's form (Козлов, genitive plural of козёл): when the
    # dictionary offers a name reading, only name readings count.
    named = [p for p in parses if is_name_reading(p)]
    for parse in named or parses:
        if parse.normal_form not in out:
            out.append(parse.normal_form)
    if not lexicon.is_word_form(word):
        for ending in _CASE_ENDINGS:
            stem = lower[: -len(ending)]
            if lower.endswith(ending) and len(stem) >= 3:
                out.extend(form for form in (stem, stem + "а") if form not in out)
    return tuple(out)


@dataclass(frozen=True)
class WordMatch:
    """How well an English word renders a Russian one, and the one-letter slip that would explain it."""

    original: str
    translation: str
    similarity: float  # best over the word and its lemmas, 1.0 = a valid transliteration
    lemma: str  # the form that matched best
    corrected: str | None = None  # the original with one look-alike letter swapped, if that matches
    swap: tuple[str, str] | None = None  # (letter written, letter that would match) for ``corrected``


def may_render(cyrillic: str, latin: str, schemes: tuple[str, ...]) -> bool:
    """Cheap pre-filter for ``match_word``: the Latin word begins with a letter that begins some
    spelling of the Cyrillic word's first letter (or of a look-alike of it), and its length is
    plausible (0.6–2.5 times the Cyrillic word's)."""
    lat = latin_key(latin)
    n = len(cyrillic)
    if not lat or not 0.6 * n <= len(lat) + 1 <= 2.5 * n + 2:
        return False
    return lat[0] in _initials(cyrillic[:1].lower(), schemes)


@cache
def _initials(letter: str, schemes: tuple[str, ...]) -> frozenset[str]:
    table = rendering_table(schemes)
    letters = {letter} | {other for pair in confusion_pairs() if letter in pair for other in pair}
    return frozenset(s[0] for unit, spellings in table.items() if unit[0] in letters for s in spellings if s)


#: English endings that make a name into an adjective or a plural or possessive (Bulgarian, Viennese,
#: Smiths): the name is compared without them too.
_ENGLISH_ENDINGS = ("ian", "ese", "ish", "an", "es", "n", "s")


def _english_stems(word: str) -> list[str]:
    key = latin_key(word)
    return [key] + [key[: -len(e)] for e in _ENGLISH_ENDINGS if key.endswith(e) and len(key) - len(e) >= 3]


def similarity_at_best(original: str, translation: str, schemes: tuple[str, ...]) -> tuple[float, str]:
    """The best ``similarity`` of ``translation`` (or its stem, Bulgarian → Bulgar) to ``original`` or one of
    its ``lemmas``, and the Russian form that gave it."""
    return max(
        (similarity(form, stem, schemes), form)
        for form in lemmas(original)
        for stem in _english_stems(translation)
    )


def match_word(original: str, translation: str, schemes: tuple[str, ...], accept: float) -> WordMatch:
    """Compare one Russian word with one English word (lemmas tried too).

    When the best similarity is below ``accept``, also try every one-letter look-alike swap in the
    best-matching form (ц → щ, н → п …) and record the first that brings it to ``accept``.
    """
    best, form = similarity_at_best(original, translation, schemes)
    if best >= accept:
        return WordMatch(original, translation, best, form)
    fix = _confusion_fix(form, translation, schemes, accept)
    if fix is None:
        return WordMatch(original, translation, best, form)
    index, other = fix
    # Show the swap on the word as written when the lemma shares its beginning, else on the lemma.
    shown = original if original.lower()[: index + 1] == form[: index + 1] else form
    letter = other.upper() if shown[index].isupper() else other
    corrected = shown[:index] + letter + shown[index + 1 :]
    return WordMatch(original, translation, best, form, corrected, (shown[index], letter))


def _confusion_fix(
    form: str, translation: str, schemes: tuple[str, ...], accept: float
) -> tuple[int, str] | None:
    """The first one-letter look-alike swap (position, new letter) that makes ``form`` match."""
    for swap, changed in look_alike_swaps(form):
        if similarity(changed, translation, schemes) >= accept:
            return swap.index, swap.right
    return None


@cache
def _word_list(path: str) -> tuple[str, ...]:
    """The entries of a word list file (one word a line, like ``/usr/share/dict/words``)."""
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise MissingDependencyError(
            f"the English word list {path} is missing ({exc.strerror}); install it with "
            "'apt-get install wamerican' or set ChecksConfig.english_words"
        ) from exc
    return tuple(text.split())


@cache
def common_english(path: str) -> frozenset[str]:
    """The common English words of a word list file (``_word_list``).

    Only lower-case entries count: the list's capitalised entries are proper names (Moscow,
    Gromyko), which are exactly the words a translation does not translate.
    """
    return frozenset(w for w in _word_list(path) if w.islower())


@cache
def english_proper_names(path: str) -> frozenset[str]:
    """The capitalised entries of a word list file (names of people and places), as ``latin_key``."""
    return frozenset(latin_key(w) for w in _word_list(path) if w[:1].isupper())


@cache
def glossary() -> dict[str, frozenset[str]]:
    """Russian abbreviations and names that translations render by meaning (ЦК → CC, Москва → Moscow)."""
    data = yaml.safe_load(resources.files(__package__).joinpath("data/glossary.yaml").read_text("utf-8"))
    return {ru: frozenset(en) for section in data.values() for ru, en in section.items()}


def glossary_words() -> frozenset[str]:
    """Every English word the glossary gives as a rendering (moscow, union …), lower-case."""
    return frozenset(w for renderings in glossary().values() for r in renderings for w in r.split())


def glossed(word: str, translation_text: str) -> bool:
    """True when ``translation_text`` contains a rendering the glossary gives for ``word`` or its lemma."""
    lowered = " " + re.sub(r"[^a-z]+", " ", translation_text.lower()) + " "
    return any(f" {en} " in lowered for form in lemmas(word) for en in glossary().get(form, ()))


def cyrillic_words(text: str) -> Iterable[re.Match[str]]:
    """Cyrillic words of ``text`` (hyphenated compounds apart), as regex matches."""
    return _CYRILLIC_WORD.finditer(text)


def latin_words(text: str) -> Iterable[re.Match[str]]:
    """Latin-script words of ``text``, as regex matches."""
    return _LATIN_WORD.finditer(text)
