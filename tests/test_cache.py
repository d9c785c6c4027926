"""The cache: keys follow every input of a page reading or a document analysis, entries survive
only whole."""

from __future__ import annotations

import json
import pickle
from dataclasses import fields, replace
from pathlib import Path

import pytest

from pipeline import cache, document, page
from pipeline.config import ANALYSIS_SETTINGS, PAGE_SETTINGS, Config
from pipeline.model import (
    AlignedLine,
    DocumentReport,
    Flag,
    MarkupKind,
    Metrics,
    OcrPage,
    OcrWord,
    PageResult,
    PageSource,
    Region,
    Severity,
)
from pipeline.transcript import parse_transcript, read_transcript
from tests.conftest import SEED_SCANS, SEED_TRANSCRIPT


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
    store = cache.Cache(tmp_path)
    store.store("ab" * 32, reading())
    assert store.load("ab" * 32, PageResult) == reading()
    assert store.load("cd" * 32, PageResult) is None
    assert store.ignored == []


def test_a_whole_report_round_trips_with_its_enums_bytes_and_nested_tuples(tmp_path):
    """Every kind of field a cached value holds comes back equal and of its own type."""
    transcript = parse_transcript("# Doc\n\n## Original\n\n[Stamp]: Секретно\n\nТекст 5.4.63.\n", "doc", "doc.md")
    flag = Flag("digit", Severity.HIGH, "m", "5.4.63", "5.4.68", page=1, bbox=(1, 2, 3, 4), score=0.9,
                evidence=("a", "b"), transcript_span=(3, 9))
    page = replace(reading(), regions=(Region("stamp", (0, 0, 9, 9), "т", 0.5, {"ink": 0.25}),),
                   preview=bytes(range(256)))
    report = DocumentReport("doc", transcript, (page,), Metrics(0.1, 0.2, 10, 2, confusions=(("а", "a", 3),)),
                            (flag,), lines=(AlignedLine("т", "t", 1, None, 1.0, (("replace", 0, 1, 0, 1),)),))
    store = cache.Cache(tmp_path)
    store.store("ab" * 32, report)
    back = store.load("ab" * 32, DocumentReport)
    assert back == report
    assert back.flags[0].severity is Severity.HIGH and back.transcript.markup[0].kind is MarkupKind.STAMP
    assert back.pages[0].preview == bytes(range(256))


def test_a_truncated_entry_is_a_miss_not_an_error(tmp_path):
    store = cache.Cache(tmp_path)
    store.store("ab" * 32, reading())
    entry = next(tmp_path.rglob("*.json"))
    entry.write_bytes(entry.read_bytes()[:-10])
    assert store.load("ab" * 32, PageResult) is None
    assert store.ignored == [entry]
    assert not list(tmp_path.rglob("*.tmp"))


@pytest.mark.parametrize("damage", [
    lambda data: data.replace(b"91.0", b"92.0"),  # the payload changed: the checksum no longer matches
    lambda data: data.replace(b'"version": %d' % cache.CACHE_FORMAT, b'"version": 99'),  # another version
    lambda data: data.replace(b'"type": "PageResult"', b'"type": "Transcript"'),
    lambda data: b"\x80\x05\x95 not json at all",
    lambda data: b"[" * 100_000,  # nested past any recursion limit
])
def test_a_damaged_or_foreign_entry_is_ignored(tmp_path, damage):
    store = cache.Cache(tmp_path)
    store.store("ab" * 32, reading())
    entry = next(tmp_path.rglob("*.json"))
    entry.write_bytes(damage(entry.read_bytes()))
    assert store.load("ab" * 32, PageResult) is None
    assert store.ignored == [entry]


def test_a_planted_pickle_is_never_run(tmp_path):
    """The old cache format ran whatever a pickle in the cache folder held; no entry is code now,
    under either file name."""
    marker = tmp_path / "ran"
    payload = pickle.dumps(_Plant(str(marker)))
    key = "ab" * 32
    for name in (f"{key}.pickle", f"{key}.json"):
        (tmp_path / key[:2]).mkdir(exist_ok=True)
        (tmp_path / key[:2] / name).write_bytes(payload)
    assert cache.Cache(tmp_path).load(key, PageResult) is None
    assert not marker.exists()


class _Plant:
    """Unpickling this creates a file: the stand-in for a planted payload."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self):
        return (Path.touch, (Path(self.path),))


def test_a_key_is_never_a_path(tmp_path):
    with pytest.raises(ValueError):
        cache.Cache(tmp_path).load("../../etc/passwd", PageResult)


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
        lambda c: replace(c, markup=replace(c.markup, text_match_min=c.markup.text_match_min / 2)),
        lambda c: replace(c, divergence=replace(c.divergence, high_score=0.9)),
        lambda c: replace(c, transcript=replace(c.transcript, encoding="koi8-r")),
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


def test_report_preview_settings_change_the_page_key(image):
    """The preview is encoded where the page is read, and cached with it."""
    for change in (dict(max_image_side=800), dict(image_format="jpeg"), dict(image_quality=90)):
        changed = replace(Config(), report=replace(Config().report, **change))
        assert cache.page_key(image, changed, "e") != cache.page_key(image, Config(), "e")


def test_the_fingerprint_follows_the_imports_of_the_flow(tmp_path, monkeypatch):
    """Modules the flow imports (at the top or inside a function) and their data files take part;
    a module it does not import does not."""
    package = tmp_path / "pipeline"
    (package / "ocr" / "data").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "ocr" / "__init__.py").write_text("")
    (package / "flow.py").write_text("from pipeline.ocr import reading\n\ndef f():\n    import pipeline.lazy\n")
    files = {name: package / name for name in ("ocr/reading.py", "lazy.py", "report.py", "ocr/data/words.yaml")}
    for path in files.values():
        path.write_text("1\n")
    monkeypatch.setattr(cache, "_PACKAGE", package)
    fingerprint = cache.code_fingerprint.__wrapped__
    before = fingerprint("pipeline.flow")
    files["report.py"].write_text("2\n")  # not imported by the flow
    assert fingerprint("pipeline.flow") == before
    for name in ("ocr/reading.py", "lazy.py", "ocr/data/words.yaml"):
        files[name].write_text(files[name].read_text() + "2\n")
        after = fingerprint("pipeline.flow")
        assert after != before, name
        before = after


def test_imports_are_found_in_every_form_a_module_writes_them():
    source = (
        "import os, pipeline.a.b as ab\n"
        "from pipeline.c import (\n    d,  # why\n    e as f,\n)\n"
        "from pipeline import g  # a module\n"
        "from . import h\n"
        "    from pipeline.i import j\n"
        "x = 'from pipeline.k import nothing'\n"
    )
    assert cache.imported_modules(source) == ["os", "pipeline.a.b", "pipeline.c", "pipeline.c.d", "pipeline.c.e",
                                              "pipeline", "pipeline.g", "pipeline.i", "pipeline.i.j"]


def test_the_package_s_import_closure_is_what_parsing_the_modules_gives():
    """The regular expression reads every import of the flows as Python's parser does."""
    import ast

    for module in (page.__name__, document.__name__):
        for path in cache._code_files(module):
            if path.suffix != ".py":
                continue
            parsed = set()
            for node in ast.walk(ast.parse(path.read_bytes())):
                if isinstance(node, ast.Import):
                    parsed |= {alias.name for alias in node.names}
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    parsed |= {node.module, *(f"{node.module}.{alias.name}" for alias in node.names)}
            assert parsed <= set(cache.imported_modules(path.read_text(encoding="utf-8"))), path


def test_file_digests_are_remembered_until_the_file_is_written_again(tmp_path, monkeypatch):
    import hashlib
    import os
    import time

    scan = tmp_path / "page.png"
    scan.write_bytes(b"x" * 100)
    first = cache.Cache(tmp_path / "cache")
    assert first.file_digest(scan) == hashlib.sha256(b"x" * 100).digest()
    first.keep_digests()

    def unread(*args):
        raise AssertionError("the scan was read again")

    # The next run knows the digest without reading the scan.
    with monkeypatch.context() as m:
        m.setattr(cache, "_file_digest", unread)
        assert cache.Cache(tmp_path / "cache").file_digest(scan) == hashlib.sha256(b"x" * 100).digest()
    # Written again with the same size, its modification time set back: its change time tells.
    before = scan.stat()
    time.sleep(0.02)
    scan.write_bytes(b"y" * 100)
    os.utime(scan, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert cache.Cache(tmp_path / "cache").file_digest(scan) == hashlib.sha256(b"y" * 100).digest()


def test_a_damaged_digest_file_only_costs_a_hash(tmp_path):
    import hashlib

    scan = tmp_path / "page.png"
    scan.write_bytes(b"z" * 10)
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / "digests.json").write_text('{"version": 5, "files": {"a": 1}')
    assert cache.Cache(tmp_path / "cache").file_digest(scan) == hashlib.sha256(b"z" * 10).digest()
    # Whole JSON, the scan's own entry planted: a digest that is no hex, times that are no numbers.
    stat = scan.stat()
    identity = [stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns]
    for planted in ([*identity, "not hex"], [*identity[:-1], "x", "ab" * 32], [*identity, "ab" * 31]):
        entry = {"version": cache.CACHE_FORMAT, "files": {str(scan.resolve()): planted}}
        (tmp_path / "cache" / "digests.json").write_text(json.dumps(entry))
        assert cache.Cache(tmp_path / "cache").file_digest(scan) == hashlib.sha256(b"z" * 10).digest(), planted


class _Untouchable:
    """A config section a flow must not read: any attribute access fails the test."""

    def __getattr__(self, name: str):
        raise AssertionError(f"read a setting outside its SETTINGS: .{name}")


@pytest.mark.slow
def test_each_flow_reads_only_the_settings_its_cache_key_covers():
    """``PAGE_SETTINGS`` and ``ANALYSIS_SETTINGS`` are the whole of what shapes a cached value:
    the flows run with every other section of the config made untouchable."""
    def only(sections):
        return replace(Config(), **{f.name: _Untouchable() for f in fields(Config) if f.name not in sections})

    source = PageSource(SEED_SCANS / "page-2.png")
    result = page.read_page(source, 2, only(PAGE_SETTINGS))
    assert result.ocr.failed is None and len(result.ocr.words) > 50
    report = document.analyse(read_transcript(SEED_TRANSCRIPT), [result], only(ANALYSIS_SETTINGS))
    assert report.metrics is not None and report.flags


# --- a report folder that a run with the same inputs wrote -------------------------------------


def _collection(root: Path) -> tuple[Path, Path]:
    """Two documents of one page each, with one and the same transcription text."""
    from PIL import Image

    scans, transcripts = root / "scans", root / "transcripts"
    transcripts.mkdir(parents=True)
    for doc in ("a", "b"):
        (scans / doc).mkdir(parents=True)
        Image.new("RGB", (120, 60), "white").save(scans / doc / "page-1.png")
        (transcripts / f"{doc}.md").write_text("Текст письма о поставке зерна в город.\n", encoding="utf-8")
    return scans, transcripts


@pytest.fixture
def fake_reading(monkeypatch):
    """Pages "read" in this process without Tesseract; the pages read are counted."""
    read: list[str] = []

    def read_page_task(source, index, config):
        read.append(source.path.parent.name)
        words = tuple(OcrWord(w, (10 * i, 5, 10 * i + 8, 15), 90.0, 1, 1, 1, i + 1)
                      for i, w in enumerate(["Текст", "письма", "о", "поставке", "зерна", "в", "город."]))
        return PageResult(OcrPage(index, str(source.path), 120, 60, 0.0, words, lang=config.ocr.lang))

    monkeypatch.setattr(page, "read_page_task", read_page_task)
    return read


def _run(scans: Path, transcripts: Path, out: Path, config: Config | None = None, **run) -> dict[str, object]:
    from pipeline import api
    from pipeline.config import RunConfig

    config = replace(config or Config(), run=RunConfig(jobs=1, **run))
    return {o.document_id: o.files for o in api.run(scans, transcripts, out, config).outcomes}


def _written(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_ino)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_cached_re_run_keeps_the_report_it_wrote_which_is_the_uncached_one(tmp_path, fake_reading):
    scans, transcripts = _collection(tmp_path)
    first = _run(scans, transcripts, tmp_path / "out")
    assert sorted(fake_reading) == ["a", "b"]
    written = {doc: _written(tmp_path / "out" / doc) for doc in ("a", "b")}
    again = _run(scans, transcripts, tmp_path / "out")
    assert sorted(fake_reading) == ["a", "b"]  # nothing read again
    assert again == first
    # Not written again (the same files, inodes and all), and what an uncached run writes.
    assert {doc: _written(tmp_path / "out" / doc) for doc in ("a", "b")} == written
    uncached = _run(scans, transcripts, tmp_path / "plain", cache=False)
    for doc in ("a", "b"):
        assert ({name: data for name, (data, _) in _written(tmp_path / "plain" / doc).items()}
                == {name: data for name, (data, _) in written[doc].items()})
        assert replace(uncached[doc], folder=first[doc].folder, json=first[doc].json, html=first[doc].html,
                       images=first[doc].images) == first[doc]
    # Two documents of one text are two analyses, each named after its own file.
    assert [json.loads((tmp_path / "out" / doc / "report.json").read_text())["document"]
            for doc in ("a", "b")] == ["a", "b"]


@pytest.mark.parametrize("change", ["transcript", "scan", "analysis setting", "report setting", "report file",
                                    "report file added", "uncached run"])
def test_a_report_is_written_again_when_anything_it_shows_or_holds_changed(tmp_path, fake_reading, change):
    scans, transcripts = _collection(tmp_path)
    out = tmp_path / "out"
    _run(scans, transcripts, out)
    before = _written(out / "a")
    config = Config()
    if change == "transcript":
        (transcripts / "a.md").write_text("Текст письма о поставке муки в город.\n", encoding="utf-8")
    elif change == "scan":
        from PIL import Image

        Image.new("RGB", (120, 60), "ivory").save(scans / "a" / "page-1.png")
    elif change == "analysis setting":
        config = replace(config, align=replace(config.align, equivalences="dinglehopper"))
    elif change == "report setting":
        config = replace(config, report=replace(config.report, exports=("alto",)))
    elif change == "report file":
        (out / "a" / "report.html").write_text("edited", encoding="utf-8")
    elif change == "report file added":
        (out / "a" / "pages" / "stray.webp").write_bytes(b"x")
    elif change == "uncached run":
        _run(scans, transcripts, out, cache=False)
        before = _written(out / "a")
    _run(scans, transcripts, out, config)
    after = _written(out / "a")
    # A changed scan, a report setting (the previews are made with the page) or a run without
    # the cache reads the page again; the others re-use it.
    assert fake_reading.count("a") == 1 + (change in ("scan", "report setting", "uncached run"))
    assert after != before
    # Whole again: what a run from nothing writes.
    fresh = tmp_path / "fresh"
    _run(scans, transcripts, fresh, config, cache=False)
    assert {name: data for name, (data, _) in after.items()} == {
        name: data for name, (data, _) in _written(fresh / "a").items()}


def test_a_damaged_or_planted_record_of_a_report_only_costs_writing_it(tmp_path, fake_reading):
    scans, transcripts = _collection(tmp_path)
    out = tmp_path / "out"
    first = _run(scans, transcripts, out)
    record = out / ".cache" / "reports.json"

    def planted(kept: dict) -> dict:
        for entry in kept["files"].values():
            entry["files"]["images"] = ["../../elsewhere.webp"]
        return kept

    for damage in (lambda _: '{"files": {"a": 1}', lambda kept: json.dumps(planted(kept)),
                   lambda kept: json.dumps({**kept, "files": []})):
        record.write_text(damage(json.loads(record.read_text())))
        before = _written(out / "a")
        assert _run(scans, transcripts, out) == first
        assert _written(out / "a") != before  # written again (new files), nothing read again
        assert sorted(fake_reading) == ["a", "b"]


def test_the_record_of_a_report_folder_removed_is_dropped(tmp_path, fake_reading):
    import shutil

    scans, transcripts = _collection(tmp_path)
    shared = str(tmp_path / "cache")
    _run(scans, transcripts, tmp_path / "one", cache_dir=shared)
    shutil.rmtree(tmp_path / "one")
    _run(scans, transcripts, tmp_path / "two", cache_dir=shared)
    kept = json.loads((tmp_path / "cache" / "reports.json").read_text())["files"]
    assert sorted(Path(name).parent.name for name in kept) == ["two", "two"]
    assert sorted(fake_reading) == ["a", "b"]  # the pages were read once, for both folders
