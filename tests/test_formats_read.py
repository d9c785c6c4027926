"""The readers of PAGE-XML, ALTO, hOCR and TEI, chosen by content; refusals; ``--text-level``."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline import api, cache
from pipeline.config import Config, TranscriptConfig
from pipeline.errors import BadArgumentsError, InputFileError
from pipeline.model import MarkupKind, Section
from pipeline.transcript import compared_text, document_id, read_transcript
from tests.conftest import SEED_TRANSCRIPT, scanproof
from tests.formats_convert import to_alto, to_hocr, to_page, to_tei

TEXT = "Секретно. Экз. № 2\n\" 5 \" апреля 1963 года\n\nЗАПИСЬ БЕСЕДЫ\n\nБеседовал сегодня с Гевара"
TEI = Path(__file__).parent / "data" / "formats" / "sample.tei.xml"


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("make", "fmt"), [(to_page, "page"), (to_alto, "alto"), (to_hocr, "hocr")])
@pytest.mark.parametrize("name", ["doc.xml", "doc.txt", "doc.md"])
def test_layout_formats_are_told_by_content_whatever_the_suffix(tmp_path, make, fmt, name):
    t = read_transcript(_write(tmp_path, name, make(TEXT)))
    assert (t.source_format, t.original, t.markup, t.translation) == (fmt, TEXT, (), "")
    assert t.page_starts == (0,)
    assert compared_text(t) == TEXT.replace("\n\n", "\n")  # a block is layout: one line break


def test_text_that_starts_with_a_tag_is_still_the_wilson_export(tmp_path):
    t = read_transcript(_write(tmp_path, "doc.md", "<sup>12</sup> Из дневника\n\nСекретно. Экз. № 1\n"))
    assert t.source_format == "wilson" and t.markup[0].kind is MarkupKind.MARGINAL_NUMBER
    assert read_transcript(_write(tmp_path, "doc.txt", "<<Секретно>>\nЭкз. № 1\n")).source_format == "plain"


def test_page_any_prefix_any_version_reading_order_and_lowest_index():
    for prefix in ("", "pc", "page2009"):
        text = to_page(TEXT, prefix=prefix)
        for version in ("2009-03-16", "2013-07-15", "2019-07-15"):
            t = api_parse(text.replace("2019-07-15", version))
            assert t.original == TEXT, (prefix, version)  # regions are written backwards
    several = to_page("один").replace(
        "<pc:TextEquiv><pc:Unicode>один</pc:Unicode></pc:TextEquiv></pc:TextLine>",
        '<pc:TextEquiv index="2"><pc:Unicode>два</pc:Unicode></pc:TextEquiv>'
        '<pc:TextEquiv index="1"><pc:Unicode>один</pc:Unicode></pc:TextEquiv></pc:TextLine>')
    assert api_parse(several, "line").original == "один"


def api_parse(text: str, level: str = "line"):
    from pipeline.transcript import parse_text

    return parse_text(text, Path("doc.xml"), level)


def test_page_levels_fall_back_to_the_nearest_level_with_text():
    words_only = to_page(TEXT, levels=("word",))
    region_only = to_page(TEXT, levels=("region",))
    for level in ("region", "line", "word"):
        assert api_parse(words_only, level).original == TEXT
        assert api_parse(region_only, level).original == TEXT


def test_text_level_word_and_line_differ_on_a_page_file(tmp_path):
    page = to_page("Беседовал сегодня с Гевара").replace(
        "<pc:Unicode>Гевара</pc:Unicode>", "<pc:Unicode>Гевора</pc:Unicode>")  # one word differs from its line
    gt, ocr = _write(tmp_path, "gt.page.xml", page), _write(tmp_path, "ocr.txt", "Беседовал сегодня с Гевара\n")
    for level, cer in (("line", "0.0000"), ("word", "0.0385"), ("region", "0.0000")):
        done = scanproof("cer", "--text-level", level, str(gt), str(ocr))
        assert done.returncode == 0 and done.stdout.startswith(f"CER {cer} "), (level, done.stdout, done.stderr)
    bad = scanproof("cer", "--text-level", "glyph", str(gt), str(ocr))
    assert bad.returncode == 1 and bad.stderr.count("\n") == 1 and "--text-level" in bad.stderr


def test_alto_spaces_hyphens_and_pages():
    alto = ('<alto xmlns="http://www.loc.gov/standards/alto/ns-v3#"><Layout>'
            '<Page><PrintSpace><TextBlock><TextLine><String CONTENT="госу"/><HYP CONTENT="&#xad;"/></TextLine>'
            '<TextLine><String CONTENT="дарство"/><String CONTENT="сказал"/></TextLine></TextBlock></PrintSpace></Page>'
            '<Page><PrintSpace><ComposedBlock><TextBlock><TextLine><String CONTENT="ли"/><SP/><SP/>'
            '<String CONTENT="в"/></TextLine></TextBlock></ComposedBlock></PrintSpace></Page></Layout></alto>')
    t = api_parse(alto)
    assert t.original == "госу-\nдарство сказал\n\nли в" and t.page_starts == (0, t.original.index("ли"))


def test_hocr_xhtml_as_tesseract_writes_it():
    xhtml = ('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"'
             ' "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n<html xmlns="http://www.w3.org/1999/xhtml">'
             "<head><title></title></head><body><div class='ocr_page' id='page_1'><div class='ocr_carea'>"
             "<p class='ocr_par'><span class='ocr_line'><span class='ocrx_word'>Беседовал</span> "
             "<span class='ocrx_word'><strong>сегодня</strong></span></span></p></div></div>"
             "<div class='ocr_page' id='page_2'><p class='ocr_par'><span class='ocr_line'>ли&#160;в</span></p></div>"
             "</body></html>")
    t = api_parse(xhtml)
    assert (t.source_format, t.original, t.page_starts) == ("hocr", "Беседовал сегодня\n\nли в", (0, 19))


def test_tei_elements():
    t = read_transcript(TEI)
    assert t.source_format == "tei" and t.document_id == "sample"
    assert t.original == (
        "Секретно. Экз. № 2 38\nБеседовал с Гаваи и сказал что [illegible] поездки в [СССР].\n\n"
        "В архив\nЗаведующий\n\nли в советской [editor's remark] практике\nгосу-\nдарство Рассекречено Иванов\n"
        "подпись typed again\n\n[signature]")
    assert t.translation == "Secret. Copy No 2 [Translator's note: The text ends here.]\n\n[Lenin] [Lenin]\n[signature]"
    assert t.reading == "diplomatic (<orig> over <reg> ×1, <sic> over <corr> ×1)"
    assert t.page_starts == (0, t.original.index("госу"))
    items = [(m.kind.value, m.text, m.section.value) for m in t.markup]
    assert items == [
        ("marginal_number", "38", "original"), ("editorial", "illegible", "original"),
        ("editorial", "СССР", "original"),
        ("handwriting", "В архив", "original"), ("handwriting", "Заведующий", "original"),
        ("editorial", "editor's remark", "original"), ("stamp", "Рассекречено", "original"),
        ("handwriting", "Иванов", "original"), ("handwriting", "подпись", "original"),
        ("signature", "signature", "original"),
        ("translator_note", "The text ends here.", "translation"), ("editorial", "Lenin", "translation"),
        ("signature", "signature", "translation")]
    for m in t.markup:  # every span covers its item's text as shown
        text = t.original if m.section is Section.ORIGINAL else t.translation
        assert m.text in text[m.span[0]:m.span[1]]
    assert (t.metadata.title, t.metadata.date, t.metadata.original_language) == ("Запись беседы", "April 5, 1963",
                                                                                  "Russian")
    # What is compared with the scan: the diplomatic text, no markup, nothing supplied.
    assert compared_text(t) == ("Секретно. Экз. № 2\nБеседовал с Гаваи и сказал что поездки в .\n\n"
                                "ли в советской практике\nгосу-\nдарство\ntyped again")


def test_tei_notes_on_the_page_are_handwriting_and_the_editions_are_editorial():
    tei = ('<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body><p>Беседовал <note place="margin">В архив</note>'
           ' сегодня<note place="foot" n="1">см. л. 83</note>. <handShift new="#h2"/>Иванов</p>'
           '<div type="translation"><p>I talked today.</p></div></body></text></TEI>')
    t = api_parse(tei)
    # Text is XML's: a note attached to its word stays attached (and is cut out from between them).
    assert t.original == "Беседовал В архив сегодня[см. л. 83]. Иванов" and t.translation == "I talked today."
    assert [(m.kind.value, m.text) for m in t.markup] == [
        ("handwriting", "В архив"), ("editorial", "см. л. 83"), ("handwriting", "Иванов")]
    assert compared_text(t) == "Беседовал сегодня."


def test_tei_of_the_seed_transcript_reads_back_as_the_markdown_does(tmp_path):
    md = read_transcript(SEED_TRANSCRIPT)
    tei = read_transcript(_write(tmp_path, "117066.tei.xml", to_tei(md)))
    assert tei.document_id == "117066"
    assert compared_text(tei) == compared_text(md)
    assert tei.translation == md.translation.removeprefix("[Stamp]: ")  # a stamp is its text in TEI
    # The items the layout matching uses are the same; an editorial note keeps its colon
    # (``[Distribution:]``), which the Wilson reader takes for a label's.
    assert [(m.kind, m.text, m.section) for m in tei.markup if m.kind is not MarkupKind.EDITORIAL] == \
        [(m.kind, m.text, m.section) for m in md.markup if m.kind is not MarkupKind.EDITORIAL]
    assert [m.kind for m in tei.markup] == [m.kind for m in md.markup]
    assert tei.metadata.title == md.metadata.title and tei.metadata.date == md.metadata.date


@pytest.mark.parametrize(("text", "says"), [
    ('<?xml version="1.0"?>\n<mets:mets xmlns:mets="http://www.loc.gov/METS/"><mets:fileSec/></mets:mets>',
     "root element <mets> in namespace http://www.loc.gov/METS/"),
    ("<PcGts><Page/></PcGts>", "root element <PcGts> without a namespace"),
    ('<PcGts xmlns="http://schema.primaresearch.org/PAGE/gts/pagecontent/2021-07-15"/>', "<PcGts> in namespace"),
    ('<TEI xmlns="http://www.tei-c.org/ns/2.0"><text/></TEI>', "<TEI> in namespace http://www.tei-c.org/ns/2.0"),
])
def test_unknown_xml_is_one_line_naming_the_file_root_and_formats(tmp_path, text, says):
    path = _write(tmp_path, "doc.xml", text)
    with pytest.raises(InputFileError, match="XML of an unknown kind"):
        read_transcript(path)
    for args in (("cer", str(path), str(path)), ("check", str(path), "--out", str(tmp_path / "out"))):
        done = scanproof(*args)
        assert done.returncode == 2 and done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
        assert str(path) in done.stderr and says in done.stderr and "PAGE-XML (2009–2019), ALTO v2–v4, hOCR, TEI P5" \
            in done.stderr, done.stderr


@pytest.mark.parametrize(("text", "says"), [
    ('<?xml version="1.0"?>\n<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><p>Беседовал</text></TEI>',
     "malformed XML (mismatched tag: line 2"),
    ('<?xml version="1.0"?>\n<PcGts xmlns="http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15">',
     "malformed XML (no element found"),
    ('<?xml version="1.0"?><!DOCTYPE TEI [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
     '<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><p>&b;</p></text></TEI>', "declares entities"),
])
def test_malformed_xml_and_entity_declarations_are_refused_in_one_line(tmp_path, text, says):
    path = _write(tmp_path, "doc.tei.xml", text)
    done = scanproof("cer", str(path), str(path))
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and says in done.stderr, done.stderr
    assert str(path) in done.stderr


def test_an_xml_file_is_read_in_the_encoding_it_declares(tmp_path):
    text = to_alto("Беседовал сегодня").replace('encoding="UTF-8"', 'encoding="windows-1251"')
    path = tmp_path / "ocr.xml"
    path.write_bytes(text.encode("cp1251"))
    t = read_transcript(path)
    assert (t.original, t.encoding) == ("Беседовал сегодня", "cp1251")


def test_cer_reads_ocr_results_on_the_hypothesis_side(tmp_path):
    reference = _write(tmp_path, "gt.txt", TEXT)
    for make, name in ((to_page, "ocr.page.xml"), (to_alto, "ocr.alto.xml"), (to_hocr, "ocr.hocr")):
        hypothesis = _write(tmp_path, name, make(TEXT.replace("Гевара", "Гевapa")))
        m = api.compare_texts(reference, hypothesis)
        # The paragraph breaks of the text count, the blocks of the OCR result are one line break each.
        assert (m.substitutions, m.deletions, m.insertions) == (3, 2, 0), name


def test_text_level_is_validated_and_keys_the_analysis_cache(tmp_path):
    with pytest.raises(BadArgumentsError, match="text_level"):
        TranscriptConfig(text_level="glyph")
    keys = {cache.analysis_key(SEED_TRANSCRIPT, ["p"], Config(transcript=TranscriptConfig(text_level=level)))
            for level in ("region", "line", "word")}
    assert len(keys) == 3


def test_document_ids_and_run_pairs_tei_transcripts(tmp_path):
    assert [document_id(Path(n)) for n in ("117066.md", "117066.tei.xml", "a.b.xml", ".tei.xml")] == \
        ["117066", "117066", "a.b", ".tei"]
    scans, transcripts = tmp_path / "scans", tmp_path / "transcripts"
    (scans / "117066").mkdir(parents=True)
    transcripts.mkdir()
    _write(transcripts, "117066.tei.xml", to_tei(read_transcript(SEED_TRANSCRIPT)))
    [doc] = api.find_documents(scans, transcripts)
    assert (doc.document_id, doc.scans) == ("117066", (scans / "117066",))
    _write(transcripts, "117066.md", SEED_TRANSCRIPT.read_text(encoding="utf-8"))
    with pytest.raises(BadArgumentsError, match="two transcriptions of document 117066"):
        api.find_documents(scans, transcripts)
