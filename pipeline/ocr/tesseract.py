"""The one entry point for running Tesseract, whichever engine runs it (``pipeline.ocr.engine``).

Every Tesseract call of the pipeline goes through ``run``, so that the resolution, the time
limit, the engine chosen (``OcrConfig.engine``) and the mapping of failures to typed errors are
the same for every call. What identifies an engine and its language data for the cache is here
too (``engine_fingerprint``).
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache

import numpy as np

from pipeline.errors import TesseractFailedError
from pipeline.ocr.cli_engine import require_languages, tessdata, tesseract_version
from pipeline.ocr.engine import Request, resolve

# The names tests and callers have used since the program was the only engine.
_tessdata = tessdata

__all__ = ["detect_orientation", "engine_fingerprint", "engine_id", "reads_in_process", "require_tesseract",
           "run", "tesseract_version"]


def require_tesseract(lang: str, engine: str = "auto") -> None:
    """Check that Tesseract, every language of ``lang`` (``"rus"``, ``"rus+eng"``) and the OCR
    engine ``engine`` (``OcrConfig.engine``) are installed.

    Raises ``MissingDependencyError`` naming what to install. The language data are Debian's
    (``tesseract-ocr-LANG``), found by asking the ``tesseract`` program, so that program is
    needed whichever engine reads.
    """
    require_languages(lang)
    resolve(engine).tesseract_version()


def engine_id(engine: str = "auto") -> tuple[str, str]:
    """The engine ``engine`` stands for, and the version of its Tesseract:
    ``("tesserocr", "5.5.4")`` or ``("tesseract", "5.3.0")``, as the report records them."""
    chosen = resolve(engine)
    return chosen.name, chosen.tesseract_version()


def reads_in_process(engine: str = "auto") -> bool:
    """Whether the engine ``engine`` stands for reads in this process (``OcrEngine.in_process``)."""
    return resolve(engine).in_process


@lru_cache(maxsize=8)
def engine_fingerprint(lang: str, engine: str = "auto") -> str:
    """A short id of the engine that ``engine`` stands for, its version and its language data:
    changes when any of them changes, so that cached page readings made otherwise are not reused."""
    folder, _ = tessdata()
    h = hashlib.sha256(resolve(engine).fingerprint().encode())
    for code in lang.split("+"):
        if folder is not None and (folder / f"{code}.traineddata").is_file():
            h.update((folder / f"{code}.traineddata").read_bytes())
        h.update(code.encode())
    return h.hexdigest()[:16]


def run(
    image: np.ndarray,
    *,
    lang: str,
    dpi: float,
    psm: int,
    timeout_s: float,
    outputs: tuple[str, ...] = ("tsv",),
    variables: dict[str, str] | None = None,
    engine: str = "auto",
) -> dict[str, str]:
    """Run Tesseract once on ``image`` (``uint8`` gray or RGB) and return each requested output
    (``tsv``, ``hocr``, ``txt``; ``osd`` with ``psm=0``) as the ``tesseract`` program writes it,
    all from the same recognition, with the engine ``engine`` (``OcrConfig.engine``).

    ``dpi`` (pixels per inch) is always passed: without it Tesseract guesses the scale of an
    image without a recorded resolution and reads garbage (FACTS). ``variables`` are Tesseract
    parameters (the program's ``-c``). Raises ``TesseractFailedError`` on a crash or after
    ``timeout_s`` seconds, ``MissingDependencyError`` when the engine is not installed.
    """
    request = Request(lang, dpi, psm, timeout_s, outputs, dict(variables or {}))
    return resolve(engine).recognise(image, request)


def detect_orientation(image: np.ndarray, dpi: float, timeout_s: float, engine: str = "auto") -> tuple[int, float]:
    """Tesseract's orientation and script detection (``--psm 0``) on ``image``.

    Returns the clockwise rotation in degrees (0, 90, 180 or 270) that makes the text upright, and
    Tesseract's confidence in it (0 = a guess; above about 2 it is usually right). A page with too
    little text for OSD returns (0, 0.0). Both engines give the same answer (``tests/test_ocr.py``).
    """
    try:
        out = run(image, lang="osd", dpi=dpi, psm=0, timeout_s=timeout_s, outputs=("osd",), engine=engine)["osd"]
    except TesseractFailedError as err:
        if "too few characters" in str(err).lower():
            return 0, 0.0
        raise
    rotate = re.search(r"Rotate:\s*(\d+)", out)
    confidence = re.search(r"Orientation confidence:\s*([\d.]+)", out)
    if rotate is None or confidence is None:
        return 0, 0.0
    return int(rotate.group(1)) % 360, float(confidence.group(1))
