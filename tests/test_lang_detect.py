"""The original's language found from its transcription (``--lang auto``, issue 16): the detector
on paragraphs of the five languages, mixed documents, and ``scanproof verify`` without ``--lang`` on
an English typewritten page read by the real Tesseract."""

from __future__ import annotations

import json
import textwrap

import pytest
from PIL import Image

from pipeline.lang.detect import ocr_languages
from tests.conftest import scanproof
from tests.typewriter_page import render

ENGLISH = ("The committee met on the fifth of April and agreed that the refugees on board the ship "
           "should be allowed to land as soon as their papers had been examined by the authorities.")
FRENCH = ("Le comité s'est réuni le cinq avril et a décidé que les réfugiés à bord du navire "
          "pourraient débarquer dès que les autorités auraient examiné leurs papiers.")
GERMAN = ("Der Ausschuss trat am fünften April zusammen und beschloss, dass die Flüchtlinge an Bord "
          "des Schiffes an Land gehen dürfen, sobald die Behörden ihre Papiere geprüft haben.")
SPANISH = ("El comité se reunió el cinco de abril y acordó que los refugiados a bordo del barco "
           "podrían desembarcar en cuanto las autoridades hubieran examinado sus papeles.")
RUSSIAN = ("Комитет собрался пятого апреля и решил, что беженцам на борту судна разрешат сойти на "
           "берег, как только власти проверят их документы.")


@pytest.mark.parametrize(("text", "lang"), [(ENGLISH, "eng"), (FRENCH, "fra"), (GERMAN, "deu"),
                                            (SPANISH, "spa"), (RUSSIAN, "rus")])
def test_each_language_is_found(text: str, lang: str) -> None:
    assert ocr_languages(text) == lang


def test_a_second_language_needs_paragraphs_of_its_own() -> None:
    # An English report with a French letter quoted in full: both are read.
    assert ocr_languages("\n\n".join([ENGLISH, FRENCH, ENGLISH])) == "eng+fra"
    # A Russian record quoting Spanish names and a Spanish title: Russian alone.
    quoting = RUSSIAN + " Присутствовали Fidel Castro, Ernesto Guevara и Raúl Roa (Ministerio de Industrias)."
    assert ocr_languages("\n\n".join([quoting, RUSSIAN])) == "rus"
    # A short French line among long English paragraphs is under the share.
    assert ocr_languages("\n\n".join([ENGLISH, ENGLISH, ENGLISH, "Vive la France, vive la République !"])) == "eng"


def test_text_without_letters_is_not_placed() -> None:
    assert ocr_languages("12.3.1963 — 4711") is None


@pytest.mark.slow
def test_verify_reads_an_english_page_in_english_without_lang(tmp_path) -> None:
    lines = textwrap.wrap(" ".join([ENGLISH] * 3), 60)
    page = render(lines)
    image = tmp_path / "page.png"
    Image.fromarray(page.rgb).save(image, dpi=(300, 300))
    transcript = tmp_path / "letter.txt"
    transcript.write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = scanproof("verify", "--transcript", str(transcript), str(image), "--out", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert [p["ocr_lang"] for p in report["pages"]] == ["eng"]
    assert report["metrics"]["cer"] < 0.03
    # Naming the language still wins: the Russian model cannot read it (refused before any OCR).
    done = scanproof("verify", "--lang", "rus", "--transcript", str(transcript), str(image), "--out",
                     str(tmp_path / "out-rus"))
    assert done.returncode == 2 and "--lang" in done.stderr
