"""The OCR's lines in the transcription's reading order (``align``'s first step).

Tesseract reads a page in its own order: a header column after the body, a letterhead's two
columns as one line. Anchors (words that occur once on each side) out of the main order move the
lines that hold them; a line Tesseract joined across columns is cut into its columns first; and
text left over on both sides after a first alignment, about the same, is one text read out of
order. Pure functions on the OCR's lines and texts.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from rapidfuzz import fuzz, process

from pipeline.align import anchors as anchoring
from pipeline.align.normalize import NormalizedText, word_offsets
from pipeline.config import AlignConfig
from pipeline.model import OcrWord

if TYPE_CHECKING:
    from pipeline.align.align import Difference, PlacedWord, _OcrText


def has_alnum(text: str) -> bool:
    """Whether ``text`` has a letter or a digit."""
    return any(c.isalnum() for c in text)


def columns(line: Sequence[OcrWord], gap: float) -> list[list[OcrWord]]:
    """An OCR line cut where two words stand more than ``gap`` times the line's height apart
    (its words' median box height, pixels): Tesseract reads a letterhead's two columns, or a
    heading beside a date, as one line, where a transcription gives each column its lines. Each
    piece is then a line of its own, which the alignment may put in the transcription's order."""
    heights = sorted(w.bbox[3] - w.bbox[1] for w in line if has_alnum(w.text))
    if len(line) < 2 or not heights:
        return [list(line)]
    limit = gap * heights[len(heights) // 2]
    pieces: list[list[OcrWord]] = [[]]
    # Specks and marks read in the gap (``|``, ``=``) do not bridge it.
    right = None  # the right edge of the last word with a letter or digit
    for word in line:
        if has_alnum(word.text):
            if right is not None and word.bbox[0] - right > limit:
                pieces.append([])
            right = word.bbox[2]
        pieces[-1].append(word)
    return pieces


def moved_lines(
    ocr: _OcrText, chain: list[anchoring.Anchor], off_chain: list[anchoring.Anchor], columns: set[int],
    config: AlignConfig,
) -> dict[int, float]:
    """OCR lines that belong elsewhere in the transcription: line index → transcript word position.
    ``columns``: the lines that are one column of an OCR line (``columns``), which one word out
    of order may move: a column beside another is read out of the transcription's order as a
    rule, not by chance. A number may be (a year recurs), so that word must have letters."""
    if not off_chain:
        return {}
    tokens = ocr.norm.text.split(" ")
    starts, _ = word_offsets(ocr.norm.text)
    token_line = ocr.line_of_word[np.maximum(ocr.word_of_char[starts], 0)]
    chain_lines = {int(token_line[i]) for i, _ in chain}
    anchored_lines = chain_lines | {int(token_line[i]) for i, _ in off_chain}
    n_lines = int(ocr.line_of_word.max()) + 1
    moved: dict[int, float] = {}
    for block in anchoring.moved_blocks(off_chain, 1):
        shift = float(np.median([j - i for i, j in block]))
        first, last = int(token_line[block[0][0]]), int(token_line[block[-1][0]])
        if len(block) < config.moved_block_min_anchors and not (
                all(k in columns for k in range(first, last + 1)) and any(c.isalpha() for c in tokens[block[0][0]])):
            continue
        # A block whose lines also hold chain anchors is interleaved with the main text, not moved.
        if any(k in chain_lines for k in range(first, last + 1)):
            continue
        # Lines without any anchor (``№ 17``) next to the block go with it.
        while first > 0 and first - 1 not in anchored_lines:
            first -= 1
        while last + 1 < n_lines and last + 1 not in anchored_lines:
            last += 1
        for k in range(first, last + 1):
            moved[k] = int(np.searchsorted(token_line, k)) + shift
    return moved


def moved_text(differences: Sequence[Difference], lines: Sequence[Sequence[PlacedWord]], ref: NormalizedText,
                config: AlignConfig) -> dict[int, float]:
    """OCR lines that are wholly text only the scan has, where the transcription has about the
    same text (``config.moved_text_min``, ``moved_text_min_chars`` letters and digits at least)
    as text only it has at another place: line index (in ``lines``) → the transcript word
    position of that text."""
    line_of = {id(pw): k for k, line in enumerate(lines) for pw in line}
    added = [(_key(d.transcript_text), d.transcript_span) for d in differences
             if d.transcript_span and has_alnum(d.transcript_text) and not has_alnum(d.ocr_text)]
    keys = [k for k, _ in added]
    moved: dict[int, float] = {}
    for d in differences:
        key = _key(d.ocr_text)
        if has_alnum(d.transcript_text) or len(key) < config.moved_text_min_chars or not added:
            continue
        ks = {line_of[id(pw)] for pw in d.words if id(pw) in line_of and has_alnum(pw.word.text)}
        mine = {id(pw) for pw in d.words}
        if not ks or any(has_alnum(pw.word.text) and id(pw) not in mine for k in ks for pw in lines[k]):
            continue
        best = process.extractOne(key, keys, scorer=fuzz.ratio, score_cutoff=config.moved_text_min)
        if best is not None:
            span = added[best[2]][1]
            at = ref.text[:int(np.searchsorted(ref.origin, span[0]))].count(" ")
            moved.update(dict.fromkeys(ks, float(at)))
    return moved


def _key(text: str) -> str:
    """The letters and digits of ``text``, lower-cased: what two readings of one text share."""
    return "".join(c for c in text.lower() if c.isalnum())


def reading_order(ocr: _OcrText, chain: list[anchoring.Anchor], moved: dict[int, float]) -> list[int]:
    """Line indices in the transcription's order: moved lines where their anchors put them, the
    others in the OCR's order (their positions interpolated along the anchor chain)."""
    starts, _ = word_offsets(ocr.norm.text)
    token_line = ocr.line_of_word[np.maximum(ocr.word_of_char[starts], 0)]
    n_lines = int(ocr.line_of_word.max()) + 1 if len(ocr.line_of_word) else 0
    kept = [(i, j) for i, j in chain if int(token_line[i]) not in moved]
    xs = np.array([i for i, _ in kept], dtype=float) if kept else np.array([0.0])
    ys = np.array([j for _, j in kept], dtype=float) if kept else np.array([0.0])
    keys = []
    for k in range(n_lines):
        first_token = int(np.searchsorted(token_line, k))
        position = moved.get(k, float(np.interp(first_token, xs, ys)))
        # Ties (lines between the same two anchors) keep the OCR's order.
        keys.append((position, k in moved, k))
    return [k for _, _, k in sorted(keys)]
