"""The transcript parser on the seed export and on the forms real exports take."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.errors import InputFileError, ScanproofError, ScanproofWarning
from pipeline.model import MarkupKind, Section
from pipeline.transcript import decode_text, parse_transcript, read_text, read_transcript
from tests.conftest import scanproof

SEED = Path(__file__).resolve().parents[1] / "transcripts" / "117066.md"

RUSSIAN = (
    "Из дневника посла\n\nСекретно. Экз. № 1 <sup>12</sup>\n\nЗАПИСЬ БЕСЕДЫ\n\n"
    "Беседовал сегодня с министром о торговых переговорах.  \nОн сказал, что письма получены.\n\n"
    "*В дело*\n\n[Stamp]: Рассекречено"
)
ENGLISH = (
    "from the diary of the ambassador\n\nSecret Copy No 1\n\nRECORD OF A CONVERSATION\n\n"
    "I talked today with the minister about the trade negotiations. He said that the letters "
    "were received.\n\n[signature]\n\n[Translator's note: the last page is missing.]"
)
HEADER = (
    "**May 2, 1961**\n\n**Record of a Conversation**\n\n**Citation:**\n\n\"Record\", Archive.\n\n"
    "**Original Language:**\n\nRussian\n\n**Contents:**\n\nOriginal Scan  \nTranslation - English\n\n"
)


@pytest.fixture(scope="module")
def seed():
    return read_transcript(SEED)


def test_seed_metadata(seed):
    m = seed.metadata
    assert m.date == "April 5, 1963"
    assert m.title.startswith("From the Diary of A. I. Alekseyev, Record of a Conversation")
    assert "  " not in m.title and "*" not in m.title
    assert m.citation.startswith('"From the Diary') and m.citation.endswith("document/117066")
    assert m.summary.startswith("Alekseyev and Guevara discuss")
    assert m.credits.startswith("This document was made possible")
    assert m.original_language == "Russian"
    assert m.contents == ("Original Scan", "Translation - English")
    assert seed.encoding == "utf-8"


def test_seed_split_between_original_and_translation(seed):
    assert seed.original.startswith("Из дневника\nА.И.АЛЕКСЕЕВА\n")
    assert seed.original.splitlines()[-1] == "5.4.68 г."
    assert seed.translation.startswith("[Stamp]: Declassified\n\nfrom the diary\nof A. I. Alekseyev")
    assert seed.translation.endswith("No. 147\n\n5.4.63")
    assert "Original Scan" not in seed.original and "Citation" not in seed.original
    assert not any("\u0400" <= c <= "\u04ff" for c in seed.translation)


def test_seed_markdown_artefacts_removed_line_structure_kept(seed):
    assert "RECORD OF A CONVERSATION\n" in seed.translation and "#" not in seed.translation
    assert not any(line != line.rstrip() for line in seed.original.splitlines())
    # The two-space line breaks of the source are kept as line breaks.
    assert "4-вц.АА.\n1-ОЛАС,\n2-ЦК КПСС (т. Андронову),\n3-УВБ,\n4-в дело.\n2 147.\n" in seed.original
    assert "*В архив*\n*Заведующий*\n*Иванов*\n\nли в советской" in seed.original


def test_seed_every_markup_item_found_with_spans(seed):
    found = [(m.kind, m.section, m.text) for m in seed.markup]
    assert found == [
        (MarkupKind.MARGINAL_NUMBER, Section.ORIGINAL, "38"),
        (MarkupKind.HANDWRITING, Section.ORIGINAL, "В архив"),
        (MarkupKind.HANDWRITING, Section.ORIGINAL, "Заведующий"),
        (MarkupKind.HANDWRITING, Section.ORIGINAL, "Иванов"),
        (MarkupKind.STAMP, Section.TRANSLATION, "Declassified"),
        (MarkupKind.EDITORIAL, Section.TRANSLATION, "dosadnoye chastnoye yavleniye"),
        (MarkupKind.EDITORIAL, Section.TRANSLATION, "Lenin"),
        (MarkupKind.TRANSLATOR_NOTE, Section.TRANSLATION,
         "The Russian text ends here, a few lines above the signature."),
        (MarkupKind.SIGNATURE, Section.TRANSLATION, "signature"),
        (MarkupKind.EDITORIAL, Section.TRANSLATION, "Distribution"),
    ]
    spans = {m.text: seed.original[slice(*m.span)] if m.section == Section.ORIGINAL
             else seed.translation[slice(*m.span)] for m in seed.markup}
    assert spans["38"] == "<sup>38</sup>"
    assert spans["В архив"] == "*В архив*"
    assert spans["Declassified"] == "[Stamp]: Declassified"
    assert spans["Distribution"] == "[Distribution:]"
    assert spans["signature"] == "[signature]"


def test_split_is_by_script_not_by_words():
    t = parse_transcript(HEADER + RUSSIAN + "\n\n" + ENGLISH, "x")
    assert t.metadata.date == "May 2, 1961" and t.metadata.title == "Record of a Conversation"
    assert t.original == RUSSIAN.replace("  \n", "\n")
    assert t.translation == ENGLISH
    kinds = {(m.kind, m.section) for m in t.markup}
    assert kinds == {
        (MarkupKind.MARGINAL_NUMBER, Section.ORIGINAL), (MarkupKind.HANDWRITING, Section.ORIGINAL),
        (MarkupKind.STAMP, Section.ORIGINAL), (MarkupKind.SIGNATURE, Section.TRANSLATION),
        (MarkupKind.TRANSLATOR_NOTE, Section.TRANSLATION),
    }


def test_translation_first_is_recognised():
    t = parse_transcript(HEADER + ENGLISH + "\n\n" + RUSSIAN, "x")
    assert t.original.startswith("Из дневника") and t.translation.startswith("from the diary")


def test_latin_script_original_split_by_english_function_words():
    german = ("Aufzeichnung eines Gesprächs mit dem Minister\n\nDer Minister sagte, dass die Briefe "
              "angekommen sind und dass er die Reise plant.")
    english = ("Record of a conversation with the minister\n\nThe minister said that the letters "
               "had arrived and that he was planning the trip.")
    t = parse_transcript(HEADER.replace("Russian", "German") + german + "\n\n" + english, "x")
    assert t.original == german and t.translation == english


def test_no_translation(tmp_path):
    t = parse_transcript(HEADER + RUSSIAN, "x")
    assert t.original == RUSSIAN.replace("  \n", "\n") and t.translation == ""


def test_translation_only_is_refused():
    with pytest.raises(InputFileError, match="no Russian text found"):
        parse_transcript(HEADER + ENGLISH, "doc", "doc.md")


def test_metadata_only_is_refused():
    with pytest.raises(InputFileError, match="doc.md: no Russian text"):
        parse_transcript(HEADER, "doc", "doc.md")


def test_without_metadata_everything_is_body():
    t = parse_transcript("**ЗАПИСЬ БЕСЕДЫ**\n\n" + RUSSIAN, "x")
    assert t.metadata.title == "" and t.original.startswith("ЗАПИСЬ БЕСЕДЫ\n\nИз дневника")


@pytest.mark.parametrize("data", [b"", b"   \n\r\n\t"])
def test_empty_file_refused(tmp_path, data):
    path = tmp_path / "empty.md"
    path.write_bytes(data)
    with pytest.raises(InputFileError, match=r"empty\.md: the transcript is empty"):
        read_transcript(path)


@pytest.mark.parametrize(
    ("encoding", "bom", "recorded"),
    [
        ("utf-8", b"", "utf-8"),
        ("utf-8", b"\xef\xbb\xbf", "utf-8-sig"),
        ("utf-16-le", b"\xff\xfe", "utf-16-le"),
        ("utf-16-be", b"\xfe\xff", "utf-16-be"),
        ("utf-16-le", b"", "utf-16-le"),
        ("cp1251", b"", "cp1251"),
        ("koi8-r", b"", "koi8-r"),
    ],
)
def test_encodings_and_crlf(tmp_path, seed, encoding, bom, recorded):
    text = SEED.read_text(encoding="utf-8").replace("№", "N")  # KOI8-R has no №
    path = tmp_path / "doc.md"
    path.write_bytes(bom + text.replace("\n", "\r\n").encode(encoding))
    t = read_transcript(path)
    assert t.encoding == recorded
    assert "\r" not in t.original + t.translation
    assert t.original == seed.original.replace("№", "N")
    assert t.translation == seed.translation
    assert len(t.markup) == len(seed.markup)


@pytest.mark.parametrize("encoding", ["cp1251", "koi8-r"])
def test_short_legacy_cyrillic_text(encoding):
    text = "Беседовал сегодня с министром о переговорах."
    assert decode_text(text.encode(encoding), "short.txt") == (text, encoding)


def test_plain_txt_is_all_original(tmp_path):
    path = tmp_path / "page.txt"
    path.write_bytes("Из дневника  \r\n\r\nI talked today *with* him [Lenin]\r\n".encode())
    t = read_transcript(path)
    assert t.original == "Из дневника\n\nI talked today *with* him [Lenin]"
    assert t.translation == "" and t.markup == ()
    assert read_text(path) == "Из дневника  \n\nI talked today *with* him [Lenin]\n"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "not a text file"),
        (bytes(range(1, 32)) * 40, "not a text file"),
    ],
)
def test_binary_refused(tmp_path, data, message):
    path = tmp_path / "scan.md"
    path.write_bytes(data)
    with pytest.raises(InputFileError, match=message):
        read_transcript(path)


def test_missing_and_folder_refused(tmp_path):
    with pytest.raises(InputFileError, match="no such file"):
        read_transcript(tmp_path / "nope.md")
    with pytest.raises(InputFileError, match="is a folder"):
        read_transcript(tmp_path)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=400)
       | st.lists(st.sampled_from(["**", "*", "[", "]", ":", "\n", "\n\n", "  \n", "<sup>", "</sup>",
                                   "#### ", "Stamp", "Citation:", "Russian", "Из дневника", "the ",
                                   "\r\n", "\ufeff", "[signature]", "**Contents:**\n\n", " "]),
                  max_size=60).map("".join))
def test_parser_raises_only_typed_errors(text):
    try:
        t = parse_transcript(text, "doc")
    except ScanproofError:
        return
    for m in t.markup:
        section = t.original if m.section == Section.ORIGINAL else t.translation
        assert 0 <= m.span[0] < m.span[1] <= len(section)


@settings(max_examples=500, deadline=None)
@given(st.binary(max_size=300))
def test_decoder_raises_only_typed_errors(data):
    try:
        text, encoding = decode_text(data, "x.md")
    except ScanproofError:
        return
    assert isinstance(text, str) and encoding


def test_synthetic_exports_split_where_the_generator_wrote_them(tmp_path):
    from pipeline.synth import make_document

    doc = make_document(tmp_path, seed=3, pages=1, plant=3, plant_translation=2)
    t = read_transcript(doc.transcript)
    key = json.loads(doc.answer_key.read_text(encoding="utf-8"))
    for error in key["errors"]:
        section = t.original if error["section"] == "original" else t.translation
        assert error["line"] in section, error
    assert not any("\u0400" <= c <= "\u04ff" for c in t.translation)
    words = {w.strip(".,;:()\"«»") for w in t.original.split()}
    typed = [w.strip(".,;:()\"«»") for w in doc.pages[0].text.split()]
    # The page shows the transcription except for the planted errors.
    assert sum(w in words for w in typed) >= 0.95 * len(typed)


def test_utf8_with_a_bad_byte_stays_utf8_and_says_where(tmp_path: Path) -> None:
    # One invalid byte in a UTF-8 transcript must not make the whole file another code page (every
    # Cyrillic letter would change, and every figure of the report with it): the byte is replaced
    # and its offset named in the report.
    text = "Во время беседы было сообщено, что правительство рассмотрело наши предложения.\n" * 20
    data = text.encode()
    damaged = data[:301] + b"\xff" + data[301:]
    with pytest.warns(ScanproofWarning, match="doc.md: read as utf-8 .1 invalid byte replaced, at byte 301"):
        decoded, encoding = decode_text(damaged, "doc.md")
    assert encoding == "utf-8 (1 invalid byte replaced, at byte 301)"
    assert decoded.replace("\ufffd", "", 1) == text
    # A single-byte code page is still told from damaged UTF-8.
    assert decode_text(text.encode("cp1251"), "doc.md") == (text, "cp1251")
    path = tmp_path / "doc.md"
    path.write_bytes(damaged)
    out = tmp_path / "out"
    done = scanproof("check", str(path), "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stderr == (f"scanproof: warning: {path}: read as {encoding}; re-export it as UTF-8 "
                           "to be sure of every letter\n")
    assert json.loads((out / "report.json").read_text(encoding="utf-8"))["transcript_encoding"] == encoding


@pytest.mark.parametrize(("text", "encoding"), [
    ("Ernst Müller\n", "latin-1"),
    ("Herr Müller schrieb über die Straße nach Köln, daß er käme.\n", "cp1252"),
    ("Le général écrivit à Paris que la séance était levée.\n", "cp1252"),
    ("Ñandú y pingüino en España.\n", "cp1252"),  # as likely Windows-1250 to a detector: a tie
    ("Текст документа.\n", "cp1251"),
    ("Текст и text\n", "cp1251"),  # not Urdu (cp1006), whose letters have no case
    ("Во время беседы было сообщено, что правительство рассмотрело.\n", "koi8-r"),
])
def test_a_single_byte_code_page_is_chosen_by_what_the_script_makes_plausible(text, encoding):
    """A Latin-script text is not read as Windows-1251 (``Mьller``), nor a Cyrillic one as
    Windows-1252 (``Òåêñò``): the letters come back as written."""
    decoded, _ = decode_text(text.encode(encoding), "doc.txt")
    assert decoded == text


def test_a_transcript_of_only_a_byte_order_mark_is_refused_as_empty(tmp_path):
    with pytest.raises(InputFileError, match="empty"):
        decode_text(b"\xef\xbb\xbf\r\n", "gt.txt")
    reference, hypothesis = tmp_path / "gt.txt", tmp_path / "ocr.txt"
    reference.write_bytes(b"\xef\xbb\xbf")
    hypothesis.write_text("Some text the OCR read.\n", encoding="utf-8")
    done = scanproof("cer", str(reference), str(hypothesis))
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "empty" in done.stderr, done.stderr
    assert done.stdout == ""


def test_a_given_encoding_is_used_as_given_and_named_in_the_report(tmp_path):
    """``--encoding`` decides: a Windows-1251 file read as KOI8-R comes out as KOI8-R reads it
    (nothing guessed), and the report names the encoding it was read with."""
    text = "Во время беседы было сообщено, что правительство рассмотрело наши предложения.\n"
    path = tmp_path / "doc.txt"
    path.write_bytes(text.encode("cp1251"))
    assert decode_text(path.read_bytes(), path) == (text, "cp1251")
    assert decode_text(path.read_bytes(), path, "koi8-r") == (text.encode("cp1251").decode("koi8-r"), "koi8-r")
    out = tmp_path / "out"
    done = scanproof("check", str(path), "--out", str(out), "--encoding", "cp1251")
    assert done.returncode == 0, done.stderr
    assert json.loads((out / "report.json").read_text(encoding="utf-8"))["transcript_encoding"] == "cp1251"


@pytest.mark.parametrize(("encoding", "code", "says"), [
    ("bogus", 1, "unknown text encoding 'bogus'"),
    ("utf-8", 2, "byte 0 is not valid utf-8 (--encoding)"),
])
def test_a_wrong_encoding_is_one_line_and_writes_nothing(tmp_path, encoding, code, says):
    path = tmp_path / "doc.txt"
    path.write_bytes("Текст документа.\n".encode("cp1251"))
    out = tmp_path / "out"
    done = scanproof("check", str(path), "--out", str(out), "--encoding", encoding)
    assert done.returncode == code and done.stderr.count("\n") == 1 and says in done.stderr, done.stderr
    assert not out.exists()
