"""The report writers: report.json against its schema, the HTML report's escaping and content,
atomic writes, the batch index, and the PAGE-XML / ALTO / hOCR exports.

The documents here are hand-made ``DocumentReport`` objects over real images drawn with Pillow;
the words' boxes are where Pillow drew them. The report of a real pipeline run is exercised in
``test_browser.py``.
"""

from __future__ import annotations

import difflib
import json
import os
import re
from dataclasses import replace
from pathlib import Path

import jsonschema
import pytest
from lxml import etree, html
from PIL import Image, ImageDraw, ImageFont

from pipeline.errors import BadArgumentsError, OutputError
from pipeline.model import (
    AlignedLine,
    DocumentReport,
    Flag,
    Markup,
    MarkupKind,
    Metadata,
    Metrics,
    OcrPage,
    OcrWord,
    PageMetrics,
    PageResult,
    ParagraphPair,
    Region,
    Section,
    Severity,
    Transcript,
)
from pipeline.report import (
    EXPORT_FORMATS,
    IndexRow,
    report_folder,
    report_json,
    safe_component,
    write_exports,
    write_index,
    write_report,
)
from pipeline.report.files import atomic_write
from pipeline.report.json import SCHEMA_PATH, identify_flags
from pipeline.report.text import segments
from tests.exportcheck import assert_valid_alto, assert_valid_exports, hocr_problems, page_schema

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
HOSTILE = "<script>alert(1)</script> <img src=x onerror=alert(2)> {{ 7*7 }}"


def draw_page(path: Path, lines: list[str], index: int) -> OcrPage:
    """Draw ``lines`` on an A5-ish page at 150 dpi; the words' boxes are where they were drawn."""
    font = ImageFont.truetype(FONT, 28)
    img = Image.new("RGB", (900, 1200), "white")
    d = ImageDraw.Draw(img)
    words = []
    for li, text in enumerate(lines):
        x, y = 80, 100 + 60 * li
        for wi, word in enumerate(text.split()):
            d.text((x, y), word, font=font, fill=(30, 30, 30))
            x0, y0, x1, y1 = d.textbbox((x, y), word, font=font)
            conf = 50.0 if wi == 1 else 90.0
            words.append(OcrWord(word, (x0, y0, x1, y1), conf, 1, 1 + li // 3, li + 1, wi + 1))
            x = x1 + 16
    d.rectangle((600, 900, 800, 1050), outline=(120, 60, 200), width=6)  # a "stamp"
    img.save(path, dpi=(150, 150))
    return OcrPage(index, str(path), img.width, img.height, 0.3, tuple(words))


def aligned(transcript_line: str, ocr_line: str, page: int, words: list[OcrWord], start: int) -> AlignedLine:
    ops = tuple(difflib.SequenceMatcher(None, transcript_line, ocr_line, autojunk=False).get_opcodes())
    box = (min(w.bbox[0] for w in words), min(w.bbox[1] for w in words),
           max(w.bbox[2] for w in words), max(w.bbox[3] for w in words))
    edits = sum(max(t1 - t0, o1 - o0) for tag, t0, t1, o0, o1 in ops if tag != "equal")
    cer = edits / max(1, len(transcript_line))
    return AlignedLine(transcript_line, ocr_line, page, box, cer, ops, (start, start + len(transcript_line)))


def sample_document(folder: Path) -> DocumentReport:
    """A two-page document (images drawn into ``folder``) whose transcription differs from the scan
    in two places and carries hostile text in a line, a flag and the title."""
    folder.mkdir(parents=True, exist_ok=True)
    scan = [["Секретно экз 2", "Запись беседы с послом", "вне Гаваны 5.4.63"],
            ["в архив подпись", HOSTILE, "конец текста"]]
    written = [["Секретно экз 2", "Запись беседы с послом", "вне Гаваи 5.4.68"],
               ["*в архив* подпись", HOSTILE, "конец текста"]]
    original = "\n".join(line for page in written for line in page)
    ocr_pages = [draw_page(folder / f"page-{i + 1}.png", lines, i + 1) for i, lines in enumerate(scan)]
    lines, start = [], 0
    for p, page in zip(ocr_pages, written, strict=True):
        for li, (w_line, s_line) in enumerate(zip(page, [" ".join(w.text for w in ln) for ln in p.lines()],
                                                  strict=True)):
            lines.append(aligned(w_line, s_line, p.index, p.lines()[li], start))
            start += len(w_line) + 1
    hand = original.index("*в архив*")
    transcript = Transcript(
        "doc-1", str(folder / "doc.md"), Metadata(title=f"Record {HOSTILE}"), original,
        "Secret copy 2\nRecord of a conversation\noutside Havana 5.4.63",
        (Markup(MarkupKind.HANDWRITING, "в архив", Section.ORIGINAL, (hand, hand + 9)),),
    )
    line3 = lines[2]
    flags = (
        Flag("date_slip", Severity.LOW, "Date differs from translation", "5.4.68", None, "5.4.63"),
        Flag("word_divergence", Severity.HIGH, "The scan reads «Гаваны» where the transcription has «Гаваи»",
             "Гаваи", "Гаваны", None, 1, ocr_pages[0].lines()[2][1].bbox, 0.9, ("not a Russian word",),
             (original.index("Гаваи"), original.index("Гаваи") + 5)),
        Flag("digit_confusion", Severity.MEDIUM, "8 read as 3", "5.4.68", "5.4.63", None, 1,
             ocr_pages[0].lines()[2][2].bbox, 0.7),
        Flag("markup", Severity.INFO, HOSTILE, HOSTILE, None, None, 2, ocr_pages[1].lines()[1][0].bbox),
    )
    return DocumentReport(
        document="doc-1",
        transcript=transcript,
        pages=tuple(PageResult(p, (Region("stamp", (600, 900, 800, 1050), "", 0.8),)) for p in ocr_pages),
        metrics=Metrics(0.05, 0.2, len(original), 18, 3, 1, 1, (("8", "3", 1), ("а", "ы", 1))),
        flags=flags,
        page_metrics=(PageMetrics(1, 0.04, 0.2, 60), PageMetrics(2, 0.0, 0.0, 50)),
        lines=tuple(lines),
        paragraphs=(ParagraphPair(line3.transcript, "outside Havana 5.4.63"),),
    )


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> DocumentReport:
    return sample_document(tmp_path_factory.mktemp("scans"))


@pytest.fixture(scope="module")
def written(sample: DocumentReport, tmp_path_factory: pytest.TempPathFactory):
    return write_report(sample, tmp_path_factory.mktemp("report"), exports=("page-xml", "alto", "hocr"))


def test_report_json_validates_against_its_schema(written, sample: DocumentReport) -> None:
    data = json.loads(written.json.read_text(encoding="utf-8"))
    jsonschema.validate(data, json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))
    assert data["schema"] == "scanproof/report/1"
    assert [p["index"] for p in data["pages"]] == [1, 2]
    assert data["pages"][0]["regions"][0] == {"kind": "stamp", "bbox": [600, 900, 800, 1050], "text": "",
                                              "confidence": 0.8}
    assert data["pages"][0]["ocr_text"].splitlines()[2] == "вне Гаваны 5.4.63"
    severities = [f["severity"] for f in data["flags"]]
    assert severities == ["high", "medium", "low", "info"]
    ids = [f["id"] for f in data["flags"]]
    assert len(set(ids)) == len(ids)
    assert data == report_json(sample)


def test_the_schema_rejects_a_wrong_report(sample: DocumentReport) -> None:
    data = report_json(sample)
    data["flags"][0]["severity"] = "urgent"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))


def test_flag_ids_are_stable_and_unique(sample: DocumentReport) -> None:
    first = [f.id for f in identify_flags(sample.flags, sample.lines)]
    again = [f.id for f in identify_flags(tuple(reversed(sample.flags)), sample.lines)]
    assert sorted(first) == sorted(again)  # ids follow the content, not the order
    twins = identify_flags(sample.flags[:1] * 3)
    assert len({f.id for f in twins}) == 3


def test_flags_point_at_their_line(sample: DocumentReport) -> None:
    by_kind = {f.flag.kind: f.line for f in identify_flags(sample.flags, sample.lines)}
    assert by_kind["word_divergence"] == 2  # by transcript span
    assert by_kind["digit_confusion"] == 2  # by box
    assert by_kind["date_slip"] == 2  # by text
    assert by_kind["markup"] == 4


def test_page_images_are_compressed_and_small(written) -> None:
    assert [p.name for p in written.images] == ["page-0001.webp", "page-0002.webp"]
    for path in written.images:
        with Image.open(path) as im:
            assert im.format == "WEBP"
            assert im.size == (900, 1200)
        assert path.stat().st_size < 60_000


def test_hostile_text_renders_as_plain_text(written) -> None:
    page = written.html.read_text(encoding="utf-8")
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert "49" not in re.findall(r"\d+", HOSTILE)  # {{ 7*7 }} was not evaluated anywhere
    assert "{{ 7*7 }}" in html.fromstring(page).text_content()
    tree = html.fromstring(page)
    scripts = tree.xpath("//script")
    assert len(scripts) == 2  # the JSON data block and our own script, nothing injected
    assert not tree.xpath("//img[@onerror]")
    csp = tree.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")[0]
    assert csp.startswith("default-src 'none'")
    data = json.loads(tree.get_element_by_id("report-data").text)
    assert data["document"] == "doc-1"


def test_script_json_cannot_end_its_element() -> None:
    from pipeline.report.html import script_json

    text = str(script_json({"a": "</script><!-- & \u2028"}))
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"a": "</script><!-- & \u2028"}


def test_html_shows_differences_markup_and_crops(written) -> None:
    tree = html.fromstring(written.html.read_text(encoding="utf-8"))
    row = tree.get_element_by_id("line-2")
    assert row.get("class") == "flagged"
    left, right = row.find_class("t")[0], row.find_class("o")[0]
    assert [s.text_content() for s in left.find_class("d-replace")] == ["и", "8"]
    assert [s.text_content() for s in right.find_class("d-replace")] == ["ны", "3"]
    # The second word of each line was given confidence 50; the diff cuts it into two spans.
    assert "".join(s.text_content() for s in right.find_class("conf-low")) == "Гаваны"
    hand = tree.get_element_by_id("line-3").find_class("mk-handwriting")
    assert "".join(s.text_content() for s in hand) == "*в архив*"
    cards = tree.find_class("card")
    assert [c.get("data-severity") for c in cards] == ["high", "medium", "low", "info"]
    crop = cards[0].find_class("crop")[0].get("style")
    assert "url('pages/page-0001.webp')" in crop
    assert cards[2].find_class("no-crop")  # a text-only flag has no place on the scan
    mismatch = tree.find_class("paras")[0].find_class("mismatch")
    assert [m.text_content() for m in mismatch] == ["5.4.68", "5.4.63"]
    assert len(tree.find_class("chart")[0].xpath(".//*[local-name()='rect']")) == 6


def test_segments_split_at_every_boundary() -> None:
    segs = segments("abcdef", [(1, 4, "x"), (2, 6, "y"), (5, 9, "z"), (3, 3, "empty")])
    assert [(s.text, s.classes) for s in segs] == [("a", ""), ("b", "x"), ("cd", "x y"), ("e", "y"),
                                                   ("f", "y z")]


def test_atomic_write_leaves_old_file_on_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "report.json"
    target.write_text("old")

    def crash(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OutputError, match="No space left"):
        atomic_write(target, b"new")
    assert target.read_text() == "old"
    assert list(tmp_path.iterdir()) == [target]  # no temp file left behind


def test_unwritable_folder_is_an_output_error(sample: DocumentReport, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(OutputError):
        write_report(sample, blocker / "report")


def test_document_ids_cannot_escape_the_output_folder(tmp_path: Path) -> None:
    for hostile in ["../../etc", "..", ".", "a/b", "/abs", "C:\\x", ".hidden", ""]:
        folder = report_folder(tmp_path, hostile)
        assert folder.parent == tmp_path
        assert folder.name not in ("", ".", "..") and not folder.name.startswith(".")
    assert safe_component("117066") == "117066"
    assert safe_component("Запись-1963.2") == "Запись-1963.2"


def test_document_ids_get_folders_of_their_own(tmp_path: Path) -> None:
    # Ids that differ only in punctuation, case, Unicode normalization or past the length limit.
    long = "x" * 130
    ids = ["doc 1", "doc-1", "doc_1", "doc.1", "Doc-1", "DOC-1", "caf\u00e9", "cafe\u0301", long, long + "y", "117066"]
    folders = [report_folder(tmp_path, i) for i in ids]
    assert len({f.name.casefold() for f in folders}) == len(ids), folders
    assert report_folder(tmp_path, "117066").name == "117066" and report_folder(tmp_path, "doc-1").name == "doc-1"
    assert all(f.parent == tmp_path and len(f.name) <= 120 for f in folders)


def test_index_links_and_counts(written, tmp_path: Path) -> None:
    rows = [IndexRow.from_outcome("doc-1", written, None),
            IndexRow.from_outcome("<b>bad</b>", None, "no scans found")]
    path = write_index(rows, written.folder.parent)
    tree = html.fromstring(path.read_text(encoding="utf-8"))
    body = tree.xpath("//table[@id='index']/tbody/tr")
    assert body[0].xpath(".//a/@href") == [f"{written.folder.name}/report.html"]
    assert [td.text_content() for td in body[0].xpath("td")][4:8] == ["1", "1", "1", "1"]
    assert body[1].get("class") == "failed" and not body[1].xpath(".//b")


def test_page_xml_export_validates_against_the_page_schema(written) -> None:
    pages = [p for p in written.exports if p.name.endswith(".page.xml")]
    assert len(pages) == 2
    for path in pages:
        page_schema().assertValid(etree.parse(str(path)))
    ns = {"pc": "http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15"}
    doc = etree.parse(str(pages[0]))
    assert doc.xpath("//pc:TextLine/pc:TextEquiv/pc:Unicode/text()", namespaces=ns)[2] == "вне Гаваны 5.4.63"
    assert doc.xpath("//pc:GraphicRegion/@type", namespaces=ns) == ["stamp"]


def test_alto_export_validates_against_the_alto_schema(written) -> None:
    altos = [p for p in written.exports if p.name.endswith(".alto.xml")]
    assert len(altos) == 2
    for path in altos:
        assert_valid_alto(path)
    ns = {"a": "http://www.loc.gov/standards/alto/ns-v4#"}
    doc = etree.parse(str(next(p for p in written.exports if p.name == "page-0001.alto.xml")))
    strings = doc.xpath("//a:TextLine[3]/a:String", namespaces=ns)
    assert [s.get("CONTENT") for s in strings] == ["вне", "Гаваны", "5.4.63"]
    assert strings[1].get("WC") == "0.50"
    x0, y0, x1, y1 = (int(strings[1].get(k)) for k in ("HPOS", "VPOS", "WIDTH", "HEIGHT"))
    assert x1 > 0 and y1 > 0
    assert doc.xpath("//a:Page/@WIDTH", namespaces=ns) == ["900"]
    assert len(doc.xpath("//a:GraphicalElement", namespaces=ns)) == 1


def test_hocr_export_passes_the_hocr_checks(written) -> None:
    path = next(p for p in written.exports if p.name == "ocr.hocr")
    assert hocr_problems(path) == []
    doc = etree.parse(str(path))
    ns = {"h": "http://www.w3.org/1999/xhtml"}
    pages = doc.xpath("//h:div[@class='ocr_page']", namespaces=ns)
    assert len(pages) == 2
    words = doc.xpath("//h:span[@class='ocrx_word']", namespaces=ns)
    assert words[8].text == "Гаваны" and words[8].get("title").endswith("x_wconf 50")


def test_the_export_validators_catch_broken_files(written, tmp_path: Path) -> None:
    """The validators can fail: an ALTO string without its text and an hOCR word past its page."""
    alto = next(p for p in written.exports if p.name.endswith(".alto.xml")).read_text(encoding="utf-8")
    broken_alto = tmp_path / "broken.alto.xml"
    broken_alto.write_text(re.sub(r' CONTENT="[^"]*"', "", alto, count=1), encoding="utf-8")
    with pytest.raises(etree.DocumentInvalid, match="CONTENT"):
        assert_valid_alto(broken_alto)
    hocr = next(p for p in written.exports if p.name == "ocr.hocr").read_text(encoding="utf-8")
    broken_hocr = tmp_path / "broken.hocr"
    broken_hocr.write_text(re.sub(r"(class=\"ocrx_word\" [^>]*title=\")bbox \d+", r"\1bbox -5", hocr, count=1)
                           .replace("ocr_par ", ""), encoding="utf-8")
    problems = hocr_problems(broken_hocr)
    assert any("non-negative" in p for p in problems) and any("ocr-capabilities" in p for p in problems)


def test_exports_stay_well_formed_with_control_characters(sample: DocumentReport, tmp_path: Path) -> None:
    # A scan's file name may hold characters XML forbids (a tab is allowed, U+0001 is not).
    page = sample.pages[0]
    odd = PageResult(replace(page.ocr, image=str(tmp_path / "scan\x01\x1b[31m\tpage.png")), page.regions)
    paths = write_exports(DocumentReport("odd", sample.transcript, (odd,), None, ()), tmp_path, list(EXPORT_FORMATS))
    assert_valid_exports(paths)
    recorded = etree.parse(str(paths[0])).getroot()[1].get("imageFilename")
    assert recorded.endswith("scan\ufffd\ufffd[31m\tpage.png"), recorded


def test_unknown_export_format_is_refused(sample: DocumentReport, tmp_path: Path) -> None:
    with pytest.raises(BadArgumentsError, match="pdf"):
        write_exports(sample, tmp_path, ["pdf"])


def test_exports_stay_valid_for_boxes_poking_past_the_page(sample: DocumentReport, tmp_path: Path) -> None:
    page = sample.pages[0]
    word = OcrWord("край", (-3, -2, 40, 30), 80.0, 1, 1, 1, 1)
    shifted = PageResult(OcrPage(1, page.ocr.image, 900, 1200, -1.0, (word,)), page.regions)
    doc = DocumentReport("edge", sample.transcript, (shifted,), None, ())
    paths = write_exports(doc, tmp_path, ["page-xml", "alto", "hocr"])
    assert len(paths) == 3
    assert_valid_exports(paths)


def test_a_page_image_that_cannot_be_read_leaves_a_report_without_it(
    sample: DocumentReport, tmp_path: Path
) -> None:
    page = sample.pages[0]
    gone = PageResult(OcrPage(1, str(tmp_path / "moved.png"), 900, 1200, 0.0, page.ocr.words), page.regions)
    files = write_report(DocumentReport("gone", sample.transcript, (gone,), None, sample.flags[:2]),
                         tmp_path / "out")
    data = json.loads(files.json.read_text(encoding="utf-8"))
    jsonschema.validate(data, json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))
    assert data["pages"][0]["image"] is None and files.images == ()
    assert not html.fromstring(files.html.read_text(encoding="utf-8")).find_class("crop")


def test_rewriting_a_report_drops_images_of_lost_pages(sample: DocumentReport, tmp_path: Path) -> None:
    write_report(sample, tmp_path)
    shorter = DocumentReport("doc-1", sample.transcript, sample.pages[:1], sample.metrics, sample.flags[:1])
    files = write_report(shorter, tmp_path)
    assert sorted(p.name for p in (tmp_path / "pages").iterdir()) == ["page-0001.webp"]
    assert files.images == (tmp_path / "pages" / "page-0001.webp",)
