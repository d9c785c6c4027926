"""Faults around a run: kills, Ctrl-C, a hanging Tesseract, an unwritable output, broken batches.

The promise under test: one clear line and an exit code, the rest of the batch goes on, and no
report file is ever half-written.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw, ImageFont

from pipeline.align import text_metrics
from tests.conftest import ROOT, SEED_SCANS, SEED_TRANSCRIPT, scanproof

# --- alignment properties ------------------------------------------------------------------------

# Letters that no normalization rule folds (no ё, no Latin look-alikes, no quotes or dashes).
LETTERS = "абвгдзиклмнпрстуфшщыэюя0123456789"
texts = st.lists(st.text(LETTERS, min_size=1, max_size=12), min_size=1, max_size=30).map(" ".join)


def edits(reference: str, hypothesis: str) -> int:
    m = text_metrics(reference, hypothesis)
    return m.substitutions + m.deletions + m.insertions


@settings(max_examples=500, deadline=None)
@given(texts)
def test_cer_of_a_text_with_itself_is_zero(text):
    assert text_metrics(text, text).cer == 0.0


@settings(max_examples=500, deadline=None)
@given(texts, texts)
def test_edit_count_is_symmetric(a, b):
    assert edits(a, b) == edits(b, a)


@settings(max_examples=500, deadline=None)
@given(texts, st.text(LETTERS, min_size=1, max_size=20), st.data())
def test_an_inserted_string_costs_its_length(text, inserted, data):
    at = data.draw(st.integers(0, len(text)))
    assert edits(text, text[:at] + inserted + text[at:]) == len(inserted)


# --- runs that are interrupted -------------------------------------------------------------------


def assert_whole_report(folder: Path) -> None:
    """Either no report, or a whole one: the JSON parses and the HTML is closed."""
    json_path, html_path = folder / "report.json", folder / "report.html"
    if json_path.exists():
        assert json.loads(json_path.read_text(encoding="utf-8"))["schema"] == "scanproof/report/1"
    if html_path.exists():
        assert html_path.read_text(encoding="utf-8").rstrip().endswith("</html>")


@pytest.mark.slow
def test_a_run_killed_at_any_moment_leaves_no_truncated_report(tmp_path):
    out = tmp_path / "out"
    args = ["verify", "--transcript", str(SEED_TRANSCRIPT), str(SEED_SCANS), "--out", str(out)]
    assert scanproof(*args).returncode == 0  # the previous report, and a warm cache
    before = (out / "report.json").read_bytes()
    # With the pages cached the run is spent in alignment, checks and report writing: kills
    # spread over it land in every phase, the writing of the files included.
    for delay in (0.3, 0.8, 1.3, 1.8, 2.3, 2.8, 3.5, 4.5):
        proc = subprocess.Popen([sys.executable, "-m", "pipeline", *args], cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        time.sleep(delay)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        assert_whole_report(out)
    assert (out / "report.json").exists()
    assert json.loads((out / "report.json").read_bytes())["flags"] == json.loads(before)["flags"]


@pytest.mark.slow
def test_damaged_and_planted_cache_entries_are_recomputed_with_one_warning(tmp_path):
    """Every entry of a warm cache damaged, one of them replaced by a pickle that would create a
    file if it ran: the run reads the pages afresh, warns once, and gives the same report. (Into
    another folder: the report folder the first run wrote, untouched, would be left as it is.)"""
    out, cache_dir = tmp_path / "out", tmp_path / "cache"

    def args(folder: Path) -> list[str]:
        return ["verify", "--transcript", str(SEED_TRANSCRIPT), str(SEED_SCANS), "--out", str(folder),
                "--cache", str(cache_dir)]

    assert scanproof(*args(tmp_path / "first")).returncode == 0
    first = json.loads((tmp_path / "first" / "report.json").read_bytes())
    entries = sorted(cache_dir.glob("*/*.json"))  # the entries' folders, not the scans' digests
    assert len(entries) == 3  # two pages and the analysis
    marker = tmp_path / "planted-code-ran"
    planted = b"cos\nsystem\n(S'touch " + str(marker).encode() + b"'\ntR."  # pickle protocol 0
    entries[0].write_bytes(planted)
    for entry in entries[1:]:
        entry.write_bytes(entry.read_bytes()[:-40])

    done = scanproof(*args(out))
    assert done.returncode == 0, done.stderr
    assert done.stderr.startswith("scanproof: warning: 3 cache entries") and done.stderr.count("\n") == 1
    assert not marker.exists()
    assert json.loads((out / "report.json").read_bytes())["flags"] == first["flags"]
    # Recomputed entries replaced the damaged ones: the next run is served whole from the cache.
    third = scanproof(*args(tmp_path / "third"))
    assert third.returncode == 0 and third.stderr == ""


def report_files(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` but the cache, by relative path."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and ".cache" not in p.relative_to(folder).parts}


@pytest.mark.slow
@pytest.mark.parametrize("older_report", [True, False])
def test_a_full_disk_leaves_the_older_report_whole_and_nothing_new(tmp_path, older_report):
    """The disk "fills" (a file-size limit, which fails a write as a full disk does) at the
    report's largest and last file, its HTML: the folder is as it was before the run."""
    transcript, out = tmp_path / "doc.md", tmp_path / "out"
    shutil.copy(SEED_TRANSCRIPT, transcript)
    args = [sys.executable, "-m", "pipeline", "verify", "--transcript", str(transcript), str(SEED_SCANS),
            "--export", "page-xml,alto,hocr", "--cache", str(tmp_path / "cache")]
    # The pages are read before the limit (from a cache), so that the run reaches the report.
    warm = out if older_report else tmp_path / "warm"
    assert subprocess.run([*args, "--out", str(warm)], cwd=ROOT, capture_output=True).returncode == 0
    args += ["--out", str(out)]
    before = report_files(out) if out.exists() else {}
    # The new report differs from the old in every file that names the transcript's text.
    transcript.write_text(transcript.read_text(encoding="utf-8").replace("Андронову", "Андропову"),
                          encoding="utf-8")
    limit = 180_000  # above each page image and report.json, below report.html

    def small_disk() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, preexec_fn=small_disk)
    assert done.returncode == 5, done.stderr
    assert done.stderr.count("\n") == 1 and f"{out / 'report.html'}: cannot write" in done.stderr, done.stderr
    assert report_files(out) == before
    assert not out.exists() or not [p for p in out.iterdir() if p.name.startswith(".scanproof-")]


def test_a_full_temporary_folder_is_one_line_exit_5(tmp_path):
    """No room for the page image Tesseract reads: one line naming the folder, not a traceback."""
    done = subprocess.run(
        # The image file is the ``tesseract`` program's: the in-process engine writes none.
        [sys.executable, "-m", "pipeline", "ocr", "--ocr-engine", "tesseract", str(SEED_SCANS / "page-1.png")],
        cwd=ROOT, capture_output=True,
        text=True, preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (10_000, 10_000)))
    assert done.returncode == 5, done.stderr
    assert done.stderr.count("\n") == 1 and "cannot write the image for Tesseract" in done.stderr, done.stderr


def reading_a_page(group: int) -> bool:
    """Whether a process of process group ``group`` is Tesseract reading a whole page (``--psm 3``)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            command = (stat.parent / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue  # the process ended while we looked
        tesseract = int(fields[2]) == group and command[0].endswith(b"tesseract") and b"--psm" in command
        if tesseract and command[command.index(b"--psm") + 1] == b"3":
            return True
    return False


def tesserocr_loaded(group: int) -> bool:
    """Whether a process of process group ``group`` has loaded tesserocr: it is reading, in
    process (the layout stage's elements, the orientation or the page)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            loaded = int(fields[2]) == group and "tesserocr" in (stat.parent / "maps").read_text()
        except OSError:
            continue
        if loaded:
            return True
    return False


def wait_until_reading(proc: subprocess.Popen, engine: str) -> None:
    """Return once ``proc`` (a process group leader) reads a page with ``engine``, whatever the
    machine's speed; with tesserocr, a little after it started reading in process."""
    reading = reading_a_page if engine == "tesseract" else tesserocr_loaded
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None and not reading(proc.pid):
        time.sleep(0.05)
    if engine == "tesserocr":
        time.sleep(0.5)


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["tesseract", "tesserocr"])
def test_ctrl_c_exits_130_with_one_line_and_no_report(tmp_path, engine):
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "verify", "--transcript", str(SEED_TRANSCRIPT), str(SEED_SCANS),
         "--out", str(out), "--no-cache", "--jobs", "2", "--ocr-engine", engine],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        # As from a terminal. A shell without job control starts a background job (`make test &`)
        # with SIGINT ignored, make and pytest pass that on, and Python keeps an ignored SIGINT
        # ignored: the run then never sees the Ctrl-C (seen here, exit 0).
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    # Interrupt while Tesseract reads a page, whatever the machine's speed, not after a fixed delay.
    wait_until_reading(proc, engine)
    assert proc.poll() is None, "the run ended before Tesseract read a page"
    os.killpg(proc.pid, signal.SIGINT)  # what a terminal's Ctrl-C does: the whole process group
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 130, stderr
    assert stderr.startswith("scanproof: interrupted") and stderr.count("\n") == 1, stderr
    assert not (out / "report.html").exists() and not (out / "report.json").exists()


def group_members(group: int) -> list[str]:
    """The commands of the live processes of process group ``group`` (zombies excluded)."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            command = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if int(fields[2]) == group and fields[0] != "Z":
            members.append(command)
    return members


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["tesseract", "tesserocr"])
@pytest.mark.parametrize(("signum", "jobs", "whole_group"), [
    (signal.SIGTERM, "2", False),  # `kill PID`: the main process alone must stop its workers
    (signal.SIGTERM, "1", False),  # the page is read in the main process itself
    (signal.SIGHUP, "2", True),  # a closed terminal: every process of the group gets it
])
def test_a_stop_signal_ends_workers_and_tesseract_and_leaves_no_temporary_files(tmp_path, signum, jobs, whole_group,
                                                                                 engine):
    out, tmp = tmp_path / "out", tmp_path / "tmp"
    tmp.mkdir()
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "verify", "--transcript", str(SEED_TRANSCRIPT), str(SEED_SCANS),
         "--out", str(out), "--no-cache", "--jobs", jobs, "--ocr-engine", engine],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        env=dict(os.environ, TMPDIR=str(tmp)))
    wait_until_reading(proc, engine)
    assert proc.poll() is None, "the run ended before Tesseract read a page"
    if whole_group:
        os.killpg(proc.pid, signum)
    else:
        os.kill(proc.pid, signum)
    sent = time.monotonic()
    _, stderr = proc.communicate(timeout=120)
    # In process, Tesseract stops at its next word (a page's layout analysis, a few tenths of a
    # second, is not interrupted); a worker that does not unwind is killed after 10 s.
    assert time.monotonic() - sent <= 5, "the stop took too long"
    assert proc.returncode == 128 + signum, stderr
    name = signal.Signals(signum).name
    assert stderr == f"scanproof: stopped by {name}; no report was half-written\n"
    # The main process waited for its workers, and they for their Tesseract runs.
    assert group_members(proc.pid) == []
    assert list(tmp.iterdir()) == []
    assert not (out / "report.html").exists() and not (out / "report.json").exists()


@pytest.mark.slow
def test_a_hanging_tesseract_fails_its_page_and_the_rest_goes_on(tmp_path):
    """A stand-in ``tesseract`` first on PATH hangs on its first whole-page recognition (an input
    over 300 kB; stamp and note crops are smaller), then hands over to the real one: the page it
    hung on is marked failed, the other page is read. (The in-process engine's time limit is
    ``tests/test_ocr_engines.py``'s.)"""
    fake = tmp_path / "bin" / "tesseract"
    fake.parent.mkdir()
    real = shutil.which("tesseract")
    fake.write_text(f"""#!/bin/sh
case "$1" in --version|--list-langs) exec {real} "$@";; esac
if [ ! -e "{tmp_path}/hung" ] && [ "$(stat -c %s "$1")" -gt 300000 ]; then
  touch "{tmp_path}/hung"; exec sleep 600
fi
exec {real} "$@"
""")
    fake.chmod(0o755)
    env = dict(os.environ, PATH=f"{fake.parent}:{os.environ['PATH']}")
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "pipeline", "verify", "--transcript", str(SEED_TRANSCRIPT), str(SEED_SCANS),
         "--out", str(out), "--no-cache", "--jobs", "1", "--page-timeout", "5", "--ocr-engine", "tesseract"],
        cwd=ROOT, capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    failed = [f for f in report["flags"] if f["kind"] == "page_failed"]
    assert [f["page"] for f in failed] == [1] and "timed out" in failed[0]["message"]
    page2 = next(p for p in report["pages"] if p["index"] == 2)
    assert len(page2["ocr_text"]) > 500


def test_an_output_folder_that_cannot_be_made_is_one_line_exit_5(tmp_path):
    blocker = tmp_path / "taken"
    blocker.write_text("a file where the output folder should go")
    done = scanproof("check", str(SEED_TRANSCRIPT), "--out", str(blocker / "out"))
    assert done.returncode == 5, done.stderr
    assert done.stderr.startswith("scanproof: ") and done.stderr.count("\n") == 1
    assert blocker.read_text() == "a file where the output folder should go"


# --- batches -------------------------------------------------------------------------------------


def typed_line(path: Path, text: str) -> None:
    """A small 300-dpi image of one typed Russian line: quick for Tesseract, real all the same."""
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf", 42)
    image = Image.new("L", (1400, 120), 255)
    ImageDraw.Draw(image).text((40, 30), text, font=font, fill=0)
    image.save(path, dpi=(300, 300))


@pytest.mark.slow
def test_a_batch_with_broken_documents_reports_the_rest_and_names_them(tmp_path):
    scans, transcripts, out = tmp_path / "scans", tmp_path / "transcripts", tmp_path / "reports"
    transcripts.mkdir()
    line = "Посол встретился с министром промышленности"
    broken = {"doc-07": "truncated", "doc-23": "empty", "doc-41": "no scans"}
    for n in range(50):
        doc = f"doc-{n:02d}"
        (transcripts / f"{doc}.md").write_text(line + "\n", encoding="utf-8")
        if broken.get(doc) == "no scans":
            continue
        (scans / doc).mkdir(parents=True)
        typed_line(scans / doc / "page-1.png", line)
        if broken.get(doc) == "truncated":
            data = (scans / doc / "page-1.png").read_bytes()
            (scans / doc / "page-1.png").write_bytes(data[: len(data) // 2])
        elif broken.get(doc) == "empty":
            (scans / doc / "page-1.png").write_bytes(b"")
    (scans / "doc-00" / "Thumbs.db").write_bytes(b"\0" * 64)  # stray files are passed over

    done = scanproof("run", "--scans", str(scans), "--transcripts", str(transcripts), "--out", str(out))
    assert done.returncode == 7, done.stderr
    assert done.stderr.count("\n") == 1 and "3 of 50 documents failed" in done.stderr
    for doc in broken:
        assert doc in done.stderr
    reports = sorted(p.parent.name for p in out.glob("*/report.json"))
    assert len(reports) == 47 and not set(broken) & set(reports)
    index = (out / "index.html").read_text(encoding="utf-8")
    assert all(doc in index for doc in broken)


def test_tesseract_missing_says_what_to_install(tmp_path):
    env = dict(os.environ, PATH=str(tmp_path))  # a PATH with no tesseract on it
    done = subprocess.run([sys.executable, "-m", "pipeline", "ocr", str(SEED_SCANS / "page-1.png")],
                          cwd=ROOT, capture_output=True, text=True, env=env)
    assert done.returncode == 3, done.stderr
    assert done.stderr.startswith("scanproof: tesseract is not installed: apt-get install tesseract-ocr")
    assert done.stderr.count("\n") == 1


def test_a_document_that_fails_stops_the_reading_of_its_other_pages(tmp_path):
    """``verify`` of a document whose first page is damaged: one line, exit 2, and the three good
    pages after it are not read (their OCR would be lost work)."""
    scans = tmp_path / "scans"
    scans.mkdir()
    (scans / "page-1.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    for i in (2, 3, 4):
        shutil.copy(SEED_SCANS / "page-2.png", scans / f"page-{i}.png")
    log = tmp_path / "progress.jsonl"
    done = scanproof("verify", "--transcript", str(SEED_TRANSCRIPT), str(scans), "--out", str(tmp_path / "out"),
                     "--jobs", "1", "--progress-log", str(log))
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "page-1.png" in done.stderr, done.stderr
    events = [json.loads(line) for line in log.read_text().splitlines()]
    assert [(e["page"], e["error"] is not None) for e in events] == [(1, True)]
