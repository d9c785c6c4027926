"""The two OCR engines on the same images, with real Tesseract: the same words, boxes, choices and
orientation, typed failures, one model per process and thread, and what the report and the cache
make of the engine. Tests of tesserocr are skipped when it cannot be imported."""

from __future__ import annotations

import json
import multiprocessing
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from rapidfuzz.distance import Levenshtein

from pipeline import api, cache
from pipeline.config import Config, OcrConfig, PreprocessConfig, RunConfig
from pipeline.errors import BadArgumentsError, ExitCode, TesseractFailedError
from pipeline.executor import run_tasks
from pipeline.model import PageImage, PageSource
from pipeline.ocr import engine, recognize, tesseract
from pipeline.ocr.reading import parse_alternatives, parse_tsv
from pipeline.preprocess import preprocess
from pipeline.synth import make_document
from tests.conftest import SEED_TRANSCRIPT, scanproof
from tests.typewriter_page import render, seed_lines

needs_tesserocr = pytest.mark.skipif(not engine.tesserocr_installed(), reason="tesserocr is not installed")
LINES = seed_lines("Гевара сказал, что он прочитал", 12)


@pytest.fixture(scope="module")
def typed() -> np.ndarray:
    return render(LINES).rgb


@pytest.fixture(scope="module")
def strip(typed: np.ndarray) -> np.ndarray:
    """Three typed lines: quick to read, with alternatives too."""
    return render(LINES[:3]).rgb[250:560]


def _both(image: np.ndarray, **kwargs: object) -> dict[str, dict[str, str]]:
    return {e: tesseract.run(image, lang="rus", dpi=300, engine=e, **kwargs) for e in ("tesseract", "tesserocr")}


@needs_tesserocr
def test_both_engines_read_the_same_words_in_the_same_boxes(typed: np.ndarray) -> None:
    out = _both(typed, psm=3, timeout_s=300, outputs=("tsv", "txt"))
    cli, inproc = (parse_tsv(out[e]["tsv"]) for e in ("tesseract", "tesserocr"))
    assert len(cli) >= 80 and len(inproc) == len(cli)
    # Tesseract 5.3 (Debian's program) and 5.5 (tesserocr's) differ in a word or two a page.
    assert sum(a.text == b.text for a, b in zip(cli, inproc, strict=True)) >= 0.97 * len(cli)
    for a, b in zip(cli, inproc, strict=True):
        assert (a.block, a.paragraph, a.line, a.word) == (b.block, b.paragraph, b.line, b.word)
        assert max(abs(p - q) for p, q in zip(a.bbox, b.bbox, strict=True)) <= 3, (a, b)
    # Word confidences differ more between the two versions (a word of 88 read at 2 by 5.5, seen
    # here), the page's mean much less.
    assert abs(np.mean([w.confidence for w in cli]) - np.mean([w.confidence for w in inproc])) <= 3
    # The TSV is the program's, header line and page number included.
    assert out["tesserocr"]["tsv"].splitlines()[0] == out["tesseract"]["tsv"].splitlines()[0]
    assert out["tesserocr"]["tsv"].splitlines()[1].split("\t")[:2] == ["1", "1"]
    assert Levenshtein.normalized_distance(out["tesseract"]["txt"], out["tesserocr"]["txt"]) <= 0.02


@needs_tesserocr
def test_both_engines_give_each_character_its_alternatives(strip: np.ndarray) -> None:
    variables = {"thresholding_method": "0", "lstm_choice_mode": "2"}
    out = _both(strip, psm=6, timeout_s=300, outputs=("tsv", "hocr"), variables=variables)
    cli, inproc = (parse_alternatives(out[e]["hocr"]) for e in ("tesseract", "tesserocr"))
    assert len(cli) >= 15 and set(inproc) == set(cli)
    # The same structure: a tuple of choices per character of the same words. The choices
    # themselves, weighed by two Tesseract versions, differ in their least likely members.
    assert all(len(inproc[box]) == len(cli[box]) for box in cli)
    assert sum(sum(map(len, alts)) for alts in inproc.values()) >= 0.8 * sum(sum(map(len, a)) for a in cli.values())
    # Both versions list most shapes at confidence 0; those they weighed are fewer, and a subset.
    for name, every in (("tesseract", cli), ("tesserocr", inproc)):
        weighed = parse_alternatives(out[name]["hocr"], conf_min=10)
        assert weighed.keys() == every.keys()
        assert all(set(a) <= set(b) for box in every for a, b in zip(weighed[box], every[box], strict=True))
        total = sum(sum(map(len, alts)) for alts in weighed.values())
        assert 0 < total < 0.5 * sum(sum(map(len, alts)) for alts in every.values()), name


@needs_tesserocr
def test_both_engines_find_the_same_orientation(typed: np.ndarray) -> None:
    for quarter in range(4):
        turned = np.ascontiguousarray(np.rot90(typed, quarter))
        found = {e: tesseract.detect_orientation(turned, 300, 60, engine=e) for e in ("tesseract", "tesserocr")}
        assert found["tesserocr"] == found["tesseract"]
        assert found["tesserocr"][0] == 90 * quarter
    blank = np.full((400, 400), 255, np.uint8)
    assert tesseract.detect_orientation(blank, 300, 60, engine="tesserocr") == (0, 0.0)


@needs_tesserocr
@pytest.mark.slow
def test_the_pipeline_reads_a_synthetic_page_as_well_with_tesserocr(tmp_path: Path) -> None:
    """CER of the whole OCR stage on an archival-level synthetic page. Measured on seeds 1–3:
    0.0594/0.0461/0.0626 through the program, 0.0621/0.0469/0.0626 with tesserocr."""
    doc = make_document(tmp_path, seed=1, level="archival")
    rgb = np.array(Image.open(doc.pages[0].image).convert("RGB"))
    page = PageImage(1, PageSource(doc.pages[0].image), rgb, 300.0)
    pre = preprocess(page, PreprocessConfig())

    def cer(name: str) -> float:
        ocr = recognize(page, pre, OcrConfig(engine=name))
        assert ocr.engine == name and ocr.engine_version[0].isdigit()
        ref, hyp = " ".join(doc.pages[0].text.split()), " ".join(ocr.text.split())
        return Levenshtein.distance(ref, hyp) / len(ref)

    assert cer("tesserocr") <= cer("tesseract") + 0.005


@needs_tesserocr
def test_a_time_limit_is_a_typed_failure_and_the_model_reads_on(typed: np.ndarray, strip: np.ndarray) -> None:
    with pytest.raises(TesseractFailedError, match="timed out after 0.01 s"):
        tesseract.run(typed, lang="rus", dpi=300, psm=3, timeout_s=0.01, engine="tesserocr")
    words = parse_tsv(tesseract.run(strip, lang="rus", dpi=300, psm=3, timeout_s=60, engine="tesserocr")["tsv"])
    assert len(words) >= 15


class _Alarm(BaseException):
    pass


def _raise_alarm(signum: int, frame: object) -> None:
    raise _Alarm


@needs_tesserocr
def test_a_signal_stops_a_page_in_progress(strip: np.ndarray) -> None:
    """What ``StopRequested`` and Ctrl-C rely on in process: Tesseract, told by a signal's handler
    on the main thread, stops at its next word, and the handler's exception comes out."""
    page = render(seed_lines("Гевара сказал, что он прочитал", 30)).rgb
    tesseract.run(strip, lang="rus", dpi=300, psm=3, timeout_s=60, engine="tesserocr")  # model loaded
    previous = signal.signal(signal.SIGALRM, _raise_alarm)
    try:
        start = time.monotonic()
        signal.setitimer(signal.ITIMER_REAL, 0.4)  # into recognition: the layout takes about 0.3 s
        with pytest.raises(_Alarm):
            tesseract.run(page, lang="rus", dpi=300, psm=3, timeout_s=60, engine="tesserocr")
        stopped = time.monotonic() - start
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    whole = time.monotonic()
    tesseract.run(page, lang="rus", dpi=300, psm=3, timeout_s=60, engine="tesserocr")
    assert stopped <= 0.4 + 0.3 < time.monotonic() - whole  # stopped well before the page was read


@needs_tesserocr
def test_models_are_kept_per_thread() -> None:
    from pipeline.ocr import tesserocr_engine

    line = np.full((80, 600), 255, np.uint8)
    line[30:50, 40:560:20] = 0

    def read() -> object:
        tesseract.run(line, lang="rus", dpi=300, psm=6, timeout_s=30, engine="tesserocr")
        return next(iter(tesserocr_engine._instances.apis.values()))

    mine = read()
    assert read() is mine  # kept, not loaded again
    theirs: list[object] = []
    worker = threading.Thread(target=lambda: theirs.append(read()))
    worker.start()
    worker.join()
    assert theirs and theirs[0] is not mine


def _instances_then_read(image: np.ndarray) -> tuple[int, int]:
    """Instances this (forked) process holds before and after one reading."""
    from pipeline.ocr import tesserocr_engine

    before = len(tesserocr_engine._instances.apis)
    tesseract.run(image, lang="rus", dpi=300, psm=6, timeout_s=60, engine="tesserocr")
    return before, len(tesserocr_engine._instances.apis)


def _words(image: np.ndarray) -> list[str]:
    out = tesseract.run(image, lang="rus", dpi=300, psm=6, timeout_s=60, engine="tesserocr")
    return [w.text for w in parse_tsv(out["tsv"])]


@needs_tesserocr
def test_a_forked_worker_makes_its_own_models(strip: np.ndarray) -> None:
    _words(strip)  # this process has a model now
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as pool:
        assert pool.submit(_instances_then_read, strip).result() == (0, 1)


@needs_tesserocr
@pytest.mark.slow
@pytest.mark.parametrize("run", [RunConfig(jobs=2), RunConfig(jobs=2, executor="dask")], ids=["pool", "dask"])
def test_worker_processes_read_with_tesserocr(strip: np.ndarray, run: RunConfig) -> None:
    expected = _words(strip)
    outcomes = list(run_tasks(_words, [(i, (strip,)) for i in range(4)], run))
    assert [o.error for o in outcomes] == [None] * 4
    assert all(o.result == expected for o in outcomes)


def test_the_engine_setting_is_checked() -> None:
    with pytest.raises(BadArgumentsError, match="OcrConfig.engine: unknown value 'abbyy'"):
        OcrConfig(engine="abbyy")
    assert OcrConfig().engine == "auto"
    chosen = tesseract.engine_id("auto")[0]
    assert chosen == ("tesserocr" if engine.tesserocr_installed() else "tesseract")


def test_a_bad_engine_on_the_command_line_is_one_line_exit_1(tmp_path: Path) -> None:
    done = scanproof("verify", "--transcript", str(SEED_TRANSCRIPT), str(tmp_path), "--out", str(tmp_path / "o"),
                     "--ocr-engine", "abbyy")
    assert done.returncode == ExitCode.bad_args
    assert done.stderr.count("\n") == 1 and "--ocr-engine: invalid choice: 'abbyy'" in done.stderr, done.stderr


@needs_tesserocr
def test_the_cache_misses_when_the_engine_changes(tmp_path: Path) -> None:
    image = tmp_path / "page.png"
    image.write_bytes(b"bytes to hash")
    source, config = PageSource(image), Config()
    keys = set()
    for name in ("tesseract", "tesserocr"):
        named = Config(ocr=OcrConfig(engine=name))
        keys.add(cache.page_key(source, named, tesseract.engine_fingerprint("rus", name)))
    keys.add(cache.page_key(source, config, tesseract.engine_fingerprint("rus", "auto")))
    assert len(keys) == 3
    assert tesseract.engine_fingerprint("rus", "tesseract") != tesseract.engine_fingerprint("rus", "tesserocr")


def _typed_document(folder: Path) -> tuple[Path, Path]:
    scans = folder / "scans"
    scans.mkdir(parents=True)
    Image.fromarray(render(LINES[:4]).rgb[200:700]).save(scans / "page-1.png", dpi=(300, 300))
    transcript = folder / "doc.md"
    transcript.write_text("\n".join(LINES[:4]) + "\n", encoding="utf-8")
    return transcript, scans


@needs_tesserocr
@pytest.mark.slow
def test_the_report_names_the_engine_and_a_change_of_engine_reads_again(tmp_path: Path) -> None:
    transcript, scans = _typed_document(tmp_path)
    out, log = tmp_path / "out", tmp_path / "progress.jsonl"
    seen = []
    for name in ("tesserocr", "tesseract", "tesseract"):
        done = scanproof("verify", "--transcript", str(transcript), str(scans), "--out", str(out),
                         "--ocr-engine", name, "--progress-log", str(log))
        assert done.returncode == 0, done.stderr
        page = json.loads((out / "report.json").read_text(encoding="utf-8"))["pages"][0]
        version = tesseract.engine_id(name)[1]
        assert (page["ocr_engine"], page["tesseract_version"]) == (name, version)
        seen.append(json.loads(log.read_text().splitlines()[-1])["cached"])
    assert seen == [False, False, True]


def test_reading_one_image_records_the_engine(tmp_path: Path) -> None:
    _, scans = _typed_document(tmp_path)
    page = api.read_image(scans / "page-1.png", Config(ocr=OcrConfig(engine="tesseract")))
    assert (page.engine, page.engine_version) == ("tesseract", tesseract.tesseract_version())
