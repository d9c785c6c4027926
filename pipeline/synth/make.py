"""Writing synthetic documents: a layout rendered into page images and PAGE-XML, or a random
document from the corpus with its transcription and answer key."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
from PIL import Image

from pipeline.errors import BadArgumentsError, OutputError
from pipeline.model import Region
from pipeline.synth.corpus import LANGUAGES, corpus
from pipeline.synth.degrade import LEVELS, Degradation
from pipeline.synth.document import compose, export
from pipeline.synth.layout import Layout, write_layout
from pipeline.synth.page import RenderedPage, render_page
from pipeline.synth.pagexml import page_xml
from pipeline.synth.plant import answer_key
from pipeline.synth.plant import plant as plant_errors


@dataclass(frozen=True)
class SynthPage:
    """One written page: its image, its PAGE-XML, its typed text and its truth regions (output pixels)."""

    image: Path
    page_xml: Path
    text: str
    regions: list[Region] = field(default_factory=list)


@dataclass(frozen=True)
class SynthDocument:
    """A written synthetic document."""

    pages: list[SynthPage]
    layout: Path | None = None
    transcript: Path | None = None
    answer_key: Path | None = None


#: Typewriter ribbons a random document can be typed with (colours in ``render.INKS``).
RIBBONS = ("ribbon", "black", "blue", "violet")


def _degradation(level: str | Degradation) -> tuple[str, Degradation]:
    if isinstance(level, Degradation):
        return "custom", level
    if level not in LEVELS:
        raise BadArgumentsError(f"unknown level {level!r}: choose one of {', '.join(LEVELS)}")
    return level, LEVELS[level]


def _save(rendered: RenderedPage, dpi: int, out_dir: Path, number: int) -> SynthPage:
    image = out_dir / f"page-{number}.png"
    xml = out_dir / f"page-{number}.xml"
    h, w = rendered.image.shape[:2]
    try:
        # Fast zlib level: a noisy scan barely compresses further, and level 6 took 4× as long.
        Image.fromarray(rendered.image).save(image, dpi=(dpi, dpi), compress_level=1)
        xml.write_bytes(page_xml(rendered.regions, image.name, w, h))
    except OSError as exc:
        raise OutputError(f"cannot write {out_dir}: {exc}") from exc
    return SynthPage(image, xml, rendered.text, [r.region() for r in rendered.regions])


def render_layout(layout: Layout, out_dir: Path, *, level: str | Degradation | None = None,
                  phone: bool = False, color: bool = True) -> list[SynthPage]:
    """Render every page of ``layout`` into ``out_dir`` as ``page-N.png`` + ``page-N.xml``.

    ``level`` overrides the layout's own level. The output depends only on the layout (its seed
    included), these arguments and the imaging libraries: re-rendering with the same builds of
    OpenCV and Pillow reproduces the files byte for byte; another build may round a few edge pixels
    differently (the PAGE-XML does not change).
    """
    _, deg = _degradation(level or layout.level)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create {out_dir}: {exc}") from exc
    return [
        _save(render_page(page, layout, n, deg, phone=phone, color=color), layout.dpi, out_dir, n)
        for n, page in enumerate(layout.pages, start=1)
    ]


def make_document(out_dir: Path, *, seed: int, lang: str = "rus", level: str = "archival", pages: int = 1,
                  plant: int = 0, plant_translation: int = 0, phone: bool = False, color: bool = True,
                  stamps: bool = True, handwriting: bool = True, dpi: int = 300,
                  ribbon: str = "ribbon") -> SynthDocument:
    """Write a random document of about ``pages`` pages to ``out_dir``; deterministic in ``seed`` and
    ``lang``, the language of its original (``LANGUAGES``; all but English with an English translation).

    ``dpi`` is the scan resolution (200–400 are typical of archives; the real pages of the
    development set go down to 72–150). ``ribbon`` is the typed text's ink (``RIBBONS``): the
    1905 letters of the real-page set are typed in blue and violet.

    Writes ``page-N.png``/``page-N.xml``, ``layout.yaml`` (which re-renders the pages),
    ``transcript.md`` (a published-style transcription with ``plant`` errors in the original and
    ``plant_translation`` in the translation; none by default) and ``answer-key.json`` listing them.
    """
    level_name, _ = _degradation(level)
    if not 72 <= dpi <= 1200:
        raise BadArgumentsError(f"dpi {dpi} is out of range: scans are made at 72–1200 dpi")
    if ribbon not in RIBBONS:
        raise BadArgumentsError(f"unknown ribbon {ribbon!r}; give one of {', '.join(RIBBONS)}")
    if lang not in LANGUAGES:
        raise BadArgumentsError(f"unknown language {lang!r}; give one of {', '.join(LANGUAGES)}")
    if plant_translation and not corpus(lang).translated:
        raise BadArgumentsError(f"a {corpus(lang).language} original is published without a translation: "
                                "there is none to plant errors in")
    comp = compose(seed, lang=lang, pages=pages, stamps=stamps, handwriting=handwriting)
    layout = replace(comp.layout, level=level_name, dpi=dpi, pages=tuple(
        replace(page, elements=tuple(replace(e, ink=ribbon) if e.kind == "text" else e for e in page.elements))
        for page in comp.layout.pages))
    written = render_layout(layout, out_dir, phone=phone, color=color)
    layout_path = out_dir / "layout.yaml"
    write_layout(layout, layout_path)
    blocks = list(comp.blocks)
    errors = plant_errors(blocks, plant, plant_translation, np.random.default_rng([seed, 0xE44]), lang)
    transcript = out_dir / "transcript.md"
    transcript.write_text(export(comp, blocks), encoding="utf-8")
    key = out_dir / "answer-key.json"
    key.write_text(json.dumps(answer_key(layout.document, seed, level_name, errors), ensure_ascii=False,
                              indent=1) + "\n", encoding="utf-8")
    return SynthDocument(written, layout_path, transcript, key)

