"""The bad-input corpus through the real command line: one clear line, the right exit code, no
traceback, nothing half-written, inputs unchanged (issue 9)."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.bad_inputs.make_corpus import Case, Files, cases, write_case

ROOT = Path(__file__).resolve().parents[1]
CORPUS = cases()
# The command is mostly start-up (imports): two at a time halves the wall time on two cores.
PARALLEL = 2


@dataclass(frozen=True)
class Run:
    """One case run through ``python -m pipeline``."""

    returncode: int
    stderr: str
    out: Path
    inputs_before: dict[str, str]
    inputs_after: dict[str, str]


def _hashes(folder: Path) -> dict[str, str]:
    """SHA-256 of every regular file under ``folder`` (named pipes are listed, not read)."""
    out = {}
    for path in sorted(folder.rglob("*")):
        mode = path.lstat().st_mode
        key = str(path.relative_to(folder))
        if stat.S_ISREG(mode):
            out[key] = hashlib.sha256(path.read_bytes()).hexdigest()
        elif stat.S_ISFIFO(mode):
            out[key] = "fifo"
    return out


def _run(root: Path, case: Case, files: Files) -> Run:
    folder, out = root / case.name / "in", root / case.name / "out"
    write_case(folder, files)
    before = _hashes(folder)
    args = [a.format(dir=folder, out=out) for a in case.args]
    proc = subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True, text=True,
                          cwd=ROOT, env={**os.environ, "OMP_THREAD_LIMIT": "1"}, timeout=300)
    return Run(proc.returncode, proc.stderr, out, before, _hashes(folder))


@pytest.fixture(scope="module")
def runs(request, tmp_path_factory) -> dict[str, Run]:
    """Every selected case, run once, in parallel."""
    wanted = {item.callspec.params["case"].name for item in request.session.items
              if getattr(item, "originalname", "") == "test_bad_input"}
    root = tmp_path_factory.mktemp("corpus")
    todo = [(case, files) for case, files in CORPUS if case.name in wanted]
    with ThreadPoolExecutor(PARALLEL) as pool:
        done = pool.map(lambda item: _run(root, *item), todo)
        return {case.name: run for (case, _), run in zip(todo, done, strict=True)}


def test_corpus_is_large_enough():
    assert len(CORPUS) >= 40
    assert sum(1 for c, _ in CORPUS if c.exit_code != 0) >= 30
    assert len({c.name for c, _ in CORPUS}) == len(CORPUS)


@pytest.mark.parametrize(("case", "files"), CORPUS, ids=[c.name for c, _ in CORPUS])
def test_bad_input(runs, case, files):
    run = runs[case.name]
    assert "Traceback" not in run.stderr, run.stderr
    assert run.returncode == case.exit_code, run.stderr
    if case.exit_code:
        lines = run.stderr.strip().splitlines()
        assert len(lines) == 1, run.stderr
        assert lines[0].startswith("scanproof: ") and case.message in lines[0], lines[0]
        left = [p for p in run.out.rglob("*") if p.is_file()]  # nothing, not even a partial file
        assert left == [], f"files left after a refusal: {left}"
    else:
        report = json.loads((run.out / "report.json").read_text(encoding="utf-8"))
        assert report and (run.out / "report.html").is_file()
        assert not [p for p in run.out.iterdir() if p.suffix in (".tmp", ".part")]
    assert run.inputs_after == run.inputs_before, "an input file changed"


def test_a_symlinked_pages_folder_is_not_written_through(tmp_path):
    # OUT/pages pointing at another folder: writing (or cleaning stale images in) it would act there.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "page-0001.webp").write_bytes(b"not scanproof's")
    out = tmp_path / "out"
    out.mkdir()
    (out / "pages").symlink_to(elsewhere, target_is_directory=True)
    transcript = tmp_path / "doc.md"
    transcript.write_text("Текст документа для проверки.\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "pipeline", "check", str(transcript), "--out", str(out)],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 5, proc.stderr
    assert proc.stderr.count("\n") == 1 and "symbolic link" in proc.stderr, proc.stderr
    assert [p.name for p in elsewhere.iterdir()] == ["page-0001.webp"]
    assert (elsewhere / "page-0001.webp").read_bytes() == b"not scanproof's"
    assert sorted(p.name for p in out.iterdir()) == ["pages"]
