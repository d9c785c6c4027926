"""Process-wide settings are made by ``pipeline.runtime`` alone: the stages change none of them."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT, SEED_SCANS

_STAGES_ON_A_PAGE = f"""
import os, warnings
from PIL import Image
def state():
    return (Image.MAX_IMAGE_PIXELS, os.environ.get("OMP_THREAD_LIMIT"), len(warnings.filters))
from pipeline import ingest, layout, ocr, preprocess
from pipeline.config import Config
before = state()  # after the imports: libraries add warning filters of their own when imported
config = Config()
[source] = ingest.discover_pages([__import__("pathlib").Path({str(SEED_SCANS / "page-2.png")!r})])
page = ingest.load_page(source, 1, config.ingest)
regions = layout.detect_regions(page, config.layout, config.ocr)
words = ocr.recognize(page, preprocess.preprocess(page, config.preprocess), config.ocr).words
assert len(words) > 50
assert state() == before, (state(), before)
from pipeline.runtime import prepare_page_reading
prepare_page_reading()
assert state() != before
print("ok")
"""


def test_the_stages_leave_the_process_settings_alone():
    done = subprocess.run([sys.executable, "-c", _STAGES_ON_A_PAGE], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, env={"PATH": "/usr/bin:/bin"})
    assert done.returncode == 0 and done.stdout == "ok\n", done.stderr
