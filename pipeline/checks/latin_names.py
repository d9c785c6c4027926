"""Names of a Latin-script original (French, German, Spanish …) against its English translation.

A translation carries a foreign name over letter for letter, dropping at most its accents
(``Lefèvre`` → ``Lefevre``, ``Fernández`` → ``Fernandez``), unless English has a name of its own
for the place (``Varsovie`` → ``Warsaw``: ``pipeline.lang.exonyms``). So, within each aligned bead,
a name of the original either has its spelling in the translation, or the two disagree: a close
spelling is a misspelling on one side (``Lefèvre`` / ``Lefebre``), and a name that nothing renders
beside an English name that renders nothing is another name (the translation names another person).

A name of the original is a capitalised word whose lower-case form is no word of the language
(Hunspell knows ``Dupont`` only capitalised); German capitalises every noun, so there a word the
dictionary knows is taken for a name only when English knows it as one (``Müller``, ``Wagner``).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from pipeline.checks.compare import Side, flag, neighbourhood
from pipeline.checks.names import common_english, latin_words
from pipeline.config import ChecksConfig
from pipeline.lang.exonyms import renders_place
from pipeline.lang.lexicon import Lexicon
from pipeline.lang.months import is_month
from pipeline.lang.translit import latin_key
from pipeline.model import Flag, Severity, Span

#: Languages that write every noun with a capital.
_CAPITALISED_NOUNS = frozenset({"de"})
#: The Tesseract code of each language, for its dictionary.
_TESSERACT = {"en": "eng", "fr": "fra", "de": "deu", "es": "spa"}
_WEEKDAYS = frozenset({"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"})


@cache
def english_proper_names(path: str) -> frozenset[str]:
    """The capitalised entries of an English word list (names of people and places), as ``latin_key``."""
    return frozenset(latin_key(w) for w in Path(path).read_text("utf-8", "replace").split() if w[:1].isupper())


def _is_original_name(word: str, lang: str, lexicon: Lexicon, config: ChecksConfig) -> bool:
    if len(word) < 3 or not word[0].isupper() or (word.isupper() and len(word) <= 5) or is_month(word, lang):
        return False
    if lexicon.knows(word.lower()) is not False:
        return False
    if lang in _CAPITALISED_NOUNS and lexicon.knows(word):
        return latin_key(word) in english_proper_names(config.english_words)
    return True


def _is_english_name(word: str, common: frozenset[str]) -> bool:
    # Capitalised and no common word (the word list's lower-case entries); months and weekdays are
    # capitalised in English without being names.
    lower = word.lower()
    return (len(word) >= 3 and word[0].isupper() and not (word.isupper() and len(word) <= 5)
            and lower not in common and lower not in _WEEKDAYS and not is_month(word, "en"))  # fmt: skip


def similarity(original: str, english: str, lang: str) -> float:
    """1 − edits / length between the two spellings without accents (0–1); 1.0 for an English
    name of the place (``Moskau``, ``Moscow``). An English possessive or plural ending is ignored."""
    if renders_place(original, english, lang):
        return 1.0
    a, b = latin_key(original), latin_key(english)
    forms = [b] + [b[: -len(e)] for e in ("s", "es") if b.endswith(e) and len(b) - len(e) >= 3]
    return max(1.0 - Levenshtein.distance(a, f) / max(len(a), len(f), 1) for f in forms)


def _outside(spans: Sequence[Span], offset: int):
    return lambda at: not any(a <= at + offset < b for a, b in spans)


def latin_name_flags(pairs: Sequence[tuple[Side, Side]], lang: str, config: ChecksConfig) -> list[Flag]:
    """``name_mismatch`` for an original in ``lang`` (``fr``, ``de``, ``es``, ``en``) and its English.

    Each name of the original is compared with the English names of its bead. It is rendered at
    similarity ``name_accept`` or more (here or in the neighbouring beads); between ``name_min``
    and that it is a misspelling (medium); a name that renders nothing is reported beside an
    English name of its bead that no name of the original renders either (medium).
    """
    lexicon = Lexicon((_TESSERACT[lang],), config.hunspell_dir)
    common = common_english(config.english_words)
    flags = []
    for i, (orig, trans) in enumerate(pairs):
        if not trans.text:
            continue
        t_free = _outside([d.span for d in trans.dates], trans.offset)
        o_free = _outside([d.span for d in orig.dates], orig.offset)
        english = [m.group(0) for m in latin_words(trans.text)
                   if t_free(m.start()) and _is_english_name(m.group(0), common)]
        names = [(m.group(0), m.start()) for m in latin_words(orig.text)
                 if o_free(m.start()) and _is_original_name(m.group(0), lang, lexicon, config)]  # fmt: skip
        if not english or not names:
            continue
        around = neighbourhood(pairs, i, config.neighbour_beads)
        nearby_english = [m.group(0) for _, side in around for m in latin_words(side.text)]
        unrendered, rendered = [], set()
        for word, at in names:
            score, best = max((similarity(word, e, lang), e) for e in english)
            span = (orig.offset + at, orig.offset + at + len(word))
            if score >= config.name_accept:
                rendered.add(best)
            elif any(similarity(word, e, lang) >= config.name_accept for e in nearby_english):
                continue
            elif score >= config.name_min:
                rendered.add(best)
                flags.append(flag("name_mismatch", Severity.MEDIUM,
                                  f"The transcription has {word} where the translation has {best}, which "
                                  f"does not spell it (similarity {score:.2f}).",
                                  word, best, span, round(score, 2), (f"translation: {best}",)))  # fmt: skip
            else:
                unrendered.append((word, span))
        neighbours = [m.group(0) for o_side, _ in around if o_side is not orig for m in latin_words(o_side.text)]
        others = [e for e in dict.fromkeys(english) if e not in rendered
                  and not any(similarity(w, e, lang) >= config.name_min for w in neighbours)]  # fmt: skip
        for (word, span), e in zip(unrendered, others, strict=False):
            flags.append(flag("name_mismatch", Severity.MEDIUM,
                              f"The transcription names {word} where the translation names {e}; neither "
                              "spelling renders the other.", word, e, span, 0.5, (f"translation: {e}",)))  # fmt: skip
    return flags
