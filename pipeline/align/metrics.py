"""Character and word error rates, edit counts and the confusion table.

CER is the Levenshtein distance between the texts' grapheme clusters divided by the number of
clusters in the reference, as in dinglehopper, so the two agree; the differences are documented at
``text_metrics``. The distance comes from rapidfuzz's bit-parallel Levenshtein with a score hint,
which keeps a 300k-character pair well under a second (see ``bench/RESULTS.md``).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence

from rapidfuzz.distance import Levenshtein

from pipeline.align.equivalences import apply_equivalences
from pipeline.align.words import words
from pipeline.model import Metrics

#: Characters that extend the grapheme cluster before them: combining marks, variation selectors and
#: the zero-width joiner with the character after it.
_EXTEND = r"[\u0300-\u036f\u0483-\u0489\u0591-\u05bd\u0610-\u061a\u064b-\u065f\u0900-\u0903" \
    r"\u093a-\u094f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe00-\ufe0f\ufe20-\ufe2f\U000e0100-\U000e01ef]"
_CLUSTER = re.compile(rf"\r\n|(?:.(?:{_EXTEND}|\u200d.)*)", re.S)
_HAS_EXTEND = re.compile(rf"{_EXTEND}|\u200d|\r\n")
#: First code point of the private-use plane used to stand in for multi-character clusters.
_PRIVATE = 0xF0000


def as_clusters(text: str, table: dict[str, str] | None = None) -> str:
    """``text`` with each multi-character grapheme cluster replaced by one private-use character.

    Then a string's ``len`` and any per-character edit distance count grapheme clusters. ``table``
    maps clusters to their stand-ins and is shared between the texts compared, so that the same
    cluster gets the same stand-in in both. Text without combining marks is returned unchanged.
    """
    if not _HAS_EXTEND.search(text):
        return text
    table = {} if table is None else table
    out = []
    for m in _CLUSTER.finditer(text):
        c = m.group(0)
        if len(c) > 1:
            c = table.setdefault(c, chr(_PRIVATE + len(table)))
        out.append(c)
    return "".join(out)


def score_hint(a: Sequence[object], b: Sequence[object]) -> int:
    """A guess of the edit distance for rapidfuzz's banded search (it widens the band if wrong).

    OCR text is usually within a few percent of its reference; 5% of the longer text, and never less
    than the difference in length, costs one or two widenings at most when the guess is low.
    """
    return max(abs(len(a) - len(b)), (max(len(a), len(b)) + 19) // 20, 8)


#: One Levenshtein opcode: (tag, r0, r1, h0, h1), tag ``equal``/``replace``/``delete``/``insert``.
Opcode = tuple[str, int, int, int, int]


def opcodes(reference: Sequence[object], hypothesis: Sequence[object]) -> list[Opcode]:
    """Levenshtein opcodes ``(tag, r0, r1, h0, h1)`` turning ``reference`` into ``hypothesis``.

    Of the alignments with the fewest edits, one that pairs characters of a kind (letter, digit,
    space, mark) where a stretch mixes kinds: ``14,`` against ``15th`` is ``4``→``5`` and ``,``→``th``,
    not an inserted ``5`` and ``4``→``t``, which would read as a digit lost and a letter for a digit.
    """
    ops = Levenshtein.opcodes(reference, hypothesis, score_hint=score_hint(reference, hypothesis))
    plain = [(op.tag, op.src_start, op.src_end, op.dest_start, op.dest_end) for op in ops]
    out: list[Opcode] = []
    i = 0
    while i < len(plain):
        j = i
        while j < len(plain) and plain[j][0] != "equal":
            j += 1
        if j - i >= 2:
            r0, h0, r1, h1 = plain[i][1], plain[i][3], plain[j - 1][2], plain[j - 1][4]
            mixed = sum(_mixed_pairs(reference[a0:a1], hypothesis[b0:b1]) for tag, a0, a1, b0, b1 in plain[i:j]
                        if tag == "replace")
            if mixed and max(r1 - r0, h1 - h0) <= _KIND_ALIGN_MAX:
                refined, fewer = _kind_opcodes(reference[r0:r1], hypothesis[h0:h1])
                out += ([(tag, a0 + r0, a1 + r0, b0 + h0, b1 + h0) for tag, a0, a1, b0, b1 in refined]
                        if fewer < mixed else plain[i:j])
            else:
                out += plain[i:j]
            i = j
        else:
            out.append(plain[i])
            i += 1
    return _merged(out)


def _merged(ops: list[Opcode]) -> list[Opcode]:
    """``ops`` with neighbours of one tag joined into one opcode."""
    out: list[Opcode] = []
    for op in ops:
        if out and out[-1][0] == op[0]:
            out[-1] = (op[0], out[-1][1], op[2], out[-1][3], op[4])
        else:
            out.append(op)
    return out


#: Longest stretch (characters) of edits that ``opcodes`` re-aligns by kind; longer ones stay as
#: rapidfuzz aligns them (a garbled stretch that long has no pairing worth the quadratic cost).
_KIND_ALIGN_MAX = 24


def glyph_class(c: str) -> str:
    """``letter``, ``number`` (a digit or ``№``) or ``mark`` (anything else, space too)."""
    return "letter" if c.isalpha() else "number" if c.isdigit() or c == "№" else "mark"


def _apart(x: object, y: object) -> bool:
    """Whether two items are characters of different glyph classes (other items never are)."""
    return isinstance(x, str) and isinstance(y, str) and glyph_class(x) != glyph_class(y)


def _mixed_pairs(ref: Sequence[object], hyp: Sequence[object]) -> int:
    """How many characters of ``ref`` pair with one of another kind in ``hyp`` (position by position)."""
    return sum(_apart(x, y) for x, y in zip(ref, hyp, strict=True))


def _kind_opcodes(ref: Sequence[object], hyp: Sequence[object]) -> tuple[list[Opcode], int]:
    """Opcodes of a least-edit alignment of two short stretches that, among those, pairs characters
    of different kinds least (a dynamic programme: each edit costs 1000, a pair of different kinds
    1 more), and how many such pairs it keeps."""
    n, m = len(ref), len(hyp)
    cost = [[0] * (m + 1) for _ in range(n + 1)]
    for a in range(1, n + 1):
        cost[a][0] = 1000 * a
    for b in range(1, m + 1):
        cost[0][b] = 1000 * b
    for a in range(1, n + 1):
        for b in range(1, m + 1):
            x, y = ref[a - 1], hyp[b - 1]
            pair = 0 if x == y else 1000 + _apart(x, y)
            cost[a][b] = min(cost[a - 1][b - 1] + pair, cost[a - 1][b] + 1000, cost[a][b - 1] + 1000)
    steps: list[tuple[str, int, int]] = []
    a, b = n, m
    while a or b:
        x = ref[a - 1] if a else None
        y = hyp[b - 1] if b else None
        if a and b and cost[a][b] == cost[a - 1][b - 1] + (0 if x == y else 1000 + _apart(x, y)):
            steps.append(("equal" if x == y else "replace", a - 1, b - 1))
            a, b = a - 1, b - 1
        elif a and cost[a][b] == cost[a - 1][b] + 1000:
            steps.append(("delete", a - 1, b))
            a -= 1
        else:
            steps.append(("insert", a, b - 1))
            b -= 1
    return (_merged([(tag, a, a + (tag != "insert"), b, b + (tag != "delete")) for tag, a, b in reversed(steps)]),
            cost[n][m] % 1000)


def distance(reference: Sequence[object], hypothesis: Sequence[object]) -> int:
    """Levenshtein distance (unit costs)."""
    return Levenshtein.distance(reference, hypothesis, score_hint=score_hint(reference, hypothesis))


def count_edits(
    reference: str, hypothesis: str, ops: Sequence[tuple[str, int, int, int, int]], top: int
) -> tuple[int, int, int, tuple[tuple[str, str, int], ...]]:
    """(substitutions, deletions, insertions, most frequent substitutions) of an alignment.

    Deletions are reference characters missing from the hypothesis; insertions hypothesis characters
    not in the reference; the confusion table gives ``(reference char, hypothesis char, count)``.
    """
    subs = dels = ins = 0
    pairs: Counter[tuple[str, str]] = Counter()
    for tag, r0, r1, h0, h1 in ops:
        if tag == "replace":
            subs += r1 - r0
            pairs.update(zip(reference[r0:r1], hypothesis[h0:h1], strict=True))
        elif tag == "delete":
            dels += r1 - r0
        elif tag == "insert":
            ins += h1 - h0
    confusions = tuple((a, b, n) for (a, b), n in pairs.most_common(top))
    return subs, dels, ins, confusions


def rate(errors: int, reference_length: int) -> float:
    """errors / reference length; 0 for two empty texts, and errors (as a count) over an empty one."""
    if reference_length == 0:
        return 0.0 if errors == 0 else float(errors)
    return errors / reference_length


def word_error_count(reference: str, hypothesis: str) -> tuple[int, int]:
    """(word-level edit distance, number of reference words)."""
    ids: dict[str, int] = {}
    ref = [ids.setdefault(w, len(ids)) for w in words(reference)]
    hyp = [ids.setdefault(w, len(ids)) for w in words(hypothesis)]
    return distance(ref, hyp), len(ref)


def compared_pair(reference: str, hypothesis: str, equivalences: str = "none") -> tuple[str, str]:
    """The two texts as ``text_metrics`` counts them: the equivalence set ``equivalences``
    applied (``pipeline.align.equivalences``), in NFC, each line stripped of surrounding whitespace."""
    return _plain(apply_equivalences(reference, equivalences)), _plain(apply_equivalences(hypothesis, equivalences))


def text_metrics(reference: str, hypothesis: str, top_confusions: int = 20, equivalences: str = "none") -> Metrics:
    """CER, WER, edit counts and confusion table of ``hypothesis`` (OCR) against ``reference``.

    Both texts are NFC-normalized, each line's leading and trailing whitespace is dropped (invisible
    on a page) and characters are counted as grapheme clusters: this is what dinglehopper does with
    plain-text files, and the CERs agree to the edit. No typographic normalization unless an
    equivalence set is named (``equivalences="dinglehopper"`` folds ligatures and historic letters
    as dinglehopper does; the alignment applies ``normalize``'s documented rules instead).
    Grapheme clusters are a base character with its combining marks and ZWJ sequences, not the
    full UAX #29 rules (Hangul jamo, emoji flags). The WER counts words by UAX #29 (``words``).
    """
    reference, hypothesis = compared_pair(reference, hypothesis, equivalences)
    table: dict[str, str] = {}
    ref = as_clusters(reference, table)
    hyp = as_clusters(hypothesis, table)
    ops = opcodes(ref, hyp)
    subs, dels, ins, confusions = count_edits(ref, hyp, ops, top_confusions)
    back = {v: k for k, v in table.items()}
    confusions = tuple((back.get(a, a), back.get(b, b), n) for a, b, n in confusions)
    word_errors, n_words = word_error_count(reference, hypothesis)
    return Metrics(
        cer=rate(subs + dels + ins, len(ref)),
        wer=rate(word_errors, n_words),
        reference_chars=len(ref),
        reference_words=n_words,
        substitutions=subs,
        deletions=dels,
        insertions=ins,
        confusions=confusions,
    )


def _plain(text: str) -> str:
    """NFC, lines stripped of surrounding whitespace, line breaks kept (they count as characters)."""
    text = unicodedata.normalize("NFC", text)
    return "\n".join(line.strip() for line in text.splitlines())
