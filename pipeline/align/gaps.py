"""Aligning the transcription with the OCR between two anchors: word by word where the runs are short
(each word paired with the reading that shares most of its letters, or with two readings run
together), character by character otherwise."""

from __future__ import annotations

import re

import numpy as np
from rapidfuzz.distance import Indel, Levenshtein
from rapidfuzz.process import cdist

from pipeline.align import anchors as anchoring
from pipeline.align.metrics import Opcode, glyph_class, opcodes
from pipeline.align.normalize import word_offsets

#: A word with the space after it.
_UNIT = re.compile(r"[^ ]+ ?| ")
#: Cost of leaving a word unpaired when pairing the words of a run of differences: two words pair
#: when their normalized edit distance is below twice this (they share over ~10% of their letters).
_UNPAIRED = 0.45
#: Added to the cost of pairing one word with two run together: about what leaving the extra piece
#: unpaired costs, so the join wins only when the joined reading matches clearly better.
_JOIN_PENALTY = 0.5
#: Cost of pairing two different one-character words of the same class (digit or ``№``, letter).
_SAME_CLASS = 0.5
#: Largest run (ref words × OCR words) paired word by word; a longer one is aligned by characters.
_MAX_PAIRING = 4000


def align_between_anchors(ref: str, hyp: str, chain: list[anchoring.Anchor]) -> list[Opcode]:
    """Opcodes of ``ref`` → ``hyp``, computed gap by gap between anchored words.

    ``chain`` pairs word indices (hyp word, ref word); each gap runs from one anchor's first character
    to the next one's, on both sides, and is aligned by ``_align_gap``.
    """
    ref_starts, _ = word_offsets(ref)
    hyp_starts, _ = word_offsets(hyp)
    cuts = [(0, 0)] + [(int(ref_starts[j]), int(hyp_starts[i])) for i, j in chain] + [(len(ref), len(hyp))]
    ops: list[Opcode] = []
    for (r0, h0), (r1, h1) in zip(cuts, cuts[1:], strict=False):
        if r0 == r1 and h0 == h1:
            continue
        for tag, a0, a1, b0, b1 in _align_gap(ref[r0:r1], hyp[h0:h1]):
            op = (tag, a0 + r0, a1 + r0, b0 + h0, b1 + h0)
            if ops and ops[-1][0] == tag == "equal":
                ops[-1] = ("equal", ops[-1][1], op[2], ops[-1][3], op[4])
            else:
                ops.append(op)
    return ops


def _align_gap(ref: str, hyp: str) -> list[Opcode]:
    """Opcodes of a gap, words first: a character alignment alone spreads a dropped line over the
    letters it happens to share with its neighbours; aligning words first keeps it whole.

    Words equal on both sides are kept; each run of unequal words is paired word to word where the
    words are alike (``_pair_words``), and only paired words are aligned character by character.
    """
    ref_units, hyp_units = _units(ref), _units(hyp)
    if not ref_units or not hyp_units:
        return opcodes(ref, hyp)
    ids: dict[str, int] = {}
    ref_keys = [ids.setdefault(ref[a:b].rstrip(" "), len(ids)) for a, b in ref_units]
    hyp_keys = [ids.setdefault(hyp[a:b].rstrip(" "), len(ids)) for a, b in hyp_units]
    out: list[Opcode] = []
    ra = ha = 0  # start of the current run of unequal words
    for op in Indel.opcodes(ref_keys, hyp_keys):
        if op.tag != "equal":
            continue
        out += _align_words(ref, hyp, ref_units[ra:op.src_start], hyp_units[ha:op.dest_start],
                            _at(ref_units, ra), _at(hyp_units, ha))
        for k in range(op.src_end - op.src_start):
            out += _align_units(ref, hyp, ref_units[op.src_start + k], hyp_units[op.dest_start + k])
        ra, ha = op.src_end, op.dest_end
    out += _align_words(ref, hyp, ref_units[ra:], hyp_units[ha:], _at(ref_units, ra), _at(hyp_units, ha))
    return out


def _at(units: list[tuple[int, int]], k: int) -> int:
    """Where unit ``k`` starts (the end of the text when k is past the last unit)."""
    return units[k][0] if k < len(units) else (units[-1][1] if units else 0)


def _units(text: str) -> list[tuple[int, int]]:
    """Spans of the words of a normalized text, each with the space after it (they tile the text)."""
    return [m.span() for m in _UNIT.finditer(text)]


def _align_units(ref: str, hyp: str, r: tuple[int, int], h: tuple[int, int]) -> list[Opcode]:
    """Character opcodes of one ref unit against one hyp unit, in the coordinates of the gap."""
    (a, b), (c, d) = r, h
    if ref[a:b] == hyp[c:d]:
        return [("equal", a, b, c, d)]
    return [(tag, a0 + a, a1 + a, b0 + c, b1 + c) for tag, a0, a1, b0, b1 in opcodes(ref[a:b], hyp[c:d])]


def _align_words(
    ref: str, hyp: str, ref_units: list[tuple[int, int]], hyp_units: list[tuple[int, int]],
    r_pos: int, h_pos: int,
) -> list[Opcode]:
    """Opcodes for a run of unequal words (starting at ``r_pos`` / ``h_pos``): alike words paired,
    the others inserted or deleted whole."""
    if not ref_units and not hyp_units:
        return []
    if not hyp_units or not ref_units:
        r1 = ref_units[-1][1] if ref_units else r_pos
        h1 = hyp_units[-1][1] if hyp_units else h_pos
        return [("delete" if ref_units else "insert", r_pos, r1, h_pos, h1)]
    if len(ref_units) == len(hyp_units) == 1:
        # One word for another between words read as written: the OCR's reading of it, however
        # little the two share (``los`` read ``108``), not a word dropped beside one added.
        return _align_units(ref, hyp, ref_units[0], hyp_units[0])
    if len(ref_units) * len(hyp_units) > _MAX_PAIRING:
        (a, _), (c, _) = ref_units[0], hyp_units[0]
        b, d = ref_units[-1][1], hyp_units[-1][1]
        return [(tag, a0 + a, a1 + a, b0 + c, b1 + c) for tag, a0, a1, b0, b1 in opcodes(ref[a:b], hyp[c:d])]
    out: list[Opcode] = []
    for i0, i1, j0, j1 in _pair_words([ref[a:b] for a, b in ref_units], [hyp[c:d] for c, d in hyp_units]):
        r = (ref_units[i0][0], ref_units[i1 - 1][1]) if i1 > i0 else (r_pos, r_pos)
        h = (hyp_units[j0][0], hyp_units[j1 - 1][1]) if j1 > j0 else (h_pos, h_pos)
        if i1 > i0 and j1 > j0:
            out += _align_units(ref, hyp, r, h)
        else:
            out.append(("delete" if i1 > i0 else "insert", *r, *h))
        r_pos, h_pos = r[1], h[1]
    return out


def _pair_words(ref: list[str], hyp: list[str]) -> list[tuple[int, int, int, int]]:
    """The cheapest monotone pairing of two short word lists, as steps ``(i0, i1, j0, j1)``: ref
    words ``i0:i1`` go with hyp words ``j0:j1`` (one side may be empty).

    Pairing costs the words' normalized edit distance (0–1); a word may also pair with two words of
    the other side run together (the OCR splits and joins words); leaving a word unpaired costs
    ``_UNPAIRED``. So only words that share most of their letters pair up.
    """
    n, m = len(ref), len(hyp)
    r = [w.rstrip(" ") for w in ref]
    h = [w.rstrip(" ") for w in hyp]
    dist = Levenshtein.normalized_distance
    single = cdist(r, h, scorer=dist)
    # One character against one: the edit distance says nothing (0 or 1), but a digit misread for a
    # digit or ``№`` (``2`` for ``№``) is a pair, not a deletion and an insertion far apart.
    for i in (i for i, w in enumerate(r) if len(w) == 1):
        for j in (j for j, w in enumerate(h) if len(w) == 1):
            if r[i] != h[j] and glyph_class(r[i]) == glyph_class(h[j]):
                single[i, j] = _SAME_CLASS
    cost = np.full((n + 1, m + 1), np.inf)
    step = np.zeros((n + 1, m + 1, 2), dtype=np.int64)
    cost[0, 0] = 0.0
    moves = ((1, 1), (1, 0), (0, 1), (1, 2), (2, 1))
    for i in range(n + 1):
        for j in range(m + 1):
            for di, dj in moves:
                if (di, dj) == (0, 0) or i < di or j < dj:
                    continue
                if di and dj:
                    a, b = "".join(r[i - di:i]), "".join(h[j - dj:j])
                    c = single[i - 1, j - 1] if di == dj == 1 else dist(a, b) + _JOIN_PENALTY
                else:
                    c = _UNPAIRED
                if cost[i - di, j - dj] + c < cost[i, j]:
                    cost[i, j] = cost[i - di, j - dj] + c
                    step[i, j] = (di, dj)
    path: list[tuple[int, int, int, int]] = []
    i, j = n, m
    while i or j:
        di, dj = (int(x) for x in step[i, j])
        path.append((i - di, i, j - dj, j))
        i, j = i - di, j - dj
    return path[::-1]
