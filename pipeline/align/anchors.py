"""Anchors: words that pin two versions of a text together before they are aligned character by character.

A word that occurs exactly once in each text (after case folding, punctuation dropped) most likely
stands at the same place in both. The longest chain of such pairs in the same order on both sides is
the backbone of the alignment; the text between two consecutive anchors is aligned on its own, so the
character alignment never spans more than a gap. Anchors that do not fit the chain but agree with each
other mark a block that the OCR read in another order than the transcription (a header column, a
marginal note).
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Sequence

#: Gaps between anchors longer than this (in words, on both sides) are searched again for words that
#: are unique inside the gap, though not in the whole text.
_REFINE_GAP = 40
#: Deepest recursion of that refinement.
_MAX_DEPTH = 6
#: Two out-of-chain anchors belong to one moved block when their offsets (b index - a index) differ
#: by at most this many words, which absorbs a few OCR-split or merged words.
_BLOCK_TOLERANCE = 4

Anchor = tuple[int, int]  # (index in a, index in b)


def anchor_key(token: str, min_chars: int) -> str | None:
    """The key under which a word can anchor: letters and digits, case-folded; None if too short.

    Numbers anchor from three digits on (``415``, ``1958``): they are rarer than words that short.
    """
    key = "".join(c for c in token.casefold() if c.isalnum())
    return key if len(key) >= min_chars or (len(key) >= 3 and key.isdigit()) else None


def unique_pairs(a: Sequence[str | None], b: Sequence[str | None]) -> list[Anchor]:
    """Pairs (i, j) with ``a[i] == b[j]`` where that key occurs once in ``a`` and once in ``b``.

    None entries never pair. The result is sorted by ``i``.
    """
    count_a = Counter(k for k in a if k is not None)
    count_b = Counter(k for k in b if k is not None)
    where_b = {k: j for j, k in enumerate(b) if k is not None and count_b[k] == 1}
    return [
        (i, where_b[k])
        for i, k in enumerate(a)
        if k is not None and count_a[k] == 1 and k in where_b
    ]


def longest_chain(pairs: Sequence[Anchor]) -> list[Anchor]:
    """The longest subsequence of ``pairs`` (sorted by i) that is increasing in j too; O(n log n)."""
    tails: list[int] = []  # tails[k]: smallest j ending an increasing chain of length k+1
    tail_index: list[int] = []
    previous = [-1] * len(pairs)
    for n, (_, j) in enumerate(pairs):
        k = bisect.bisect_left(tails, j)
        if k == len(tails):
            tails.append(j)
            tail_index.append(n)
        else:
            tails[k] = j
            tail_index[k] = n
        previous[n] = tail_index[k - 1] if k else -1
    chain = []
    n = tail_index[-1] if tail_index else -1
    while n >= 0:
        chain.append(pairs[n])
        n = previous[n]
    return chain[::-1]


def chain_anchors(a: Sequence[str | None], b: Sequence[str | None]) -> tuple[list[Anchor], list[Anchor]]:
    """The anchor chain of ``a`` and ``b`` (keys per word, None for words that cannot anchor).

    Returns (chain, off-chain anchors). The chain is refined inside long gaps with words unique to
    the gap, so that a long document with much repeated vocabulary is still pinned densely.
    """
    pairs = unique_pairs(a, b)
    chain = longest_chain(pairs)
    in_chain = set(chain)
    off_chain = [p for p in pairs if p not in in_chain]
    return _refine(a, b, chain, 0, len(a), 0, len(b), 0), off_chain


def _refine(
    a: Sequence[str | None], b: Sequence[str | None], chain: list[Anchor],
    a0: int, a1: int, b0: int, b1: int, depth: int,
) -> list[Anchor]:
    """``chain`` (anchors within [a0, a1) × [b0, b1)) with anchors added inside its long gaps."""
    if depth >= _MAX_DEPTH:
        return chain
    out: list[Anchor] = []
    bounds = [(a0 - 1, b0 - 1), *chain, (a1, b1)]
    for (ia, ja), (ib, jb) in zip(bounds, bounds[1:], strict=False):
        if ia >= a0:
            out.append((ia, ja))
        lo_a, hi_a, lo_b, hi_b = ia + 1, ib, ja + 1, jb
        if min(hi_a - lo_a, hi_b - lo_b) > _REFINE_GAP:
            local = unique_pairs(a[lo_a:hi_a], b[lo_b:hi_b])
            sub = [(i + lo_a, j + lo_b) for i, j in longest_chain(local)]
            if sub:
                out += _refine(a, b, sub, lo_a, hi_a, lo_b, hi_b, depth + 1)
    return out


def moved_blocks(off_chain: Sequence[Anchor], min_anchors: int) -> list[list[Anchor]]:
    """Runs of off-chain anchors, consecutive in ``a`` and increasing in ``b`` with a steady offset.

    Each run of at least ``min_anchors`` anchors is a block that ``a`` has at another place than
    ``b``; a lone off-chain anchor is more likely a word that happens to recur.
    """
    runs: list[list[Anchor]] = []
    for i, j in sorted(off_chain):
        if runs:
            pi, pj = runs[-1][-1]
            if j > pj and abs((j - i) - (pj - pi)) <= _BLOCK_TOLERANCE:
                runs[-1].append((i, j))
                continue
        runs.append([(i, j)])
    return [r for r in runs if len(r) >= min_anchors]
