"""Text-only consistency checks: dates, numbers and names, within the original and against the translation.

``run_checks`` needs no scan and no OCR: it reads the transcription alone. It flags the record's
dates that disagree with each other or with the archive's metadata (``date_discrepancy``), and the
dates, numbers and names of the original that its translation renders differently
(``date_mismatch``, ``number_mismatch``, ``name_mismatch``). It also returns the original and the
translation aligned line group by line group, for the report's side-by-side view.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.checks import compare
from pipeline.checks.bitext import align_lines, blank_markup, text_lines
from pipeline.checks.consistency import internal_date_flags
from pipeline.checks.dates import DateMention, Precision, assign_roles, context_year, find_dates
from pipeline.checks.latin_names import latin_name_flags
from pipeline.checks.numbers import find_numbers
from pipeline.config import ChecksConfig
from pipeline.lang.detect import grammar_language
from pipeline.lang.script import CYRILLIC, script_share
from pipeline.model import Flag, MarkupKind, ParagraphPair, Section, Transcript

__all__ = ["CheckResult", "original_language", "run_checks"]

#: Least share (0–1) of an original's letters in Cyrillic for the Russian grammar and lexicon to read it.
_RUSSIAN_SHARE = 0.5


@dataclass(frozen=True)
class CheckResult:
    """The checks' flags, and the original aligned with its translation."""

    flags: tuple[Flag, ...]
    paragraphs: tuple[ParagraphPair, ...]


def _metadata_dates(transcript: Transcript, context: int) -> tuple[DateMention | None, DateMention | None]:
    """The archive's date of the document, and the last full date of its title (the event's)."""
    meta = [d for d in find_dates(transcript.metadata.date, "en", context) if d.precision is Precision.DAY]
    title = [d for d in find_dates(transcript.metadata.title, "en", context) if d.precision is Precision.DAY]
    return (meta[0] if meta else None), (title[-1] if title else None)


def original_language(transcript: Transcript, original: str) -> str | None:
    """The grammar code (``ru``, ``en``, ``fr``, ``de``, ``es``) of the original's language; None
    for another. Russian needs Cyrillic letters (a romanized Russian text is read as Latin)."""
    if script_share(original, CYRILLIC) >= _RUSSIAN_SHARE:
        return "ru"
    lang = grammar_language(original, transcript.metadata.original_language)
    return None if lang == "ru" else lang


def run_checks(transcript: Transcript, config: ChecksConfig) -> CheckResult:
    """Check a transcription's dates, numbers and names, inside the original and against the translation.

    Russian, English, French, German and Spanish originals are checked (``original_language``);
    one in another language gets its paragraph pairs but no flags. Names of a Russian original are
    matched through transliteration, those of a Latin-script one by spelling. Flags are sorted by
    position in the original; spans index ``transcript.original``.
    """
    original = blank_markup(transcript.original, transcript.markup_in(Section.ORIGINAL))
    translation = blank_markup(transcript.translation, transcript.markup_in(Section.TRANSLATION))
    lang = original_language(transcript, original)
    if lang is None:
        beads = (
            align_lines(text_lines(original), text_lines(translation), config, None) if translation.strip() else []
        )
        return CheckResult((), tuple(b.pair(transcript.original, transcript.translation) for b in beads))
    metadata_text = f"{transcript.metadata.date}\n{transcript.metadata.title}"
    context = context_year([metadata_text], "en", 0) or context_year([original], lang, config.default_year)

    hands = [m.span for m in transcript.markup_in(Section.ORIGINAL) if m.kind is MarkupKind.HANDWRITING]
    o_dates = assign_roles(
        find_dates(original, lang, context),
        original,
        config.head_lines,
        config.foot_lines,
        config.role_line_chars,
        skip=hands,
    )
    # A translation keeps its original's numeric dates: day first, unless the original is English.
    t_dates = find_dates(translation, "en", context, day_first=lang != "en")
    meta_date, meta_event = _metadata_dates(transcript, context)
    flags = internal_date_flags(o_dates, meta_date, meta_event, context, config)

    paragraphs: tuple[ParagraphPair, ...] = ()
    if translation.strip():
        # Handwritten notes are rarely translated: the comparison is of the typed text only.
        typed = blank_markup(transcript.original, transcript.markup_in(Section.ORIGINAL), handwriting=False)
        typed_dates = [d for d in o_dates if not any(a <= d.span[0] < b for a, b in hands)]
        beads = align_lines(text_lines(typed), text_lines(translation), config, lang)
        o_numbers = find_numbers(typed, lang, exclude=[d.span for d in o_dates])
        t_numbers = find_numbers(translation, "en", exclude=[d.span for d in t_dates])
        pairs = compare.sides(beads, typed, translation, (typed_dates, t_dates), (o_numbers, t_numbers))
        flags += compare.date_flags(pairs, context, config)
        flags += compare.number_flags(pairs, config)
        flags += compare.name_flags(pairs, config) if lang == "ru" else latin_name_flags(pairs, lang, config)
        paragraphs = tuple(b.pair(transcript.original, transcript.translation) for b in beads)

    flags.sort(key=lambda f: (f.transcript_span or (0, 0), f.kind))
    return CheckResult(tuple(flags), paragraphs)
