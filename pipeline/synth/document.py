"""Random documents: a typed record of conversation in the 1960s Soviet embassy style.

``compose`` builds both what the pages show (a ``Layout``) and what a published transcription of it
says (``Block``s of the original and the translation, line by line, in the export format of
``transcripts/``). Planting errors then edits only the written side.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from pipeline.synth.corpus import (
    COUNTRIES,
    MONTHS_EN,
    TEMPLATES,
    Slot,
    date_en,
    date_ru,
    random_date,
    random_name,
    sentence,
)
from pipeline.synth.layout import LINE_MM, Element, Layout, PageLayout, wrap

#: Page geometry of a random document, millimetres on A4.
LEFT_MM, TOP_MM, BOTTOM_MM = 30.0, 18.0, 268.0
BODY_CHARS, INDENT = 62, 5
SPACING = 1.5
#: What readers wrote between the lines of a typescript.
REMARKS = ("верно", "уточнить", "важно!", "см. выше", "так в тексте", "доложить", "согласен")


@dataclass(frozen=True)
class Line:
    """One line of the written transcription (a heading line or a whole paragraph)."""

    ru: str
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


def _short_date(day: int, month: int, year: int) -> str:
    return f"{day}.{month}.{year % 100:02d}"


def compose(seed: int, *, pages: int = 1, stamps: bool = True, handwriting: bool = True) -> Composition:
    """A random embassy document (a diary record of conversation, a report or an information note)
    of about ``pages`` pages, deterministic in ``seed``."""
    rng = np.random.default_rng([seed, 0xD0C])
    day, month, year = random_date(rng, (1956, 1972))
    initials, surname, author_en = random_name(rng)
    country = COUNTRIES[int(rng.integers(len(COUNTRIES)))]
    copy_no, out_no, reg_no = int(rng.integers(1, 4)), int(rng.integers(11, 400)), int(rng.integers(11, 400))
    sheet_no = int(rng.integers(2, 300))
    p_initials, p_surname, partner_en = random_name(rng)
    talk = random_date(rng, (year, year))
    talk = (talk[0], month, year) if talk[1] > month else talk
    place = _Pages()
    blocks: list[Block] = []

    # The kind of document comes from its own stream, so the rest of a seed's document does not
    # depend on it.
    kind = int(np.random.default_rng([seed, 0x7E]).integers(3))
    if kind == 0:
        head_l = [Line("Из дневника", "From the diary"),
                  Line(f"{initials}{surname.upper()}А", f"of {author_en}")]
        title = [Line("ЗАПИСЬ БЕСЕДЫ", "RECORD OF A CONVERSATION"),
                 Line(f"с {p_initials}{p_surname}ым", f"with {partner_en}")]
        title_en = f"From the Diary of {author_en}, Record of a Conversation with {partner_en}"
    elif kind == 1:
        head_l = [Line("ПОСОЛЬСТВО СССР", "EMBASSY OF THE USSR"), Line(f"В {country[0]}", f"in {country[1]}")]
        title = [Line("СПРАВКА", "REPORT"), Line(f"о беседе с {p_initials}{p_surname}ым",
                                                 f"on a conversation with {partner_en}")]
        title_en = f"Embassy of the USSR in {country[1]}, Report on a Conversation with {partner_en}"
    else:
        head_l = [Line("ТОРГПРЕДСТВО СССР", "TRADE MISSION OF THE USSR"),
                  Line(f"В {country[0]}", f"in {country[1]}")]
        title = [Line("ИНФОРМАЦИЯ", "INFORMATION"),
                 Line("о ходе переговоров", "on the course of negotiations")]
        title_en = f"Trade Mission of the USSR in {country[1]}, Information on the Course of Negotiations"
    # The dating line quotes the day, as typists did: " 5 " апреля 1963 года.
    month_year, dated_en = date_ru(day, month, year).split(" ", 1)[1], date_en(day, month, year)
    head_r = [Line(f"Секретно. Экз. № {copy_no}", f"Secret Copy No {copy_no}",
                   (Slot("number", str(copy_no), str(copy_no)),)),
              Line(f'" {day} " {month_year}', dated_en, (Slot("date", month_year, dated_en),)),
              Line(f"№ {reg_no}", f"No {reg_no}", (Slot("number", str(reg_no), str(reg_no)),))]
    place.typed([ln.ru for ln in head_l], advance=False)
    place.typed([ln.ru for ln in head_r], x_mm=LEFT_MM + 90)
    blocks.append(Block("typed", tuple(head_l), 1))
    blocks.append(Block("typed", tuple(head_r), 1, marginal=str(sheet_no) if handwriting else ""))
    if handwriting:  # the archive's sheet number, just right of "Секретно. Экз. № N" (20 characters)
        place.add(Element("handwriting", LEFT_MM + 90 + 20 * 2.54 + 6, TOP_MM - 4, lines=(str(sheet_no),),
                          size_mm=5.0, angle_deg=float(rng.uniform(-6, 6)), ink="blue", role="marginal"))
    place.y += LINE_MM * SPACING
    place.typed([ln.ru for ln in title], align="center", gap=0.5)
    blocks.append(Block("typed", tuple(title), 1))
    when = Line(date_ru(*talk), date_en(*talk), (Slot("date", date_ru(*talk), date_en(*talk)),))
    place.typed([when.ru], align="center")
    blocks.append(Block("typed", (when,), 1))

    def note(page_blocks: list[Block]) -> None:
        """A reader's handwritten instruction in the bottom margin of the page just filled."""
        n_initials, n_surname, _ = random_name(rng)
        d = (int(rng.integers(1, 29)), month, year)
        text = [("В архив", "To the archive"), ("Ознакомлен", "Read"), ("Доложено", "Reported"),
                ("Тов. " + n_surname + "у", "To Cde. " + n_surname)][int(rng.integers(4))]
        lines = (Line(text[0], text[1]), Line(n_surname, n_surname), Line(_short_date(*d), _short_date(*d)))
        place.add(Element("handwriting", LEFT_MM + float(rng.uniform(-12, 60)), BOTTOM_MM + 4,
                          lines=tuple(ln.ru for ln in lines), size_mm=float(rng.uniform(4.5, 6.0)),
                          angle_deg=float(rng.uniform(-8, 8)), ink=("blue", "black")[int(rng.integers(2))]))
        page_blocks.append(Block("hand", lines, place.number))

    # A reader's remark squeezed between two typed lines, in some documents; its own stream again.
    remarks = np.random.default_rng([seed, 0x4E])
    remark_para = int(remarks.integers(0, 6)) if handwriting and remarks.random() < 0.6 else -1
    target_pages = max(1, pages)
    while True:
        n = int(rng.integers(2, 5))
        sents = [sentence(rng, year, int(t)) for t in rng.choice(len(TEMPLATES), n, replace=False)]
        ru = " ".join(s.ru for s in sents)
        typed = wrap(ru, BODY_CHARS, INDENT)
        if not place.fits(len(typed) + 8 if place.number == target_pages else len(typed)):
            if place.number >= target_pages:
                break
            if handwriting:
                note(blocks)
            place.new_page()
        top = place.y
        place.typed(typed, gap=0.0)
        blocks.append(Block("para", (Line(ru, " ".join(s.en for s in sents),
                                          tuple(sl for s in sents for sl in s.slots), tuple(typed)),),
                            place.number))
        if sum(b.kind == "para" for b in blocks) - 1 == remark_para and len(typed) >= 2:
            text = REMARKS[int(remarks.integers(len(REMARKS)))]
            gap = int(remarks.integers(1, len(typed)))  # under typed line gap - 1
            place.add(Element("handwriting", float(remarks.uniform(95, 150)),
                              top + (gap - 1) * LINE_MM * SPACING + 2.3, lines=(text,), size_mm=3.0,
                              angle_deg=float(remarks.uniform(-3, 3)), ink="blue"))
            blocks.append(Block("hand", (Line(text, text),), place.number))

    place.y += LINE_MM * SPACING
    sign = [Line(f"ПОСОЛ СССР В {country[0]}", f"The Ambassador of the USSR to {country[1]}")]
    place.typed([sign[0].ru], x_mm=LEFT_MM + 15, gap=1.5)
    blocks.append(Block("typed", tuple(sign), place.number))
    if handwriting:
        place.add(Element("signature", LEFT_MM + 75, place.y - LINE_MM * SPACING * 1.6, w_mm=38, h_mm=12,
                          ink="blue"))
        blocks.append(Block("signature", (Line("[signature]", "[signature]"),), place.number))
    who = Line(f"({initials}{surname.upper()})", f"({author_en.upper()})")
    place.typed([who.ru], x_mm=LEFT_MM + 110, gap=1.0)
    blocks.append(Block("typed", (who,), place.number))
    out_date = (int(rng.integers(day, 29)), month, year)
    dist = [Line(f"{copy_no + 1}-в дело.", f"{copy_no + 1}-to file"),
            Line(f"№ {out_no}.", f"No. {out_no}", (Slot("number", str(out_no), str(out_no)),)),
            Line(f"{_short_date(*out_date)} г.", _short_date(*out_date),
                 (Slot("date", _short_date(*out_date), _short_date(*out_date)),))]
    place.typed([ln.ru for ln in dist], gap=0.0)
    blocks.append(Block("typed", tuple(dist), place.number))
    if handwriting:
        note(blocks)
    if stamps:
        legend = [("РАССЕКРЕЧЕНО", "Declassified", "rect"), ("СЕКРЕТНАЯ ЧАСТЬ", "Secret section", "rect"),
                  (f"ПОСОЛЬСТВО СССР В {country[0]}", f"Embassy of the USSR in {country[1]}", "round")]
        ru_text, en_text, shape = legend[int(rng.integers(len(legend)))]
        w, h = (48.0, 16.0) if shape == "rect" else (36.0, 36.0)
        place.add(Element("stamp", float(rng.uniform(100, 150)), float(rng.uniform(195, 240)), w_mm=w, h_mm=h,
                          shape=shape, lines=(ru_text,), ink=("violet", "blue", "red")[int(rng.integers(3))],
                          angle_deg=float(rng.uniform(-15, 15))))
        blocks.append(Block("stamp", (Line(ru_text, en_text),), place.number))
    title_en = f"{title_en}, {date_en(*talk)}"
    layout = Layout(document=f"synth-{seed}", seed=seed, title=title_en,
                    pages=tuple(PageLayout(tuple(p)) for p in place.pages))
    return Composition(layout, blocks, title_en, f"{MONTHS_EN[month - 1]} {day}, {year}",
                       f"{author_en} reports a conversation with {partner_en}.")


def written_line(block: Block, i: int, lang: str) -> str:
    """Line ``i`` of ``block`` as the export writes it in language ``lang`` (``ru`` or ``en``)."""
    text = getattr(block.lines[i], lang)
    if block.marginal and lang == "ru" and i == 0:
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
    """The published-transcription export (``transcripts/*.md`` format) of ``blocks``."""
    head = [
        f"**{comp.date_en}**",
        f"**{comp.title_en}**",
        "**Citation:**",
        f'"{comp.title_en}", {comp.date_en}, scanproof synthetic archive, document {comp.layout.document}.',
        "**Summary:**",
        comp.summary_en,
        "**Original Language:**",
        "Russian",
        "**Contents:**",
        "Original Scan  \nTranslation - English",
    ]
    original = [t for b in blocks if (t := _block_text(b, "ru"))]
    translation = [t for b in blocks if b.kind != "hand" and (t := _block_text(b, "en"))]
    return "\n\n".join(head + original + translation) + "\n"


def replace_line(blocks: list[Block], b: int, i: int, line: Line) -> None:
    """Replace line ``i`` of block ``b`` in place."""
    lines = list(blocks[b].lines)
    lines[i] = line
    blocks[b] = replace(blocks[b], lines=tuple(lines))
