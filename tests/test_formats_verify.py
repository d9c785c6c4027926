"""``verify --transcript`` with the bundled document in each format, and OCR results read by ``cer``.

The Wilson export ``transcripts/117066.md`` is parsed, then written as TEI (original, translation,
markup, metadata: all of it) and, for the formats that hold only the text of the page, as PAGE-XML,
ALTO, hOCR and plain text (its original, markup cut out). The pages are read once, by the
session's ``seed_report``, and every run here takes them from its cache.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.transcript import compared_text, read_transcript
from tests.conftest import SEED_SCANS, SEED_TRANSCRIPT, scanproof
from tests.formats_convert import to_alto, to_hocr, to_page, to_tei

FILES = {"tei": "117066.tei.xml", "page": "117066.page.xml", "alto": "117066.alto.xml", "hocr": "117066.hocr",
         "plain": "117066.txt"}
#: Flags of the comparison of the text with the scan (not of markup or of the translation).
TEXT_FLAGS = ("transcription_divergence", "insertion", "omission")


@pytest.fixture(scope="module")
def runs(seed_report: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The report folder of the seed document verified from each format (``md``: the export itself)."""
    md = read_transcript(SEED_TRANSCRIPT)
    typed = compared_text(md)
    # A <sic>/<corr> choice: the scan's reading (as the Markdown has it) is the one compared.
    tei = to_tei(md).replace("Гаваи", "<choice><sic>Гаваи</sic><corr>Гаваны</corr></choice>", 1)
    texts = {"tei": tei, "page": to_page(typed), "alto": to_alto(typed), "hocr": to_hocr(typed),
             "plain": typed}
    folder = tmp_path_factory.mktemp("formats")
    out = {"md": seed_report}
    for fmt, text in texts.items():
        path = folder / FILES[fmt]
        path.write_text(text, encoding="utf-8")
        exports = ("--export", "page-xml,alto,hocr") if fmt == "plain" else ()
        out[fmt] = folder / f"out-{fmt}"
        done = scanproof("verify", "--transcript", str(path), str(SEED_SCANS), "--out", str(out[fmt]),
                         "--cache", str(seed_report / ".cache"), *exports)
        assert done.returncode == 0, done.stderr
    return out


def _report(folder: Path) -> dict:
    return json.loads((folder / "report.json").read_text(encoding="utf-8"))


def _flags(folder: Path) -> list[dict]:
    """The flags of a report without their ids and spans (offsets in the transcript's text as
    read, which differ between formats: the Wilson export's header is part of it)."""
    return [{k: v for k, v in f.items() if k not in ("id", "transcript_span")} for f in _report(folder)["flags"]]


@pytest.mark.slow
def test_tei_gives_the_flags_and_figures_of_the_markdown(runs):
    md, tei = _report(runs["md"]), _report(runs["tei"])
    assert _flags(runs["tei"]) == _flags(runs["md"])
    assert tei["metrics"] == md["metrics"]
    # The stamp, the handwriting, the sheet number and the signature are matched to the scan's.
    assert {f["kind"] for f in tei["flags"]} >= {"stamp", "handwriting", "signature"}
    assert (md["transcript_format"], md["transcript_reading"]) == ("wilson", "")
    assert (tei["transcript_format"], tei["document"]) == ("tei", "117066")
    assert tei["transcript_reading"] == "diplomatic (<sic> over <corr> ×1)"
    assert any(f["transcript_text"] == "Гаваи" for f in tei["flags"])


@pytest.mark.slow
def test_page_alto_hocr_and_plain_text_give_one_analysis_and_the_markdowns_comparison(runs):
    flags = {fmt: _flags(runs[fmt]) for fmt in ("page", "alto", "hocr", "plain")}
    assert flags["page"] == flags["alto"] == flags["hocr"] == flags["plain"]
    assert [_report(runs[fmt])["transcript_format"] for fmt in flags] == ["page", "alto", "hocr", "plain"]

    def places(found: list[dict]) -> list[tuple]:
        return sorted((f["kind"], f["transcript_text"], f["scan_text"], f["page"], tuple(f["bbox"] or ()))
                      for f in found if f["kind"] in TEXT_FLAGS)

    # The same differences from the scan, at the same places; what these formats cannot carry (the
    # translation, whose evidence grades them, and the markup) is what differs.
    assert places(flags["page"]) == places(_flags(runs["md"]))
    assert _report(runs["page"])["metrics"]["cer"] == _report(runs["md"])["metrics"]["cer"]


@pytest.mark.slow
def test_the_ocr_exported_as_page_alto_and_hocr_reads_back_as_its_text(runs, tmp_path):
    report, exports = _report(runs["plain"]), runs["plain"] / "exports"
    texts = [page["ocr_text"] for page in report["pages"]]
    first = tmp_path / "page-1.txt"
    first.write_text(texts[0], encoding="utf-8")
    whole = tmp_path / "ocr.txt"
    whole.write_text("\n".join(texts), encoding="utf-8")
    for reference, hypothesis in ((first, exports / "page-0001.page.xml"), (first, exports / "page-0001.alto.xml"),
                                  (whole, exports / "ocr.hocr")):
        done = scanproof("cer", str(reference), str(hypothesis))
        assert done.returncode == 0 and done.stdout.startswith("CER 0.0000  WER 0.0000"), (hypothesis, done.stdout)
    hocr = read_transcript(exports / "ocr.hocr")
    assert len(hocr.page_starts) == 2
    # The transcription against the OCR result in hOCR is the transcription against its text.
    against_hocr = scanproof("cer", str(SEED_TRANSCRIPT), str(exports / "ocr.hocr"))
    against_text = scanproof("cer", str(SEED_TRANSCRIPT), str(whole))
    assert against_hocr.returncode == 0 and against_hocr.stdout == against_text.stdout
