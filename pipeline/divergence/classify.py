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

The terms are ``evidence``'s; every term that fires leaves a line of evidence, and the flag's
message is built from the strongest ones.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from pipeline.align.align import Alignment, Difference, Edit, PlacedWord
from pipeline.align.metrics import glyph_class
from pipeline.config import DivergenceConfig
from pipeline.divergence.evidence import (
    _choice_terms,
    _clip,
    _confidence,
    _confidence_term,
    _dictionary_terms,
    _doubles,
    _frequency_terms,
    _habit_repair,
    _habit_undo,
    _inflection_terms,
    _lexicon_words,
    _matches_any,
    _mixed_script_terms,
    _own_spelling,
    _pass_terms,
    _reads_clearly,
    _repair,
    _scan_reading,
    _shape_terms,
    _show,
    _token_terms,
    _translation_terms,
)
from pipeline.divergence.numbers import (
    _alnum,
    _impossible_date_terms,
    _typed_digit_term,
    _unconfirmed_number,
    _year_terms,
    document_years,
)
from pipeline.lang.lexicon import Lexicon, modern_spelling
from pipeline.model import BBox, Flag, OcrWord, Severity


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


@dataclass(frozen=True)
class _Document:
    """What the document as a whole says about each of its differences."""

    years: Counter[int]
    #: ``Alignment.translation_keys``.
    translation: frozenset[str]
    lexicon: Lexicon
    #: Letters of the transcription the OCR never reads on these pages, and how often the
    #: transcription has each (``blind_letters``).
    blind: dict[str, int]
    #: The transcription's words (``evidence._lexicon_words``), counted.
    vocabulary: Counter[str]


def blind_letters(alignment: Alignment, config: DivergenceConfig) -> dict[str, int]:
    """The letters (lower-case) the transcription has ``config.blind_letter_min`` times or more and
    the OCR reads nowhere in the document: letters its model cannot output (``і``, ``ѣ`` under
    Tesseract's modern ``rus``), or a typeface it never gets right. Learnt from the document, so
    that no list of each model's letters is needed."""
    seen = set(alignment.ocr.text.lower())
    counts = Counter(c for c in alignment.transcript.text.lower() if c.isalpha())
    return {c: n for c, n in counts.items() if n >= config.blind_letter_min and c not in seen}


def find_divergences(alignment: Alignment, config: DivergenceConfig, lexicon: Lexicon | None = None,
                     writing: Mapping[int, Sequence[BBox]] | None = None) -> list[Flag]:
    """Flags for the differences of ``alignment``, most suspicious first; ``lexicon``: the words of the
    document's languages (Russian's when None); ``writing``: per page, the boxes (input pixels) of
    the handwriting, signatures and stamps the layout stage found, which the OCR does not read.

    Kinds: ``transcription_divergence`` (the scan reads otherwise), ``omission`` (the scan shows text
    the transcription lacks), ``insertion`` (the transcription has text the scan does not show).
    """
    differences = alignment.differences
    lex = lexicon or Lexicon(("rus",), config.hunspell_dir, config.word_list_dir)
    doc = _Document(document_years(alignment.transcript.text), alignment.translation_keys, lex,
                    blind_letters(alignment, config), Counter(_lexicon_words(alignment.transcript.text)))
    # Words on one side against nothing or punctuation on the other: the punctuation left behind by a
    # dropped word (``успешно.`` against ``.``) does not make it a misreading.
    words_in = [(bool(_alnum(d.transcript_text)), bool(_alnum(d.ocr_text))) for d in differences]
    omitted = [d.ocr_text for d, w in zip(differences, words_in, strict=True) if w == (0, 1)]
    # A word the transcription writes twice in a row is a doubling, not text moved from elsewhere.
    added = [d.transcript_text.lower() for d, w in zip(differences, words_in, strict=True)
             if w == (1, 0) and not (_doubles(d) and len(d.transcript_text.split()) == 1)]
    markup = [m.lower() for m in alignment.markup_texts]
    misread = [k for k, (t_words, o_words) in enumerate(words_in) if t_words == o_words]
    # The OCR's habits are learnt from its misreadings only: the letters of a dropped word or line
    # are no edit the OCR makes.
    habits = Counter(e for k in misread for e in differences[k].edits)
    undo = _habit_undo(habits, config)
    flags: dict[int, Flag] = {
        k: _divergence(differences[k], habits, undo, doc, config) for k in misread}
    # … and not from the differences that are surely the transcription's: three planted ``8`` for
    # ``3`` in one document make no habit of ``3``→``8``. Those that relied on such a habit are
    # scored again without it.
    confirmed = Counter(e for k in misread if flags[k].score >= config.high_score for e in differences[k].edits)
    if confirmed:
        habits -= confirmed
        undo = _habit_undo(habits, config)
        for k in misread:
            if flags[k].score < config.high_score and confirmed.keys() & set(differences[k].edits):
                flags[k] = _divergence(differences[k], habits, undo, doc, config)
    # A passage the transcriber marked as unread (``~~~``) stands at the place of the OCR's words, or
    # right beside them when the alignment puts the mark and the words apart.
    unread = [_marks_unread(d.transcript_text) for d in differences]
    for k, (t_words, o_words) in enumerate(words_in):
        pivot = min(config.confidence_pivot,
                    alignment.page_confidence.get(differences[k].page or 0, config.confidence_pivot))
        written = (writing or {}).get(differences[k].page or 0, ())
        if t_words and not o_words:
            flags[k] = _insertion(differences[k], omitted, alignment.translation_keys, pivot, undo, written, config)
        elif o_words and not t_words:
            marked = any(unread[max(0, k - 1):k + 2])
            flags[k] = _omission(differences[k], markup, added, undo, pivot, marked, lex, written, config)
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


def _divergence(d: Difference, habits: Counter[Edit], undo: dict[str, str], doc: _Document,
                config: DivergenceConfig) -> Flag:
    """``undo``: the letters each letter the OCR reads habitually stands for (``_habit_undo`` of
    ``habits``)."""
    t = d.transcript_text
    typed = _typed_digit_term(t, d.ocr_text, d.edits, config)
    if typed is not None:
        ev = _Evidence((typed,), config.weight_prior)
        return _flag("transcription_divergence", d, ev, config,
                     f"The scan reads `{d.ocr_text}` ({typed[1]}); the transcription has `{t}`.", d.ocr_text)
    own = Counter(d.edits)
    habitual = {e for e in own if habits[e] - own[e] >= config.habit_min_count}
    # A letter or digit read as a mark (a blot, a broken glyph) says nothing about the page's text:
    # the reading keeps the transcription's character there, as for the OCR's habits.
    blots = {(a, b) for a, b in own if a.isalnum() and glyph_class(b) == "mark" and b.strip()}
    unexplained = own.keys() - habitual
    scan = _scan_reading(d, habitual | blots)
    if unexplained - blots:
        unexplained -= blots
    terms: list[tuple[float, str]] = []
    # The confidence that matters is that of the words where the unexplained edits are.
    suspect = {k for e, k in zip(d.edits, d.edit_words, strict=True) if e not in habitual and k >= 0}
    verdict, dictionary = _dictionary_terms(t, scan, doc.lexicon, config)
    # The scan reads a word form where the transcription has none: the OCR did not make that word up
    # however unsure it was, and its habits explain its reading only if the page could say the
    # transcription's non-word, which a typed page rarely does.
    reads_word = verdict == "scan"
    if verdict in ("neither", "none") and (repaired := _repair(t, scan, doc.lexicon)):
        # Neither reading is a word, but one of the OCR's letters makes the transcription's word one
        # (``Морозава`` against ``И..орозова``): the page most likely says that word, and the
        # OCR's other differences are its noise.
        word, fixed = repaired
        dictionary = [(config.weight_repaired, f"`{fixed}`, with the scan's letter, is a word form, "
                                               f"while `{word}` is not")]
        scan, reads_word = fixed, True
    elif verdict in ("neither", "none") and (read_back := _habit_repair(t, scan, undo, doc.lexicon)):
        # Neither reading is a word, but the OCR's reading is one with a letter read back as what
        # it reads that letter for elsewhere on these pages: the page says that word, and the
        # transcription's non-word is not the OCR's habit.
        word, fixed = read_back
        dictionary = [(config.weight_repaired, f"`{fixed}`, the scan's reading with the OCR's habit undone, "
                                               f"is a word form, while `{word}` is not")]
        reads_word = True
    elif verdict in ("neither", "none") and (own_spelling := _own_spelling(t, scan, doc.vocabulary, doc.lexicon)):
        word, read = own_spelling
        dictionary = [(config.weight_own_spelling, f"the transcription writes `{read}` elsewhere, and `{word}` "
                                                   "only here, where the scan differs from it")]
        reads_word = True
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
        elif (letters == 1 and len(_alnum(t)) == len(_alnum(scan)) and not _case_or_accent(own.keys() - habitual)
              and (_confidence(d, suspect) or 0.0) >= config.sure_confidence):
            # At the confidence of a clean page's surest words the OCR seldom reads one letter for
            # another so that it makes another word; a transcriber's key does. Not a letter's case
            # or accent, which the OCR gets wrong surely enough.
            terms.append((config.weight_sure_swap, "a letter for another read surely, making another word"))
        terms += _inflection_terms(t, scan, config)
        terms += _frequency_terms(t, scan, doc.lexicon, config)
    terms += _token_terms(d, doc.lexicon, config)
    mixed = _mixed_script_terms(t, scan, config)
    terms += mixed
    terms += _year_terms(t, scan, doc.years, config)
    terms += _impossible_date_terms(d, scan, config)
    terms += _translation_terms(d, scan, doc.translation, config)
    letters = {a.lower() for a, _ in unexplained}
    # A letter of another script in a word is the transcriber's key, not one the OCR cannot read;
    # nor is a letter read as neither its modern spelling nor one the OCR reads for it elsewhere
    # (``і`` read once as ``с``, not as ``и``): the page may say that letter.
    stand_ins = all(not b or b == modern_spelling(a) or habits[(a, b)] > own[(a, b)] for a, b in unexplained)
    if letters and letters <= doc.blind.keys() and not mixed and stand_ins:
        first = min(letters)
        terms.append((config.weight_blind_spot, f"the OCR reads `{first}` nowhere on these pages, though the "
                                                f"transcription has it {doc.blind[first]} times"))
    terms += _pass_terms(d, suspect, config)
    terms += _choice_terms(d, config)
    if own and not unexplained:
        worst = min(own, key=lambda e: habits[e])
        weight = config.weight_habit_against_word if reads_word else config.weight_habit
        terms.append((weight, f"`{_show(worst[0])}`→`{_show(worst[1])}` is an edit the OCR makes "
                               f"{habits[worst]} times in this document"))
    if not unread:
        shape = _shape_terms(t, scan, unexplained, len(d.edits), config)
        if shape and shape[0][0] == config.weight_lost_letters and _no_room_for_lost(d, scan, config):
            shape = [(config.weight_no_room_for_lost, "the next word stands a space away: there is no room "
                                                      "for the letters the OCR lacks at the end")]
        terms += shape
    ev = _Evidence(tuple(terms), config.weight_prior)
    message = f"The scan reads `{scan}`"
    message += f" ({', '.join(ev.strongest(2))})" if ev.strongest(2) else ""
    message += f"; the transcription has `{t}`."
    return _flag("transcription_divergence", d, ev, config, message, scan)


def _case_or_accent(edits: set[Edit]) -> bool:
    """Whether an edit of ``edits`` changes a letter into another case of itself, or into itself
    with another accent or none (``u``/``ü``, ``n``/``N``, ``é``/``E``)."""
    def base(c: str) -> str:
        return unicodedata.normalize("NFD", c)[:1].lower()

    return any(a.isalpha() and b.isalpha() and (a.isupper() != b.isupper() or base(a) == base(b))
               for a, b in edits)


def _omission(
    d: Difference, markup_texts: Sequence[str], added: Sequence[str], undo: dict[str, str], pivot: float,
    marked_unread: bool, lex: Lexicon, written: Sequence[BBox], config: DivergenceConfig,
) -> Flag:
    """``pivot``: the confidence from which an OCR word reads clearly on this page; ``marked_unread``:
    the transcription marks a passage it could not read there; ``written``: the boxes of the
    writing on the page (``find_divergences``)."""
    o = d.ocr_text
    tokens = [w for w in d.words if _alnum(w.word.text)]
    # Over several words the typical confidence counts, not one smudged word's.
    confs = sorted(w.word.confidence for w in tokens)
    n_clear = sum(_reads_clearly(w.word.text, w.word.confidence, undo, pivot, lex, config) for w in tokens)
    clear = n_clear / len(tokens) if tokens else 0.0
    in_line = _in_line_between(d, tokens, undo, written, config)
    # Text that reads clearly as words throughout (a long word form at a low confidence too) is no
    # noise for the OCR being unsure of it, as for a misreading that is a word form; nor is a word
    # of a line, however garbled.
    terms = [_confidence_term(confs[len(confs) // 2] if confs else _confidence(d), config, pivot=pivot,
                              floor=0.0 if clear == 1 or in_line else None)]
    if not tokens:
        terms.append((config.weight_punctuation_only, "only punctuation or specks"))
    elif not in_line or clear > 0.5:
        terms.append(((clear - 0.5) * 2 * config.weight_omitted_words, f"{clear:.0%} of it read clearly as words"))
    # Length and digits count only for text that reads as text, not for a run of specks and shards.
    # A run of several clear words is text even if the rest of it is smudged: OCR noise does not
    # invent three dictionary words in a row.
    reads = clear >= 0.5 or n_clear >= 3
    if reads and any(c.isdigit() for c in o):
        terms.append((config.weight_digits / 2, "it contains digits"))
    if reads and len(tokens) >= 3:
        terms.append((config.weight_omitted_line, f"{len(tokens)} words"))
    elif in_line:
        terms.append((config.weight_word_in_line, "the OCR read it in the line, between the two words the "
                                                  "transcription has side by side"))
    # What follows can only lower the score: look only when there is something to lower.
    if _Evidence(tuple(terms), config.weight_prior).score < config.low_score:
        pass
    elif marked_unread:
        terms.append((config.weight_markup_text, "the transcription marks the passage as unread there"))
    elif _matches_any(o, markup_texts, config.same_text_min):
        terms.append((config.weight_markup_text, "it is text the transcription gives as markup (handwriting, stamp)"))
    elif _matches_any(o, added, config.same_text_min, moved=True):
        terms.append((config.weight_moved, "the transcription has it nearby, in another order"))
    ev = _Evidence(tuple(terms), config.weight_prior)
    message = f"The scan shows `{_clip(o)}` ({', '.join(ev.strongest(2))}); the transcription lacks it."
    return _flag("omission", d, ev, config, message, o)


#: What transcribers write for a passage they could not read: ``~~~``, ``___``, ``???``, ``…``,
#: ``[...]``, ``[?]``.
_UNREAD_MARK = re.compile(r"[~_?]{2,}|…|\.{3,}|\[\s*(?:\.{3}|…|\?+)\s*\]")


def _marks_unread(text: str) -> bool:
    """Whether ``text`` is nothing but the marks of passages the transcriber could not read."""
    tokens = text.split()
    return bool(tokens) and all(_UNREAD_MARK.fullmatch(t.strip(",;:")) for t in tokens)


def _insertion(d: Difference, omitted: Sequence[str], translation: frozenset[str], pivot: float,
               undo: dict[str, str], written: Sequence[BBox], config: DivergenceConfig) -> Flag:
    """``pivot``: the confidence from which an OCR word reads clearly on this page; ``undo``: the
    letters each letter the OCR reads habitually stands for (``_habit_undo``); ``written``: the
    boxes of the writing on the page (``find_divergences``)."""
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
        else:
            terms += _clear_context_terms(d, pivot, undo, written, config)
    # A word written twice in a row is a doubling, whatever the scan shows elsewhere: the same word
    # left out at another place (or read there in pieces) is more often chance than a move.
    if (not (doubled and len(t.split()) == 1)
            and _Evidence(tuple(terms), config.weight_prior).score >= config.low_score
            and _matches_any(t, [o.lower() for o in omitted if _capitals(t) or not _capitals(o)],
                             config.same_text_min if len(t.split()) > 1 else config.moved_word_min, moved=True)):
        terms.append((config.weight_moved, "the scan has it at another place"))
    ev = _Evidence(tuple(terms), config.weight_prior)
    message = f"The transcription has `{_clip(t)}`, which the scan does not show here ({ev.strongest(1)[0]})."
    return _flag("insertion", d, ev, config, message, "")


def _capitals(text: str) -> bool:
    """Whether ``text`` is written in capitals (two letters or more, all of them capitals). Text moved
    keeps its case: a letterhead's word in capitals on the scan is not the transcription's word in
    small letters written at another place. (The OCR may read capitals as small letters, not
    small letters as a word of capitals.)"""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _clear_context_terms(d: Difference, pivot: float, undo: dict[str, str], written: Sequence[BBox],
                         config: DivergenceConfig) -> list[tuple[float, str]]:
    """Words only the transcription has, where the OCR read the words on either side clearly (by
    the standard of the page: ``config.confidence_spread`` above ``pivot``) and nothing between: a
    word the OCR skips is mostly faint or smudged, and so are its neighbours. Or where, whatever the
    confidences, the two words stand so close on the scan that the words cannot stand between."""
    words = [w.word for w in d.context if _alnum(w.word.text)]
    if len(words) < 2 or not any(c.isalpha() for c in d.transcript_text):
        return []
    # The words on either side must be the transcription's own neighbours, read (about) as it has them:
    # where the OCR's text is out of step with the transcription (a line it missed, lines in
    # another order), the words either side of a gap are no witness that nothing stands between.
    # One of the two may be misread beyond the OCR's habits (a smudged word), if it is still about
    # the transcription's word: then only the room between them tells, not the confidences. Not a
    # box much taller than the other word's: that is one the OCR drew round a blot, the added
    # word and all, and its few letters are alike to a short word by chance.
    same = (_same_word(words[0].text, d.before, undo, config, piece="tail"),
            _same_word(words[-1].text, d.after, undo, config, piece="head"))
    heights = [w.bbox[3] - w.bbox[1] for w in (words[0], words[-1])]
    near = [s or h <= config.blot_height * min(heights) and fuzz.ratio(_alnum(w.text), _alnum(t)) >= config.witness_min
            for s, h, w, t in zip(same, heights, (words[0], words[-1]), (d.before, d.after), strict=True)]
    if not (same[0] and near[1] or same[1] and near[0]):
        return []
    if any(_between(box, words[0].bbox, words[-1].bbox) for box in written):
        return [(config.weight_writing_between, "the scan has handwriting, a signature or a stamp there, which "
                                                "the OCR does not read")]
    lowest = min(w.confidence for w in words)
    if all(same) and lowest >= pivot + config.confidence_spread:
        return [(config.weight_clear_context, f"the OCR read the words on either side clearly (confidence "
                                              f"{lowest:.0f} at least) and nothing between")]
    if _no_room(words[0], words[-1], len(_alnum(d.transcript_text)), config):
        return [(config.weight_clear_context, "the words on either side stand a space apart on the scan: "
                                              "there is no room for it")]
    return []


#: Marks that end the first part of a word broken at a line's end.
_BREAK_MARKS = frozenset("-=¬\u00ad\u2010\u2011\u2e17")


def _in_line_between(d: Difference, tokens: Sequence[PlacedWord], undo: dict[str, str], written: Sequence[BBox],
                     config: DivergenceConfig) -> bool:
    """Whether the word or two only the scan has stand in a line of text, between the OCR's words
    that are the transcription's neighbours there (read as it has them), as tall as they: a
    word of that line, however garbled the OCR's reading of it. OCR noise makes its words of
    specks and blots beside or across the lines, not of a word's size between two read words."""
    around = [w.word for w in d.context if _alnum(w.word.text)]
    if not 1 <= len(tokens) <= 2 or len(around) != 2 or any(len(_alnum(w.word.text)) < 3 for w in tokens):
        return False
    # Read as the transcription has them: letter for letter but for the OCR's habits, or alike
    # and not the rest of a word the OCR split (`re port`), whose first part is then no word of
    # its own.
    left, right = around
    whole = (_whole_neighbour(left.text, tokens[0].word.text, d.before, undo, config, piece="tail"),
             _whole_neighbour(right.text, tokens[-1].word.text, d.after, undo, config, piece="head"))
    # One neighbour may be read worse (`wsa` for `was`), down to ``witness_min``, if the
    # word or two are no part of it that the OCR read apart, and look like a word: letters only,
    # ``omission_letters_min`` of them or more (the shards of a blot are shorter or mixed with digits).
    shaped = all(len(k := _alnum(w.word.text)) >= config.omission_letters_min and k.isalpha() for w in tokens)
    worse = [shaped and fuzz.ratio(_alnum(w.text), _alnum(t)) >= config.witness_min
             and _read_apart(w.text, beside, t, piece)
             for w, beside, t, piece in ((left, tokens[0].word.text, d.before, "tail"),
                                         (right, tokens[-1].word.text, d.after, "head"))]
    if not (whole[0] and (whole[1] or worse[1]) or whole[1] and worse[0]):
        return False
    if len({(w.block, w.paragraph, w.line) for w in (left, *(t.word for t in tokens), right)}) != 1:
        return False
    # Beside its neighbours, not across them: a word's end read twice (`exprim` `imé`) overlaps it.
    if tokens[0].word.bbox[0] < left.bbox[2] or tokens[-1].word.bbox[2] > right.bbox[0]:
        return False
    # No taller than its neighbours, within the height ascenders and descenders add to a word:
    # a box round a blot and a letter or two is. A word of x-height letters is shorter than they.
    tallest = max(w.bbox[3] - w.bbox[1] for w in (left, right))
    if any(w.word.bbox[3] - w.word.bbox[1] > config.blot_height * tallest for w in tokens):
        return False
    return not any(_between(box, left.bbox, right.bbox) for box in written)


def _whole_neighbour(read: str, beside: str, written: str, undo: dict[str, str], config: DivergenceConfig,
                     piece: str) -> bool:
    """Whether the OCR's ``read`` is the transcription's ``written`` (``_same_word``) as a word of
    its own: read exactly but for the OCR's habits, or alike with its end towards the place
    (``piece`` ``"tail"``: its last letter; ``"head"``: its first) read as written, and no more
    like ``written`` with the OCR's word ``beside`` it joined to it. Else it may be the rest of a
    word the OCR split, ``beside`` its first part, however misread (`ina chine` for `machine`)."""
    if _same_word(read, written, undo, config, piece=piece, alike=False):
        return True
    a, b = _alnum(read), _alnum(written)
    if not (a and b and _same_word(read, written, undo, config)):
        return False
    end = -1 if piece == "tail" else 0
    if not _reads_as(a[end], b[end], undo, config, alike=False):
        return False
    return _read_apart(read, beside, written, piece)


def _read_apart(read: str, beside: str, written: str, piece: str) -> bool:
    """Whether the OCR's ``read`` is more like the transcription's ``written`` than it is with the
    OCR's word ``beside`` joined to it (at its end for ``piece`` ``"tail"``, at its start for
    ``"head"``): ``beside`` is then no part of that word that the OCR read apart."""
    a, b = _alnum(read), _alnum(written)
    joined = _alnum(beside + read if piece == "head" else read + beside)
    return fuzz.ratio(a, b) > fuzz.ratio(joined, b)


def _between(box: BBox, left: BBox, right: BBox) -> bool:
    """Whether ``box`` stands between two words that follow each other, ``left`` and ``right``: its
    centre lies between their lines (anywhere across the page: a signature below the closing
    words runs out to the right), or, when they stand on one line, on that line between them."""
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    if min(left[3], right[3]) > max(left[1], right[1]):  # one line
        return min(left[0], right[0]) <= cx <= max(left[2], right[2]) and max(left[1], right[1]) <= cy \
            <= min(left[3], right[3])
    return left[1] <= cy <= right[3]


def _same_word(read: str, written: str, undo: dict[str, str], config: DivergenceConfig, piece: str = "",
               alike: bool = True) -> bool:
    """Whether the OCR's ``read`` is the transcription's ``written``, read about as it is written:
    ``config.same_text_min`` alike, or apart only by the OCR's habits in this document (``undo``:
    the letters each letter it reads habitually stands for; old print's `надъ`, read `надЬ`, is
    still that word, though two of its three letters are left). ``piece`` ``"tail"`` / ``"head"``:
    ``read`` may also be the end / the start of ``written``, the part of a word broken at a line's
    end that stands beside the place (the transcription joins ``con-`` / ``tract``; the OCR reads
    the two parts as words of their own lines). ``alike`` False: only the habits, not similarity,
    may keep the two apart."""
    a, b = _alnum(read), _alnum(written)  # lower-cased
    if _reads_as(a, b, undo, config, alike):
        return True
    # A piece of two letters matches some word's end or start by chance too often, unless it ends
    # in the hyphen that breaks the word (``по-``, ``ra=``).
    shortest = 2 if piece == "head" and read.rstrip()[-1:] in _BREAK_MARKS else 3
    if piece and shortest <= len(a) < len(b):
        return _reads_as(a, b[len(b) - len(a):] if piece == "tail" else b[:len(a)], undo, config, alike)
    return False


def _reads_as(a: str, b: str, undo: dict[str, str], config: DivergenceConfig, alike: bool) -> bool:
    """``_same_word`` on two lower-cased keys, whole. Alike counts with the OCR's habits read back
    (``шоварнщ`` for ``товарищ``, ``ш`` its habit for ``т``, is alike but for ``н``)."""
    stands_for = {k.lower(): v.lower() for k, v in undo.items()}
    if len(a) == len(b):
        a = "".join(y if y in stands_for.get(x, "") else x for x, y in zip(a, b, strict=True))
    if alike and fuzz.ratio(a, b) >= config.same_text_min:
        return True
    return bool(a) and a == b


def _no_room_for_lost(d: Difference, scan: str, config: DivergenceConfig) -> bool:
    """Whether the one word the OCR read with letters fewer than the transcription's (``scan``: its
    reading with the OCR's habits taken out), missing at its end, stands from the next word of its
    line no further than from the word before it, give or take ``no_room_share`` of those letters'
    width at the word's own letter width (pixels per character of its box): letters too faint to
    read still take their room on the page.

    Nothing is said where the word has no neighbours with letters or digits on its line (a mark
    beside it may be the lost letter, `|` for `l`), ends in a mark (the letters would stand behind
    it, inside its box), or has fewer than three letters read; nor for letters missing at a word's
    start, which the OCR mostly reads as a piece of its own (`ma chine`)."""
    if len(d.words) != 1 or len(d.transcript_text.split()) != 1:
        return False
    word = d.words[0].word
    t, o = _alnum(d.transcript_text), _alnum(scan)
    lost = len(t) - len(o)
    if lost <= 0 or len(o) < 3 or not t.startswith(o) or not word.text[-1].isalnum():
        return False
    line = [w.word for w in d.context if _alnum(w.word.text)
            and (w.word.block, w.word.paragraph, w.word.line) == (word.block, word.paragraph, word.line)]
    left = [w.bbox[2] for w in line if w.bbox[2] <= word.bbox[0]]
    right = [w.bbox[0] for w in line if w.bbox[0] >= word.bbox[2]]
    if not right:
        return False
    pitch = (word.bbox[2] - word.bbox[0]) / len(word.text)
    normal = word.bbox[0] - max(left) if left else pitch
    return min(right) - word.bbox[2] < normal + config.no_room_share * lost * pitch


def _no_room(left: OcrWord, right: OcrWord, letters: int, config: DivergenceConfig) -> bool:
    """Whether two words of one line stand too close for ``letters`` letters between them: their gap
    (pixels) is under ``no_room_share`` of the width those letters take at the two words' own
    letter width (box width per character)."""
    if (left.block, left.paragraph, left.line) != (right.block, right.paragraph, right.line):
        return False
    widths = [(w.bbox[2] - w.bbox[0]) / len(w.text) for w in (left, right) if len(w.text) >= 2]
    # Boxes that overlap leave no room at all; a right word that starts left of the left one is
    # out of order, no witness.
    if right.bbox[0] < left.bbox[0] or not widths:
        return False
    gap = max(0, right.bbox[0] - left.bbox[2])
    return gap < config.no_room_share * letters * min(widths)


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
