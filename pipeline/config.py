"""All settings of a scanproof run, in one place, with their defaults and why.

``Config()`` is the default run. Each stage reads only its own section; the sections are frozen
dataclasses so that a config can key a cache and travel to worker processes. A section checks its
values when it is made (``BadArgumentsError`` naming the setting), so that a mistyped name or an
impossible number fails at once, not minutes into a run.
"""

from __future__ import annotations

import codecs
import math
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from pipeline.errors import BadArgumentsError

#: Binarization methods (``PreprocessConfig.binarize``, ``extra_binarizations``), besides ``none``
#: (the grayscale page, binarized by Tesseract itself).
BINARIZATIONS = ("otsu", "sauvola", "wolf")
#: Exports of the OCR result (``ReportConfig.exports``).
EXPORT_FORMATS = ("page-xml", "alto", "hocr")
#: Encodings of the report's page images (``ReportConfig.image_format``).
IMAGE_FORMATS = ("webp", "jpeg")
#: Where page tasks run (``RunConfig.executor``).
EXECUTORS = ("local", "dask")
#: OCR engines (``OcrConfig.engine``, ``--ocr-engine``; ``pipeline.ocr.engine.ENGINES``).
OCR_ENGINES = ("auto", "tesseract", "tesserocr")
#: Levels of a PAGE-XML file's text (``TranscriptConfig.text_level``), coarsest first.
TEXT_LEVELS = ("region", "line", "word")
#: ``OcrConfig.lang`` for "the document's own language, found from its transcription".
AUTO = "auto"
#: Named sets of characters counted as one by ``scanproof cer`` (``AlignConfig.equivalences``;
#: what each holds: ``pipeline.align.equivalences``), the default first.
EQUIVALENCE_SETS = ("none", "dinglehopper")
#: The sections of ``Config`` that shape a page's reading (``pipeline.page``), and so its cache
#: key (``cache.page_key``); ``report`` for the preview made with it. Named here, not in the flow's
#: module, so that keying a cached page imports none of the stages that read it.
PAGE_SETTINGS = ("ingest", "layout", "preprocess", "ocr", "report")
#: The sections that shape a document's analysis (``pipeline.document``), and so its cache key
#: (``cache.analysis_key``); ``ocr`` for its ``lang``, the document's languages, whose
#: dictionaries the divergences consult.
ANALYSIS_SETTINGS = ("transcript", "align", "divergence", "checks", "markup", "ocr")


def _require_positive(section: object, *names: str) -> None:
    for name in names:
        value = getattr(section, name)
        if not (isinstance(value, int | float) and math.isfinite(value) and value > 0):
            raise BadArgumentsError(f"{type(section).__name__}.{name} = {value!r}: give a finite number above 0")


def _require_share(section: object, *names: str) -> None:
    """Each of ``names`` a share, 0–1 inclusive."""
    for name in names:
        value = getattr(section, name)
        if not (isinstance(value, int | float) and 0 <= value <= 1):
            raise BadArgumentsError(f"{type(section).__name__}.{name} = {value!r}: give a share from 0 to 1")


def _require_one_of(section: object, name: str, allowed: Collection[object]) -> None:
    _require_all_of(section, name, [getattr(section, name)], allowed)


def _require_all_of(section: object, name: str, values: Iterable[object], allowed: Collection[object]) -> None:
    for value in values:
        if value not in allowed:
            shown = ", ".join(map(str, allowed)) if len(allowed) < 20 else f"{min(allowed)}–{max(allowed)}"
            raise BadArgumentsError(f"{type(section).__name__}.{name}: unknown value {value!r}; use one of {shown}")


@dataclass(frozen=True)
class IngestConfig:
    """Reading page images."""

    #: DPI assumed when a file records none and none can be estimated (most archival scans are 300).
    default_dpi: float = 300.0
    #: Largest image accepted, in pixels: the decompression-bomb guard, checked from the file's
    #: header before decoding (in place of Pillow's own, whose limit is 89 million).
    max_pixels: int = 250_000_000
    #: Shortest page side accepted, in pixels: a smaller image holds no readable line of type
    #: (Tesseract wants capitals about 20 pixels high) and breaks the resampling steps.
    min_side_px: int = 32
    #: Resolutions a file may record and be believed (dpi); outside them it is estimated instead.
    min_dpi: float = 70.0
    max_dpi: float = 2400.0
    #: Longest page side believed, in inches (A2 is 23.4): a file saying 72 dpi on a 4000-pixel
    #: photo describes a 55-inch page, so its resolution is estimated instead.
    max_page_in: float = 30.0
    #: Recorded resolutions below this (dpi) are checked against the text's x-height, since 72 and
    #: 96 are what editors and cameras write when they know nothing better.
    verify_dpi_below: float = 150.0
    #: x-height assumed when the resolution is estimated from the text, in inches (a 10-pitch
    #: typewriter's lowercase letters; book and newspaper type is smaller, giving lower estimates).
    x_height_in: float = 0.088
    #: Highest resolution a PDF page is rendered at (dpi), whatever the scan inside it has.
    pdf_max_dpi: float = 600.0
    #: Find what is off the sheet (a scanner's bed, a book's edge, the facing page), so that the
    #: layout stage and the OCR leave it alone (``ingest.paper``).
    find_paper: bool = True
    #: Off the sheet is at most this share (0–1) of the paper's grey level, once dark features
    #: thinner than ``paper_close_mm`` (text, rules, pen strokes) are closed away: a scanner's bed
    #: or a table is (0.1–0.4 on the real pages), a shadow across a photographed sheet, a stain or
    #: yellowing is not (0.6 and more).
    paper_darkness: float = 0.5
    paper_close_mm: float = 4.0
    #: Less than this share of the image (0–1) off the sheet is left alone: a dark speck at an edge.
    paper_min_off: float = 0.002
    #: A second paper region at least this share of the image (0–1) is part of the sheet too (a
    #: shadow or a bar across it), while the strip of a facing page is smaller.
    paper_part_share: float = 0.1
    #: The paper within this distance (mm) of what is off the sheet counts as off it: the shadow
    #: along the paper's edge is as dark as ink.
    paper_edge_mm: float = 1.5

    def __post_init__(self) -> None:
        _require_positive(self, "default_dpi", "max_pixels", "min_side_px", "min_dpi", "max_dpi", "pdf_max_dpi",
                          "paper_darkness", "paper_close_mm", "paper_min_off", "paper_part_share",
                          "paper_edge_mm")


@dataclass(frozen=True)
class PreprocessConfig:
    """Image clean-up before OCR; each step can be switched off for the ablation benchmark.

    Lengths are in millimetres on the page, so that they mean the same at any resolution.
    """

    #: Find the sheet in a photo and warp it flat (scans, already rectangular, are left alone).
    sheet: bool = True
    #: The sheet must cover at least this fraction of the photo (0–1).
    sheet_min_area: float = 0.3
    #: A sheet whose corners are all within this many degrees of 90° is taken as already flat.
    sheet_max_corner_deg: float = 1.5
    #: A "sheet" with a corner farther than this from 90°, or with opposite sides differing by
    #: more than the factor ``sheet_min_side_ratio``, is a shadow's outline, not a sheet in view.
    sheet_max_perspective_deg: float = 15.0
    sheet_min_side_ratio: float = 0.85
    #: Paint what the page's reading found off the sheet (``IngestConfig.find_paper``) as paper.
    off_sheet: bool = True
    #: Replace coloured (stamp, pen) ink by paper, so the typed text is read alone.
    ink_separation: bool = True
    #: In the page's flow, foreign ink is taken out only within this distance (mm) of the stamps,
    #: notes and signatures the layout stage found: ink it did not call writing (type in a
    #: coloured ribbon, a coloured letterhead, a stain) stays for Tesseract to read. On the real
    #: pages this beat taking out all coloured ink (bench/RESULTS.md, "Real pages").
    ink_region_margin_mm: float = 3.0
    #: The typed ink's colour is measured on the page's letters: ink in components
    #: ``typed_letter_min_mm``–``typed_letter_max_mm`` high standing in lines, so that a letter
    #: typed in blue keeps its blue type under a black letterhead.
    typed_letter_min_mm: float = 1.2
    typed_letter_max_mm: float = 12.0
    #: Colour farther than this (Lab a*b* units) from any typed-ink-on-paper mixture is foreign ink.
    ink_max_distance: float = 7.0
    #: Take the foreign ink out by the multiplicative ink model (paper × typed ink × foreign ink, per
    #: colour channel) instead of painting paper over it: typing under a stamp is kept, and so is
    #: nothing of the stamp's pale rim, unmixed too up to ``ink_unmix_margin_mm`` from its ink.
    #: Painting left the rims as grey outlines that Tesseract read as letters and that changed its
    #: line finding (bench/RESULTS.md, "Typed-text CER").
    #: A pixel the model misses by more than ``ink_unmix_max_misfit`` (8-bit levels, root mean
    #: square over R, G, B: a third ink, two foreign inks on top of each other) is painted over.
    ink_unmix: bool = True
    ink_unmix_margin_mm: float = 0.4
    ink_unmix_max_misfit: float = 20.0
    #: Divide the page by its blank-paper background (removes shadows, yellowing, uneven light).
    flatten: bool = True
    #: Size of the closing that erases ink to find the paper: must exceed the tallest character.
    background_kernel_mm: float = 8.0
    #: Paint over dark scanner borders and punch holes.
    margins: bool = True
    #: Ink touching the image edge and longer than this is a border, not a character.
    border_min_mm: float = 12.0
    #: A solid blob (filling ``blob_fill`` of its box) this wide and high is a hole, not a character.
    blob_min_mm: float = 4.0
    blob_fill: float = 0.55
    #: Turn pages scanned sideways or upside down (Tesseract OSD). Off by default: one OSD call
    #: costs about 0.8–2.8 s (measured), as much as the page's OCR.
    orientation: bool = False
    #: OSD's confidence needed before a page is turned.
    orientation_min_confidence: float = 2.0
    #: Estimate and remove the page's skew (degrees, searched within ±``max_skew_deg``).
    deskew: bool = True
    max_skew_deg: float = 6.0
    #: Step of the final skew search, degrees; skews smaller than this are left alone.
    skew_precision_deg: float = 0.05
    #: Resize so that the typical character is ``target_glyph_px`` high (typescript at 300 dpi
    #: measures 22–28), when it is off by more than a factor ``rescale_tolerance``; never enlarge
    #: more than ``max_upscale`` times nor beyond ``max_megapixels``. Beyond 2× a 72–150 dpi scan
    #: reads no better and Tesseract's time grows with the pixels (bench/RESULTS.md, 7 Dec).
    rescale: bool = True
    target_glyph_px: float = 26.0
    rescale_tolerance: float = 1.5
    max_upscale: float = 2.0
    max_megapixels: float = 40.0
    #: ``none`` gives Tesseract the cleaned grayscale image to binarize itself
    #: (``OcrConfig.thresholding_method``); ``sauvola``, ``wolf`` or ``otsu`` binarize here. On the
    #: flattened page Tesseract's own Otsu read best (bench/RESULTS.md, "OCR quality").
    binarize: str = "none"
    #: Local-threshold window (Sauvola, Wolf): about two line heights of typescript.
    window_mm: float = 4.0
    #: Sauvola/Wolf ``k``: larger keeps fewer faint pixels as ink.
    binarize_k: float = 0.2
    #: Other binarizations of the same page (names as for ``binarize``), each read by an extra OCR
    #: pass; what they read lands in ``OcrWord.readings``, where disagreement marks unsure words.
    #: Each costs one more OCR of the page, so none by default.
    extra_binarizations: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _require_one_of(self, "binarize", ("none", *BINARIZATIONS))
        _require_all_of(self, "extra_binarizations", self.extra_binarizations, ("none", *BINARIZATIONS))
        _require_positive(self, "window_mm", "target_glyph_px", "max_megapixels")


@dataclass(frozen=True)
class OcrConfig:
    """How Tesseract reads a page."""

    #: Tesseract language of the original (``rus`` beats ``rus+eng`` on Cyrillic, see FACTS), or
    #: ``auto`` (``AUTO``; the default of ``scanproof verify`` and ``run``): each document's own,
    #: found from its transcription (``pipeline.lang.detect``).
    lang: str = "rus"
    #: Where ``lang`` is ``auto``: the share of the original's letters (0–1) that paragraphs in a
    #: second language must hold for it to be read too (``eng+fra``) …
    second_language_share: float = 0.2
    #: … and the language read where the transcription has no text the detector can place.
    fallback_lang: str = "rus"
    #: Page segmentation mode: 3 = fully automatic, no OSD. 6 (one block) hurts on multi-column headers.
    psm: int = 3
    #: Seconds before a hung Tesseract is killed and the page is marked failed.
    timeout_s: float = 300.0
    #: Seconds before Tesseract reading one stamp or note crop is given up (the element keeps no
    #: text); never more than ``timeout_s`` (``element_limit_s``).
    element_timeout_s: float = 30.0
    #: Seconds allowed for Tesseract's orientation detection on one page
    #: (``PreprocessConfig.orientation``).
    orientation_timeout_s: float = 60.0
    #: Tesseract's own binarization, used when preprocessing hands it a grayscale image
    #: (``PreprocessConfig.binarize="none"``): 0 Otsu, 1 Leptonica's adaptive Otsu, 2 Sauvola.
    thresholding_method: int = 0
    #: Keep, per character, the alternatives Tesseract's recogniser weighed (``OcrWord.alternatives``;
    #: its ``lstm_choice_mode=2``): the divergence stage tells by them whether the OCR had the
    #: transcription's digit in mind where it read another. Same text; the recognition takes
    #: about 1.1× its time (bench/RESULTS.md).
    char_alternatives: bool = True
    #: The recogniser's confidence (0–100) from which an alternative counts as weighed. It lists
    #: most shapes it considered at 0, and gives a digit's look-alikes 10–50 beside a digit it read
    #: surely (an `8` beside a `5` read at 96 on a real page).
    alternative_conf_min: float = 50.0
    #: What runs Tesseract (``pipeline.ocr.engine``): ``tesserocr``, its C++ API in the process
    #: that reads, each model loaded once; ``tesseract``, the program, a process and a model load
    #: per call; ``auto``, the fastest installed (tesserocr when it can be imported, else the
    #: program). The page records the engine used and its Tesseract's version.
    engine: str = "auto"

    def __post_init__(self) -> None:
        _require_positive(self, "timeout_s", "element_timeout_s", "orientation_timeout_s")
        _require_one_of(self, "psm", range(14))
        _require_one_of(self, "engine", OCR_ENGINES)
        _require_one_of(self, "thresholding_method", (0, 1, 2))
        _require_share(self, "second_language_share")

    @property
    def element_limit_s(self) -> float:
        """Seconds allowed for one element crop: a page's time limit bounds its elements' too."""
        return min(self.element_timeout_s, self.timeout_s)


@dataclass(frozen=True)
class TranscriptConfig:
    """How transcription files are read."""

    #: The text encoding of every transcription (a codec name Python knows: ``utf-8``, ``cp1251``,
    #: ``koi8-r``, ``latin-1`` …); None detects it per file (``pipeline.transcript.encoding``).
    encoding: str | None = None
    #: The level a PAGE-XML file's text is taken at (``TEXT_LEVELS``): ``line``, one line per
    #: ``TextLine``, reads what a line-based OCR engine and most ground truth hold, falling back
    #: to a region's own text where its lines have none; ``region`` the regions' own text, ``word``
    #: the lines' words joined (each falling back likewise; ``pipeline.transcript.page``).
    text_level: str = "line"

    def __post_init__(self) -> None:
        _require_one_of(self, "text_level", TEXT_LEVELS)
        if self.encoding is not None:
            try:
                codecs.lookup(self.encoding)
            except LookupError:
                raise BadArgumentsError(f"unknown text encoding {self.encoding!r}; give one such as utf-8, "
                                        "cp1251, koi8-r or latin-1, or leave it out to detect it") from None


@dataclass(frozen=True)
class AlignConfig:
    """Comparing the OCR text with the transcription."""

    #: Treat ``ё`` and ``е`` as the same letter: typewriters and many editions print ``е`` for both,
    #: so a difference between them is an editorial choice, reported once as info.
    fold_yo: bool = True
    #: Shortest word (letters/digits, case folded) used as an anchor when it occurs once on each side;
    #: shorter words are too often repeated or misread to pin the two texts together.
    anchor_min_chars: int = 4
    #: Anchors out of the main order, in a row and agreeing with each other, that make a block read
    #: in another order (a header column, a marginal note) rather than a chance coincidence.
    moved_block_min_anchors: int = 2
    #: Two words of one OCR line more than this many times the line's height apart stand in two
    #: columns (a letterhead's, a heading's and a date's), which Tesseract reads as one line: the
    #: alignment takes the two parts as lines of their own. Word spaces are under one height,
    #: justified or tabbed ones about two or three.
    column_gap: float = 4.0
    #: Text only the scan has (whole OCR lines) and text only the transcription has, at another
    #: place, this alike (rapidfuzz ratio of their letters and digits, 0–100) and this long, are
    #: one text read out of the transcription's order (``RESTRICTED`` misread ``BESTRICTED``, so no anchor
    #: moved it): the alignment reads those lines at the transcription's place.
    moved_text_min: float = 75.0
    moved_text_min_chars: int = 10
    #: A word the OCR read as a word form counts as read clearly (for text only the scan has) from
    #: ``DivergenceConfig.confidence_pivot``, or on a faint page from the confidence that this
    #: fraction of the page's words fall below, if that is lower: there, most correct words have a
    #: low confidence.
    page_confidence_quantile: float = 0.25
    #: Rows of the character confusion table kept in ``Metrics.confusions``.
    max_confusions: int = 20
    #: The equivalence set (``EQUIVALENCE_SETS``) ``scanproof cer`` applies to both texts before
    #: counting. ``none``: the characters as they are (after NFC), since a ligature or a MUFI
    #: letter against its spelled-out letters is a difference a diplomatic transcription makes on
    #: purpose, and dinglehopper's set is tuned for German Fraktur ground truth (it makes ``==``
    #: and the em dash an en dash). ``dinglehopper`` gives dinglehopper's figures. ``verify``
    #: compares through ``pipeline.align.normalize``'s own rules instead.
    equivalences: str = "none"


    def __post_init__(self) -> None:
        _require_positive(self, "anchor_min_chars", "moved_block_min_anchors", "max_confusions", "column_gap")
        _require_share(self, "page_confidence_quantile")
        _require_one_of(self, "equivalences", EQUIVALENCE_SETS)


@dataclass(frozen=True)
class DivergenceConfig:
    """Telling transcription errors from OCR noise among the differences (``pipeline.divergence``)."""

    #: A character substitution, insertion or deletion seen at least this many *other* times in the
    #: document is this OCR's habit (e.g. ``д``→``л``), hence noise.
    habit_min_count: int = 2
    #: OCR word confidence (0–100) around which the confidence evidence turns from against to for an
    #: error, and the spread (confidence points) over which it goes from neutral to full weight.
    confidence_pivot: float = 75.0
    confidence_spread: float = 15.0
    #: The lowest the confidence evidence goes (in units of its full weight; -1.5 otherwise) where the
    #: OCR reads one digit for another and that is no habit of it in this document.
    digit_confidence_floor: float = -0.5
    #: A word form the OCR read of this many letters at least (or a word one letter from one) counts
    #: as read clearly at any confidence: OCR noise does not make up a long dictionary word.
    omission_long_word: int = 8
    #: Score (0–1) from which a divergence is high / medium / low severity; below ``low`` it is info.
    high_score: float = 0.85
    medium_score: float = 0.65
    low_score: float = 0.35
    #: Similarity (rapidfuzz, 0–100) from which text only one side has is the same text as markup
    #: or as text the other side has elsewhere (moved, not dropped).
    same_text_min: float = 75.0
    #: … for one word added at one place and left out at another: two words of a root in common
    #: (a verb and its participle) are that alike by chance.
    moved_word_min: float = 85.0
    # Weights of the classifier's evidence (``pipeline.divergence``), in log-odds that the
    # transcription is wrong. They were set on synthetic documents with planted errors
    # (``bench/divergence.py``, one seed range, checked on another) and are general: none refers to a
    # particular document.
    #: Log-odds before any evidence.
    weight_prior: float = -0.5
    #: OCR confidence, at full weight (``confidence_spread`` above the pivot; 1.5× that below it).
    weight_confidence: float = 1.0
    #: The transcription's word is no word (of the document's languages: ``pipeline.lang.lexicon``)
    #: while the OCR's reading is one.
    weight_not_a_word: float = 1.6
    #: The reverse: the OCR's reading is no word form, the transcription's is.
    weight_ocr_not_a_word: float = -1.6
    #: Both readings are word forms (a real-word substitution, or an OCR misreading into a word) …
    weight_both_words: float = 0.0
    #: Neither reading is a word form, but the transcription's word becomes one with one of the OCR's
    #: letters (``Морозава`` against the OCR's ``И..орозова``).
    weight_repaired: float = 2.0
    #: Neither reading is a word form, but the scan reads one the transcription writes elsewhere (or
    #: differs from the transcription's word at the one letter where it departs from such a word),
    #: and the transcription's word is written only here (a name misspelt once).
    weight_own_spelling: float = 1.6
    #: … and two letters or more differ (not counting the OCR's habits): one word put for another,
    #: where an OCR misreading into a word is mostly one glyph.
    weight_word_swap: float = 1.2
    #: … or one letter for another, read with ``sure_confidence`` or more.
    weight_sure_swap: float = 0.4
    sure_confidence: float = 96.0
    #: … and they are two forms of one word (``строительство`` / ``строительства``): a slip of
    #: agreement, which the OCR, reading glyph by glyph, makes only by chance.
    weight_inflection: float = 1.0
    #: … and one of the two words is common (Zipf ``common_zipf_min`` at least: ``Lexicon.zipf``) and
    #: the other ``common_zipf_gap`` less (300 times rarer), the scan's reading the common one …
    weight_more_common: float = 1.2
    #: … or the transcription's.
    weight_less_common: float = -1.2
    common_zipf_min: float = 5.0
    common_zipf_gap: float = 2.5
    #: A word of the transcription mixes the letters of two scripts (a Latin ``i`` among Cyrillic).
    weight_mixed_script: float = 2.0
    #: A digit or ``№`` differs.
    weight_digits: float = 1.2
    #: … inside a date or year.
    weight_date: float = 0.4
    #: A proper name, abbreviation or reference code differs.
    weight_name: float = 0.5
    #: Every edit is one the OCR makes often in this document (``habit_min_count``).
    weight_habit: float = -2.2
    #: The same, when the OCR's reading is a word form and the transcription's is not (the habit
    #: would explain the OCR's reading only if the page said a non-word).
    weight_habit_against_word: float = -1.1
    #: Only letter case differs.
    weight_case_only: float = -2.5
    #: Only a digit and the letter typed for it differ, in a number (``I947`` / ``1947``).
    weight_typed_digit: float = -2.5
    #: Only punctuation or spacing differs (also: an omission or insertion of marks only).
    weight_punctuation_only: float = -2.5
    #: An extra OCR pass reads what the transcription says.
    weight_pass_disagrees: float = -2.0
    #: All OCR passes read the same.
    weight_passes_agree: float = 0.5
    #: Every digit in which the two differ, the transcription's is one the OCR's recogniser weighed
    #: there too (``OcrWord.alternatives``): a shape between the two, its noise.
    weight_digit_weighed: float = -1.5
    #: … none of them is: where the OCR read one digit for another, it saw no trace of the
    #: transcription's.
    weight_digit_unweighed: float = 0.8
    #: The same letters, split or joined differently: the OCR's spacing.
    weight_split: float = -1.5
    #: A letter read as a digit or a mark (``'`` ``:`` ``!`` ``|``): a blot or broken glyph, not a slip.
    weight_shape: float = -1.5
    #: … and where that is all, in a number or a code, ``l`` against ``1`` or ``O`` against ``0``:
    #: one key of many typewriters, which had none for the digit; either reading is the page's.
    weight_same_key: float = -3.0
    #: The OCR lost letters only (faint print).
    weight_lost_letters: float = -1.0
    #: … at a word's end, where the next word stands no further off than the one before it, within
    #: ``no_room_share`` of the lost letters' width: the page has no faint letters there, and the
    #: word the OCR read is the page's.
    weight_no_room_for_lost: float = 0.5
    #: A word of one or two letters, which OCR misreads easily.
    weight_short_word: float = -1.0
    #: The translation spells the scan's reading (an OCR misreading that does so is no chance).
    weight_translation_agrees: float = 3.0
    #: The translation spells the transcription's reading.
    weight_translation_disagrees: float = -2.5
    #: A number (two digits or more) of the transcription that the translation does not have, where
    #: the scan shows nothing the translation has either.
    weight_number_unconfirmed: float = 1.0
    #: The scan's year fits the document's other dates, the transcription's does not.
    weight_year_fits: float = 1.0
    #: The OCR's year does not fit the document's other dates.
    weight_year_odd: float = -2.5
    #: The transcription writes a date no calendar has (``May 70``, ``8/72/59``), the scan a possible one.
    weight_impossible_date: float = 2.0
    #: Years apart that still "fit" a document's other dates (a record of one year cites the year before).
    year_slack: int = 1
    #: The OCR reading shares little with the transcription: a misread, not a typo.
    weight_garbled: float = -1.2
    #: Scale of "the OCR read dictionary words there" for text only the scan has (omissions).
    weight_omitted_words: float = 1.8
    #: An omission of three words or more (a line).
    weight_omitted_line: float = 0.6
    #: … or of a word or two that the OCR read in a line, between its words that are the
    #: transcription's neighbours there, as tall as they (``classify._in_line_between``).
    weight_word_in_line: float = 2.4
    #: The omitted text is the transcription's markup (handwriting, stamp).
    weight_markup_text: float = -4.0
    #: The omitted or inserted text is in the transcription (or scan) nearby, in another order.
    weight_moved: float = -4.0
    #: The transcription repeats a word that the scan has once.
    weight_doubled: float = 2.2
    #: Transcription text the OCR shows nothing for: more often missed by the OCR than invented.
    weight_unread: float = -0.8
    #: … where the OCR read the words on either side clearly (``confidence_spread`` above the
    #: page's pivot, as for omissions): a word it skips is mostly faint, and so are its neighbours.
    weight_clear_context: float = 2.4
    #: … unless the layout stage found handwriting, a signature or a stamp between those words:
    #: the transcription's text is then mostly what is written there, which the OCR does not read.
    weight_writing_between: float = -1.0
    #: The words on either side of such a place witness it only when they are the transcription's
    #: neighbours, read about as it has them; one of the two may be read worse, down to this
    #: similarity (rapidfuzz, 0–100), and then only the room between them counts.
    witness_min: float = 50.0
    #: A word or two only the scan has, between such neighbours, stand in their line only if they
    #: have this many letters (and letters only) each.
    omission_letters_min: int = 5
    #: … and not when its box is this many times as tall as the other's: a box the OCR drew round
    #: a blot, the added word and all.
    blot_height: float = 1.5
    #: … or the two words stand on one line with a gap narrower than this share (0–1) of the width
    #: the transcription's letters would take there: the scan has no room for them.
    no_room_share: float = 0.5
    #: Every differing letter of the transcription is one the OCR never reads on these pages though
    #: the transcription has it ``blind_letter_min`` times or more (``і``, ``ѣ`` under a modern
    #: model): the OCR's blind spot, no evidence against the transcription.
    weight_blind_spot: float = -3.0
    blind_letter_min: int = 3
    #: Where Debian's Hunspell dictionaries are (``hunspell-en-us``, ``-fr``, ``-de-de``, ``-es``): the
    #: words of English, French, German and Spanish originals (``pipeline.lang.lexicon``).
    hunspell_dir: str = "/usr/share/hunspell"
    #: Where Debian's word lists are (``wbritish``): British spellings, beside the American
    #: dictionary (``pipeline.lang.lexicon.WORD_LISTS``).
    word_list_dir: str = "/usr/share/dict"


    def __post_init__(self) -> None:
        _require_share(self, "high_score", "medium_score", "low_score")
        if not self.low_score <= self.medium_score <= self.high_score:
            raise BadArgumentsError("DivergenceConfig: give low_score ≤ medium_score ≤ high_score")
        _require_positive(self, "confidence_spread", "same_text_min", "moved_word_min")


@dataclass(frozen=True)
class ChecksConfig:
    """Text-only consistency checks (dates, numbers, names; original vs translation)."""

    #: Non-blank lines at the top of the original where the record's own date is looked for.
    head_lines: int = 12
    #: Non-blank lines at the foot of the original where the registration date is looked for.
    foot_lines: int = 10
    #: A date takes a role (header, footer, event) only on a line with at most this many other
    #: characters: a dateline, not a sentence that mentions a date.
    role_line_chars: int = 30
    #: Days a footer date may lie from the header date before they are said to disagree (a record is
    #: often typed and registered some days after the date it bears).
    footer_lag_days: int = 31
    #: Years a date may lie from the document's own year before it is suspect (only reported when a
    #: one-character confusion would bring it back).
    max_year_spread: int = 10
    #: Two-digit years resolve to the century nearest this year when the document gives no year.
    default_year: int = 1950
    #: iuliia transliteration schemes whose spellings a translation may use for a Russian name.
    translit_schemes: tuple[str, ...] = (
        "bgn_pcgn", "ala_lc", "gost_779", "iso_9_1968", "wikipedia", "scientific", "icao_doc_9303",
        "ungegn_1987", "bs_2979", "mvd_782", "telegram",
    )  # fmt: skip
    #: Similarity (1 − edits/length) at or above which an English word renders a Russian name.
    name_accept: float = 0.92
    #: Similarity below which two words are taken as unrelated rather than a misspelt pair.
    name_min: float = 0.65
    #: Word list whose lower-case entries are common English words (Debian package ``wamerican``):
    #: a capitalised translation word not among them is a name, which must render some original word.
    english_words: str = "/usr/share/dict/american-english"
    #: Where Debian's Hunspell dictionaries are: the words of a French, German, Spanish or English
    #: original, which tell its names from its other capitalised words.
    hunspell_dir: str = "/usr/share/hunspell"
    #: Beads (aligned line groups) on either side searched before a value is called missing from the
    #: translation; absorbs small alignment errors.
    neighbour_beads: int = 2
    #: Alignment cost weights (see ``pipeline.checks.bitext.align_lines``).
    align_length_weight: float = 1.0
    align_anchor_weight: float = 1.0
    align_merge_cost: float = 0.4
    align_skip_cost: float = 1.2
    #: Segments (lines) the alignment may stray from the proportional diagonal; bounds its time.
    align_band: int = 25


    def __post_init__(self) -> None:
        _require_share(self, "name_accept", "name_min")


@dataclass(frozen=True)
class LayoutConfig:
    """Finding stamps, handwriting and signatures on a page and matching them to the markup.

    Lengths are in millimetres of paper (converted with the page's dpi) so that one setting holds
    for 200 and 600 dpi scans alike; colours are CIE Lab after white-balancing the page to its paper.
    """

    #: Resolution the page is reduced to for detection; pen strokes (≥ 0.3 mm) survive 150 dpi.
    analysis_dpi: float = 150.0
    #: Lab chroma (0–~130) above which an ink pixel counts as coloured (violet, blue, red) rather
    #: than grey-black; JPEG fringes round black type reach about 12.
    colour_chroma_min: float = 20.0
    #: Fainter coloured pixels (chroma from this value) join the coloured ink when they touch pixels
    #: above ``colour_chroma_min``: rubber stamps print unevenly, and their pale parts still count.
    colour_chroma_grow: float = 12.0
    #: Round a coloured element, ink of its own hue (± ``hue_tolerance_deg``) from this chroma and
    #: lighter than type joins it, up to ``stamp_grow_mm`` away: the pale frame of a worn stamp.
    #: Paper noise stays below about 6, the anti-aliased edges of type are excluded by lightness.
    #: The hue tolerance stays well under the ~27° between blue and violet inks, so that a blue
    #: signature does not grow into the pale ring of a violet stamp beside it.
    colour_chroma_faint: float = 7.0
    hue_tolerance_deg: float = 15.0
    #: Elements of coloured ink whose median hues differ by more than this (degrees) are two inks
    #: (a violet stamp beside a blue signature) and are not merged. Blue and violet inks lie
    #: 20–30° apart.
    hue_split_deg: float = 18.0
    #: A stamp-sized element whose ink falls into two hues is a stamp and a pen put over each
    #: other (a blue signature across a violet or red stamp): ink close enough to join, inks apart.
    #: Each pixel's hue is first averaged over ``ink_smooth_mm`` of ink round it (single pixels'
    #: hues scatter by 10° and more on worn scans); the hues are then cut in two where they are
    #: best separated (Otsu's threshold). They are two inks when the two means lie at least
    #: ``ink_split_deg`` apart and the hue histogram dips between them to at most
    #: ``ink_split_dip`` of the lower ink's peak. On the synthetic colour pages (seeds 0–9,
    #: 100–109, 200–209) one ink cut in two gave at most 11° and a dip of 0.4 or more; a blue pen
    #: across a violet stamp 17° or more and at most 0.2, across a red one about 90° and 0.
    ink_smooth_mm: float = 0.8
    ink_split_deg: float = 14.0
    ink_split_dip: float = 0.3
    stamp_grow_mm: float = 12.0
    #: Lab hue ranges (degrees, atan2(b, a)) of stamp and pen inks: blue/violet and red. Yellow to
    #: green (50–200°) is left out because that is the colour of stains and aged paper.
    ink_hues_deg: tuple[tuple[float, float], ...] = ((200.0, 360.0), (0.0, 50.0))
    #: Ink within this distance (mm) belongs to the same element (letters of a word, lines of a note).
    group_mm: float = 5.0
    #: Ink touching the image border is a border strip (scanner-lid shadow, paper edge, the table
    #: round a photographed sheet), not writing, when it runs along the border for over a quarter of
    #: the page, or when it is at most ``edge_strip_max_mm`` thick and runs along the border for
    #: ``edge_strip_min_mm`` or more. A note cut by the border is wider; a digit is shorter.
    edge_strip_max_mm: float = 8.0
    edge_strip_min_mm: float = 25.0
    #: Ink touching the image's edge, at most ``edge_sliver_max_mm`` thick across it and three
    #: times as long along it, is the paper's edge or the next sheet cut off by the scan.
    edge_sliver_max_mm: float = 3.0
    #: Ink this close (mm) to a side of the sheet touches it, for the two rules above: the paper's
    #: shadowed edge was taken off with what lies off the sheet.
    edge_touch_mm: float = 1.0
    #: An upright element at most ``rule_max_mm`` wide and ``rule_aspect_min`` times as tall is a
    #: ruled line, a fold or a book's gutter (4–5 mm wide on the real pages), not writing.
    rule_max_mm: float = 5.0
    rule_aspect_min: float = 6.0
    #: Elements smaller than this on their longer side (mm) are specks, ticks or dirt.
    min_element_mm: float = 5.0
    #: Smallest ink area of an element (mm²).
    min_ink_mm2: float = 4.0
    #: A ring stamp has ink in at least this fraction of directions round its centre (0–1).
    ring_coverage_min: float = 0.7
    #: A ring stamp must also show a circle spanning its box (``ring_fit``, 0–1): a square block of
    #: handwriting covers the box's inscribed ellipse at its extreme points but fits no circle. On
    #: the synthetic colour pages (seeds 0–9, 100–109, 200–209, 300–309) round stamps fitted 0.94
    #: or more, square notes 0.54 or less.
    ring_fit_min: float = 0.7
    #: A framed stamp has ink along at least this fraction of each side of its frame (0–1).
    frame_coverage_min: float = 0.35
    #: Ring or frame coverage a stamp in grey-black ink needs (greyscale scans): a block of
    #: handwriting reaches 0.7 on its inscribed ellipse.
    grey_outline_min: float = 0.85
    #: Smallest stamp (mm, shorter side); office stamps are 15–45 mm.
    stamp_min_mm: float = 12.0
    #: Look for stamps in grey-black ink on pages that show coloured ink too. By default they are
    #: looked for only on pages without coloured ink (greyscale scans, colour scans of black-only
    #: pages): on a colour scan a stamp shows its colour, and the outline search costs about 1.4 s
    #: of CPU a page (bench/RESULTS.md), a fifth of a page's OCR. Turn on for black stamps on colour scans.
    grey_stamps_on_colour: bool = False
    #: Stamps in grey-black ink (greyscale scans) are found by their outline in the ink at least
    #: ``grey_ink_contrast`` lightness levels (0–255) below its surroundings: lower than the dark-ink
    #: mask's 20, so that a stamp paler than the type keeps its worn frame.
    grey_ink_contrast: float = 12.0
    #: A frame's sides are straight thin lines at least ``frame_line_min_mm`` long, tilted at most
    #: ``frame_tilt_max_deg`` from the page's axes, with paper ``frame_clear_mm`` either side (a
    #: line along a row of type has the glyphs on one side); each of its four sides must be inked
    #: along ``frame_side_min`` (0–1) of its length, dashes joined.
    frame_line_min_mm: float = 12.0
    frame_tilt_max_deg: float = 20.0
    frame_clear_mm: float = 1.2
    frame_side_min: float = 0.5
    #: A grey ring is a stamp when its coverage less the coverage just outside it reaches this
    #: (0–1); blocks of type and writing score under 0.55.
    grey_ring_score_min: float = 0.65
    #: Ink inside a stamp, its ring or frame left out, longer than ``pen_stroke_min_mm`` and
    #: wider and taller than ``stamp_letter_max_mm`` (a stamp's letters, one row of which may run
    #: long but not tall) is pen writing across the stamp.
    pen_stroke_min_mm: float = 10.0
    stamp_letter_max_mm: float = 6.0
    #: A handwritten mark no larger than this (mm, longer side) is a candidate sheet number.
    marginal_max_mm: float = 16.0
    #: Ink taller than this many typed-glyph heights is not typewriting (greyscale detection).
    untyped_height_ratio: float = 2.2
    #: Neighbourhood of the local ink threshold (mm): several typed lines, less than a lighting change.
    local_block_mm: float = 12.0
    #: Largest ring stamp looked for (radius, mm); official round seals are at most 50 mm across.
    ring_max_mm: float = 30.0
    #: Share of a side (0–1) that counts it as whole, for a frame cut out of pen strokes.
    cut_side_min: float = 0.85
    #: Type in any colour (a blue or violet ribbon, a printed letterhead) is ink in letters
    #: ``typed_letter_min_mm``–``typed_letter_max_mm`` high standing level in lines; an element
    #: whose ink is at least ``typed_share_min`` (0–1) such letters is text, and only what is
    #: left of it (a signature across the typing) can be a region. Typed bodies of the 1905
    #: letters of the real-page set score 0.39–0.62, handwriting 0–0.1 (mostly 0).
    typed_letter_min_mm: float = 1.2
    typed_letter_max_mm: float = 12.0
    typed_share_min: float = 0.3
    #: The page is typed in a coloured ink when at least ``text_ink_share_min`` (0–1) of its
    #: letters standing in lines are coloured: the six 1905 letters of the real-page set (blue
    #: and violet ribbons) have 0.45–0.87 of their letters coloured, the generator's black-typed
    #: colour pages 0.01–0.07. An element of that ink (hues within ``hue_split_deg``) is tested
    #: as below; an element of another ink only when it holds ``other_ink_letters_min`` letters
    #: or more, a line of type: a note in pen printed letter by letter stands in lines too, and
    #: coloured ink is writing, as it mostly is (the generator's violet notes hold 4–8 letters),
    #: but old print's brownish ink, tinted unevenly, or a bichrome ribbon's red is type.
    text_ink_share_min: float = 0.25
    other_ink_letters_min: int = 12
    #: Grey-black ink found as untyped (seeded by tall strokes) is print when at least
    #: ``printed_share_min`` (0–1) of it lies in letters standing in lines, in at least
    #: ``printed_letters_min`` letters: old print's heading set large, its touching letters.
    printed_share_min: float = 0.9
    printed_letters_min: int = 6
    #: ... or when, no larger than ``marginal_max_mm``, it has ``within_lines_letters_min`` letters
    #: standing in lines or more on each side, within ``within_lines_reach_mm``, their middles
    #: level with it: a piece of the lines of print it stands in (``layout.detect._within_lines``).
    within_lines_letters_min: int = 2
    within_lines_reach_mm: float = 6.0
    #: ... and holds at least ``typed_letters_min`` such letters (a word standing alone between
    #: the fragments of a near-black ribbon), whose heights spread (interquartile range over
    #: median, row by row: ``split.row_height_spread``) by at most ``typed_height_spread_max``:
    #: typed lines of the real pages 0–0.24, hand-printed notes of the generator 0.5–0.8.
    typed_letters_min: int = 2
    typed_height_spread_max: float = 0.35
    #: ... and on a page typed in a coloured ink, letters whose median height is within this
    #: factor of the page's typed letters: a note in the ribbon's hue is written larger.
    typed_size_ratio_max: float = 1.3
    #: Share of its box (0–1) a pen stroke fills at most; letters of close-set typed lines that
    #: touch fill 0.3–0.6 (the 1905 letters of the real-page set).
    pen_fill_max: float = 0.25
    #: A signature is one row of ink whose largest connected stroke holds at least this share.
    signature_largest_share: float = 0.3
    #: Stamp and pen ink's edges are at least this sharp (``kinds.edge_sharpness``, 0 to about
    #: 0.5): the soft shading of a crease, a curled corner or a book's stained edge is no ink.
    #: Pen and type on the real pages measure 0.25 and more (a violet signature), creases,
    #: curled corners and a book's fore-edge 0.06–0.18.
    ink_sharpness_min: float = 0.20
    #: Read stamps and handwriting with Tesseract (small crops; stamps in 4 orientations × angles).
    read_elements: bool = True
    #: Resolution elements are read at (dpi): stamp and note letters are 3–8 mm high, and 200 dpi
    #: reads them as well as 300 in half the time.
    read_dpi: float = 200.0
    #: Margin of paper kept round an element when it is cropped for reading (mm).
    read_margin_mm: float = 2.0
    #: Small rotations (degrees) tried on stamps in each of the four orientations.
    stamp_angles_deg: tuple[float, ...] = (-12.0, 0.0, 12.0)


    def __post_init__(self) -> None:
        _require_positive(self, "analysis_dpi", "read_dpi", "group_mm", "min_element_mm")


@dataclass(frozen=True)
class MarkupConfig:
    """Matching the elements found on the scan to the transcription's editorial markup
    (``pipeline.markup``)."""

    #: A region and a markup item whose texts are at least this similar (0–1) are matched by text.
    text_match_min: float = 0.6
    #: Largest distance in reading order (0–1 of the document) for matching a handwritten note or a
    #: sheet number by position alone (stamps and signatures are matched by kind wherever they are).
    position_match_max: float = 0.5
    #: An element without markup whose reading (four letters or digits at least) is this similar
    #: (0–1, best-matching stretch) to a stretch of the transcription's text is transcribed there,
    #: only not marked as an element: an info flag, not a finding.
    in_text_min: float = 0.8

    def __post_init__(self) -> None:
        _require_share(self, "text_match_min", "position_match_max", "in_text_min")


@dataclass(frozen=True)
class ReportConfig:
    """How the HTML report stores its page images (the report must stay light for 50-page files)."""

    #: Page images are re-encoded in this format beside the report: ``webp`` or ``jpeg``. On an A4
    #: scan at 2400 px, WebP quality 60 took 140 KB against 384 KB for JPEG quality 70, with
    #: typewritten strokes as legible; every current browser shows WebP.
    image_format: str = "webp"
    #: Encoder quality, 1–95.
    image_quality: int = 60
    #: Longest side of a stored page image, in pixels; larger scans are scaled down (boxes keep
    #: input-pixel coordinates, the viewer scales them). 2400 px is A4 at about 200 dpi.
    max_image_side: int = 2400
    #: Exports of the OCR result written beside the report: any of ``EXPORT_FORMATS``.
    exports: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _require_one_of(self, "image_format", IMAGE_FORMATS)
        _require_one_of(self, "image_quality", range(1, 96))
        _require_positive(self, "max_image_side")
        _require_all_of(self, "exports", self.exports, EXPORT_FORMATS)


@dataclass(frozen=True)
class RunConfig:
    """How pages are scheduled and where their readings are kept."""

    #: Worker processes for OCR; 0 means one per CPU core.
    jobs: int = 0
    #: Where page tasks run: ``local`` (a process pool, nothing to start) or ``dask`` (Dask
    #: distributed). Not the OCR engine (``ocr.engine_fingerprint``).
    executor: str = "local"
    #: Address of an existing Dask scheduler (``tcp://HOST:8786``); None starts a LocalCluster.
    scheduler: str | None = None
    #: Keep page readings between runs; a re-run after a transcript edit then skips the OCR.
    cache: bool = True
    #: Where the cache lives; None means ``.cache`` inside the output folder.
    cache_dir: str | None = None
    #: Send each page's bytes with its task, for Dask workers that cannot read the scans' paths;
    #: by default tasks carry paths, for workers on shared storage.
    ship_images: bool = False

    def __post_init__(self) -> None:
        _require_one_of(self, "executor", EXECUTORS)
        if not isinstance(self.jobs, int) or self.jobs < 0:
            raise BadArgumentsError(f"RunConfig.jobs = {self.jobs!r}: give a whole number, 0 for one per core")


@dataclass(frozen=True)
class Config:
    """Everything a run needs; ``Config()`` gives the documented defaults."""

    ingest: IngestConfig = field(default_factory=IngestConfig)
    preprocess: PreprocessConfig = field(default_factory=PreprocessConfig)
    ocr: OcrConfig = field(default_factory=OcrConfig)
    transcript: TranscriptConfig = field(default_factory=TranscriptConfig)
    align: AlignConfig = field(default_factory=AlignConfig)
    divergence: DivergenceConfig = field(default_factory=DivergenceConfig)
    checks: ChecksConfig = field(default_factory=ChecksConfig)
    layout: LayoutConfig = field(default_factory=LayoutConfig)
    markup: MarkupConfig = field(default_factory=MarkupConfig)
    run: RunConfig = field(default_factory=RunConfig)
    report: ReportConfig = field(default_factory=ReportConfig)
