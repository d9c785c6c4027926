"""The cache: keys follow every input of a page reading or a document analysis, entries survive
only whole."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pipeline import cache
from pipeline.config import Config
from pipeline.model import OcrPage, OcrWord, PageResult, PageSource


@pytest.fixture
def image(tmp_path):
    path = tmp_path / "page.png"
    path.write_bytes(b"\x89PNG not really, but bytes to hash")
    return PageSource(path)


def reading() -> PageResult:
    word = OcrWord("слово", (1, 2, 30, 12), 91.0, 1, 1, 1, 1)
    return PageResult(OcrPage(1, "page.png", 100, 50, 0.0, (word,)))


def test_same_inputs_same_key(image):
    assert cache.page_key(image, Config(), "tess 5.3") == cache.page_key(image, Config(), "tess 5.3")


@pytest.mark.parametrize(
    "change",
    [
        lambda c: replace(c, ocr=replace(c.ocr, lang="eng")),
        lambda c: replace(c, ocr=replace(c.ocr, psm=6)),
        lambda c: replace(c, preprocess=replace(c.preprocess, deskew=not c.preprocess.deskew)),
        lambda c: replace(c, ingest=replace(c.ingest, default_dpi=200.0)),
    ],
)
def test_any_reading_setting_changes_the_key(image, change):
    assert cache.page_key(image, change(Config()), "e") != cache.page_key(image, Config(), "e")


def test_engine_version_image_bytes_and_frame_change_the_key(image):
    key = cache.page_key(image, Config(), "tesseract 5.3.0 rus:abc")
    assert cache.page_key(image, Config(), "tesseract 5.5.0 rus:abc") != key
    assert cache.page_key(image, Config(), "tesseract 5.3.0 rus:abd") != key
    assert cache.page_key(replace(image, frame=1), Config(), "tesseract 5.3.0 rus:abc") != key
    image.path.write_bytes(image.path.read_bytes() + b"!")
    assert cache.page_key(image, Config(), "tesseract 5.3.0 rus:abc") != key


def test_settings_that_do_not_change_the_reading_keep_the_key(image):
    changed = replace(Config(), run=replace(Config().run, jobs=7, cache_dir="/elsewhere"))
    assert cache.page_key(image, changed, "e") == cache.page_key(image, Config(), "e")


def test_store_then_load_round_trips(tmp_path):
    cache.store(tmp_path, "ab" * 32, reading())
    assert cache.load(tmp_path, "ab" * 32, PageResult) == reading()
    assert cache.load(tmp_path, "cd" * 32, PageResult) is None


def test_a_truncated_entry_is_a_miss_not_an_error(tmp_path):
    cache.store(tmp_path, "ab" * 32, reading())
    entry = next(tmp_path.rglob("*.pickle"))
    entry.write_bytes(entry.read_bytes()[:10])
    assert cache.load(tmp_path, "ab" * 32, PageResult) is None
    assert not list(tmp_path.rglob("*.tmp"))


@pytest.fixture
def transcript(tmp_path):
    path = tmp_path / "doc.md"
    path.write_text("Текст документа.\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "change",
    [
        lambda c: replace(c, align=replace(c.align, anchor_min_chars=c.align.anchor_min_chars + 1)),
        lambda c: replace(c, checks=replace(c.checks, name_min=c.checks.name_min / 2)),
        lambda c: replace(c, layout=replace(c.layout, text_match_min=c.layout.text_match_min / 2)),
    ],
)
def test_any_analysis_setting_changes_the_analysis_key(transcript, change):
    assert cache.analysis_key(transcript, ["k1"], change(Config())) != cache.analysis_key(transcript, ["k1"], Config())


def test_transcript_bytes_and_page_keys_change_the_analysis_key(transcript):
    key = cache.analysis_key(transcript, ["k1", "k2"], Config())
    assert cache.analysis_key(transcript, ["k1", "k2"], Config()) == key
    assert cache.analysis_key(transcript, ["k2", "k1"], Config()) != key
    assert cache.analysis_key(transcript, ["k1"], Config()) != key
    transcript.write_text("Текст документа!\n", encoding="utf-8")
    assert cache.analysis_key(transcript, ["k1", "k2"], Config()) != key


def test_report_settings_keep_the_analysis_key(transcript):
    changed = replace(Config(), report=replace(Config().report, image_quality=90))
    assert cache.analysis_key(transcript, ["k1"], changed) == cache.analysis_key(transcript, ["k1"], Config())


def test_editing_the_code_changes_its_fingerprint(tmp_path, monkeypatch):
    (tmp_path / "ocr").mkdir()
    source = tmp_path / "ocr" / "reading.py"
    source.write_text("READ = 1\n")
    (tmp_path / "report.py").write_text("SHOW = 1\n")
    monkeypatch.setattr(cache, "_PACKAGE", tmp_path)
    fingerprint = cache.code_fingerprint.__wrapped__
    before = fingerprint(("ocr",))
    (tmp_path / "report.py").write_text("SHOW = 2\n")  # not a part of the reading
    assert fingerprint(("ocr",)) == before
    source.write_text("READ = 2\n")
    assert fingerprint(("ocr",)) != before
