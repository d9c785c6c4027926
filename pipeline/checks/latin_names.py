"""Names of a Latin-script original (French, German, Spanish …) against its English translation.

A translation carries a foreign name over letter for letter, dropping at most its accents
(``Lefèvre`` → ``Lefevre``, ``Fernández`` → ``Fernandez``), unless English has a name of its own
for the place (``Varsovie`` → ``Warsaw``: ``pipeline.lang.exonyms``). So, within each aligned bead,
a name of the original either has its spelling in the translation, or the two disagree: a close
spelling is a misspelling on one side (``Lefèvre`` / ``Lefebre``), and a name that nothing renders
beside an English name that renders nothing is another name (the translation names another person).

A name of the original is a capitalised word after an initial or a title (``E. Vogel``, ``señor
Moreno``), or one whose lower-case form is no word of the language (Hunspell knows ``Dupont`` only
capitalised); German capitalises every noun, so there a word the dictionary knows is a name only
after an initial or title.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from pipeline.checks.compare import Side, flag, neighbourhood
from pipeline.checks.names import common_english, english_proper_names, latin_words
from pipeline.config import ChecksConfig
from pipeline.lang.detect import GRAMMAR_CODES
from pipeline.lang.exonyms import english_place_names, renders_place
from pipeline.lang.lexicon import Lexicon
from pipeline.lang.months import is_month
from pipeline.lang.translit import latin_key
from pipeline.model import Flag, Severity, Span

#: Languages that write every noun with a capital.
_CAPITALISED_NOUNS = frozenset({"de"})
#: The Tesseract code of each language, for its dictionary.
_TESSERACT = {code: tesseract for tesseract, code in GRAMMAR_CODES.items()}
_WEEKDAYS = frozenset({"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"})


#: An initial or a title right before a capitalised word makes it a person's name in any of these
#: languages, even one that is also a word (``E. Vogel``, ``señor Moreno``, ``M. Lacroix``).
_TITLED = re.compile(r"(?:(?<![\w.])[A-ZÀ-Ý]\.\s*|(?<!\w)(?:M|MM|Mme|Mlle|Me|Herr|Herrn|Frau|Dr|Prof|Sr|Sra|Srta|"
                     r"señor|señora|señorita|don|doña|monsieur|madame|Mr|Mrs|Ms)\.?\s+)$")


def _is_original_name(name: _Name, after: str, lang: str, lexicon: Lexicon) -> bool:
    """``after``: the character after the name (a short word with a full stop is an abbreviation,
    ``Betr.``, ``Sr.``, translated rather than spelt)."""
    word = name.text
    if len(word) < 3 or not word[0].isupper() or (word.isupper() and len(word) <= 5) or is_month(word, lang):
        return False
    if after == "." and len(word) <= 4:
        return False
    if name.title:
        return True
    if lexicon.knows(word.lower()) is not False:
        return False
    # German capitalises its nouns: one the dictionary knows is a name only after a title (above).
    return not (lang in _CAPITALISED_NOUNS and lexicon.knows(word))


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


@dataclass(frozen=True)
class _Name:
    """A name on one side of a bead: its text, where it starts in the side's text, and the initial
    or title before it (``D.``, ``señor``; "" if none), by which two renderings of one person pair."""

    text: str
    at: int
    title: str

    @property
    def end(self) -> int:
        return self.at + len(self.text)

    @classmethod
    def found(cls, match: re.Match[str], text: str) -> _Name:
        title = _TITLED.search(text[max(0, match.start() - 12):match.start()])
        return cls(match.group(0), match.start(), title.group(0).strip() if title else "")


def _pair_leftovers(unrendered: Sequence[_Name], english: Sequence[_Name], o_len: int, t_len: int):
    """Pairs of an original name and an English one that render nothing: the same initial first
    (``D. Lacroix`` / ``D. Girard``), then the nearest place in the bead, each name used once."""
    options = sorted(((o.title == e.title != "", -abs(o.at / max(o_len, 1) - e.at / max(t_len, 1))), k, j)
                     for k, o in enumerate(unrendered) for j, e in enumerate(english))
    used_o, used_e, out = set(), set(), []
    for _, k, j in reversed(options):
        if k not in used_o and j not in used_e:
            used_o.add(k)
            used_e.add(j)
            out.append((unrendered[k], english[j]))
    return sorted(out, key=lambda pair: pair[0].at)


def latin_name_flags(pairs: Sequence[tuple[Side, Side]], lang: str, config: ChecksConfig) -> list[Flag]:
    """``name_mismatch`` for an original in ``lang`` (``fr``, ``de``, ``es``, ``en``) and its English.

    Each name of the original is compared with the English names of its bead. It is rendered at
    similarity ``name_accept`` or more (here or in the neighbouring beads); between ``name_min``
    and that it is a misspelling (medium), unless both spellings are names their dictionaries know
    (``Genève``, ``Geneva``: English's own name for it); a name that renders nothing is reported
    beside an English name of its bead, not a place's, that no name of the original renders either
    (medium).
    """
    lexicon = Lexicon((_TESSERACT[lang],), config.hunspell_dir)
    common = common_english(config.english_words)
    proper_english, places = english_proper_names(config.english_words), english_place_names(lang)
    flags = []
    for i, (orig, trans) in enumerate(pairs):
        if not trans.text:
            continue
        t_free = _outside([d.span for d in trans.dates], trans.offset)
        o_free = _outside([d.span for d in orig.dates], orig.offset)
        english = [_Name.found(m, trans.text) for m in latin_words(trans.text)
                   if t_free(m.start()) and _is_english_name(m.group(0), common)]
        words = [_Name.found(m, orig.text) for m in latin_words(orig.text) if o_free(m.start())]
        names = [n for n in words if _is_original_name(n, orig.text[n.end:n.end + 1], lang, lexicon)]
        if not english or not names:
            continue
        around = neighbourhood(pairs, i, config.neighbour_beads)
        nearby_english = [m.group(0) for _, side in around for m in latin_words(side.text)]
        unrendered, rendered = [], set()
        for name in names:
            score, best = max((similarity(name.text, e.text, lang), e.text) for e in english)
            span = (orig.offset + name.at, orig.offset + name.end)
            if score >= config.name_accept:
                rendered.add(best)
            elif any(similarity(name.text, e, lang) >= config.name_accept for e in nearby_english):
                continue
            elif score >= config.name_min:
                rendered.add(best)
                # Both names of their languages: English's own for the place (Genève, Geneva).
                if not (lexicon.knows(name.text) and latin_key(best) in proper_english):
                    flags.append(flag("name_mismatch", Severity.MEDIUM,
                                      f"The transcription has {name.text} where the translation has {best}, "
                                      f"which does not spell it (similarity {score:.2f}).",
                                      name.text, best, span, round(score, 2), (f"translation: {best}",)))  # fmt: skip
            elif name.title or lang not in _CAPITALISED_NOUNS:
                # A German capitalised word the dictionary lacks is more often a compound noun
                # (Drahterlass) than a name: only one with an initial or title stands for a person.
                unrendered.append(name)
        # The alignment may have put the original's name for it one bead off.
        neighbours = [m.group(0) for o_side, _ in around if o_side is not orig for m in latin_words(o_side.text)]
        # An English name of a place (Czechoslovakia) renders the original's own name for it, which
        # may look nothing like it.
        others = [e for e in english if e.text not in rendered and latin_key(e.text) not in places
                  and not any(similarity(w, e.text, lang) >= config.name_accept for w in neighbours)]  # fmt: skip
        for name, e in _pair_leftovers(unrendered, others, len(orig.text), len(trans.text)):
            span = (orig.offset + name.at, orig.offset + name.end)
            flags.append(flag("name_mismatch", Severity.MEDIUM,
                              f"The transcription names {name.text} where the translation names {e.text}; "
                              "neither spelling renders the other.", name.text, e.text, span, 0.5,
                              (f"translation: {e.text}",)))  # fmt: skip
    return flags
