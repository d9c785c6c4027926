"""The page cache: keys follow every input of a page reading, entries survive only whole."""

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
    assert cache.load(tmp_path, "ab" * 32) == reading()
    assert cache.load(tmp_path, "cd" * 32) is None


def test_a_truncated_entry_is_a_miss_not_an_error(tmp_path):
    cache.store(tmp_path, "ab" * 32, reading())
    entry = next(tmp_path.rglob("*.pickle"))
    entry.write_bytes(entry.read_bytes()[:10])
    assert cache.load(tmp_path, "ab" * 32) is None
    assert not list(tmp_path.rglob("*.tmp"))
