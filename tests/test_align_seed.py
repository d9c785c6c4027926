"""Acceptance on the seed document: the facsimile ``scans/117066/`` against ``transcripts/117066.md``.

``/work/shared/seed/READINGS.md`` lists eight places where the transcription is most probably wrong;
the facsimile shows the correct readings. Real preprocessing and Tesseract on both pages.
"""

from pathlib import Path

import pytest

from pipeline import ingest, ocr, preprocess
from pipeline.align import align
from pipeline.config import Config
from pipeline.divergence import find_divergences
from pipeline.model import Severity
from pipeline.transcript import read_transcript

ROOT = Path(__file__).parent.parent
#: (published transcription, reading on the page) from READINGS.md.
READINGS = [
    ("5.4.68", "5.4.63"),
    ("Андронову", "Андропову"),
    ("2", "№"),
    ("3-УВБ", "3-УВИ"),
    ("4-вц.АА.", "4-вщ.АА."),
    ("Гаваи", "Гаваны"),
    ("загла", "зажгла"),
    ("Фиделом", "Фиделем"),
]


@pytest.fixture(scope="module")
def flags():
    config = Config()
    pages = []
    for n, source in enumerate(ingest.discover_pages([ROOT / "scans" / "117066"]), start=1):
        image = ingest.load_page(source, n, config.ingest)
        pages.append(ocr.recognize(image, preprocess.preprocess(image, config.preprocess), config.ocr))
    transcript = read_transcript(ROOT / "transcripts" / "117066.md")
    return find_divergences(align(pages, transcript, config.align), config.divergence)


def _key(text: str) -> str:
    return "".join(c for c in text.lower() if c.isalnum() or c == "№")


@pytest.mark.slow
def test_readings_are_flagged_with_the_scan_text(flags):
    serious = [f for f in flags if f.severity in (Severity.HIGH, Severity.MEDIUM)]
    found = [
        (published, reading) for published, reading in READINGS
        if any(_key(published) in _key(f.transcript_text or "") and _key(reading) in _key(f.scan_text or "")
               for f in serious)
    ]
    assert len(found) == len(READINGS), set(READINGS) - set(found)


@pytest.mark.slow
def test_at_most_one_other_serious_flag_per_page(flags):
    serious = [f for f in flags if f.severity in (Severity.HIGH, Severity.MEDIUM)]
    others = [f for f in serious
              if not any(_key(p) in _key(f.transcript_text or "") for p, _ in READINGS if len(_key(p)) > 1)
              and _key(f.transcript_text or "") != "2"]
    for page in (1, 2):
        assert len([f for f in others if f.page == page]) <= 1, others
