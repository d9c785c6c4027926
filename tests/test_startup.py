"""Commands load only what they use: ``--help`` and ``cer`` never load OpenCV, pymorphy3, Dask or
the report's templates (the time they take is measured in ``bench/``, not here)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT

_HEAVY = ("cv2", "pymorphy3", "dask", "distributed", "jinja2", "pypdfium2")


def loaded_after(argv: list[str], tmp_path) -> set[str]:
    code = f"""
import contextlib, io, sys
from pipeline import cli
with contextlib.redirect_stdout(io.StringIO()):
    try:
        code = cli.main({argv!r})
    except SystemExit as exit:
        code = exit.code
print(code, ",".join(sorted(m for m in {_HEAVY!r} if m in sys.modules)))
"""
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    status, _, modules = done.stdout.strip().partition(" ")
    assert status == "0", done.stdout + done.stderr
    return set(filter(None, modules.split(",")))


@pytest.mark.parametrize("argv", [["--help"], ["verify", "--help"], ["synth", "--help"]])
def test_help_loads_none_of_the_pipeline(argv, tmp_path):
    assert loaded_after(argv, tmp_path) == set()


def test_cer_loads_none_of_the_image_or_report_libraries(tmp_path):
    reference, hypothesis = tmp_path / "gt.txt", tmp_path / "ocr.txt"
    reference.write_text("Беседовал сегодня с министром.\n", encoding="utf-8")
    hypothesis.write_text("Беседовал сеголня с министром.\n", encoding="utf-8")
    assert loaded_after(["cer", str(reference), str(hypothesis)], tmp_path) == set()
