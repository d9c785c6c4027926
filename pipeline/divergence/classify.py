"""Telling transcription errors apart from OCR noise.

Each ``Difference`` of an alignment gets a score, the log-odds that the *transcription* is wrong
there, summed from general signals and squashed to 0–1:

- the OCR's confidence in the words it read there, and whether its extra passes (when it made any)
  read the same; a reading that is a word form, or one digit read for another, is no noise for being
  unsure;
- this document's own habits: an edit the OCR makes again and again (``д``→``л``) is noise. They are
  learnt from its misreadings only (not from dropped text), and not from the differences that are
  surely the transcription's (a transcriber's repeated slip is no OCR habit);
- the dictionary (pymorphy3): a transcription word that is no Russian word form while the OCR's
  reading is one is suspicious, and the reverse points at the OCR; when neither is, one of the
  OCR's letters that makes the transcription's word a word form tells what the page says; when both
  are and two letters or more differ, one word was put for another; two forms of one word
  (``строительство`` / ``строительства``) are an agreement slip;
- the kind of token: digits, dates and numbers, proper names and abbreviations weigh more;
  differences of case or punctuation alone, letters read as marks or digits, words split apart and
  letters lost to faint print weigh less (OCR does that, transcribers do not);
- the document itself: a year that fits its other dates beats one that does not, and the translation
  bears out one reading of a number, name or code (romanized) rather than the other, or neither
  (a number of the transcription's that the translation lacks is suspect; where the OCR read no
  digit of it, the translation decides);
- for text only the scan has (``omission``): whether the OCR read it clearly as words (by the
  standard of its page: on a faint copy most words have a low confidence; a long word form at any
  confidence), and whether it is the handwriting or stamp text that the transcription gives as
  markup, or text moved elsewhere;
- for text only the transcription has (``insertion``): whether it repeats the word before it, and
  whether a number there is one the translation has.

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

from pipeline.align.align import Alignment, Difference, Edit
from pipeline.align.metrics import distance, opcodes
from pipeline.config import DivergenceConfig
from pipeline.lang import lexicon
from pipeline.lang.lexicon import is_word_form
from pipeline.lang.months import is_month
from pipeline.lang.proper_names import is_name_or_abbreviation
from pipeline.lang.translit import transliterate
from pipeline.model import Flag, Severity

_CYRILLIC_WORD = re.compile(r"[А-Яа-яЁё]+(?:-[А-Яа-яЁё]+)*")
#: A year: four digits from 1000 to 2099 standing alone, or the last part of a date like 12.3.58.
_YEAR = re.compile(r"(?<![\d.])(1\d{3}|20\d{2})(?!\d)|\b\d{1,2}\.\d{1,2}\.(\d{2})(?!\d)")
_DATE_LIKE = re.compile(r"\d{1,2}[./]\d{1,2}[./]\d{2,4}|\d{4}")


@dataclass(frozen=True)
class _Evidence:
    """Log-odds terms with the sentence fragment that explains each."""

    terms: tuple[tuple[float, str], ...]
    prior: float

    @property
    def score(self) -> float:
        return 1.0 / (1.0 + math.exp(-(self.prior + sum(w for w, _ in self.terms))))

    def strongest(self, n: int) -> list[str]:
        """The fragments of the n terms that weigh most, strongest first."""
        return [t for _, t in sorted(self.terms, key=lambda wt: -abs(wt[0]))[:n] if t]


def find_divergences(alignment: Alignment, config: DivergenceConfig) -> list[Flag]:
    """Flags for the differences of ``alignment``, most suspicious first.

    Kinds: ``transcription_divergence`` (the scan reads otherwise), ``omission`` (the scan shows text
    the transcription lacks), ``insertion`` (the transcription has text the scan does not show).
    """
    differences = alignment.differences
    years = document_years(alignment.transcript.text)
    # Words on one side against nothing or punctuation on the other: the punctuation left behind by a
    # dropped word (``успешно.`` against ``.``) does not make it a misreading.
    words_in = [(bool(_alnum(d.transcript_text)), bool(_alnum(d.ocr_text))) for d in differences]
    omitted = [d.ocr_text.lower() for d, w in zip(differences, words_in, strict=True) if w == (0, 1)]
    # A word the transcription writes twice in a row is a doubling, not text moved from elsewhere.
    added = [d.transcript_text.lower() for d, w in zip(differences, words_in, strict=True)
             if w == (1, 0) and not (_doubles(d) and len(d.transcript_text.split()) == 1)]
    markup = [m.lower() for m in alignment.markup_texts]
    misread = [k for k, (t_words, o_words) in enumerate(words_in) if t_words == o_words]
    # The OCR's habits are learnt from its misreadings only: the letters of a dropped word or line
    # are no edit the OCR makes.
    habits = Counter(e for k in misread for e in differences[k].edits)
    flags: dict[int, Flag] = {
        k: _divergence(differences[k], habits, years, alignment.translation_keys, config) for k in misread}
    # … and not from the differences that are surely the transcription's: three planted ``8`` for
    # ``3`` in one document make no habit of ``3``→``8``. Those that relied on such a habit are
    # scored again without it.
    confirmed = Counter(e for k in misread if flags[k].score >= config.high_score for e in differences[k].edits)
    if confirmed:
        habits -= confirmed
        for k in misread:
            if flags[k].score < config.high_score and confirmed.keys() & set(differences[k].edits):
                flags[k] = _divergence(differences[k], habits, years, alignment.translation_keys, config)
    undo = _habit_undo(habits, config)
    for k, (t_words, o_words) in enumerate(words_in):
        if t_words and not o_words:
            flags[k] = _insertion(differences[k], omitted, alignment.translation_keys, config)
        elif o_words and not t_words:
            pivot = min(config.confidence_pivot,
                        alignment.page_confidence.get(differences[k].page or 0, config.confidence_pivot))
            flags[k] = _omission(differences[k], markup, added, undo, pivot, config)
    flags_list = [flags[k] for k in range(len(differences))]
    folded = alignment.transcript.counts["yo"] + alignment.ocr.counts["yo"]
    if folded:
        flags_list.append(Flag(
            "normalization", Severity.INFO,
            f"`ё` and `е` were compared as the same letter ({folded} places); differences between them "
            "are editorial, not errors.",
            evidence=tuple(f"{rule}: {n}" for rule, n in alignment.transcript.counts.items() if n),
        ))
    flags_list.sort(key=lambda f: (f.severity.rank, -(f.score or 0.0)))
    return flags_list


def severity(score: float, config: DivergenceConfig) -> Severity:
    """The severity band of a score (0–1)."""
    if score >= config.high_score:
        return Severity.HIGH
    if score >= config.medium_score:
        return Severity.MEDIUM
    if score >= config.low_score:
        return Severity.LOW
    return Severity.INFO


# --- the three kinds --------------------------------------------------------------------------


def _divergence(
    d: Difference, habits: Counter[Edit], years: Counter[int], translation: frozenset[str],
    config: DivergenceConfig,
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
    verdict, dictionary = _dictionary_terms(t, scan, config)
    # The scan reads a word form where the transcription has none: the OCR did not make that word up
    # however unsure it was, and its habits explain its reading only if the page could say the
    # transcription's non-word, which a typed page rarely does.
    reads_word = verdict == "scan"
    if verdict in ("neither", "none") and (repaired := _repair(t, scan)):
        # Neither reading is a word, but one of the OCR's letters makes the transcription's word one
        # (``Морозава`` against ``И..орозова``): the page most likely says that word, and the
        # OCR's other differences are its noise.
        word, fixed = repaired
        dictionary = [(config.weight_repaired, f"`{fixed}`, with the scan's letter, is a word form, "
                                               f"while `{word}` is not")]
        scan, reads_word = fixed, True
    # One digit for another is no less likely the transcriber's where the OCR is unsure of it: the
    # OCR's low confidence weighs less there (a digit it adds or drops is its noise as usual).
    digits = any(a.isdigit() and b.isdigit() for a, b in own.keys() - habitual)
    floor = 0.0 if reads_word else config.digit_confidence_floor if digits else None
    # A number the OCR read no digit of: the scan is no witness there, neither by its confidence nor
    # by the shapes it read instead, and the translation decides (as for a number it read nothing for).
    unread = any(c.isdigit() for c in t) and not any(c.isdigit() for c in d.ocr_text)
    if unread:
        terms.append((config.weight_unread, "the OCR read no number there"))
    else:
        terms.append(_confidence_term(_confidence(d, suspect), config, floor=floor))
    terms += dictionary
    if verdict == "both":
        letters = sum(1 for a, b in d.edits if (a, b) not in habitual and (a.isalpha() or b.isalpha()))
        if letters >= 2:
            terms.append((config.weight_word_swap, f"{letters} letters differ"))
        terms += _inflection_terms(t, scan, config)
    terms += _token_terms(d, config)
    terms += _year_terms(t, scan, years, config)
    terms += _translation_terms(d, scan, translation, config)
    terms += _pass_terms(d, suspect, config)
    if own and not unexplained:
        worst = min(own, key=lambda e: habits[e])
        weight = config.weight_habit_against_word if reads_word else config.weight_habit
        terms.append((weight, f"`{_show(worst[0])}`→`{_show(worst[1])}` is an edit the OCR makes "
                               f"{habits[worst]} times in this document"))
    if not unread:
        terms += _shape_terms(t, scan, unexplained, len(d.edits), config)
    ev = _Evidence(tuple(terms), config.weight_prior)
    message = f"The scan reads `{scan}`"
    message += f" ({', '.join(ev.strongest(2))})" if ev.strongest(2) else ""
    message += f"; the transcription has `{t}`."
    return _flag("transcription_divergence", d, ev, config, message, scan)


def _shape_terms(
    t: str, o: str, unexplained: set[Edit], n_edits: int, config: DivergenceConfig
) -> list[tuple[float, str]]:
    """Differences of a shape that OCR produces and transcribers do not (the strongest one only);
    ``o`` is the scan's reading with the OCR's habits taken out."""
    t_tokens, o_tokens = t.split(" "), o.split(" ")
    swapped = [(a, b) for a, b in unexplained if a.strip() and b.strip() and _kind(a) != _kind(b)]
    if t.lower() == o.lower():
        return [(config.weight_case_only, "only letter case differs")]
    if _alnum(t) == _alnum(o):
        return [(config.weight_punctuation_only, "only punctuation or spacing differs")]
    if swapped:
        a, b = swapped[0]
        return [(config.weight_shape, f"the OCR reads a {_kind(b)} (`{b}`) where the transcription has a {_kind(a)}")]
    if len(t_tokens) == 1 and len(o_tokens) > 1:
        return [(config.weight_split, "the OCR breaks the word apart")]
    if len(t_tokens) != len(o_tokens) and distance(_alnum(t), _alnum(o)) <= 1:
        return [(config.weight_split, "the OCR splits or joins words there")]
    if unexplained and all(not b and a.isalnum() for a, b in unexplained) and len(t_tokens) == len(o_tokens):
        return [(config.weight_lost_letters, "the OCR lost characters there (faint print)")]
    if n_edits > 3 and n_edits > 0.6 * max(len(t), len(o)):
        return [(config.weight_garbled, "the OCR reading has little in common with the transcription")]
    if len(t_tokens) == 1 and len(_alnum(t)) <= 2 and _alnum(t).isalpha():
        return [(config.weight_short_word, "a word of one or two letters, which OCR misreads easily")]
    return []


def _translation_terms(
    d: Difference, scan: str, translation: frozenset[str], config: DivergenceConfig,
) -> list[tuple[float, str]]:
    """Which reading the translation bears out, for numbers, names and codes (romanized, with the
    next or previous word when the reading alone is too common, as in ``№ 415`` against ``2 415``)."""
    if not translation:
        return []
    for t, s in ((d.transcript_text, scan), (f"{d.transcript_text} {d.after}", f"{scan} {d.after}"),
                 (f"{d.before} {d.transcript_text}", f"{d.before} {scan}")):
        t_found, s_found = _in_translation(t, translation), _in_translation(s, translation)
        if s_found and not t_found:
            return [(config.weight_translation_agrees, "the translation agrees with the scan")]
        if t_found and not s_found:
            return [(config.weight_translation_disagrees, "the translation agrees with the transcription")]
        if t_found and s_found:
            return []
    return _unconfirmed_number(d, translation, config)


def _unconfirmed_number(
    d: Difference, translation: frozenset[str], config: DivergenceConfig
) -> list[tuple[float, str]]:
    """A number of two digits or more that the translation has in none of its forms (alone, with the
    word before or after), where the scan shows nothing that the translation has either: the
    translator saw another number, or none. Shorter numbers are too common to tell."""
    t = d.transcript_text
    # One digit is too common to look up, except as a numbered item (``№ 7``: ``No. 7``) or a day
    # (``7 февраля``: ``7 February`` or ``February 7``).
    distinct = _alnum(d.before) == "№" or is_month(d.after, "ru")
    if not translation or sum(c.isdigit() for c in t) < (1 if distinct else 2):
        return []
    if any(_in_translation(x, translation)
           for x in (t, f"{t} {d.after}", f"{d.before} {t}", f"{d.after} {t}")):
        return []
    return [(config.weight_number_unconfirmed, "the translation does not have this number")]


def _in_translation(text: str, translation: frozenset[str]) -> bool:
    """Whether the romanized ``text`` is in the translation, allowing a Russian case ending (one or two
    letters) that the English form lacks (``Петрову`` / ``Petrov``)."""
    key = transliterate(text)
    if len(key) < 2 or key.isalpha() and len(key) < 3:
        return False
    # Only letters can be a case ending: ``28.1.77`` after ``№ 324`` must not find ``324 28.1.71``.
    return key in translation or (len(key) >= 6 and any(
        key[-n:].isalpha() and key[:-n] in translation for n in (1, 2)))


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


def _without_years(text: str) -> str:
    """``text`` without its years (``21.5.`` of ``21.5.71``)."""
    for m in reversed(list(_YEAR.finditer(text))):
        start, end = m.span(1) if m.group(1) else m.span(2)
        text = text[:start] + text[end:]
    return text


def _year_terms(t: str, scan: str, years: Counter[int], config: DivergenceConfig) -> list[tuple[float, str]]:
    """A year reading that fits the document's other dates beats one that does not.

    Years are compared by their last two digits and, when both are written in full, by century
    too; "fits" means within ``config.year_slack`` of a year mentioned elsewhere in the transcription.
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
        return any(abs(year - y) <= config.year_slack if year >= 100 else abs(year - y % 100) <= config.year_slack
                   for y in others if year < 100 or y >= 100)

    t_fits, s_fits = all(map(fits, ty)), all(map(fits, sy))
    if s_fits and not t_fits:
        return [(config.weight_year_fits,
                 "the scan's year fits the document's other dates, the transcription's does not")]
    # An odd year read by the OCR makes its year noise, not the rest of the date: a day or month
    # that differs too (``21.5.71`` read ``21.6.11``) is still evidence.
    if t_fits and not s_fits and _alnum(_without_years(t)) == _alnum(_without_years(scan)):
        return [(config.weight_year_odd, "the OCR's year does not fit the document's other dates")]
    return []


def _omission(
    d: Difference, markup_texts: Sequence[str], added: Sequence[str], undo: dict[str, str], pivot: float,
    config: DivergenceConfig,
) -> Flag:
    """``pivot``: the confidence from which an OCR word reads clearly on this page."""
    o = d.ocr_text
    tokens = [w for w in d.words if _alnum(w.word.text)]
    # Over several words the typical confidence counts, not one smudged word's.
    confs = sorted(w.word.confidence for w in tokens)
    n_clear = sum(_reads_clearly(w.word.text, w.word.confidence, undo, pivot, config) for w in tokens)
    clear = n_clear / len(tokens) if tokens else 0.0
    # Text that reads clearly as words throughout (a long word form at a low confidence too) is no
    # noise for the OCR being unsure of it, as for a misreading that is a word form.
    terms = [_confidence_term(confs[len(confs) // 2] if confs else _confidence(d), config, pivot=pivot,
                              floor=0.0 if clear == 1 else None)]
    if not tokens:
        terms.append((config.weight_punctuation_only, "only punctuation or specks"))
    else:
        terms.append(((clear - 0.5) * 2 * config.weight_omitted_words, f"{clear:.0%} of it read clearly as words"))
    # Length and digits count only for text that reads as text, not for a run of specks and shards.
    # A run of several clear words is text even if the rest of it is smudged: OCR noise does not
    # invent three dictionary words in a row.
    reads = clear >= 0.5 or n_clear >= 3
    if reads and any(c.isdigit() for c in o):
        terms.append((config.weight_digits / 2, "it contains digits"))
    if reads and len(tokens) >= 3:
        terms.append((config.weight_omitted_line, f"{len(tokens)} words"))
    # What follows can only lower the score: look only when there is something to lower.
    if _Evidence(tuple(terms), config.weight_prior).score < config.low_score:
        pass
    elif _matches_any(o, markup_texts):
        terms.append((config.weight_markup_text, "it is text the transcription gives as markup (handwriting, stamp)"))
    elif _matches_any(o, added, moved=True):
        terms.append((config.weight_moved, "the transcription has it nearby, in another order"))
    ev = _Evidence(tuple(terms), config.weight_prior)
    message = f"The scan shows `{_clip(o)}` ({', '.join(ev.strongest(2))}); the transcription lacks it."
    return _flag("omission", d, ev, config, message, o)


def _reads_clearly(text: str, confidence: float, undo: dict[str, str], pivot: float, config: DivergenceConfig) -> bool:
    """An OCR word read with confidence (``pivot`` at least) as a Russian word form or a number, three
    characters at least, five if read with less than ``config.confidence_pivot`` (shorter pieces are
    as often fragments of a split word or specks as words, the more so on a faint page); a word form of
    ``config.omission_long_word`` letters or more, or one letter from one, at any confidence. A word that becomes
    a word form when one of the OCR's habitual misreadings is undone counts (``заселании`` where the
    OCR reads ``д`` as ``л``: ``undo`` maps the letter it reads to the letters it stands for)."""
    key = _alnum(text)
    # Initials (``Р.Ф.`` of ``Р.Ф.Комаров``) are letters, not words to look up.
    words = [w for w in _CYRILLIC_WORD.findall(text) if len(w) > 1]
    # OCR noise does not make up a long word form, however unsure the OCR was of it, nor a long
    # word one letter from one (``ъстретиться``).
    if len(key) >= config.omission_long_word and len(words) == 1 and key == words[0].lower():
        return _is_word_undoing(words[0], undo) or _one_letter_from_word_form(words[0].lower())
    if confidence < pivot or len(key) < (3 if confidence >= config.confidence_pivot else 5):
        return False
    return key.isdigit() or (bool(words) and all(_is_word_undoing(w, undo) for w in words))


def _is_word_undoing(word: str, undo: dict[str, str]) -> bool:
    """Whether ``word``, or ``word`` with one letter put back as ``undo`` says, is a word form."""
    return is_word_form(word) or any(
        is_word_form(word[:i] + a + word[i + 1:]) for i, c in enumerate(word) for a in undo.get(c, ""))


_RUSSIAN_LETTERS = "абвгдежзийклмнопрстуфхцчшщъыьэюя"


@lru_cache(maxsize=1 << 14)
def _one_letter_from_word_form(word: str) -> bool:
    """Whether changing one letter of ``word`` (lower-case) makes a word form."""
    return any(is_word_form(word[:i] + a + word[i + 1:]) for i in range(len(word)) for a in _RUSSIAN_LETTERS)


def _habit_undo(habits: Counter[Edit], config: DivergenceConfig) -> dict[str, str]:
    """For each letter the OCR habitually reads in place of others, those letters."""
    undo: dict[str, str] = {}
    for (a, b), n in habits.items():
        if n >= config.habit_min_count and a.isalpha() and b.isalpha() and a.lower() != b.lower():
            undo[b] = undo.get(b, "") + a
    return undo


def _insertion(d: Difference, omitted: Sequence[str], translation: frozenset[str], config: DivergenceConfig) -> Flag:
    t = d.transcript_text
    # The OCR's confidence in the words around a number it did not read says nothing about the number.
    number = any(c.isdigit() or c == "№" for c in t)
    terms = [] if number else [_confidence_term(_confidence(d), config)]
    doubled = _doubles(d)
    if doubled:
        terms.append((config.weight_doubled, f"the transcription repeats `{_clip(t)}`, which the scan has once"))
    elif not _alnum(t):
        terms.append((config.weight_punctuation_only, "only punctuation"))
    else:
        terms.append((config.weight_unread, "the OCR read nothing here"))
        if number:
            terms.append((config.weight_digits, "it is a number"))
            terms += _unconfirmed_number(d, translation, config)
    # A word written twice in a row is a doubling, whatever the scan shows elsewhere: the same word
    # left out at another place (or read there in pieces) is more often chance than a move.
    if (not (doubled and len(t.split()) == 1)
            and _Evidence(tuple(terms), config.weight_prior).score >= config.low_score
            and _matches_any(t, omitted, moved=True)):
        terms.append((config.weight_moved, "the scan has it at another place"))
    ev = _Evidence(tuple(terms), config.weight_prior)
    message = f"The transcription has `{_clip(t)}`, which the scan does not show here ({ev.strongest(1)[0]})."
    return _flag("insertion", d, ev, config, message, "")


def _doubles(d: Difference) -> bool:
    """Whether the transcription's text there repeats the word before or after it."""
    t = d.transcript_text
    first, last = t.split(" ")[0], t.split(" ")[-1]
    return bool(_alnum(t)) and (_alnum(first) == _alnum(d.before) or _alnum(last) == _alnum(d.after))


def _flag(kind: str, d: Difference, ev: _Evidence, config: DivergenceConfig, message: str, scan: str) -> Flag:
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


def _confidence_term(
    conf: float | None, config: DivergenceConfig, floor: float | None = None, pivot: float | None = None,
) -> tuple[float, str]:
    """The OCR's confidence as evidence, not below ``floor`` (a fraction of full weight) when given,
    around ``pivot`` (default ``config.confidence_pivot``)."""
    if conf is None:
        return 0.0, ""
    lowest = -1.5 if floor is None else floor
    weight = max(lowest, min(1.0, (conf - (pivot or config.confidence_pivot)) / config.confidence_spread))
    return weight * config.weight_confidence, f"OCR confidence {conf:.0f}"


def _pass_terms(d: Difference, suspect: set[int], config: DivergenceConfig) -> list[tuple[float, str]]:
    """Evidence from the extra OCR passes (``OcrWord.readings``), when the OCR made any: a pass
    that reads what the transcription says makes the difference noise; passes that all agree with
    the main reading make it firmer."""
    words = [w.word for k, w in enumerate(d.words) if (k in suspect or not suspect) and w.word.readings]
    if not words:
        return []
    target = _alnum(d.transcript_text)
    if any(r != w.text and _alnum(r) and _alnum(r) in target for w in words for r in w.readings):
        return [(config.weight_pass_disagrees, "another OCR pass reads it as the transcription does")]
    if all(r == w.text for w in words for r in w.readings):
        n = 1 + len(words[0].readings)
        return [(config.weight_passes_agree, f"all {n} OCR passes agree")]
    return []


def _repair(t: str, scan: str) -> tuple[str, str] | None:
    """(word, its repair): a word of ``t`` (four letters at least) that is no word form, and ``t`` with
    one of its letters replaced by the one ``scan`` has there, which makes that word a word form."""
    for tag, t0, t1, s0, s1 in opcodes(t, scan):
        if tag != "replace" or t1 - t0 != s1 - s0:
            continue
        for i in range(t0, t1):
            a, b = t[i], scan[s0 + i - t0]
            if not (a.isalpha() and b.isalpha()) or a.lower() == b.lower():
                continue
            fixed = t[:i] + (b.upper() if a.isupper() else b.lower()) + t[i + 1:]
            for m in _CYRILLIC_WORD.finditer(fixed):
                if m.start() <= i < m.end() and m.end() - m.start() >= 4:
                    word = t[m.start():m.end()]
                    if not is_word_form(word) and is_word_form(m.group()):
                        return word, fixed
    return None


def _inflection_terms(t: str, scan: str, config: DivergenceConfig) -> list[tuple[float, str]]:
    """Two word forms of one word (``строительство`` / ``строительства``): a slip of agreement, which
    a transcriber makes and the OCR, reading glyph by glyph, only hits on by chance."""
    tw, sw = _CYRILLIC_WORD.findall(t), _CYRILLIC_WORD.findall(scan)
    only_t = [w for w in tw if w not in sw]
    only_s = [w for w in sw if w not in tw]
    if len(only_t) != 1 or len(only_s) != 1 or only_t[0].lower() == only_s[0].lower():
        return []
    # An ending the OCR lost (``этому`` read ``это``) is faint print, not another form.
    if only_t[0].lower().startswith(only_s[0].lower()):
        return []
    if not _lemmas(only_t[0]) & _lemmas(only_s[0]):
        return []
    return [(config.weight_inflection, f"`{only_s[0]}` and `{only_t[0]}` are forms of one word")]


@lru_cache(maxsize=1 << 16)
def _lemmas(word: str) -> frozenset[str]:
    """The dictionary forms of the known parses of ``word``."""
    return frozenset(p.normal_form for p in lexicon.russian().parse(word.lower()) if p.is_known)


def _dictionary_terms(t: str, scan: str, config: DivergenceConfig) -> tuple[str, list[tuple[float, str]]]:
    """Whether the words in which the two readings differ are Russian word forms: which readings are
    (``"scan"``, ``"transcription"``, ``"both"``, ``"neither"``, or ``"none"`` when no words differ),
    and the evidence."""
    # The transcription's abbreviations (``МНР``) are mostly not in the dictionary: that says nothing.
    tw = [w for w in _CYRILLIC_WORD.findall(t) if not _is_code(w) or is_word_form(w)]
    sw = _CYRILLIC_WORD.findall(scan)
    only_t = [w for w in tw if w not in sw and len(w) > 1]
    only_s = [w for w in sw if w not in tw and len(w) > 1]
    if not only_t or not only_s:
        return "none", []
    bad_t = [w for w in only_t if not is_word_form(w)]
    bad_s = [w for w in only_s if not is_word_form(w)]
    if bad_t and not bad_s:
        return "scan", [(config.weight_not_a_word, f"a word form of Russian, while `{bad_t[0]}` is not")]
    if bad_s and not bad_t:
        return "transcription", [(config.weight_ocr_not_a_word,
                                  f"`{bad_s[0]}` is no word form; the transcription's reading is")]
    if not bad_s and not bad_t:
        return "both", [(config.weight_both_words, "both readings are Russian words")]
    return "neither", []


def _token_terms(d: Difference, config: DivergenceConfig) -> list[tuple[float, str]]:
    """Digits, dates, names and abbreviations weigh more: an error there changes the record."""
    t, o = d.transcript_text, d.ocr_text
    terms: list[tuple[float, str]] = []
    if any(c.isdigit() or c == "№" for e in d.edits for c in e):
        terms.append((config.weight_digits, "a digit or number sign differs"))
        if _DATE_LIKE.search(t) or _DATE_LIKE.search(o) or is_month(d.after, "ru"):
            terms.append((config.weight_date, "in a date or year"))
    words = t.split(" ") + o.split(" ")
    # A word form in capitals (a heading's ``БЕСЕДЫ``) is no abbreviation; a dictionary abbreviation
    # (``СССР``) is a name below.
    if any(_is_code(w) and not is_word_form(w) for w in words):
        terms.append((config.weight_name, "an abbreviation or reference code"))
    elif any(is_name_or_abbreviation(w) for w in _CYRILLIC_WORD.findall(t + " " + o)):
        terms.append((config.weight_name, "a proper name"))
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


def _matches_any(text: str, others: Sequence[str], threshold: float = 75.0, *, moved: bool = False) -> bool:
    """Whether ``text`` (of a few characters at least) is, fuzzily, one of ``others`` (lower-cased)
    or part of one, a third of it at least: a word is part of many a line by chance, and a line of
    the scan is no markup because the markup's ``В архив`` is in it. With ``moved`` (the same text,
    dropped at one place and added at another) a short text must match whole: ``без`` partly
    matches ``беседы``."""
    key = _alnum(text)
    if len(key) < 3:
        # Too short for a fuzzy match (a sheet number such as ``51``): only the same characters count.
        return bool(key) and any(key == _alnum(other) for other in others)
    candidates = [o for o in others if len(o) >= 3 and 3 * len(text) >= len(o) and 3 * len(o) >= len(text)]
    scorer = fuzz.ratio if moved and len(text) < 12 else fuzz.partial_ratio
    return process.extractOne(text.lower(), candidates, scorer=scorer, score_cutoff=threshold) is not None


def _alnum(text: str) -> str:
    """The letters, digits and number signs of ``text``, lower-cased: what a reading says."""
    return _NOT_ALNUM.sub("", text.lower())


#: What ``_alnum`` drops: ``\w`` is exactly ``str.isalnum`` plus the underscore.
_NOT_ALNUM = re.compile(r"[^\w№]|_")


def _show(c: str) -> str:
    return c if c.strip() else ("∅" if not c else "␣")


def _clip(text: str, n: int = 60) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"
