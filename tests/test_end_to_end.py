"""The whole path, real Tesseract included, through the command a user runs."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEED_SCANS, SEED_TRANSCRIPT, scanproof
from tests.exportcheck import assert_valid_exports

pytestmark = pytest.mark.slow


def test_verify_writes_both_reports_with_a_realistic_cer(seed_report):
    report = json.loads((seed_report / "report.json").read_text(encoding="utf-8"))
    assert report["schema"] == "scanproof/report/1"
    assert report["document"] == "117066"
    assert [p["index"] for p in report["pages"]] == [1, 2]
    # The facsimile shows the transcription's text except in a few places, so the CER measures
    # the OCR: well below what raw Tesseract reaches on an archival-level page.
    assert 0.0 < report["metrics"]["cer"] <= 0.08
    assert (seed_report / "report.html").stat().st_size > 10_000
    for page in report["pages"]:
        assert page["width"] > 2000 and page["height"] > 3000
        assert len(page["ocr_text"]) > 500


def test_flags_point_inside_their_page(seed_report):
    report = json.loads((seed_report / "report.json").read_text(encoding="utf-8"))
    sizes = {p["index"]: (p["width"], p["height"]) for p in report["pages"]}
    placed = [f for f in report["flags"] if f["bbox"] is not None]
    assert placed, "no flag carries a box on the scan"
    for flag in placed:
        w, h = sizes[flag["page"]]
        x0, y0, x1, y1 = flag["bbox"]
        assert 0 <= x0 < x1 <= w and 0 <= y0 < y1 <= h, flag


def test_run_pairs_documents_reports_each_and_reuses_the_cache(tmp_path):
    scans, transcripts, out = tmp_path / "scans", tmp_path / "transcripts", tmp_path / "reports"
    shutil.copytree(SEED_SCANS, scans / "doc-a", ignore=shutil.ignore_patterns("*.xml", "*.yaml"))
    transcripts.mkdir()
    shutil.copy(SEED_TRANSCRIPT, transcripts / "doc-a.md")
    (transcripts / "doc-b.md").write_text("Текст без скана.\n", encoding="utf-8")
    log = tmp_path / "progress.jsonl"
    args = ["run", "--scans", str(scans), "--transcripts", str(transcripts), "--out", str(out),
            "--progress-log", str(log)]

    first = scanproof(*args)
    assert first.returncode == 7, first.stderr  # doc-b has no scans: partial success
    assert "doc-b" in first.stderr and first.stderr.count("\n") == 1
    assert (out / "doc-a" / "report.json").exists() and (out / "index.html").exists()
    assert not (out / "doc-b").exists()
    assert str(out / "doc-a" / "report.html") in first.stdout

    events = [json.loads(line) for line in log.read_text().splitlines()]
    assert [e["cached"] for e in events] == [False, False]
    second = scanproof(*args)
    assert second.returncode == 7
    events = [json.loads(line) for line in log.read_text().splitlines()][2:]
    assert [e["cached"] for e in events] == [True, True]
    before = json.loads((out / "doc-a" / "report.json").read_text())
    assert before["metrics"]["cer"] > 0

    # A corrected transcript re-uses every page but is analysed afresh, not served from the cache.
    edited = transcripts / "doc-a.md"
    edited.write_text(edited.read_text(encoding="utf-8").replace("Андронову", "Андропову"), encoding="utf-8")
    assert scanproof(*args).returncode == 7
    events = [json.loads(line) for line in log.read_text().splitlines()][4:]
    assert [e["cached"] for e in events] == [True, True]
    after = json.loads((out / "doc-a" / "report.json").read_text())
    assert any("Андронову" in (f["transcript_text"] or "") for f in before["flags"])
    assert not any("Андронову" in (f["transcript_text"] or "") for f in after["flags"])


def test_an_interrupted_run_resumes_from_the_pages_it_read(tmp_path):
    scans, transcripts, out = tmp_path / "scans", tmp_path / "transcripts", tmp_path / "reports"
    transcripts.mkdir()
    for doc in ("a", "b"):
        shutil.copytree(SEED_SCANS, scans / doc, ignore=shutil.ignore_patterns("*.xml", "*.yaml"))
        shutil.copy(SEED_TRANSCRIPT, transcripts / f"{doc}.md")
    log = tmp_path / "progress.jsonl"
    args = [sys.executable, "-m", "pipeline", "run", "--scans", str(scans), "--transcripts",
            str(transcripts), "--out", str(out), "--progress-log", str(log), "--jobs", "1"]
    proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline and (not log.exists() or not log.read_text().strip()):
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    read_before = len(log.read_text().splitlines())
    assert 1 <= read_before < 4, "the run was not interrupted mid-way"

    done = scanproof(*args[3:])
    assert done.returncode == 0, done.stderr
    resumed = [json.loads(line) for line in log.read_text().splitlines()[read_before:]]
    assert sum(e["cached"] for e in resumed) >= read_before
    for doc in ("a", "b"):
        json.loads((out / doc / "report.json").read_text())  # whole, parseable reports


def test_check_needs_no_scan(tmp_path):
    done = scanproof("check", str(SEED_TRANSCRIPT), "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["pages"] == []
    assert any(f["severity"] in ("high", "medium") for f in report["flags"])


def test_cer_command(tmp_path):
    (tmp_path / "ref.txt").write_text("собака лает", encoding="utf-8")
    (tmp_path / "hyp.txt").write_text("собака лаег", encoding="utf-8")
    done = scanproof("cer", str(tmp_path / "ref.txt"), str(tmp_path / "hyp.txt"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("CER 0.0909")


def test_ocr_command_prints_words_with_boxes():
    done = scanproof("ocr", str(SEED_SCANS / "page-2.png"), "--format", "tsv")
    assert done.returncode == 0, done.stderr
    rows = [line.split("\t") for line in done.stdout.splitlines()[1:]]
    assert len(rows) > 100
    assert all(int(r[5]) < int(r[7]) and int(r[6]) < int(r[8]) for r in rows)
    assert "СССР" in done.stdout


def test_python_dash_m_and_console_script_agree():
    script = Path(sys.executable).with_name("scanproof")
    help_text = subprocess.run([str(script), "--help"], capture_output=True, text=True).stdout
    assert help_text == scanproof("--help").stdout.replace("__main__.py", "scanproof")
    for command in ("verify", "run", "check", "cer", "ocr", "synth"):
        assert command in help_text


@pytest.mark.parametrize(
    "args, code, fragment",
    [
        (["verify", "--transcript", "no-such.md", "scans/117066", "--out", "{tmp}"], 2, "no-such.md"),
        (["verify", "--transcript", str(SEED_TRANSCRIPT), "no-such-dir", "--out", "{tmp}"], 2, "no-such-dir"),
        (["run", "--scans", "nowhere", "--out", "{tmp}"], 1, "nowhere"),
        (["cer", "missing.txt", "transcripts/117066.md"], 2, "missing.txt"),
    ],
)
def test_cli_errors_are_one_line_with_an_exit_code(tmp_path, args, code, fragment):
    done = scanproof(*[a.replace("{tmp}", str(tmp_path / "out")) for a in args])
    assert done.returncode == code, done.stderr
    assert done.stderr.startswith("scanproof: ") and done.stderr.count("\n") == 1
    assert fragment in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "out" / "report.html").exists()


def test_missing_language_pack_says_what_to_install(tmp_path):
    env = dict(os.environ, TESSDATA_PREFIX=str(tmp_path))  # a tessdata folder with no languages
    done = subprocess.run([sys.executable, "-m", "pipeline", "ocr", str(SEED_SCANS / "page-1.png")],
                          cwd=ROOT, capture_output=True, text=True, env=env)
    assert done.returncode == 3
    assert "apt-get install tesseract-ocr-rus" in done.stderr and "Traceback" not in done.stderr


def test_a_transcript_in_another_script_than_the_ocr_language_is_refused(tmp_path):
    german = tmp_path / "de.md"
    german.write_text("Der Botschafter sprach heute mit dem Minister über den Handel.\n", encoding="utf-8")
    # A language named that cannot read the transcription's script (without ``--lang``, German is read).
    done = scanproof("verify", "--lang", "rus", "--transcript", str(german), str(SEED_SCANS), "--out",
                     str(tmp_path / "out"))
    assert done.returncode == 2, done.stderr
    assert "Latin script" in done.stderr and "--lang" in done.stderr and done.stderr.count("\n") == 1
    assert not (tmp_path / "out").exists()


def test_exports_are_written_beside_the_report(tmp_path):
    done = scanproof("verify", "--transcript", str(SEED_TRANSCRIPT), str(SEED_SCANS / "page-2.png"),
                     "--out", str(tmp_path), "--export", "page-xml,alto,hocr", "--cache", str(tmp_path / "c"))
    assert done.returncode == 0, done.stderr
    exports = sorted((tmp_path / "exports").iterdir())
    assert sorted(p.suffix for p in exports) == [".hocr", ".xml", ".xml"], exports
    assert_valid_exports(exports)


def test_an_unknown_export_is_refused_before_any_ocr(tmp_path):
    done = scanproof("verify", "--transcript", str(SEED_TRANSCRIPT), str(SEED_SCANS), "--out", str(tmp_path),
                     "--export", "docx")
    assert done.returncode == 1 and "docx" in done.stderr and done.stderr.count("\n") == 1
    assert not any(tmp_path.iterdir())


def test_a_report_setting_changed_through_the_api_is_not_served_a_stale_preview(tmp_path):
    """The page previews are made where the pages are read, and cached with them: a smaller
    preview asked for through the API reads the pages again rather than showing the old ones."""
    from PIL import Image

    from pipeline import api
    from pipeline.config import Config

    def verify(config: Config) -> tuple[list[bool], list[tuple[int, int]]]:
        events: list[api.PageEvent] = []
        files = api.verify(SEED_TRANSCRIPT, [SEED_SCANS], tmp_path / "out", config, events.append)
        sizes = []
        for path in files.images:
            with Image.open(path) as im:
                sizes.append(im.size)
        return [e.cached for e in events], sizes

    config = Config()
    cached, sizes = verify(config)
    assert cached == [False, False] and max(max(s) for s in sizes) > 2000
    assert verify(config)[0] == [True, True]
    smaller = replace(config, report=replace(config.report, max_image_side=600))
    cached, sizes = verify(smaller)
    assert cached == [False, False]
    assert max(max(s) for s in sizes) == 600
