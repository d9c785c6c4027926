"""Alignment of the OCR words of a document's pages with the transcription's characters.

1. Both texts are normalized (``normalize``); the transcription's markup is cut out. Every character
   keeps its origin: a transcript offset, or the OCR word (page, box, confidence) it belongs to.
2. Words that occur once on each side anchor the two texts (``anchors``). OCR lines that anchor, as a
   block, somewhere else than where the OCR read them (a header column, a marginal note) are moved to
   the transcription's order and the texts are anchored again (``order``: it also cuts a line that
   Tesseract read across two columns, and moves text that a first alignment leaves on both sides).
3. The text between consecutive anchors is aligned (``gaps``) words first (rapidfuzz's Indel opcodes on word
   lists, then a pairing of the unequal words by similarity, with splits and joins), and only paired
   words character by character (Levenshtein opcodes): a dropped line stays whole, and the cost is
   that of the gaps, never the whole document squared.
4. From the character alignment come the metrics (overall, per page, per transcript line) and the
   differences, each widened to whole words on both sides, which ``pipeline.divergence`` turns into flags.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from pipeline.align import anchors as anchoring
from pipeline.align import order
from pipeline.align.gaps import align_between_anchors
from pipeline.align.metrics import Opcode, count_edits, distance, opcodes, rate, word_error_count
from pipeline.align.normalize import NormalizedText, normalize, word_offsets
from pipeline.align.order import has_alnum
from pipeline.config import AlignConfig
from pipeline.model import (
    AlignedLine,
    BBox,
    Metrics,
    OcrPage,
    OcrWord,
    PageMetrics,
    Section,
    Span,
    Transcript,
)

#: Longest sequence of letter/digit runs kept as one key of the translation index.
_MAX_RUNS = 4
#: One character edit: (transcript character, OCR character), "" on the side that has none.
Edit = tuple[str, str]


@dataclass(frozen=True)
class PlacedWord:
    """An OCR word and the page it is on."""

    page: int
    word: OcrWord


@dataclass(frozen=True)
class Difference:
    """One place where the transcription and the OCR disagree, widened to whole words on both sides.

    ``transcript_text`` / ``ocr_text`` are the normalized words ("" on the side that has none);
    ``before`` is the transcript word just before the place (to recognise a doubled word).
    """

    transcript_text: str
    ocr_text: str
    transcript_span: Span | None  # in Transcript.original
    words: tuple[PlacedWord, ...]  # the OCR words involved (for an insertion: none)
    page: int | None
    bbox: BBox | None
    edits: tuple[Edit, ...]
    #: Per edit, the index in ``words`` of the OCR word it falls in (or next to), -1 if none.
    edit_words: tuple[int, ...] = ()
    #: Per edit, the index in its OCR word's text of the character it replaces, -1 for an edit
    #: that replaces none (an addition or a deletion) or one the normalization made.
    edit_chars: tuple[int, ...] = ()
    before: str = ""
    after: str = ""
    #: The OCR words on either side of the place (of the OCR's words there, where it read any).
    context: tuple[PlacedWord, ...] = ()


@dataclass(frozen=True, eq=False)
class Alignment:
    """The alignment of a document's OCR with its transcription, and what was measured on it."""

    transcript: NormalizedText  # transcription, markup cut out, normalized
    ocr: NormalizedText  # OCR text of all pages in the transcription's order, normalized
    ops: tuple[Opcode, ...]  # Levenshtein opcodes from ``transcript.text`` to ``ocr.text``
    metrics: Metrics
    page_metrics: tuple[PageMetrics, ...]
    lines: tuple[AlignedLine, ...]
    differences: tuple[Difference, ...]
    #: The normalized texts of the transcription's markup (handwriting, stamps …), which the OCR may
    #: read too: an OCR text matching one of them is not a transcription omission.
    markup_texts: tuple[str, ...]
    #: OCR lines moved to the transcription's order before aligning (reading-order differences).
    moved_lines: int = 0
    #: Keys of the translation's words and numbers (``translation_index``), to tell which of two
    #: readings of a number, name or code the translator saw.
    translation_keys: frozenset[str] = frozenset()
    #: Per page, the confidence that ``AlignConfig.page_confidence_quantile`` of the OCR's words
    #: (letters or digits) fall below: what "read as well as most of this page" means on a faint
    #: copy, where many words have a low confidence.
    page_confidence: Mapping[int, float] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class _OcrText:
    """The OCR words in reading order as one normalized text, and which word each character is from."""

    norm: NormalizedText
    words: tuple[PlacedWord, ...]
    word_of_char: np.ndarray  # int64 per character of ``norm.text``: index into ``words``, -1 between
    char_in_word: np.ndarray  # int64 per character of ``norm.text``: its index in its word's text, -1 between
    line_of_word: np.ndarray  # int64 per word: index of its line in the order given


def align(pages: Sequence[OcrPage], transcript: Transcript, config: AlignConfig) -> Alignment:
    """Align the OCR of ``pages`` (in page order) with ``transcript.original``."""
    markup = transcript.markup_in(Section.ORIGINAL)
    ref = normalize(transcript.original, [m.span for m in markup], fold_yo=config.fold_yo)
    lines: list[list[PlacedWord]] = []
    columns: set[int] = set()  # the lines that are one column of an OCR line
    for p in pages:
        for line in p.lines():
            pieces = order.columns(line, config.column_gap)
            if len(pieces) > 1:
                columns.update(range(len(lines), len(lines) + len(pieces)))
            lines += [[PlacedWord(p.index, w) for w in piece] for piece in pieces]
    read = _ocr_text(lines, config)
    ref_keys = _keys(ref.text, config)
    read_chain, off_chain = anchoring.chain_anchors(_keys(read.norm.text, config), ref_keys)
    moved = order.moved_lines(read, read_chain, off_chain, columns, config)

    def in_order(moved: dict[int, float]) -> tuple[_OcrText, list[Opcode]]:
        ocr, chain = read, read_chain
        if moved:
            ocr = _ocr_text([lines[k] for k in order.reading_order(read, read_chain, moved)], config)
            chain, _ = anchoring.chain_anchors(_keys(ocr.norm.text, config), ref_keys)
        return ocr, align_between_anchors(ref.text, ocr.norm.text, chain)

    ocr, ops = in_order(moved)
    bridge = _Bridge(ref, ocr, ops)
    differences = bridge.differences()
    # Text moved without an anchor to show it (its one long word misread) is seen only once aligned:
    # as text only the scan has at one place and about the same text only the transcription has at
    # another. Its lines are read again at the transcription's place.
    more = {k: at for k, at in order.moved_text(differences, lines, ref, config).items() if k not in moved}
    if more:
        moved = {**moved, **more}
        ocr, ops = in_order(moved)
        bridge = _Bridge(ref, ocr, ops)
        differences = bridge.differences()
    subs, dels, ins, confusions = count_edits(ref.text, ocr.norm.text, ops, config.max_confusions)
    word_errors, n_words = word_error_count(ref.text, ocr.norm.text)
    metrics = Metrics(
        cer=rate(subs + dels + ins, len(ref.text)),
        wer=rate(word_errors, n_words),
        reference_chars=len(ref.text),
        reference_words=n_words,
        substitutions=subs,
        deletions=dels,
        insertions=ins,
        confusions=confusions,
    )
    markup_texts = tuple(
        t for t in (normalize(m.text, fold_yo=config.fold_yo).text for m in markup) if t
    )
    return Alignment(
        transcript=ref,
        ocr=ocr.norm,
        ops=tuple(ops),
        metrics=metrics,
        page_metrics=bridge.page_metrics(),
        lines=bridge.aligned_lines(transcript.original),
        differences=differences,
        markup_texts=markup_texts,
        moved_lines=len(moved),
        translation_keys=translation_index(transcript.translation),
        page_confidence={p.index: float(np.quantile(c, config.page_confidence_quantile)) for p in pages
                         if (c := [w.confidence for w in p.words if w.confidence >= 0 and has_alnum(w.text)])},
    )


def translation_index(translation: str) -> frozenset[str]:
    """Every run of up to ``_MAX_RUNS`` consecutive letter/digit runs of the translation, joined
    and lower-cased (``No. 415`` gives ``no``, ``415`` and ``no415``), to look readings up in."""
    runs = re.findall(r"[^\W_]+", translation.lower())
    return frozenset("".join(runs[k : k + n])
                     for n in range(1, _MAX_RUNS + 1) for k in range(len(runs) - n + 1))


def _ocr_text(lines: Sequence[Sequence[PlacedWord]], config: AlignConfig) -> _OcrText:
    """Join the lines (words by spaces, lines by line breaks) and normalize the result."""
    parts: list[str] = []
    owner: list[np.ndarray] = []
    index: list[np.ndarray] = []
    words: list[PlacedWord] = []
    line_of_word: list[int] = []
    for k, line in enumerate(lines):
        for n, pw in enumerate(line):
            sep = " " if n else "\n"
            parts += [sep, pw.word.text]
            owner += [np.full(1, -1), np.full(len(pw.word.text), len(words))]
            index += [np.full(1, -1), np.arange(len(pw.word.text))]
            words.append(pw)
            line_of_word.append(k)
    raw = "".join(parts)
    raw_owner = np.concatenate(owner) if owner else np.zeros(0, dtype=np.int64)
    norm = normalize(raw, fold_yo=config.fold_yo)
    raw_index = np.concatenate(index) if index else np.zeros(0, dtype=np.int64)
    word_of_char = raw_owner[norm.origin] if len(norm.origin) else np.zeros(0, dtype=np.int64)
    char_in_word = raw_index[norm.origin] if len(norm.origin) else np.zeros(0, dtype=np.int64)
    # A space that replaced a line break or a word gap has no word of its own.
    spaces = np.frombuffer(norm.text.encode("utf-32-le"), dtype=np.uint32) == 32
    word_of_char = np.where(spaces, -1, word_of_char)
    char_in_word = np.where(spaces, -1, char_in_word)
    lines_arr = np.asarray(line_of_word, dtype=np.int64)
    return _OcrText(norm, tuple(words), word_of_char.astype(np.int64), char_in_word.astype(np.int64), lines_arr)


def _keys(text: str, config: AlignConfig) -> list[str | None]:
    """The anchor key of each word of a normalized text."""
    return [anchoring.anchor_key(w, config.anchor_min_chars) for w in text.split(" ")] if text else []


class _Bridge:
    """Maps between the two aligned texts, and from them to transcript offsets and OCR words."""

    def __init__(self, ref: NormalizedText, ocr: _OcrText, ops: Sequence[Opcode]) -> None:
        self.ref, self.ocr, self.ops = ref, ocr, ops
        n, m = len(ref.text), len(ocr.norm.text)
        # Boundary maps: ref boundary i (0..n) corresponds to hyp boundaries lo[i]..hi[i], and back.
        self.r2h_lo = np.full(n + 1, m, dtype=np.int64)
        self.r2h_hi = np.zeros(n + 1, dtype=np.int64)
        self.h2r_lo = np.full(m + 1, n, dtype=np.int64)
        self.h2r_hi = np.zeros(m + 1, dtype=np.int64)
        self.page_of_ref = np.zeros(n, dtype=np.int64)  # 0 = unknown yet
        pages = np.array([pw.page for pw in ocr.words] + [0], dtype=np.int64)
        for tag, r0, r1, h0, h1 in ops:
            if tag in ("equal", "replace"):
                self._tie(np.arange(r0, r1 + 1), np.arange(h0, h1 + 1))
                self.page_of_ref[r0:r1] = pages[ocr.word_of_char[h0:h1]]
            elif tag == "delete":
                self._tie(np.arange(r0, r1 + 1), np.full(r1 - r0 + 1, h0))
            else:
                self._tie(np.full(h1 - h0 + 1, r0), np.arange(h0, h1 + 1))
        self.page_of_ref = _fill_gaps(self.page_of_ref)
        self.ref_starts, self.ref_ends = word_offsets(ref.text)
        self.hyp_starts, self.hyp_ends = word_offsets(ocr.norm.text)
        self.ref_token = _token_of_char(n, self.ref_starts, self.ref_ends)
        self.hyp_token = _token_of_char(m, self.hyp_starts, self.hyp_ends)

    def _tie(self, r: np.ndarray, h: np.ndarray) -> None:
        np.minimum.at(self.r2h_lo, r, h)
        np.maximum.at(self.r2h_hi, r, h)
        np.minimum.at(self.h2r_lo, h, r)
        np.maximum.at(self.h2r_hi, h, r)

    def hyp_range(self, r0: int, r1: int, *, trailing: bool = True) -> tuple[int, int]:
        """The OCR characters aligned with transcript characters ``r0:r1``.

        OCR text inserted just after ``r1`` is included when ``trailing`` (so that a line of the
        scan missing from the transcription shows beside the line before it), and never that
        inserted just before ``r0``.
        """
        start = int(self.r2h_hi[r0]) if r0 < r1 else int(self.r2h_lo[r0])
        return start, int(self.r2h_hi[r1] if trailing else self.r2h_lo[r1])

    def place(self, h0: int, h1: int) -> tuple[tuple[PlacedWord, ...], int | None, BBox | None]:
        """The OCR words of characters ``h0:h1``, their (majority) page and the union of their boxes."""
        ids = sorted(set(self.ocr.word_of_char[h0:h1].tolist()) - {-1})
        words = tuple(self.ocr.words[i] for i in ids)
        if not words:
            return (), None, None
        page = max({w.page for w in words}, key=[w.page for w in words].count)
        boxes = [w.word.bbox for w in words if w.page == page]
        bbox = (min(b[0] for b in boxes), min(b[1] for b in boxes),
                max(b[2] for b in boxes), max(b[3] for b in boxes))
        return words, page, bbox

    def neighbours(self, h0: int, h1: int, before: str = "", after: str = "") -> tuple[PlacedWord, ...]:
        """The OCR words just before ``h0`` and from ``h1`` on (each side's nearest within a few
        characters of spaces): what the OCR read around a place where it read nothing.

        A mark the OCR read apart from its word (``word ,``, as old print and French typescripts
        space them) is passed over when the transcription's word on that side (``before``,
        ``after``) has a mark there and the OCR's word lacks one: it is that word's mark, and the
        word the witness. A mark beside a word that has its own (``Smith, &``) may be a letter
        misread (``a``), and stays the neighbour."""
        out = []
        for start, step, word in ((h0 - 1, -1, before), (h1, 1, after)):
            near = self._nearest_word(start, step, over_marks=False)
            if near is not None and word and not (word[-1] if step < 0 else word[0]).isalnum():
                far = self._nearest_word(start, step, over_marks=True)
                text = far.word.text if far is not None else ""
                if text and (text[-1] if step < 0 else text[0]).isalnum():
                    near = far
            if near is not None:
                out.append(near)
        return tuple(out)

    def _nearest_word(self, start: int, step: int, *, over_marks: bool) -> PlacedWord | None:
        """The OCR word of the first character from ``start`` on (going ``step``, within 4
        characters) that is not a space, or with ``over_marks`` not a space nor a mark."""
        owner, hyp = self.ocr.word_of_char, self.ocr.norm.text
        i = start
        while 0 <= i < len(owner) and (owner[i] < 0 or over_marks and not hyp[i].isalnum()) and abs(i - start) < 4:
            i += step
        return self.ocr.words[int(owner[i])] if 0 <= i < len(owner) and owner[i] >= 0 else None

    def page_metrics(self) -> tuple[PageMetrics, ...]:
        """CER and WER per page, over the stretch of transcription aligned with each page."""
        ref, hyp = self.ref.text, self.ocr.norm.text
        out = []
        for page in np.unique(self.page_of_ref):
            where = np.flatnonzero(self.page_of_ref == page)
            r0, r1 = int(where[0]), int(where[-1]) + 1
            h0, h1 = self.hyp_range(r0, r1)
            word_errors, n_words = word_error_count(ref[r0:r1], hyp[h0:h1])
            out.append(PageMetrics(
                page=int(page),
                cer=rate(distance(ref[r0:r1], hyp[h0:h1]), r1 - r0),
                wer=rate(word_errors, n_words),
                reference_chars=r1 - r0,
            ))
        return tuple(out)

    def aligned_lines(self, original: str) -> tuple[AlignedLine, ...]:
        """One ``AlignedLine`` per line of the transcription that has typed text."""
        out = []
        offset = 0
        for raw_line in original.split("\n"):
            start, end = offset, offset + len(raw_line)
            offset = end + 1
            r0 = int(np.searchsorted(self.ref.origin, start))
            r1 = int(np.searchsorted(self.ref.origin, end))
            while r1 > r0 and self.ref.text[r1 - 1] == " ":
                r1 -= 1
            if r1 <= r0:
                continue
            h0, h1 = self.hyp_range(r0, r1)
            t, o = self.ref.text[r0:r1], self.ocr.norm.text[h0:h1].strip()
            _, page, bbox = self.place(h0, h1)
            out.append(AlignedLine(
                transcript=t,
                ocr=o,
                page=page,
                bbox=bbox,
                cer=rate(distance(t, o), len(t)),
                ops=tuple(opcodes(t, o)),
                transcript_span=self.ref.span(r0, r1),
            ))
        return tuple(out)

    def differences(self) -> tuple[Difference, ...]:
        """Every non-equal stretch of the alignment, widened to whole words and merged when they touch."""
        # [r0, r1, h0, h1, edits, OCR word of each edit, its character in that word]
        regions: list[list] = []
        ref, hyp, owner = self.ref.text, self.ocr.norm.text, self.ocr.word_of_char
        for tag, r0, r1, h0, h1 in self.ops:
            if tag == "equal":
                continue
            if tag == "replace":
                edits = list(zip(ref[r0:r1], hyp[h0:h1], strict=True))
                where = owner[h0:h1].tolist()
                chars = self.ocr.char_in_word[h0:h1].tolist()
            elif tag == "delete":
                edits = [(c, "") for c in ref[r0:r1]]
                near = [int(owner[h]) for h in (h0 - 1, h0) if 0 <= h < len(owner) and owner[h] >= 0]
                where = [near[0] if near else -1] * len(edits)
                chars = [-1] * len(edits)
            else:
                edits = [("", c) for c in hyp[h0:h1]]
                where = owner[h0:h1].tolist()
                chars = [-1] * len(edits)
            a0, a1, b0, b1 = self._widen(r0, r1, h0, h1)
            if regions and (a0 < regions[-1][1] or b0 < regions[-1][3]
                            or (a0, b0) == (regions[-1][1], regions[-1][3])):
                last = regions[-1]
                last[1], last[3] = max(last[1], a1), max(last[3], b1)
                last[4] += edits
                last[5] += where
                last[6] += chars
            else:
                regions.append([a0, a1, b0, b1, edits, where, chars])
        return tuple(self._difference(*r) for r in regions)

    def _widen(self, r0: int, r1: int, h0: int, h1: int) -> tuple[int, int, int, int]:
        """Grow a stretch to whole words on both sides until the two sides correspond."""
        for _ in range(8):
            a0, a1 = _whole_words(r0, r1, self.ref_token, self.ref_starts, self.ref_ends)
            b0, b1 = _whole_words(h0, h1, self.hyp_token, self.hyp_starts, self.hyp_ends)
            # Text inserted or deleted right beside the stretch is a difference of its own.
            if a1 > a0:
                c0, c1 = self.hyp_range(a0, a1, trailing=False)
                b0, b1 = (min(b0, c0), max(b1, c1)) if b1 > b0 else (c0, c1)
            if b1 > b0:
                a0 = min(a0, int(self.h2r_hi[b0])) if a1 > a0 else int(self.h2r_hi[b0])
                a1 = max(a1, int(self.h2r_lo[b1])) if a1 > a0 else int(self.h2r_lo[b1])
            if (a0, a1, b0, b1) == (r0, r1, h0, h1):
                break
            r0, r1, h0, h1 = a0, a1, b0, b1
        return r0, r1, h0, h1

    def _difference(
        self, r0: int, r1: int, h0: int, h1: int, edits: list[Edit], where: list[int], chars: list[int]
    ) -> Difference:
        ref, hyp = self.ref.text, self.ocr.norm.text
        words, page, bbox = self.place(h0, h1)
        ids = sorted(set(self.ocr.word_of_char[h0:h1].tolist()) - {-1})
        local = {i: k for k, i in enumerate(ids)}  # the same order as ``words``
        edit_words = tuple(local.get(i, -1) for i in where)
        context: tuple[PlacedWord, ...] = ()
        t = ref[r0:r1].strip()
        before, after = _word_before(ref, r0), _word_after(ref, r1)
        if not words:
            # Nothing on the scan here: point at the OCR words around the place instead.
            _, page, bbox = self.place(max(h0 - 1, 0), min(h1 + 1, len(hyp)))
        # The OCR words around the place: for text only one side has, and for a misreading (both
        # sides have letters or digits). Not where one side is only marks (`@` read for `a`, `???`
        # for an unread word): the words either side are no witness that nothing stands between.
        if not words or not t or order.has_alnum(t) and order.has_alnum(hyp[h0:h1]):
            context = self.neighbours(h0, h1, before, after)
        return Difference(
            transcript_text=t,
            ocr_text=hyp[h0:h1].strip(),
            transcript_span=self.ref.span(r0, r1) if t else None,
            words=words,
            page=page,
            bbox=bbox,
            edits=tuple(edits),
            edit_words=edit_words,
            edit_chars=tuple(chars),
            before=before,
            after=after,
            context=context,
        )


def _word_before(text: str, i: int) -> str:
    """The space-separated word that ends before ``text[i]``, whitespace skipped ("" at the start).
    Searched from ``i``, not split from a copy of ``text[:i]``: a long transcript has thousands
    of differences."""
    end = i
    while end > 0 and text[end - 1].isspace():
        end -= 1
    return text[text.rfind(" ", 0, end) + 1 : end]


def _word_after(text: str, i: int) -> str:
    """The space-separated word that begins at or after ``text[i]``, whitespace skipped."""
    start = i
    while start < len(text) and text[start].isspace():
        start += 1
    end = text.find(" ", start)
    return text[start : end if end >= 0 else len(text)]


def _token_of_char(n: int, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Per character: the index of the word it belongs to, or -1 for a space."""
    token = np.full(n, -1, dtype=np.int64)
    for k, (s, e) in enumerate(zip(starts, ends, strict=True)):
        token[s:e] = k
    return token


def _whole_words(
    a: int, b: int, token: np.ndarray, starts: np.ndarray, ends: np.ndarray
) -> tuple[int, int]:
    """The words that the stretch ``a:b`` touches, from the first one's start to the last one's end.

    An empty stretch inside a word grows to that word; one between words stays empty; a stretch of
    spaces only (a word split or joined) grows to the words on either side.
    """
    n = len(token)
    if a == b:
        if 0 < a < n and token[a - 1] >= 0 and token[a] >= 0:
            k = token[a]
            return int(starts[k]), int(ends[k])
        return a, b
    inside = token[a:b]
    ks = inside[inside >= 0]
    if len(ks) == 0:
        left = token[a - 1] if a > 0 else -1
        right = token[b] if b < n else -1
        ks = np.array([k for k in (left, right) if k >= 0], dtype=np.int64)
        if len(ks) == 0:
            return a, b
    return int(starts[ks.min()]), int(ends[ks.max()])


def _fill_gaps(pages: np.ndarray) -> np.ndarray:
    """Zeros (unknown page) replaced by the page before them, or at the start by the first known."""
    known = np.flatnonzero(pages > 0)
    if len(known) == 0:
        return pages
    index = np.where(pages > 0, np.arange(len(pages)), 0)
    np.maximum.accumulate(index, out=index)
    filled = pages[index]
    filled[: known[0]] = pages[known[0]]
    return filled
