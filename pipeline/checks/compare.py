"""Original against translation: dates, numbers and names of each aligned line group.

A translation keeps every date, number and name of its original, converted to its own conventions.
Within each bead (see ``bitext``) we pair what the two sides say, cancel what agrees, and report
what is left on both sides as a mismatch. A value the original has and the translation lacks in the
bead is looked for in the neighbouring beads too before anything is said: alignment is not perfect.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

from pipeline.checks.bitext import Bead
from pipeline.checks.confusion import describe, single_substitution
from pipeline.checks.dates import DateMention, explaining_confusion, same_date
from pipeline.checks.names import (
    WordMatch,
    common_english,
    cyrillic_words,
    glossary_words,
    glossed,
    latin_words,
    match_word,
    may_render,
    similarity_at_best,
)
from pipeline.checks.numbers import NumberMention
from pipeline.config import ChecksConfig
from pipeline.lang.proper_names import is_name_like, is_rendered_name
from pipeline.lang.translit import latin_key
from pipeline.model import Flag, Severity, Span


@dataclass(frozen=True)
class Side:
    """What one side of a bead says: its text and the dates and numbers found in it."""

    text: str  # the section's blanked text covered by the bead
    offset: int  # where ``text`` starts in the section
    dates: tuple[DateMention, ...]
    numbers: tuple[NumberMention, ...]


M = TypeVar("M", DateMention, NumberMention)


def _within(mentions: Sequence[M], starts: Sequence[int], span: Span | None) -> tuple[M, ...]:
    """The mentions (sorted by start, ``starts`` their starts) that lie wholly inside ``span``."""
    if span is None:
        return ()
    lo, hi = bisect_left(starts, span[0]), bisect_right(starts, span[1])
    return tuple(m for m in mentions[lo:hi] if m.span[1] <= span[1])


def sides(
    beads: Sequence[Bead],
    clean_original: str,
    clean_translation: str,
    dates: tuple[Sequence[DateMention], Sequence[DateMention]],
    numbers: tuple[Sequence[NumberMention], Sequence[NumberMention]],
) -> list[tuple[Side, Side]]:
    """For each bead, its original and translation sides with the mentions that fall in them."""
    # Sorted once and searched per bead: a long document has thousands of beads and mentions.
    found = [sorted(ms, key=lambda m: m.span) for ms in (*dates, *numbers)]
    starts = [[m.span[0] for m in ms] for ms in found]
    out = []
    for bead in beads:
        pair = []
        for side, (span, text) in enumerate(((bead.original_span, clean_original),
                                             (bead.translation_span, clean_translation))):
            start, end = span if span else (0, 0)
            ds = _within(found[side], starts[side], span)
            ns = _within(found[2 + side], starts[2 + side], span)
            pair.append(Side(text[start:end], start, ds, ns))
        out.append((pair[0], pair[1]))
    return out


def neighbourhood(pairs: Sequence[tuple[Side, Side]], index: int, reach: int) -> list[tuple[Side, Side]]:
    """The bead pairs within ``reach`` beads of ``index``, itself included: where a value the
    alignment put one bead off is looked for."""
    return list(pairs[max(0, index - reach) : index + reach + 1])


def flag(kind: str, severity: Severity, message: str, original: str, translation: str, span: Span,
          score: float, evidence: tuple[str, ...]) -> Flag:  # fmt: skip
    """A flag of the translation checks: ``original`` at ``span`` of the original, ``translation`` its
    counterpart."""
    return Flag(
        kind=kind,
        severity=severity,
        message=message,
        transcript_text=original,
        translation_text=translation,
        score=score,
        evidence=evidence,
        transcript_span=span,
    )


def date_flags(pairs: Sequence[tuple[Side, Side]], context: int, config: ChecksConfig) -> list[Flag]:
    """``date_mismatch``: a date of the original whose counterpart in the translation is another date."""
    flags = []
    for i, (orig, trans) in enumerate(pairs):
        left = [d for d in orig.dates if not any(same_date(d, t) for t in trans.dates)]
        right = [t for t in trans.dates if not any(same_date(d, t) for d in orig.dates)]
        nearby = [t for _, side in neighbourhood(pairs, i, config.neighbour_beads) for t in side.dates]
        for d in left:
            if any(same_date(d, t) for t in nearby):
                continue
            # A range written the other way round (с 10 по 15 мая ↔ May 10 to 15) moves the month.
            candidates = [
                t for t in right if t.precision == d.precision and not _range_swap(d, t, orig, trans)
            ]
            if not candidates:
                continue
            t = candidates.pop(0)
            right.remove(t)
            confusion = explaining_confusion(d, t, context)
            message = f"The transcription has {d.text} where the translation has {t.text}"
            message += f"; {describe(confusion)}." if confusion else "."
            severity = Severity.HIGH if confusion else Severity.MEDIUM
            flags.append(flag("date_mismatch", severity, message, d.text, t.text, d.span,
                               0.9 if confusion else 0.6, (f"translation: {t.text}",)))  # fmt: skip
    return flags


def _range_swap(d: DateMention, t: DateMention, orig: Side, trans: Side) -> bool:
    """True when each side's day stands as a bare number on the other side: a range, reordered."""
    return d.day in {n.value for n in trans.numbers} and t.day in {n.value for n in orig.numbers}


def _digits(value: float) -> str:
    return f"{value:g}"


def _take(pool: list[NumberMention], value: float, sign: bool | None = None) -> NumberMention | None:
    """Remove and return the first number of ``pool`` with this value (and sign, if given)."""
    for t in pool:
        if t.value == value and (sign is None or t.sign == sign):
            pool.remove(t)
            return t
    return None


def _sign_candidates(numbers: Sequence[NumberMention], text: str, offset: int) -> list[NumberMention]:
    """``numbers`` with each bare 2 followed by a space and another number joined to it as parts.

    A space-grouped number (``2 310``) already has its parts; ``2 47`` is read as two numbers and
    is joined here, so that both can meet the sign rule of ``number_flags``.
    """
    out: list[NumberMention] = []
    for n in numbers:
        prev = out[-1] if out else None
        gap = text[prev.span[1] - offset : n.span[0] - offset] if prev else ""
        if prev and prev.value == 2 and not prev.sign and not prev.parts and gap.isspace() and len(gap) <= 2:
            joined = text[prev.span[0] - offset : n.span[1] - offset]
            out[-1] = replace(prev, text=joined, span=(prev.span[0], n.span[1]), value=float(f"2{n.value:g}"),
                              parts=(2.0, n.value))  # fmt: skip
        else:
            out.append(n)
    return out


def number_flags(pairs: Sequence[tuple[Side, Side]], config: ChecksConfig) -> list[Flag]:
    """``number_mismatch``: numbers of the original the translation renders as other numbers.

    Numbers equal in value (after each language's conventions) cancel out; what is left on both
    sides is paired in order. Also the sign rule: a ``2`` right before a number whose translation
    carries the number sign (``2 310`` ↔ ``No. 310``) is the sign ``№`` misread as the digit 2.
    """
    flags = []
    for i, (orig, trans) in enumerate(pairs):
        if not trans.text:
            continue
        remaining = list(trans.numbers)
        left = []
        for n in _sign_candidates(orig.numbers, orig.text, orig.offset):
            if _take(remaining, n.value) is not None:
                continue
            if len(n.parts) == 2 and n.parts[0] == 2 and (t := _take(remaining, n.parts[1], sign=True)):
                flags.append(flag(
                    "number_mismatch", Severity.HIGH,
                    f"The transcription has {n.text} where the translation has {t.text}; the leading 2 "
                    "is most probably the sign № misread, a common typewriter/OCR confusion.",
                    n.text, t.text, n.span, 0.9, (f"translation: {t.text}",),
                ))  # fmt: skip
                continue
            values = sorted(t.value for t in remaining)
            if n.parts and all(values.count(p) >= n.parts.count(p) for p in n.parts):
                for p in n.parts:  # "2 310" was two numbers after all, and the translation has both
                    _take(remaining, p)
                continue
            left.append(n)
        nearby = {t.value for _, side in neighbourhood(pairs, i, config.neighbour_beads) for t in side.numbers}
        # The day of a date on one side may stand alone on the other (a range, reordered).
        o_days, t_days = {d.day for d in orig.dates}, {d.day for d in trans.dates}
        remaining = [t for t in remaining if t.value not in o_days]
        for n in left:
            if n.value in nearby or n.value in t_days or not remaining:
                continue
            t = remaining.pop(0)
            sub = single_substitution(_digits(n.value), _digits(t.value))
            if sub is not None and sub.known:
                severity, score, why = Severity.HIGH, 0.85, f"; {describe(sub)}."
            elif len(_digits(n.value)) == len(_digits(t.value)):
                severity, score, why = Severity.MEDIUM, 0.5, "."
            else:
                severity, score, why = Severity.LOW, 0.3, "."
            flags.append(flag("number_mismatch", severity,
                               f"The transcription has {n.text} where the translation has {t.text}{why}",
                               n.text, t.text, n.span, score, (f"translation: {t.text}",)))  # fmt: skip
    return flags


def name_flags(pairs: Sequence[tuple[Side, Side]], config: ChecksConfig) -> list[Flag]:
    """``name_mismatch``: a name or abbreviation the translation spells as another one.

    Each Russian name-like word is paired with the English word of its bead that renders it best.
    No flag when that word renders it (similarity ≥ ``name_accept``) or some English word of the
    neighbouring beads does. Otherwise it is reported when the best similarity is at least
    ``name_min`` or a one-letter look-alike swap makes it match (a misspelling, on one side or the
    other), and the English word renders no other word of the bead better. A name that nothing
    renders is reported beside an English name of its bead that renders nothing either (the
    translation names another person): an English name is a capitalised word that is not a common
    English word (``english_words``).
    """
    flags = []
    schemes, accept = config.translit_schemes, config.name_accept
    for i, (orig, trans) in enumerate(pairs):
        # Words of a date (November, May) are no names, even though the word list capitalises them.
        in_dates = [(d.span[0] - trans.offset, d.span[1] - trans.offset) for d in trans.dates]
        english = [m.group(0) for m in latin_words(trans.text) if len(latin_key(m.group(0))) >= 2
                   and not any(a <= m.start() < b for a, b in in_dates)]  # fmt: skip
        words = [(m.group(0), m.start()) for m in cyrillic_words(orig.text) if is_name_like(m.group(0))]
        words = [(w, at) for w, at in words if not glossed(w, trans.text)]
        if not english or not words:
            continue
        around = neighbourhood(pairs, i, config.neighbour_beads)
        nearby_english = [e.group(0) for side in around for e in latin_words(side[1].text)]
        best = {w: _best_rendering(w, english, config) for w, _ in words}
        unrendered = []
        for w, at in words:
            m = best[w]
            if m is not None and m.similarity >= accept:
                continue
            span = (orig.offset + at, orig.offset + at + len(w))
            if m is None or (m.similarity < config.name_min and not m.corrected):
                # Not rendered here, even if a neighbour names the same person: only reported if an
                # English name of this bead is unaccounted for, too.
                if is_rendered_name(w):
                    unrendered.append((w, span))
                continue
            if any(similarity_at_best(w, e, schemes)[0] >= accept
                   for e in nearby_english if may_render(w, e, schemes)):  # fmt: skip
                continue
            rival = max((b.similarity for o, b in best.items()
                         if b and o != w and b.translation == m.translation), default=0.0)  # fmt: skip
            if rival <= m.similarity:
                flags.append(_misspelt_name(m, span))
        if unrendered:
            here = [c.group(0) for c in cyrillic_words(orig.text) if is_name_like(c.group(0))]
            # A neighbour's name can account for an English name here only if its own bead does not
            # render it: then the alignment put the two a bead apart.
            nearby_russian = [
                c.group(0) for o_side, t_side in around if o_side is not orig
                for c in cyrillic_words(o_side.text)
                if is_name_like(c.group(0)) and not _rendered_in(c.group(0), t_side.text, config)
            ]  # fmt: skip
            names = _unaccounted_names(english, here, nearby_russian, config)
            for (w, span), e in zip(unrendered, names, strict=False):
                flags.append(flag("name_mismatch", Severity.MEDIUM,
                                   f"The transcription names {w} where the translation names {e}; "
                                   "neither spelling renders the other.",
                                   w, e, span, 0.5, (f"translation: {e}",)))  # fmt: skip
    return flags


def _rendered_in(word: str, translation_text: str, config: ChecksConfig) -> bool:
    """True when some word of ``translation_text`` renders ``word`` at least ``name_min``."""
    schemes = config.translit_schemes
    return any(
        may_render(word, e.group(0), schemes)
        and similarity_at_best(word, e.group(0), schemes)[0] >= config.name_min
        for e in latin_words(translation_text)
    )


def _unaccounted_names(
    english: Sequence[str], here: Sequence[str], nearby: Sequence[str], config: ChecksConfig
) -> list[str]:
    """English names of a bead that no Russian name renders, in order.

    An English name (see ``_looks_like_name``; not a common word nor a glossary rendering) is
    accounted for by each Russian name-like word of the bead (``here``) that renders it at least
    ``name_min``, one occurrence each: a name written twice in English but once in Russian leaves
    one over. A name no word of the bead renders is also accounted for by the neighbouring beads'
    words (``nearby``: those their own beads leave unrendered), in case the alignment put it one
    bead off.
    """
    schemes = config.translit_schemes
    common, glossed_english = common_english(config.english_words), glossary_words()
    candidates = [e for e in english if _looks_like_name(e) and e.lower() not in common | glossed_english]

    def renders(russian: str, e: str) -> bool:
        return (
            may_render(russian, e, schemes) and similarity_at_best(russian, e, schemes)[0] >= config.name_min
        )

    out = []
    for e in dict.fromkeys(candidates):
        count = candidates.count(e)
        rendered = sum(renders(r, e) for r in here)
        if rendered == 0 and any(renders(r, e) for r in nearby):
            continue
        out += [e] * max(0, count - rendered)
    return out


def _looks_like_name(word: str) -> bool:
    # Capitalised (Sokolov), or in capitals and longer than an abbreviation (SOKOLOV, not USSR).
    return len(word) >= 3 and word[0].isupper() and (not word.isupper() or len(word) > 5)


def _best_rendering(word: str, english: Sequence[str], config: ChecksConfig) -> WordMatch | None:
    """The English word that renders ``word`` best, a look-alike swap outranking mere similarity."""
    schemes = config.translit_schemes
    options = sorted(
        (e for e in english if may_render(word, e, schemes)),
        key=lambda e: similarity_at_best(word, e, schemes)[0],
        reverse=True,
    )
    # Look-alike swaps are tried on the closest few words only: each costs a comparison per letter.
    matches = [match_word(word, e, schemes, config.name_accept) for e in options[:3]]
    return max(matches, key=_rank) if matches else None


def _misspelt_name(m: WordMatch, span: Span) -> Flag:
    message = f"The transcription has {m.original} where the translation has {m.translation}"
    if m.corrected and m.swap:
        a, b = m.swap
        message += f"; {m.corrected} would match it, and {a} and {b} are a common typewriter/OCR confusion."
        severity, score = Severity.HIGH, 0.9
    else:
        message += f", which does not render it (similarity {m.similarity:.2f})."
        severity, score = Severity.MEDIUM, round(m.similarity, 2)
    return flag("name_mismatch", severity, message, m.original, m.translation, span, score,
                 (f"translation: {m.translation}", f"compared as: {m.lemma}"))  # fmt: skip


def _rank(m: WordMatch) -> tuple[bool, float]:
    # A pair a look-alike swap explains outranks a merely similar one.
    return (m.corrected is not None, m.similarity)
