"""The terms of the divergence score (``classify``): each a pure function of a difference, its
readings and the document, giving (weight in log-odds, one line of evidence) pairs."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from itertools import pairwise

from rapidfuzz import fuzz, process

from pipeline.align.align import Difference, Edit
from pipeline.align.metrics import distance, glyph_class, opcodes
from pipeline.config import DivergenceConfig
from pipeline.divergence.numbers import _DATE_LIKE, _alnum, _beside_month, _in_translation, _unconfirmed_number
from pipeline.lang import lexicon
from pipeline.lang.lexicon import Lexicon
from pipeline.lang.proper_names import is_name_or_abbreviation
from pipeline.lang.script import script_of

_CYRILLIC_WORD = re.compile(r"[А-Яа-яЁё]+(?:-[А-Яа-яЁё]+)*")
#: A word of any script: letters, maybe joined by hyphens or apostrophes (``l'état``, ``well-known``).
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
#: A token of letters and digits, maybe joined by hyphens or apostrophes, and a letter beside a digit.
_TOKEN = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")
_GLUED = re.compile(r"[^\W\d_]\d|\d[^\W\d_]")


def _lexicon_words(text: str) -> list[str]:
    """The words of ``text`` for a dictionary to judge: its runs of letters, but a token whose
    letters touch a digit whole (``управлен1е``, a letter read as a digit), which no dictionary
    knows: its letters alone may happen to make a word (``управлен``). ``5-го`` gives ``го``."""
    out: list[str] = []
    for token in _TOKEN.findall(text):
        out += [token] if _GLUED.search(token) else _WORD.findall(token)
    return out


#: Letters typed for digits on typewriters without those keys, and read back either way.
_SAME_KEY = {(a, b) for pair in (("l", "1"), ("O", "0")) for a, b in (pair, pair[::-1])}


def _shape_terms(
    t: str, o: str, unexplained: set[Edit], n_edits: int, config: DivergenceConfig
) -> list[tuple[float, str]]:
    """Differences of a shape that OCR produces and transcribers do not (the strongest one only);
    ``o`` is the scan's reading with the OCR's habits taken out."""
    t_tokens, o_tokens = t.split(" "), o.split(" ")
    swapped = [(a, b) for a, b in unexplained if a.strip() and b.strip() and glyph_class(a) != glyph_class(b)]
    # A letter read for a digit (`O` for `0`) beside a digit read as another digit explains only
    # itself: the changed digit stays (a reference `A04712` read `AO4715`). A letter read for a
    # mark (`1948s` for `1943.`) still says the reading is poor there.
    if any(a.isdigit() and b.isdigit() for a, b in unexplained):
        swapped = [(a, b) for a, b in swapped if not (a.isdigit() or b.isdigit())]
    if t.lower() == o.lower():
        return [(config.weight_case_only, "only letter case differs")]
    if _alnum(t) == _alnum(o):
        return [(config.weight_punctuation_only, "only punctuation or spacing differs")]
    if swapped:
        a, b = swapped[0]
        # In a number or a code (no two small letters in a row: `N.W.l.`, `1O47`), not in a word.
        if set(unexplained) <= _SAME_KEY and not any(x.islower() and y.islower() for x, y in pairwise(t)):
            return [(config.weight_same_key, f"`{a}` and `{b}` are one key of many typewriters")]
        return [(config.weight_shape,
                 f"the OCR reads a {glyph_class(b)} (`{b}`) where the transcription has a {glyph_class(a)}")]
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
    # A word the OCR read as a number (``le`` as ``16``): the translation has that number by chance.
    if any(c.isdigit() for c in scan) and not any(c.isdigit() for c in d.transcript_text):
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


def _reads_clearly(text: str, confidence: float, undo: dict[str, str], pivot: float, lex: Lexicon,
                   config: DivergenceConfig) -> bool:
    """An OCR word read with confidence (``pivot`` at least) as a word (``lex``) or a number, three
    characters at least, five if read with less than ``config.confidence_pivot`` (shorter pieces are
    as often fragments of a split word or specks as words, the more so on a faint page); a word form of
    ``config.omission_long_word`` letters or more, or one letter from one, at any confidence. A word that becomes
    a word form when one of the OCR's habitual misreadings is undone counts (``заселании`` where the
    OCR reads ``д`` as ``л``: ``undo`` maps the letter it reads to the letters it stands for)."""
    key = _alnum(text)
    # Initials (``Р.Ф.`` of ``Р.Ф.Комаров``) are letters, not words to look up.
    words = [w for w in _WORD.findall(text) if len(w) > 1]
    # OCR noise does not make up a long word form, however unsure the OCR was of it, nor a long
    # word one letter from one (``ъстретиться``).
    if len(key) >= config.omission_long_word and len(words) == 1 and key == _alnum(words[0]):
        return _is_word_undoing(words[0], undo, lex) or _one_letter_from_word(words[0].lower(), lex)
    if confidence < pivot or len(key) < (3 if confidence >= config.confidence_pivot else 5):
        return False
    # A name is no word of the dictionary: read as one (capitalised, the rest lower case) with the
    # confidence of the page's clear words, it is a word the scan shows.
    sure = confidence >= pivot + config.confidence_spread
    return key.isdigit() or (bool(words) and all(_is_word_undoing(w, undo, lex) or (sure and _name_shaped(w))
                                                 for w in words))


def _name_shaped(word: str) -> bool:
    """Capitalised, four letters or more, the rest lower case (``Hartley``, not ``USA`` or ``tne``)."""
    return len(word) >= 4 and word[0].isupper() and word[1:].islower()


def _is_word_undoing(word: str, undo: dict[str, str], lex: Lexicon) -> bool:
    """Whether ``word``, or ``word`` with one letter put back as ``undo`` says, is a word."""
    return bool(lex.knows(word)) or any(lex.knows(w) for w in _put_back(word, undo, range(len(word))))


def _put_back(word: str, undo: dict[str, str], at: Iterable[int]) -> Iterator[str]:
    """``word`` with one of its letters at the places ``at`` put back as ``undo`` (``_habit_undo``)
    says the OCR reads it for, each way in turn."""
    for i in at:
        for a in undo.get(word[i], ""):
            yield word[:i] + a + word[i + 1:]


@lru_cache(maxsize=1 << 14)
def _one_letter_from_word(word: str, lex: Lexicon) -> bool:
    """Whether changing one letter of ``word`` (lower-case) makes a word."""
    return any(lex.knows(word[:i] + a + word[i + 1:]) for i in range(len(word)) for a in lex.alphabet(word))


def _habit_undo(habits: Counter[Edit], config: DivergenceConfig) -> dict[str, str]:
    """For each letter the OCR habitually reads in place of others, those letters."""
    undo: dict[str, str] = {}
    for (a, b), n in habits.items():
        if n >= config.habit_min_count and a.isalpha() and b.isalpha() and a.lower() != b.lower():
            undo[b] = undo.get(b, "") + a
    return undo


def _doubles(d: Difference) -> bool:
    """Whether the transcription's text there repeats the word before or after it."""
    t = d.transcript_text
    first, last = _alnum(t.split(" ")[0]), _alnum(t.split(" ")[-1])
    # A dash or a bracket is no word: `- 12 -` at the head of a page repeats no empty neighbour.
    return bool(_alnum(t)) and (bool(first) and first == _alnum(d.before) or bool(last) and last == _alnum(d.after))


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


def _choice_terms(d: Difference, config: DivergenceConfig) -> list[tuple[float, str]]:
    """Evidence from the characters the OCR weighed beside those it read (``OcrWord.alternatives``),
    where a digit differs: the transcription's digit among them makes the difference the OCR's
    uncertainty; one digit read for another with none of the transcription's among them, a
    difference the OCR did not waver on. Nothing where an edit's character is not known."""
    weighed: list[str] = []
    unweighed: list[str] = []
    wavered = False
    for (a, b), k, c in zip(d.edits, d.edit_words, d.edit_chars, strict=True):
        if not (len(a) == len(b) == 1 and (a.isdigit() or b.isdigit())):
            continue
        word = d.words[k].word if k >= 0 else None
        if word is None or c < 0 or len(word.alternatives) != len(word.text) or word.text[c] != b:
            return []
        if a in word.alternatives[c]:
            weighed.append(a)
            wavered = wavered or b.isdigit()
        elif a.isdigit() and b.isdigit():
            unweighed.append(a)
    if weighed and not unweighed:
        return [(config.weight_digit_weighed, f"the OCR weighed `{weighed[0]}` there too")]
    # A digit the OCR read as a mark (`8` as `$`) and weighed there is a blot; it says nothing of
    # a digit beside it that the OCR read as another digit without wavering.
    if unweighed and not wavered:
        return [(config.weight_digit_unweighed, f"the OCR did not weigh `{unweighed[0]}` there")]
    return []


def _repair(t: str, scan: str, lex: Lexicon) -> tuple[str, str] | None:
    """(word, its repair): a word of ``t`` (four letters at least) that is no word, and ``t`` with
    one of its letters replaced by the one ``scan`` has there, which makes that word a word."""
    for tag, t0, t1, s0, s1 in opcodes(t, scan):
        if tag != "replace" or t1 - t0 != s1 - s0:
            continue
        for i in range(t0, t1):
            a, b = t[i], scan[s0 + i - t0]
            if not (a.isalpha() and b.isalpha()) or a.lower() == b.lower():
                continue
            fixed = t[:i] + (b.upper() if a.isupper() else b.lower()) + t[i + 1:]
            for m in _WORD.finditer(fixed):
                if m.start() <= i < m.end() and m.end() - m.start() >= 4:
                    word = t[m.start():m.end()]
                    if lex.knows(word) is False and lex.knows(m.group()):
                        return word, fixed
    return None


def _habit_repair(t: str, scan: str, undo: dict[str, str], lex: Lexicon) -> tuple[str, str] | None:
    """(the transcription's word, the word the scan says): a word of ``scan`` (four letters at
    least) that is no word, but is one with a letter read back as what the OCR habitually reads it
    for in this document (``undo``, ``_habit_undo``: ``ш`` for ``т``), where the transcription
    has, instead of that word, one that is no word either (``смомря`` against the OCR's ``смошря``:
    the page says ``смотря``). None when the transcription's words are words or no such word is."""
    t_words = _lexicon_words(t)
    bad_t = [w for w in t_words if len(w) > 1 and lex.knows(w) is False]
    if not bad_t:
        return None
    for word in _lexicon_words(scan):
        if len(word) < 4 or word in t_words or lex.knows(word) is not False:
            continue
        # Only a letter where the transcription's word has another: one it agrees with is the
        # page's (``пишешъ`` read ``пишеш`` is no ``пишет``).
        written = max(bad_t, key=lambda w: fuzz.ratio(w, word))
        apart = [i for tag, _, _, s0, s1 in opcodes(written, word) if tag == "replace" for i in range(s0, s1)]
        for fixed in _put_back(word, undo, apart):
            if fixed not in t_words and lex.knows(fixed):
                return written, fixed
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


def _own_spelling(t: str, scan: str, vocabulary: Counter[str], lex: Lexicon) -> tuple[str, str] | None:
    """The transcription's word here, no word of the dictionary and written nowhere else, and the
    spelling the transcription gives it elsewhere: the scan's reading, letter for letter (four
    letters or more), or a word one letter from the transcription's where the scan differs from
    it at that letter too (``Hartlay`` among ``Hartley``, read ``Hartley`` or ``Hartlcy``): a name
    misspelt once. ``vocabulary``: the transcription's words, counted."""
    pair = _one_word_each(t, scan)
    if pair is None:
        return None
    written, read = pair
    if len(written) < 4 or vocabulary[written] > 1 or lex.knows(written) is not False:
        return None
    if len(read) >= 4 and vocabulary[read] >= 1:
        return written, read
    if len(read) != len(written):
        return None
    for word in vocabulary:
        if len(word) != len(written):
            continue
        apart = [i for i, (a, b) in enumerate(zip(word, written, strict=True)) if a != b]
        if len(apart) == 1 and read[apart[0]] != written[apart[0]]:
            return written, word
    return None


def _frequency_terms(t: str, scan: str, lex: Lexicon, config: DivergenceConfig) -> list[tuple[float, str]]:
    """Two words (one of each reading), one common and the other far rarer (``common_zipf_min``,
    ``common_zipf_gap``): the page more likely says the common one, whoever wrote the other. A
    slip of a key makes a rare word of a common one (``wad`` for ``was``); so does the OCR's
    misreading of a glyph (``wit`` for ``with``), and then the transcription has the common word."""
    pair = _one_word_each(t, scan)
    # A capital on one side only marks a name or an abbreviation (``Sr``), whose frequency as a
    # lower-case word (wordfreq folds case) says nothing.
    if pair is None or pair[0].lower() == pair[1].lower() or pair[0][0].isupper() != pair[1][0].isupper():
        return []
    written, read = pair
    zt, zs = lex.zipf(written), lex.zipf(read)
    if zt is None or zs is None or max(zt, zs) < config.common_zipf_min:
        return []
    if zs - zt >= config.common_zipf_gap:
        return [(config.weight_more_common, f"`{read}` is a common word, `{written}` a rare one")]
    if zt - zs >= config.common_zipf_gap:
        return [(config.weight_less_common, f"`{written}` is a common word, `{read}` a rare one")]
    return []


def _one_word_each(t: str, scan: str) -> tuple[str, str] | None:
    """The one word of ``t`` and the one word of ``scan`` in which the two readings differ, or
    None when they differ in more words or in none."""
    tw, sw = _lexicon_words(t), _lexicon_words(scan)
    only_t = [w for w in tw if w not in sw]
    only_s = [w for w in sw if w not in tw]
    return (only_t[0], only_s[0]) if len(only_t) == len(only_s) == 1 else None


@lru_cache(maxsize=1 << 16)
def _lemmas(word: str) -> frozenset[str]:
    """The dictionary forms of the known parses of ``word``."""
    return frozenset(p.normal_form for p in lexicon.russian().parse(word.lower()) if p.is_known)


def _dictionary_terms(t: str, scan: str, lex: Lexicon, config: DivergenceConfig) -> tuple[str, list[tuple[float, str]]]:
    """Whether the words in which the two readings differ are words of the document's languages:
    which readings are (``"scan"``, ``"transcription"``, ``"both"``, ``"neither"``, or ``"none"``
    when no words differ or the lexicon cannot tell), and the evidence."""
    # The transcription's abbreviations (``МНР``) are mostly not in the dictionary: that says nothing;
    # nor do words the lexicon cannot tell of (another script, a language without a dictionary).
    tw = [w for w in _lexicon_words(t) if lex.knows(w) is not None and (not _is_code(w) or lex.knows(w))]
    sw = [w for w in _lexicon_words(scan) if lex.knows(w) is not None]
    only_t = [w for w in tw if w not in sw and len(w) > 1]
    only_s = [w for w in sw if w not in tw and len(w) > 1]
    if not only_t or not only_s:
        return "none", []
    bad_t = [w for w in only_t if not lex.knows(w)]
    bad_s = [w for w in only_s if not lex.knows(w)]
    if bad_t and not bad_s:
        return "scan", [(config.weight_not_a_word, f"a word of the dictionary, while `{bad_t[0]}` is not")]
    if bad_s and not bad_t:
        return "transcription", [(config.weight_ocr_not_a_word,
                                  f"`{bad_s[0]}` is no word of the dictionary; the transcription's reading is")]
    if not bad_s and not bad_t:
        return "both", [(config.weight_both_words, "both readings are words")]
    return "neither", []


#: Letters that a Roman numeral is written in, in either script (``ХVІ`` types Cyrillic ``Х``, ``І``).
_ROMAN = frozenset("IVXLCDMіІхХсСМ")


def _mixed_script_terms(t: str, scan: str, config: DivergenceConfig) -> list[tuple[float, str]]:
    """A word of the transcription, not of the scan's reading, whose letters are of two scripts
    (a Latin ``i`` in a Cyrillic word): a key of another keyboard, which looks right and is no
    word to a search; a Roman numeral typed with the letters at hand is none."""
    read = set(_WORD.findall(scan))
    for word in _WORD.findall(t):
        scripts = {script_of(c) for c in word if c.isalpha()}
        if len(scripts) > 1 and word not in read and not set(word) <= _ROMAN:
            return [(config.weight_mixed_script, f"`{word}` mixes the letters of two scripts")]
    return []


def _token_terms(d: Difference, lex: Lexicon, config: DivergenceConfig) -> list[tuple[float, str]]:
    """Digits, dates, names and abbreviations weigh more: an error there changes the record."""
    t, o = d.transcript_text, d.ocr_text
    terms: list[tuple[float, str]] = []
    if any(c.isdigit() or c == "№" for e in d.edits for c in e):
        terms.append((config.weight_digits, "a digit or number sign differs"))
        if _DATE_LIKE.search(t) or _DATE_LIKE.search(o) or _beside_month(d):
            terms.append((config.weight_date, "in a date or year"))
    words = t.split(" ") + o.split(" ")
    # A word form in capitals (a heading's ``БЕСЕДЫ``) is no abbreviation; a dictionary abbreviation
    # (``СССР``) is a name below.
    if any(_is_code(w) and not lex.knows(w) for w in words):
        terms.append((config.weight_name, "an abbreviation or reference code"))
    elif any(is_name_or_abbreviation(w) for w in _CYRILLIC_WORD.findall(t + " " + o)) or any(
            _name_shaped(w) and not _CYRILLIC_WORD.fullmatch(w) and lex.knows(w) is False for w in _WORD.findall(t)):
        # Russian names by the dictionary's readings; in other languages a capitalised word it lacks.
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


def _matches_any(text: str, others: Sequence[str], threshold: float, *, moved: bool = False) -> bool:
    """Whether ``text`` (of a few characters at least) is, fuzzily (rapidfuzz score 0–100 from
    ``threshold``), one of ``others`` (lower-cased) or part of one, a third of it at least: a word
    is part of many a line by chance, and a line of the scan is no markup because the markup's
    ``В архив`` is in it. With ``moved`` (the same text, dropped at one place and added at another)
    a short text must match whole: ``без`` partly matches ``беседы``."""
    key = _alnum(text)
    if len(key) < 3:
        # Too short for a fuzzy match (a sheet number such as ``51``): only the same characters count.
        return bool(key) and any(key == _alnum(other) for other in others)
    candidates = [o for o in others if len(o) >= 3 and 3 * len(text) >= len(o) and 3 * len(o) >= len(text)]
    scorer = fuzz.ratio if moved and len(text) < 12 else fuzz.partial_ratio
    return process.extractOne(text.lower(), candidates, scorer=scorer, score_cutoff=threshold) is not None


def _show(c: str) -> str:
    return c if c.strip() else ("∅" if not c else "␣")


def _clip(text: str, n: int = 60) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"
