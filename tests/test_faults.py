"""Faults around a run: kills, Ctrl-C, a hanging Tesseract, an unwritable output, broken batches.

The promise under test: one clear line and an exit code, the rest of the batch goes on, and no
report file is ever half-written.
"""

from __future__ import annotations

import json
import os
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


@pytest.mark.slow
def test_ctrl_c_exits_130_with_one_line_and_no_report(tmp_path):
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "verify", "--transcript", str(SEED_TRANSCRIPT), str(SEED_SCANS),
         "--out", str(out), "--no-cache", "--jobs", "2"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        # As from a terminal. A shell without job control starts a background job (`make test &`)
        # with SIGINT ignored, make and pytest pass that on, and Python keeps an ignored SIGINT
        # ignored: the run then never sees the Ctrl-C (seen here, exit 0).
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    # Interrupt while Tesseract reads a page, whatever the machine's speed, not after a fixed delay.
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None and not reading_a_page(proc.pid):
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGINT)  # what a terminal's Ctrl-C does: the whole process group
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 130, stderr
    assert stderr.startswith("scanproof: interrupted") and stderr.count("\n") == 1, stderr
    assert not (out / "report.html").exists() and not (out / "report.json").exists()


@pytest.mark.slow
def test_a_hanging_tesseract_fails_its_page_and_the_rest_goes_on(tmp_path):
    """A stand-in ``tesseract`` first on PATH hangs on its first whole-page recognition (an input
    over 300 kB; stamp and note crops are smaller), then hands over to the real one: the page it
    hung on is marked failed, the other page is read."""
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
         "--out", str(out), "--no-cache", "--jobs", "1", "--page-timeout", "5"],
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
