"""Planting realistic transcription errors, and the answer key that lists them.

Each planter picks a line of the written transcription that no earlier error touched, edits it the way
a transcriber (or a transcriber's OCR) errs, and returns a ``PlantedError``. The page keeps showing the
correct text, so the answer key's ``scan_text`` is what the page shows and ``transcript_text`` what
the transcription says instead (empty when it says nothing). ``line`` is the written line holding the
error; for a dropped line it is the paragraph that lost it, for an omitted handwritten note the
written line just before the gap. For translation errors ``scan_text`` is what a correct translation
says, ``transcript_text`` the (correct) original and ``translation_text`` the wrong translation.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from functools import cache

import numpy as np
from rapidfuzz.distance import Levenshtein

from pipeline.synth.corpus import Corpus, corpus
from pipeline.synth.document import Block, Line, replace_line, written_line

ANSWER_KEY_SCHEMA = "scanproof/answer-key/1"
ORIGINAL_KINDS = ("digit_confusion", "letter_confusion", "dropped_word", "doubled_word", "dropped_line",
                  "word_substitution", "handwriting_omitted", "date_slip")
TRANSLATION_KINDS = ("translation_date", "translation_number", "translation_name")

#: Digits a transcriber misreads on a worn typescript (3/8, 1/7, 5/6, 0/9 …).
DIGIT_CONFUSIONS = {"0": "9", "1": "7", "2": "7", "3": "8", "4": "1", "5": "6", "6": "5", "7": "1", "8": "3",
                    "9": "0"}
# Letters a transcriber misreads (similar shapes in typewriter faces) are each corpus's
# ``letter_confusions``.
#: A word of three letters or more, not part of a hyphenated or elided one (``peut-être``, ``l'accord``).
_WORD = re.compile(r"(?<![\w'’-])[^\W\d_]{3,}(?![\w'’-])")
#: A name's initials (``А.Б.``, ``J.-P. ``), which a letter confusion leaves alone.
_INITIALS = re.compile(r"^(?:\w\.[\s-]?)+")
#: A template's slot (``{name:ins}``), which is no word of the corpus.
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")


@dataclass(frozen=True)
class PlantedError:
    """One answer-key entry (field names are the JSON keys)."""

    kind: str
    section: str  # "original" | "translation"
    page: int | None
    scan_text: str
    transcript_text: str
    translation_text: str | None
    line: str


@dataclass(frozen=True)
class _Site:
    block: int
    line: int


Planter = Callable[[list[Block], np.random.Generator, set[_Site], Corpus], PlantedError | None]


@cache
def _vocabulary(c: Corpus) -> list[str]:
    """The corpus's words: what a transcriber may read instead of a word that looks like one."""
    words = (w for orig, _ in c.templates for w in _WORD.findall(_PLACEHOLDER.sub(" ", orig)))
    return sorted({w.lower() for w in words if w.islower() or not c.capitalised_nouns})


def _sites(blocks: list[Block], used: set[_Site], kinds: tuple[str, ...]) -> list[_Site]:
    return [_Site(b, i) for b, block in enumerate(blocks) if block.kind in kinds
            for i in range(len(block.lines)) if _Site(b, i) not in used]


def _pick(rng: np.random.Generator, items: list):
    return items[int(rng.integers(len(items)))] if items else None


def _pick_slot(blocks, rng: np.random.Generator, used, kind: str):
    """A random unused slot of ``kind``: (site, slot index, its line, the slot), or None."""
    choice = _pick(rng, _slot_sites(blocks, used, kind))
    if choice is None:
        return None
    site, k = choice
    line = blocks[site.block].lines[site.line]
    return site, k, line, line.slots[k]


def _slot_sites(blocks, used, kind: str) -> list[tuple[_Site, int]]:
    return [(s, k) for s in _sites(blocks, used, ("typed", "para"))
            for k, slot in enumerate(blocks[s.block].lines[s.line].slots) if slot.kind == kind]


def _mutate_chars(text: str, table: dict[str, str], rng: np.random.Generator, *,
                  keep_first: bool) -> str | None:
    """``text`` with one character replaced through ``table``; ``None`` if none can be."""
    positions = [i for i, c in enumerate(text) if table.get(c, c) != c and not (keep_first and i == 0)]
    if not positions:
        return None
    i = _pick(rng, positions)
    return text[:i] + table[text[i]] + text[i + 1:]


def _record(kind: str, blocks: list[Block], site: _Site, new: Line, scan: str, written: str,
            used: set[_Site], *, translation: str | None = None, section: str = "original") -> PlantedError:
    replace_line(blocks, site.block, site.line, new)
    used.add(site)
    line = written_line(blocks[site.block], site.line, "en" if section == "translation" else "orig")
    return PlantedError(kind, section, blocks[site.block].page, scan, written, translation, line)


def _in_slot(kind: str, slot_kind: str, table: dict[str, str] | None, keep_first: bool) -> Planter:
    """A planter that misreads one character of a slot through ``table`` (None: the corpus's letters)."""

    def plant(blocks: list[Block], rng: np.random.Generator, used: set[_Site], c: Corpus) -> PlantedError | None:
        choice = _pick_slot(blocks, rng, used, slot_kind)
        if choice is None:
            return None
        site, k, old, slot = choice
        target = slot.orig
        if slot_kind == "name":  # change the surname, not the initials
            target = _INITIALS.sub("", slot.orig)
        wrong = _mutate_chars(target, c.letter_confusions if table is None else table, rng, keep_first=keep_first)
        if wrong is None or target not in old.orig:
            return None
        new = replace(old, orig=old.orig.replace(target, wrong, 1))
        return _record(kind, blocks, site, new, target, wrong, used)

    return plant


def _word_edit(kind: str) -> Planter:
    def plant(blocks: list[Block], rng: np.random.Generator, used: set[_Site], c: Corpus) -> PlantedError | None:
        site = _pick(rng, _sites(blocks, used, ("para",)))
        if site is None:
            return None
        old = blocks[site.block].lines[site.line]
        words = [m for m in _WORD.finditer(old.orig) if m.group().islower()]
        m = _pick(rng, words[1:])
        if m is None:
            return None
        word = m.group()
        if kind == "dropped_word":
            text = (old.orig[: m.start()] + old.orig[m.end():]).replace("  ", " ")
            return _record(kind, blocks, site, replace(old, orig=text), word, "", used)
        if kind == "doubled_word":
            text = old.orig[: m.end()] + " " + word + old.orig[m.end():]
            return _record(kind, blocks, site, replace(old, orig=text), word, f"{word} {word}", used)
        # A real word that looks like the one on the page: what a tired transcriber reads instead.
        near = [w for w in _vocabulary(c) if w != word and Levenshtein.distance(w, word) <= 2 and len(w) >= 3]
        other = _pick(rng, near)
        if other is None:
            return None
        text = old.orig[: m.start()] + other + old.orig[m.end():]
        return _record(kind, blocks, site, replace(old, orig=text), word, other, used)

    return plant


def _dropped_line(blocks: list[Block], rng: np.random.Generator, used: set[_Site], c: Corpus) -> PlantedError | None:
    """A typed page line skipped: the transcriber's eye jumped from one line to the next."""
    sites = [s for s in _sites(blocks, used, ("para",)) if len(blocks[s.block].lines[s.line].typed) >= 3]
    site = _pick(rng, sites)
    if site is None:
        return None
    old = blocks[site.block].lines[site.line]
    k = int(rng.integers(1, len(old.typed) - 1))
    kept = [t.strip() for j, t in enumerate(old.typed) if j != k]
    new = replace(old, orig=" ".join(kept), typed=tuple(old.typed[:k] + old.typed[k + 1:]))
    return _record("dropped_line", blocks, site, new, old.typed[k].strip(), "", used)


def _handwriting_omitted(blocks: list[Block], rng: np.random.Generator, used: set[_Site],
                         c: Corpus) -> PlantedError | None:
    """A handwritten note left out of the transcription altogether."""
    candidates = [b for b, block in enumerate(blocks) if block.kind == "hand"
                  and not any(_Site(b, i) in used for i in range(len(block.lines)))]
    b = _pick(rng, candidates)
    if b is None:
        return None
    block = blocks[b]
    scan = "\n".join(ln.orig for ln in block.lines)
    # The key locates the gap by the line before it, so that line must stay as it is now.
    j = next((j for j in range(b - 1, -1, -1) if blocks[j].lines), None)
    previous = "" if j is None else written_line(blocks[j], len(blocks[j].lines) - 1, "orig")
    if j is not None:
        used.add(_Site(j, len(blocks[j].lines) - 1))
    blocks[b] = replace(block, lines=())
    for i in range(len(block.lines)):
        used.add(_Site(b, i))
    return PlantedError("handwriting_omitted", "original", block.page, scan, "", None, previous)


def _translation(kind: str, slot_kind: str) -> Planter:
    def plant(blocks: list[Block], rng: np.random.Generator, used: set[_Site], c: Corpus) -> PlantedError | None:
        choice = _pick_slot(blocks, rng, used, slot_kind)
        if choice is None:
            return None
        site, k, old, slot = choice
        if slot.kind == "name":
            surname = slot.en.split()[-1]
            others = [en for _, en in c.surnames if en != surname]
            wrong = slot.en[: -len(surname)] + _pick(rng, others)
        else:
            wrong = _mutate_chars(slot.en, DIGIT_CONFUSIONS, rng, keep_first=False)
        if wrong is None or slot.en not in old.en:
            return None
        new = replace(old, en=old.en.replace(slot.en, wrong, 1))
        return _record(kind, blocks, site, new, slot.en, slot.orig, used, translation=wrong,
                       section="translation")

    return plant


PLANTERS: dict[str, Planter] = {
    "digit_confusion": _in_slot("digit_confusion", "number", DIGIT_CONFUSIONS, keep_first=False),
    "letter_confusion": _in_slot("letter_confusion", "name", None, keep_first=True),
    "dropped_word": _word_edit("dropped_word"),
    "doubled_word": _word_edit("doubled_word"),
    "dropped_line": _dropped_line,
    "word_substitution": _word_edit("word_substitution"),
    "handwriting_omitted": _handwriting_omitted,
    # A date's day or year misread by one digit (12.3.71 → 12.3.77, 1971 → 1977).
    "date_slip": _in_slot("date_slip", "date", DIGIT_CONFUSIONS, keep_first=False),
    "translation_date": _translation("translation_date", "date"),
    "translation_number": _translation("translation_number", "number"),
    "translation_name": _translation("translation_name", "name"),
}


def plant(blocks: list[Block], n: int, n_translation: int, rng: np.random.Generator,
          lang: str = "rus") -> list[PlantedError]:
    """Plant ``n`` errors in the original and ``n_translation`` in the translation, in place;
    ``lang`` is the document's language (its corpus's words, names and look-alike letters).

    Kinds rotate through a shuffled list so a document gets a mix; a kind that finds no site is
    skipped. Fewer errors than asked are planted only when the document has no sites left.
    """
    c = corpus(lang)
    errors: list[PlantedError] = []
    used: set[_Site] = set()
    for count, kinds in ((n, ORIGINAL_KINDS), (n_translation, TRANSLATION_KINDS)):
        order = list(kinds)
        rng.shuffle(order)
        made, misses = 0, 0
        while made < count and misses < len(order) * 3:
            planter = PLANTERS[order[(made + misses) % len(order)]]
            error = planter(blocks, rng, used, c)
            if error is None:
                misses += 1
            else:
                errors.append(error)
                made += 1
    return errors


def answer_key(document: str, seed: int, level: str, errors: list[PlantedError]) -> dict:
    """The answer key as the JSON mapping of schema ``scanproof/answer-key/1``."""
    return {"schema": ANSWER_KEY_SCHEMA, "document": document, "seed": seed, "level": level,
            "errors": [asdict(e) for e in errors]}
