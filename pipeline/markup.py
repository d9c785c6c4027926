"""Matching the elements found on the scan to the transcription's markup.

Stamps pair with ``[Stamp]: …`` notes, handwriting with italic passages and sheet numbers
(``<sup>12</sup>``), signatures with ``[signature]``. A pair is made when the texts agree (through
the stamp glossary across languages, digits for sheet numbers, fuzzy similarity for notes), or,
when the scan's text is unreadable, when the two sit at about the same place in reading order.
What is left over on either side is a finding: ink the editor did not transcribe, or markup that
the scan does not show.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from pipeline.config import MarkupConfig
from pipeline.layout.glossary import NAMES_MIN, lookup, normalise
from pipeline.model import Flag, Markup, MarkupKind, Region, Section, Severity, Span, Transcript

#: Markup kinds matched against the scan, and the region kind each prefers.
_PREFERRED_REGION = {
    MarkupKind.STAMP: "stamp",
    MarkupKind.HANDWRITING: "handwriting",
    MarkupKind.MARGINAL_NUMBER: "handwriting",
    MarkupKind.SIGNATURE: "signature",
}
#: Markup whose place in the text says little about the element's place on the page: editors put
#: stamp notes at the top or the bottom of a section, and there is one signature block.
_PLACED_FREELY = (MarkupKind.STAMP, MarkupKind.SIGNATURE)


@dataclass(frozen=True)
class Mark:
    """One markup item to be found on the scan (adjacent italic lines joined into one note)."""

    kind: MarkupKind
    text: str
    section: Section
    span: Span
    position: float  # where it sits in its section, 0–1 of the text


@dataclass(frozen=True)
class Found:
    """One element found on the scan."""

    page: int
    region: Region
    position: float  # where it sits in the document's reading order, 0–1
    marginal: bool  # small enough to be a sheet number


def match_markup(regions: Sequence[tuple[int, Region]], transcript: Transcript,
                 config: MarkupConfig) -> list[Flag]:
    """Flags for the stamps, handwriting and signatures of all pages against the markup.

    ``regions`` are (1-based page number, region) pairs from ``detect_regions``. Returns info flags
    ``stamp`` / ``handwriting`` / ``signature`` for each pair, ``untranscribed_stamp`` /
    ``untranscribed_handwriting`` for elements without markup (``untranscribed_flag``) and medium
    ``missing_on_scan`` for markup without an element.
    """
    found = scan_elements(regions, config)
    marks = markup_items(transcript)
    pairs = pair_up(found, marks, config)
    taken_found = {id(f) for f, _, _ in pairs}
    taken_marks = {id(m) for _, m, _ in pairs}
    flags = [matched_flag(f, m, sim) for f, m, sim in pairs]
    text = normalise(f"{transcript.original}\n{transcript.translation}")
    flags += [untranscribed_flag(f, bool(marks), text, config) for f in found if id(f) not in taken_found]
    flags += [missing_flag(m) for m in marks if id(m) not in taken_marks]
    return sorted(flags, key=lambda fl: (fl.severity.rank, fl.page or 0, fl.bbox or (0, 0, 0, 0)))


def scan_elements(regions: Sequence[tuple[int, Region]], config: MarkupConfig) -> list[Found]:
    """The non-text regions as ``Found`` items, placed in reading order over the pages seen."""
    pages = max((p for p, _ in regions), default=1)
    out = []
    for page, region in regions:
        if region.kind not in ("stamp", "handwriting", "signature"):
            continue
        y = region.features.get("page_y", 0.5)
        out.append(Found(page, region, (page - 1 + y) / pages, region.features.get("marginal", 0.0) > 0))
    return out


def markup_items(transcript: Transcript) -> list[Mark]:
    """The transcription's stamps, handwriting, sheet numbers and signatures.

    Editors mark an element in the original, the translation, or both; each kind is taken from
    the original when it marks any, else from the translation, so that one element marked twice is
    looked for once. Italic lines separated only by line breaks are one handwritten note.
    """
    out: list[Mark] = []
    for kind in _PREFERRED_REGION:
        for section in (Section.ORIGINAL, Section.TRANSLATION):
            items = sorted((m for m in transcript.markup_in(section) if m.kind == kind), key=lambda m: m.span)
            if items:
                text = transcript.original if section == Section.ORIGINAL else transcript.translation
                out += _as_marks(items, text)
                break
    return out


def _as_marks(items: list[Markup], text: str) -> list[Mark]:
    """Markup items of one kind and section as ``Mark``s, adjacent italics joined."""
    groups: list[list[Markup]] = []
    for item in items:
        joinable = item.kind == MarkupKind.HANDWRITING and groups
        if joinable and not text[groups[-1][-1].span[1]:item.span[0]].strip():
            groups[-1].append(item)
        else:
            groups.append([item])
    length = max(1, len(text))
    return [
        Mark(g[0].kind, "\n".join(m.text for m in g), g[0].section, (g[0].span[0], g[-1].span[1]),
             g[0].span[0] / length)
        for g in groups
    ]


def text_similarity(found: Found, mark: Mark) -> float:
    """How well the element's text agrees with the markup's text, 0–1 (0 when either is empty).

    Stamps: 1 when both name the same glossary word (in any language), else fuzzy similarity.
    Sheet numbers: 1 when the digits read equal the marked number. Notes: fuzzy similarity.
    """
    scan, marked = normalise(found.region.text), normalise(mark.text)
    if not scan or not marked:
        return 0.0
    if mark.kind == MarkupKind.STAMP:
        (scan_key, scan_sim), (mark_key, mark_sim) = lookup(scan), lookup(marked)
        if scan_key and scan_key == mark_key and min(scan_sim, mark_sim) >= NAMES_MIN:
            return 1.0
    if mark.kind == MarkupKind.MARGINAL_NUMBER:
        digits = re.findall(r"\d+", scan)
        return 1.0 if re.sub(r"\D", "", marked) in digits else 0.0
    return fuzz.ratio(scan, marked) / 100


def pair_up(found: list[Found], marks: list[Mark], config: MarkupConfig) -> list[tuple[Found, Mark, float]]:
    """Greedy one-to-one pairing, best pairs first; returns (element, markup, text similarity).

    A pair qualifies when its texts are similar (≥ ``config.text_match_min``), or when the element
    is of the kind the markup asks for and, for notes and sheet numbers, within
    ``config.position_match_max`` of it in reading order. Its score adds text similarity,
    closeness in reading order and kind agreement.
    """
    candidates = []
    for f in found:
        for m in marks:
            sim = text_similarity(f, m)
            agree = _kind_agrees(f, m)
            distance = abs(f.position - m.position)
            near = distance <= config.position_match_max or m.kind in _PLACED_FREELY
            if sim >= config.text_match_min or (agree and near):
                candidates.append((sim + 0.5 * (1.0 - distance) + 0.5 * agree, f, m, sim))
    candidates.sort(key=lambda c: -c[0])
    used_f: set[int] = set()
    used_m: set[int] = set()
    pairs = []
    for _, f, m, sim in candidates:
        if id(f) in used_f or id(m) in used_m:
            continue
        used_f.add(id(f))
        used_m.add(id(m))
        pairs.append((f, m, sim))
    return pairs


def _kind_agrees(found: Found, mark: Mark) -> bool:
    """Whether the element is the kind of thing the markup describes (a sheet number is small)."""
    if mark.kind == MarkupKind.MARGINAL_NUMBER:
        return found.marginal
    if mark.kind == MarkupKind.HANDWRITING:
        return found.region.kind == "handwriting" and not found.marginal
    return found.region.kind == _PREFERRED_REGION[mark.kind]


_NAMES = {"stamp": "Stamp", "handwriting": "Handwriting", "signature": "Signature"}


def _describe(f: Found) -> str:
    what = "Sheet number" if f.marginal else _NAMES[f.region.kind]
    return f"{what} on page {f.page}"


def evidence(region: Region) -> tuple[str, ...]:
    """Short, readable reasons for a region's kind, from its features."""
    feats = region.features
    out = [f"{region.kind}, confidence {region.confidence:.2f}"]
    if feats.get("coloured"):
        out.append(f"coloured ink, hue {feats.get('hue_deg', 0):.0f}°")
    if region.kind == "stamp":
        out.append(f"ring coverage {feats.get('ring', 0):.2f}, frame coverage {feats.get('frame', 0):.2f}")
    else:
        out.append(f"{feats.get('rows', 0):.0f} row(s), {feats.get('components', 0):.0f} strokes, "
                   f"largest {feats.get('largest_share', 0):.2f} of the ink, "
                   f"slant {feats.get('slant_deg', 0):.0f}°")
    out.append(f"size {feats.get('width_mm', 0):.0f}×{feats.get('height_mm', 0):.0f} mm")
    if region.text:
        out.append(f"read as {region.text!r} (OCR confidence {feats.get('ocr_conf', 0):.2f})")
    return tuple(out)


def _span(mark: Mark) -> Span | None:
    return mark.span if mark.section == Section.ORIGINAL else None


def matched_flag(f: Found, m: Mark, similarity: float) -> Flag:
    """Info flag: an element and the markup that transcribes it."""
    how = "by its text" if similarity > 0 else "by its place in the text"
    return Flag(
        kind=f.region.kind,
        severity=Severity.INFO,
        message=f"{_describe(f)} is transcribed as {m.text!r} (matched {how})",
        transcript_text=m.text,
        scan_text=f.region.text or None,
        page=f.page,
        bbox=f.region.bbox,
        evidence=evidence(f.region),
        transcript_span=_span(m),
    )


def _in_text(reading: str, text: str, config: MarkupConfig) -> bool:
    """Whether an element's reading is in ``text`` (both ``normalise``d), as ``config.in_text_min`` says."""
    if len(re.sub(r"\W", "", reading)) < 4:
        return False
    return fuzz.partial_ratio(reading, text, score_cutoff=100 * config.in_text_min) > 0


def untranscribed_flag(f: Found, marks_any: bool, text: str, config: MarkupConfig) -> Flag:
    """An element on the scan that the transcription does not mark: medium, but only info when its
    reading is in the transcription's ``text`` all the same (transcribed, not marked), and low when
    the transcription marks no element at all (``marks_any`` false: a plain text, or an edition
    whose convention is not to mark them, says nothing by leaving this one unmarked)."""
    kind = "untranscribed_stamp" if f.region.kind == "stamp" else "untranscribed_handwriting"
    read = f" (reads {f.region.text!r})" if f.region.text else ""
    if f.region.text and _in_text(normalise(f.region.text), text, config):
        severity, message = Severity.INFO, f"{_describe(f)}{read} is in the transcription's text, not marked as such"
    elif not marks_any:
        severity = Severity.LOW
        message = (f"{_describe(f)}{read} is not marked in the transcription, which marks no stamp, "
                   "handwriting or signature anywhere")
    else:
        severity, message = Severity.MEDIUM, f"{_describe(f)}{read} is not marked in the transcription"
    return Flag(
        kind=kind,
        severity=severity,
        message=message,
        scan_text=f.region.text or None,
        page=f.page,
        bbox=f.region.bbox,
        score=f.region.confidence,
        evidence=evidence(f.region),
    )


def missing_flag(m: Mark) -> Flag:
    """Medium flag: markup that no element on the scan corresponds to."""
    return Flag(
        kind="missing_on_scan",
        severity=Severity.MEDIUM,
        message=f"The transcription marks {m.kind.value.replace('_', ' ')} {m.text!r}, "
                "but no such element was found on the scan",
        transcript_text=m.text,
        evidence=(f"{m.section.value} text, at {m.position:.0%} of it",),
        transcript_span=_span(m),
    )
