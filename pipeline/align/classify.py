"""Telling transcription errors apart from OCR noise.

Each ``Difference`` of an alignment gets a score, the log-odds that the *transcription* is wrong
there, summed from general signals and squashed to 0–1:

- the OCR's confidence in the words it read there, and whether its extra passes (when it made any)
  read the same;
- this document's own habits: an edit the OCR makes again and again (``д``→``л``) is noise;
- the dictionary (pymorphy3): a transcription word that is no Russian word form while the OCR's
  reading is one is suspicious, and the reverse points at the OCR;
- the kind of token: digits, dates and numbers, proper names and abbreviations weigh more;
  differences of case or punctuation alone, letters read as marks or digits, words split apart and
  letters lost to faint print weigh less (OCR does that, transcribers do not);
- the document itself: a year that fits its other dates beats one that does not, and the translation
  bears out one reading of a number, name or code (romanized) rather than the other;
- for text only the scan has (``omission``): whether the OCR read it clearly as words, and whether it
  is the handwriting or stamp text that the transcription gives as markup, or text moved elsewhere;
- for text only the transcription has (``insertion``): whether it repeats the word before it.

Every term that fires leaves a line of evidence; the flag's message is built from the strongest ones.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from pipeline import lexicon
from pipeline.align.align import Alignment, Difference, Edit, transliterate
from pipeline.align.metrics import distance, opcodes
from pipeline.config import AlignConfig
from pipeline.model import Flag, Severity

# Weights of the evidence, in log-odds. They were set on synthetic documents with planted errors
# (bench/divergence.py) and are general: none refers to a particular document.
_PRIOR = -0.5
_CONFIDENCE = 1.0  # at full weight (confidence ``confidence_spread`` away from the pivot)
_NOT_A_WORD = 1.6  # transcription word no word form, OCR reading one
_OCR_NOT_A_WORD = -1.6  # the reverse
_BOTH_WORDS = 0.2
_DIGITS = 1.2
_DATE = 0.4
_NAME = 0.5
_HABIT = -2.2  # every edit is one the OCR makes often in this document
_CASE_ONLY = -2.5
_PUNCTUATION_ONLY = -2.5
_PASS_DISAGREES = -2.0
_PASSES_AGREE = 0.5
_SPLIT = -1.5  # the same letters, split or joined differently: the OCR's spacing
_SHAPE = -1.5  # a letter read as a digit or a mark (' : ! |): a blot or broken glyph, not a slip
_LOST_LETTERS = -1.0
_SHORT_WORD = -1.0
_TRANSLATION_AGREES = 3.0  # an OCR misreading that spells what the translator saw is no chance
_TRANSLATION_DISAGREES = -2.0
_YEAR_FITS = 1.0
_YEAR_ODD = -2.5
#: Years apart that still "fit" a document's other dates (a record of one year cites the year before).
_YEAR_SLACK = 1
_GARBLED = -1.2  # the OCR reading shares little with the transcription: a misread, not a typo
_OMITTED_WORDS = 1.8  # scale of "the OCR read dictionary words there"
_OMITTED_LINE = 0.6
_MARKUP_TEXT = -4.0
_MOVED = -4.0
_DOUBLED = 2.2
_UNREAD = -0.8  # transcription text the OCR shows nothing for: more often missed than invented

_CYRILLIC_WORD = re.compile(r"[А-Яа-яЁё]+(?:-[А-Яа-яЁё]+)*")
#: A year: four digits from 1000 to 2099 standing alone, or the last part of a date like 12.3.58.
_YEAR = re.compile(r"(?<![\d.])(1\d{3}|20\d{2})(?!\d)|\b\d{1,2}\.\d{1,2}\.(\d{2})(?!\d)")
_DATE_LIKE = re.compile(r"\d{1,2}[./]\d{1,2}[./]\d{2,4}|\d{4}")
_NAME_TAGS = {"Name", "Surn", "Patr", "Geox", "Orgn", "Abbr", "Trad"}


@dataclass(frozen=True)
class _Evidence:
    """Log-odds terms with the sentence fragment that explains each."""

    terms: tuple[tuple[float, str], ...]

    @property
    def score(self) -> float:
        return 1.0 / (1.0 + math.exp(-(_PRIOR + sum(w for w, _ in self.terms))))

    def strongest(self, n: int) -> list[str]:
        """The fragments of the n terms that weigh most, strongest first."""
        return [t for _, t in sorted(self.terms, key=lambda wt: -abs(wt[0]))[:n] if t]


def find_divergences(alignment: Alignment, config: AlignConfig) -> list[Flag]:
    """Flags for the differences of ``alignment``, most suspicious first.

    Kinds: ``transcription_divergence`` (the scan reads otherwise), ``omission`` (the scan shows text
    the transcription lacks), ``insertion`` (the transcription has text the scan does not show).
    """
    habits = Counter(e for d in alignment.differences for e in d.edits)
    years = document_years(alignment.transcript.text)
    # Words on one side against nothing or punctuation on the other: the punctuation left behind by a
    # dropped word (``успешно.`` against ``.``) does not make it a misreading.
    words_in = [(bool(_alnum(d.transcript_text)), bool(_alnum(d.ocr_text))) for d in alignment.differences]
    omitted = [d.ocr_text.lower() for d, w in zip(alignment.differences, words_in, strict=True) if w == (0, 1)]
    added = [d.transcript_text.lower() for d, w in zip(alignment.differences, words_in, strict=True)
             if w == (1, 0)]
    markup = [m.lower() for m in alignment.markup_texts]
    flags = []
    for d, (t_words, o_words) in zip(alignment.differences, words_in, strict=True):
        if t_words and not o_words:
            flags.append(_insertion(d, omitted, config))
        elif o_words and not t_words:
            flags.append(_omission(d, markup, added, config))
        else:
            flags.append(_divergence(d, habits, years, alignment.translation_keys, config))
    folded = alignment.transcript.counts["yo"] + alignment.ocr.counts["yo"]
    if folded:
        flags.append(Flag(
            "normalization", Severity.INFO,
            f"`ё` and `е` were compared as the same letter ({folded} places); differences between them "
            "are editorial, not errors.",
            evidence=tuple(f"{rule}: {n}" for rule, n in alignment.transcript.counts.items() if n),
        ))
    flags.sort(key=lambda f: (f.severity.rank, -(f.score or 0.0)))
    return flags


def severity(score: float, config: AlignConfig) -> Severity:
    """The severity band of a score (0–1)."""
    if score >= config.high_score:
        return Severity.HIGH
    if score >= config.medium_score:
        return Severity.MEDIUM
    if score >= config.low_score:
        return Severity.LOW
    return Severity.INFO


@lru_cache(maxsize=1 << 16)
def is_word_form(word: str) -> bool:
    """Whether ``word`` (Cyrillic letters, maybe hyphenated) is in pymorphy3's Russian dictionary."""
    return lexicon.russian().word_is_known(word.lower())


@lru_cache(maxsize=1 << 16)
def is_proper_name(word: str) -> bool:
    """A capitalised word the dictionary knows as a name, surname, place or abbreviation."""
    if not word[:1].isupper():
        return False
    return any(_NAME_TAGS & p.tag.grammemes for p in lexicon.russian().parse(word) if p.score >= 0.1)




# --- the three kinds --------------------------------------------------------------------------


def _divergence(
    d: Difference, habits: Counter[Edit], years: Counter[int], translation: frozenset[str],
    config: AlignConfig,
) -> Flag:
    t = d.transcript_text
    own = Counter(d.edits)
    habitual = {e for e in own if habits[e] - own[e] >= config.habit_min_count}
    # A letter or digit read as a mark (a blot, a broken glyph) says nothing about the page's text:
    # the reading keeps the transcription's character there, as for the OCR's habits.
    blots = {(a, b) for a, b in own if a.isalnum() and _kind(b) == "mark" and b.strip()}
    unexplained = own.keys() - habitual
    scan = _scan_reading(d, habitual | blots)
    if unexplained - blots:
        unexplained -= blots
    terms: list[tuple[float, str]] = []
    # The confidence that matters is that of the words where the unexplained edits are.
    suspect = {k for e, k in zip(d.edits, d.edit_words, strict=True) if e not in habitual and k >= 0}
    terms.append(_confidence_term(_confidence(d, suspect), config))
    terms += _dictionary_terms(t, scan)
    terms += _token_terms(d)
    terms += _year_terms(t, scan, years)
    terms += _translation_terms(d, scan, translation)
    terms += _pass_terms(d, suspect)
    if own and not unexplained:
        worst = min(own, key=lambda e: habits[e])
        terms.append((_HABIT, f"`{_show(worst[0])}`→`{_show(worst[1])}` is an edit the OCR makes "
                               f"{habits[worst]} times in this document"))
    terms += _shape_terms(t, scan, unexplained, len(d.edits))
    ev = _Evidence(tuple(terms))
    message = f"The scan reads `{scan}`"
    message += f" ({', '.join(ev.strongest(2))})" if ev.strongest(2) else ""
    message += f"; the transcription has `{t}`."
    return _flag("transcription_divergence", d, ev, config, message, scan)


def _shape_terms(t: str, o: str, unexplained: set[Edit], n_edits: int) -> list[tuple[float, str]]:
    """Differences of a shape that OCR produces and transcribers do not (the strongest one only);
    ``o`` is the scan's reading with the OCR's habits taken out."""
    t_tokens, o_tokens = t.split(" "), o.split(" ")
    swapped = [(a, b) for a, b in unexplained if a.strip() and b.strip() and _kind(a) != _kind(b)]
    if t.lower() == o.lower():
        return [(_CASE_ONLY, "only letter case differs")]
    if _alnum(t) == _alnum(o):
        return [(_PUNCTUATION_ONLY, "only punctuation or spacing differs")]
    if swapped:
        a, b = swapped[0]
        return [(_SHAPE, f"the OCR reads a {_kind(b)} (`{b}`) where the transcription has a {_kind(a)}")]
    if len(t_tokens) == 1 and len(o_tokens) > 1:
        return [(_SPLIT, "the OCR breaks the word apart")]
    if len(t_tokens) != len(o_tokens) and distance(_alnum(t), _alnum(o)) <= 1:
        return [(_SPLIT, "the OCR splits or joins words there")]
    if unexplained and all(not b and a.isalpha() for a, b in unexplained) and len(t_tokens) == len(o_tokens):
        return [(_LOST_LETTERS, "the OCR lost letters there (faint print)")]
    if n_edits > 3 and n_edits > 0.6 * max(len(t), len(o)):
        return [(_GARBLED, "the OCR reading has little in common with the transcription")]
    if len(t_tokens) == 1 and len(_alnum(t)) <= 2 and _alnum(t).isalpha():
        return [(_SHORT_WORD, "a word of one or two letters, which OCR misreads easily")]
    return []


def _translation_terms(d: Difference, scan: str, translation: frozenset[str]) -> list[tuple[float, str]]:
    """Which reading the translation bears out, for numbers, names and codes (romanized, with the
    next or previous word when the reading alone is too common, as in ``№ 415`` against ``2 415``)."""
    if not translation:
        return []
    for t, s in ((d.transcript_text, scan), (f"{d.transcript_text} {d.after}", f"{scan} {d.after}"),
                 (f"{d.before} {d.transcript_text}", f"{d.before} {scan}")):
        t_found, s_found = _in_translation(t, translation), _in_translation(s, translation)
        if s_found and not t_found:
            return [(_TRANSLATION_AGREES, "the translation agrees with the scan")]
        if t_found and not s_found:
            return [(_TRANSLATION_DISAGREES, "the translation agrees with the transcription")]
        if t_found and s_found:
            return []
    return []


def _in_translation(text: str, translation: frozenset[str]) -> bool:
    """Whether the romanized ``text`` is in the translation, allowing a Russian case ending (one or two
    letters) that the English form lacks (``Петрову`` / ``Petrov``)."""
    key = transliterate(text)
    if len(key) < 2 or key.isalpha() and len(key) < 3:
        return False
    return key in translation or (len(key) >= 6 and (key[:-1] in translation or key[:-2] in translation))


def _kind(c: str) -> str:
    """Character class for telling shape confusions: letter, number (digits and ``№``) or mark."""
    if c.isalpha():
        return "letter"
    if c.isdigit() or c == "№":
        return "number"
    return "mark"


def document_years(text: str) -> Counter[int]:
    """Years mentioned in ``text`` (``1958``, or the ``58`` of ``12.3.58``), as full or two-digit."""
    return Counter(_years(text))


def _years(text: str) -> list[int]:
    return [int(m.group(1) or m.group(2)) for m in _YEAR.finditer(text)]


def _year_terms(t: str, scan: str, years: Counter[int]) -> list[tuple[float, str]]:
    """A year reading that fits the document's other dates beats one that does not.

    Years are compared by their last two digits and, when both are written in full, by century
    too; "fits" means within ``_YEAR_SLACK`` of a year mentioned elsewhere in the transcription.
    """
    ty, sy = _years(t), _years(scan)
    if not ty or not sy or ty == sy:
        return []
    others = years - Counter(ty)
    if not others:
        return []

    def fits(year: int) -> bool:
        # A year in full is compared with years in full (its century matters); a two-digit one
        # with the last two digits of any.
        return any(abs(year - y) <= _YEAR_SLACK if year >= 100 else abs(year - y % 100) <= _YEAR_SLACK
                   for y in others if year < 100 or y >= 100)

    t_fits, s_fits = all(map(fits, ty)), all(map(fits, sy))
    if s_fits and not t_fits:
        return [(_YEAR_FITS, "the scan's year fits the document's other dates, the transcription's does not")]
    if t_fits and not s_fits:
        return [(_YEAR_ODD, "the OCR's year does not fit the document's other dates")]
    return []


def _omission(d: Difference, markup_texts: Sequence[str], added: Sequence[str], config: AlignConfig) -> Flag:
    o = d.ocr_text
    tokens = [w for w in d.words if _alnum(w.word.text)]
    # Over several words the typical confidence counts, not one smudged word's.
    confs = sorted(w.word.confidence for w in tokens)
    terms = [_confidence_term(confs[len(confs) // 2] if confs else _confidence(d), config)]
    clear = 0.0
    if not tokens:
        terms.append((_PUNCTUATION_ONLY, "only punctuation or specks"))
    else:
        clear = sum(_reads_clearly(w.word.text, w.word.confidence, config) for w in tokens) / len(tokens)
        terms.append(((clear - 0.5) * 2 * _OMITTED_WORDS, f"{clear:.0%} of it read clearly as words"))
    # Length and digits count only for text that reads as text, not for a run of specks and shards.
    if clear >= 0.5 and any(c.isdigit() for c in o):
        terms.append((_DIGITS / 2, "it contains digits"))
    if clear >= 0.5 and len(tokens) >= 3:
        terms.append((_OMITTED_LINE, f"{len(tokens)} words"))
    # What follows can only lower the score: look only when there is something to lower.
    if _Evidence(tuple(terms)).score < config.low_score:
        pass
    elif _matches_any(o, markup_texts):
        terms.append((_MARKUP_TEXT, "it is text the transcription gives as markup (handwriting, stamp)"))
    elif _matches_any(o, added) or _found_near(o, d.context):
        terms.append((_MOVED, "the transcription has it nearby, in another order"))
    ev = _Evidence(tuple(terms))
    message = f"The scan shows `{_clip(o)}` ({', '.join(ev.strongest(2))}); the transcription lacks it."
    return _flag("omission", d, ev, config, message, o)


def _reads_clearly(text: str, confidence: float, config: AlignConfig) -> bool:
    """An OCR word read with confidence as a Russian word form or a number, three characters at least
    (shorter pieces are as often fragments of a split word or specks as words)."""
    key = _alnum(text)
    if confidence < config.confidence_pivot or len(key) < 3:
        return False
    words = _CYRILLIC_WORD.findall(text)
    return key.isdigit() or (bool(words) and all(map(is_word_form, words)))


def _insertion(d: Difference, omitted: Sequence[str], config: AlignConfig) -> Flag:
    t = d.transcript_text
    terms = [_confidence_term(_confidence(d), config)]
    first, last = t.split(" ")[0], t.split(" ")[-1]
    if _alnum(t) and (_alnum(first) == _alnum(d.before) or _alnum(last) == _alnum(d.after)):
        terms.append((_DOUBLED, f"the transcription repeats `{_clip(t)}`, which the scan has once"))
    elif not _alnum(t):
        terms.append((_PUNCTUATION_ONLY, "only punctuation"))
    else:
        terms.append((_UNREAD, "the OCR read nothing here"))
    if _Evidence(tuple(terms)).score >= config.low_score and _matches_any(t, omitted):
        terms.append((_MOVED, "the scan has it at another place"))
    ev = _Evidence(tuple(terms))
    message = f"The transcription has `{_clip(t)}`, which the scan does not show here ({ev.strongest(1)[0]})."
    return _flag("insertion", d, ev, config, message, "")


def _flag(kind: str, d: Difference, ev: _Evidence, config: AlignConfig, message: str, scan: str) -> Flag:
    score = ev.score
    return Flag(
        kind=kind,
        severity=severity(score, config),
        message=message,
        transcript_text=d.transcript_text,
        scan_text=scan,
        page=d.page,
        bbox=d.bbox,
        score=round(score, 3),
        evidence=tuple(text for _, text in ev.terms if text),
        transcript_span=d.transcript_span,
    )


# --- evidence -----------------------------------------------------------------------------------


def _confidence(d: Difference, among: set[int] | None = None) -> float | None:
    """The lowest confidence of the OCR words involved (those of ``among``, when given and any):
    a reading is as doubtful as its worst part."""
    picked = [w for k, w in enumerate(d.words) if not among or k in among]
    confs = [w.word.confidence for w in picked if w.word.confidence >= 0]
    return min(confs) if confs else None


def _confidence_term(conf: float | None, config: AlignConfig) -> tuple[float, str]:
    if conf is None:
        return 0.0, ""
    weight = max(-1.5, min(1.0, (conf - config.confidence_pivot) / config.confidence_spread))
    return weight * _CONFIDENCE, f"OCR confidence {conf:.0f}"


def _pass_terms(d: Difference, suspect: set[int]) -> list[tuple[float, str]]:
    """Evidence from the extra OCR passes (``OcrWord.readings``), when the OCR made any: a pass
    that reads what the transcription says makes the difference noise; passes that all agree with
    the main reading make it firmer."""
    words = [w.word for k, w in enumerate(d.words) if (k in suspect or not suspect) and w.word.readings]
    if not words:
        return []
    target = _alnum(d.transcript_text)
    if any(r != w.text and _alnum(r) and _alnum(r) in target for w in words for r in w.readings):
        return [(_PASS_DISAGREES, "another OCR pass reads it as the transcription does")]
    if all(r == w.text for w in words for r in w.readings):
        n = 1 + len(words[0].readings)
        return [(_PASSES_AGREE, f"all {n} OCR passes agree")]
    return []


def _dictionary_terms(t: str, scan: str) -> list[tuple[float, str]]:
    """Whether the words in which the two readings differ are Russian word forms."""
    tw, sw = _CYRILLIC_WORD.findall(t), _CYRILLIC_WORD.findall(scan)
    only_t = [w for w in tw if w not in sw and len(w) > 1]
    only_s = [w for w in sw if w not in tw and len(w) > 1]
    if not only_t or not only_s:
        return []
    bad_t = [w for w in only_t if not is_word_form(w)]
    bad_s = [w for w in only_s if not is_word_form(w)]
    if bad_t and not bad_s:
        return [(_NOT_A_WORD, f"a word form of Russian, while `{bad_t[0]}` is not")]
    if bad_s and not bad_t:
        return [(_OCR_NOT_A_WORD, f"`{bad_s[0]}` is no word form; the transcription's reading is")]
    if not bad_s and not bad_t:
        return [(_BOTH_WORDS, "both readings are Russian words")]
    return []


def _token_terms(d: Difference) -> list[tuple[float, str]]:
    """Digits, dates, names and abbreviations weigh more: an error there changes the record."""
    t, o = d.transcript_text, d.ocr_text
    terms: list[tuple[float, str]] = []
    if any(c.isdigit() or c == "№" for e in d.edits for c in e):
        terms.append((_DIGITS, "a digit or number sign differs"))
        if _DATE_LIKE.search(t) or _DATE_LIKE.search(o):
            terms.append((_DATE, "in a date or year"))
    words = t.split(" ") + o.split(" ")
    if any(_is_code(w) for w in words):
        terms.append((_NAME, "an abbreviation or reference code"))
    elif any(is_proper_name(w) for w in _CYRILLIC_WORD.findall(t + " " + o)):
        terms.append((_NAME, "a proper name"))
    return terms


def _is_code(word: str) -> bool:
    """An abbreviation or reference code: two or more capitals in a row (``МИД``, ``ГДР``), or letters
    mixed with digits (``2-к``)."""
    letters = [c for c in word if c.isalpha()]
    if not letters:
        return False
    caps = re.search(r"[^\W\d_]{2,}", word)
    all_caps = caps is not None and caps.group(0).isupper() and len(letters) <= 6
    return all_caps or any(c.isdigit() for c in word)


def _scan_reading(d: Difference, habitual: set[Edit]) -> str:
    """What the scan most likely says: the OCR reading, except where it makes an edit that it makes
    habitually elsewhere in the document (its noise, not the page's text): there the transcription's
    characters stand."""
    if not habitual or not set(d.edits) - habitual:
        return d.ocr_text
    t, o = d.transcript_text, d.ocr_text
    out = []
    for tag, t0, t1, o0, o1 in opcodes(t, o):
        if tag == "equal":
            out.append(t[t0:t1])
        elif tag == "replace":
            out += [a if (a, b) in habitual else b for a, b in zip(t[t0:t1], o[o0:o1], strict=True)]
        elif tag == "delete":
            out += [a for a in t[t0:t1] if (a, "") in habitual]
        else:
            out += [b for b in o[o0:o1] if ("", b) not in habitual]
    return "".join(out)


def _found_near(text: str, context: str, threshold: float = 85.0) -> bool:
    """Whether ``text`` (long enough not to match by chance) occurs, fuzzily, in ``context``."""
    return len(_alnum(text)) >= 5 and fuzz.partial_ratio(text.lower(), context.lower()) >= threshold


def _matches_any(text: str, others: Sequence[str], threshold: float = 75.0) -> bool:
    """Whether ``text`` (of a few characters at least) is, fuzzily, one of ``others`` (lower-cased)
    or part of one."""
    key = _alnum(text)
    if len(key) < 3:
        # Too short for a fuzzy match (a sheet number such as ``51``): only the same characters count.
        return bool(key) and any(key == _alnum(other) for other in others)
    return process.extractOne(text.lower(), [o for o in others if len(o) >= 3], scorer=fuzz.partial_ratio,
                              score_cutoff=threshold) is not None


def _alnum(text: str) -> str:
    """The letters, digits and number signs of ``text``, lower-cased: what a reading says."""
    return "".join(c for c in text.lower() if c.isalnum() or c == "№")


def _show(c: str) -> str:
    return c if c.strip() else ("∅" if not c else "␣")


def _clip(text: str, n: int = 60) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"
