"""Random documents: a typed embassy record of the 1950s–70s, in one of the corpora's languages.

``compose`` builds both what the pages show (a ``Layout``) and what a published transcription of it
says (``Block``s of the original and the translation, line by line, in the export format of
``transcripts/``). Planting errors then edits only the written side.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from pipeline.synth.corpus import MONTHS_EN, Corpus, Slot, corpus, date_en, random_date
from pipeline.synth.layout import LINE_MM, Element, Layout, PageLayout, wrap

#: Page geometry of a random document, millimetres on A4.
LEFT_MM, TOP_MM, BOTTOM_MM = 30.0, 18.0, 268.0
BODY_CHARS, INDENT = 62, 5
SPACING = 1.5
#: Where typing must stop on the right (millimetres from the sheet's left edge), and the pitch.
RIGHT_MM, PITCH_MM = 195.0, 2.54


@dataclass(frozen=True)
class Line:
    """One line of the written transcription (a heading line or a whole paragraph)."""

    orig: str
    en: str
    slots: tuple[Slot, ...] = ()
    #: The page lines this line was typed as (a paragraph wraps); empty for non-typed lines.
    typed: tuple[str, ...] = ()


@dataclass(frozen=True)
class Block:
    """A group of lines the export writes together.

    ``kind``: ``typed`` (heading lines joined by hard breaks), ``para`` (one paragraph), ``hand``
    (handwritten lines, in italics), ``stamp``, ``signature``. ``marginal`` is a handwritten sheet
    number written beside the block's first line.
    """

    kind: str
    lines: tuple[Line, ...]
    page: int
    marginal: str = ""


@dataclass
class Composition:
    """A random document before rendering."""

    layout: Layout
    blocks: list[Block]
    corpus: Corpus
    title_en: str
    date_en: str
    summary_en: str


class _Pages:
    """Places elements top to bottom, opening a new page when one is full."""

    def __init__(self) -> None:
        self.pages: list[list[Element]] = [[]]
        self.y = TOP_MM

    @property
    def number(self) -> int:
        return len(self.pages)

    def fits(self, n_lines: int) -> bool:
        return self.y + n_lines * LINE_MM * SPACING <= BOTTOM_MM

    def new_page(self) -> None:
        self.pages.append([])
        self.y = TOP_MM

    def typed(self, lines: list[str], *, x_mm: float = LEFT_MM, align: str = "left", gap: float = 1.0,
              advance: bool = True) -> None:
        self.pages[-1].append(Element("text", x_mm, self.y, lines=tuple(lines), width_chars=BODY_CHARS,
                                      align=align, spacing=SPACING))
        if advance:
            self.y += (len(lines) + gap) * LINE_MM * SPACING

    def add(self, element: Element) -> None:
        self.pages[-1].append(element)




def _furniture(specs: list[list[str] | str], fields: dict[str, str]) -> list[Line]:
    """The corpus's furniture lines ``specs`` filled with ``fields`` (the corpus files describe both);
    a line given as one string is its own English."""
    lines = []
    for spec in specs:
        if isinstance(spec, str):
            spec = [spec, spec]
        slots = (Slot(spec[2], fields[spec[3]], fields[spec[4]]),) if len(spec) > 2 else ()
        lines.append(Line(spec[0].format(**fields), spec[1].format(**fields), slots))
    return lines


def _fields(c: Corpus, rng: np.random.Generator) -> tuple[dict[str, str], tuple[int, int, int], tuple[int, int, int]]:
    """What the furniture says of a new document (its author, partner, numbers and dates), its date and
    the date of the conversation it records; draws from ``rng`` in the generator's fixed order."""
    day, month, year = random_date(rng, (1956, 1972))
    initials, surname, author = c.random_name(rng)
    country = c.countries[int(rng.integers(len(c.countries)))]
    copy_no, out_no, reg_no = int(rng.integers(1, 4)), int(rng.integers(11, 400)), int(rng.integers(11, 400))
    sheet_no = int(rng.integers(2, 300))
    p_initials, p_surname, partner = c.random_name(rng)
    talk = random_date(rng, (year, year))
    talk = (talk[0], month, year) if talk[1] > month else talk
    date = c.date_orig(day, month, year)
    fields = {
        "initials": initials, "surname": surname, "SURNAME": surname.upper(), "author": author,
        "AUTHOR": author.upper(), "p_initials": p_initials, "p_surname": p_surname, "partner": partner,
        "country": country[0], "country_en": country[1], "capital": (*country, "", "")[2],
        "capital_en": (*country, "", "")[3],
        "copy_no": str(copy_no), "file_copy": str(copy_no + 1), "reg_no": str(reg_no), "out_no": str(out_no),
        "sheet_no": str(sheet_no), "day": str(day), "date": date, "date_tail": date.split(" ", 1)[1],
        "date_en": date_en(day, month, year),
    }
    return fields, (day, month, year), talk


def _note(c: Corpus, place: _Pages, blocks: list[Block], rng: np.random.Generator, month: int, year: int) -> None:
    """A reader's handwritten instruction in the bottom margin of the page just filled."""
    _, n_surname, _ = c.random_name(rng)
    d = (int(rng.integers(1, 29)), month, year)
    notes = c.document["notes"]
    text = _furniture([notes[int(rng.integers(len(notes)))]], {"n_surname": n_surname})[0]
    lines = (text, Line(n_surname, n_surname), Line(c.date_short(*d), c.date_short(*d)))
    place.add(Element("handwriting", LEFT_MM + float(rng.uniform(-12, 60)), BOTTOM_MM + 4,
                      lines=tuple(ln.orig for ln in lines), size_mm=float(rng.uniform(4.5, 6.0)),
                      angle_deg=float(rng.uniform(-8, 8)), ink=("blue", "black")[int(rng.integers(2))]))
    blocks.append(Block("hand", lines, place.number))


def _stamp(c: Corpus, place: _Pages, blocks: list[Block], rng: np.random.Generator, fields: dict[str, str]) -> None:
    """One of the corpus's stamps, somewhere in the lower right of the last page."""
    orig, en, shape = c.document["stamps"][int(rng.integers(len(c.document["stamps"])))]
    text = _furniture([[orig, en]], fields)[0]
    w, h = (48.0, 16.0) if shape == "rect" else (36.0, 36.0)
    place.add(Element("stamp", float(rng.uniform(100, 150)), float(rng.uniform(195, 240)), w_mm=w, h_mm=h,
                      shape=shape, lines=(text.orig,), ink=("violet", "blue", "red")[int(rng.integers(3))],
                      angle_deg=float(rng.uniform(-15, 15))))
    blocks.append(Block("stamp", (text,), place.number))


def _heading(c: Corpus, place: _Pages, blocks: list[Block], rng: np.random.Generator, fields: dict[str, str],
             kind: int, handwriting: bool) -> str:
    """The letterhead, the heading on the right (with the archive's sheet number) and the title;
    returns the title's English."""
    spec = c.document["kinds"][kind]
    head_l, head_r = _furniture(spec["head"], fields), _furniture(c.document["heading"], fields)
    x_right = min(LEFT_MM + 90, RIGHT_MM - max(len(ln.orig) for ln in head_r) * PITCH_MM)
    place.typed([ln.orig for ln in head_l], advance=False)
    place.typed([ln.orig for ln in head_r], x_mm=x_right)
    blocks.append(Block("typed", tuple(head_l), 1))
    blocks.append(Block("typed", tuple(head_r), 1, marginal=fields["sheet_no"] if handwriting else ""))
    if handwriting:  # the archive's sheet number, just right of the heading's first line
        place.add(Element("handwriting", x_right + (len(head_r[0].orig) + 2) * PITCH_MM + 6, TOP_MM - 4,
                          lines=(fields["sheet_no"],), size_mm=5.0, angle_deg=float(rng.uniform(-6, 6)),
                          ink="blue", role="marginal"))
    place.y += LINE_MM * SPACING
    title = _furniture(spec["title"], fields)
    place.typed([ln.orig for ln in title], align="center", gap=0.5)
    blocks.append(Block("typed", tuple(title), 1))
    return spec["title_en"].format(**fields)


def compose(seed: int, *, lang: str = "rus", pages: int = 1, stamps: bool = True,
            handwriting: bool = True) -> Composition:
    """A random embassy document (a record of conversation, a report or a note) in language ``lang``
    (``corpus.LANGUAGES``) of about ``pages`` pages, deterministic in ``seed`` and ``lang``."""
    c = corpus(lang)
    rng = np.random.default_rng([seed, 0xD0C])
    fields, (day, month, year), talk = _fields(c, rng)
    place = _Pages()
    blocks: list[Block] = []
    # The kind of document comes from its own stream, so the rest of a seed's document does not
    # depend on it.
    kind = int(np.random.default_rng([seed, 0x7E]).integers(len(c.document["kinds"])))
    title_en = _heading(c, place, blocks, rng, fields, kind, handwriting)
    when = Line(c.date_orig(*talk), date_en(*talk), (Slot("date", c.date_orig(*talk), date_en(*talk)),))
    place.typed([when.orig], align="center")
    blocks.append(Block("typed", (when,), 1))

    # A reader's remark squeezed between two typed lines, in some documents; its own stream again.
    remarks = np.random.default_rng([seed, 0x4E])
    remark_para = int(remarks.integers(0, 6)) if handwriting and remarks.random() < 0.6 else -1
    target_pages = max(1, pages)
    while True:
        n = int(rng.integers(2, 5))
        sents = [c.sentence(rng, year, int(t)) for t in rng.choice(len(c.templates), n, replace=False)]
        text = " ".join(s.orig for s in sents)
        typed = wrap(text, BODY_CHARS, INDENT)
        if not place.fits(len(typed) + 8 if place.number == target_pages else len(typed)):
            if place.number >= target_pages:
                break
            if handwriting:
                _note(c, place, blocks, rng, month, year)
            place.new_page()
        top = place.y
        place.typed(typed, gap=0.0)
        blocks.append(Block("para", (Line(text, " ".join(s.en for s in sents),
                                          tuple(sl for s in sents for sl in s.slots), tuple(typed)),),
                            place.number))
        if sum(b.kind == "para" for b in blocks) - 1 == remark_para and len(typed) >= 2:
            remark = c.document["remarks"][int(remarks.integers(len(c.document["remarks"])))]
            gap = int(remarks.integers(1, len(typed)))  # under typed line gap - 1
            place.add(Element("handwriting", float(remarks.uniform(95, 150)),
                              top + (gap - 1) * LINE_MM * SPACING + 2.3, lines=(remark,), size_mm=3.0,
                              angle_deg=float(remarks.uniform(-3, 3)), ink="blue"))
            blocks.append(Block("hand", (Line(remark, remark),), place.number))

    _closing(c, place, blocks, rng, fields, (day, month, year), handwriting)
    if stamps:
        _stamp(c, place, blocks, rng, fields)
    title_en = f"{title_en}, {date_en(*talk)}"
    layout = Layout(document=f"synth-{seed}" if lang == "rus" else f"synth-{lang}-{seed}", seed=seed,
                    title=title_en, pages=tuple(PageLayout(tuple(p)) for p in place.pages))
    return Composition(layout, blocks, c, title_en, f"{MONTHS_EN[month - 1]} {day}, {year}",
                       f"{fields['author']} reports a conversation with {fields['partner']}.")


def _closing(c: Corpus, place: _Pages, blocks: list[Block], rng: np.random.Generator, fields: dict[str, str],
             dated: tuple[int, int, int], handwriting: bool) -> None:
    """The signature block, the registry's lines (file copy, outgoing number, date sent, some days
    after ``dated``) and a reader's note."""
    day, month, year = dated
    place.y += LINE_MM * SPACING
    sign = _furniture([c.document["sign"]], fields)
    place.typed([sign[0].orig], x_mm=LEFT_MM + 15, gap=1.5)
    blocks.append(Block("typed", tuple(sign), place.number))
    if handwriting:
        place.add(Element("signature", LEFT_MM + 75, place.y - LINE_MM * SPACING * 1.6, w_mm=38, h_mm=12,
                          ink="blue"))
        blocks.append(Block("signature", (Line("[signature]", "[signature]"),), place.number))
    who = _furniture([c.document["who"]], fields)
    place.typed([who[0].orig], x_mm=LEFT_MM + 110, gap=1.0)
    blocks.append(Block("typed", tuple(who), place.number))
    fields["out_date"] = c.date_short(int(rng.integers(day, 29)), month, year)
    dist = _furniture(c.document["dist"], fields)
    place.typed([ln.orig for ln in dist], gap=0.0)
    blocks.append(Block("typed", tuple(dist), place.number))
    if handwriting:
        _note(c, place, blocks, rng, month, year)


def written_line(block: Block, i: int, lang: str) -> str:
    """Line ``i`` of ``block`` as the export writes it: ``lang`` ``orig`` (the original) or ``en``."""
    text = getattr(block.lines[i], lang)
    if block.marginal and lang == "orig" and i == 0:
        return f"{text} <sup>{block.marginal}</sup>"
    return text


def _block_text(block: Block, lang: str) -> str:
    lines = [written_line(block, i, lang) for i in range(len(block.lines))]
    if block.kind == "hand":
        return "  \n".join(f"*{t}*" for t in lines if t)
    if block.kind == "stamp":
        return f"[Stamp]: {lines[0]}"
    if block.kind == "signature":
        return "[signature]"
    return "  \n".join(t for t in lines if t)


def export(comp: Composition, blocks: list[Block]) -> str:
    """The published-transcription export (``transcripts/*.md`` format) of ``blocks``.

    An English original has no translation: the archive's reader takes the whole body of an
    English document for its original.
    """
    head = [
        f"**{comp.date_en}**",
        f"**{comp.title_en}**",
        "**Citation:**",
        f'"{comp.title_en}", {comp.date_en}, scanproof synthetic archive, document {comp.layout.document}.',
        "**Summary:**",
        comp.summary_en,
        "**Original Language:**",
        comp.corpus.language,
        "**Contents:**",
        "Original Scan  \nTranslation - English" if comp.corpus.translated else "Original Scan",
    ]
    original = [t for b in blocks if (t := _block_text(b, "orig"))]
    translation = [t for b in blocks if comp.corpus.translated and b.kind != "hand" and (t := _block_text(b, "en"))]
    return "\n\n".join(head + original + translation) + "\n"


def replace_line(blocks: list[Block], b: int, i: int, line: Line) -> None:
    """Replace line ``i`` of block ``b`` in place."""
    lines = list(blocks[b].lines)
    lines[i] = line
    blocks[b] = replace(blocks[b], lines=tuple(lines))
