"""The one thin wrapper around the external ``tesseract`` program (through pytesseract).

Everything that starts Tesseract goes through here, so that the thread limit, the resolution, the
time-out and the mapping of its failures to typed errors are the same for every call.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from functools import lru_cache
from pathlib import Path

import numpy as np
import psutil
import pytesseract
from PIL import Image

from pipeline.errors import MissingDependencyError, OutputError, TesseractFailedError
from pipeline.tempfiles import temporary_directory

_INSTALL_HINT = "apt-get install tesseract-ocr tesseract-ocr-rus tesseract-ocr-eng"


def _debian_package(lang: str) -> str:
    """Debian's package for a Tesseract language code (``chi_sim`` → ``tesseract-ocr-chi-sim``)."""
    return "tesseract-ocr-" + lang.lower().replace("_", "-")


@lru_cache(maxsize=1)
def tesseract_version() -> str:
    """Tesseract's version string (``"5.3.0"``); ``MissingDependencyError`` when it is not installed."""
    try:
        return str(pytesseract.get_tesseract_version())
    except (pytesseract.TesseractNotFoundError, OSError) as err:
        raise MissingDependencyError(f"tesseract is not installed: {_INSTALL_HINT}") from err


@lru_cache(maxsize=1)
def _tessdata() -> tuple[Path | None, frozenset[str]]:
    """The folder Tesseract loads its language data from, and the languages found there."""
    tesseract_version()
    proc = subprocess.run(
        [pytesseract.pytesseract.tesseract_cmd, "--list-langs"],
        capture_output=True,
        text=True,
        check=False,
    )
    out = proc.stdout + proc.stderr
    match = re.search(r'"([^"]+)"', out.splitlines()[0] if out else "")
    langs = frozenset(line.strip() for line in out.splitlines()[1:] if line.strip())
    return (Path(match.group(1)) if match else None), langs


def require_tesseract(lang: str) -> None:
    """Check that Tesseract and every language of ``lang`` (``"rus"``, ``"rus+eng"``) are installed.

    Raises ``MissingDependencyError`` naming the ``apt-get`` line that fixes it.
    """
    _, installed = _tessdata()
    for code in lang.split("+"):
        if code not in installed:
            raise MissingDependencyError(
                f"{code}.traineddata not found: apt-get install {_debian_package(code)}"
            )


@lru_cache(maxsize=8)
def engine_fingerprint(lang: str) -> str:
    """A short id of the engine and its language data: changes when either is upgraded, so that
    cached page readings made by another version are not reused."""
    folder, _ = _tessdata()
    h = hashlib.sha256(tesseract_version().encode())
    for code in lang.split("+"):
        if folder is not None and (folder / f"{code}.traineddata").is_file():
            h.update((folder / f"{code}.traineddata").read_bytes())
        h.update(code.encode())
    return h.hexdigest()[:16]


#: Tesseract's switch that makes it write each output format we read.
_OUTPUT_SWITCH = {"tsv": "tessedit_create_tsv", "hocr": "tessedit_create_hocr", "txt": "tessedit_create_txt"}


def run(
    image: np.ndarray,
    *,
    lang: str,
    dpi: float,
    psm: int,
    timeout_s: float,
    outputs: tuple[str, ...] = ("tsv",),
    variables: dict[str, str] | None = None,
) -> dict[str, str]:
    """Run Tesseract once on ``image`` (``uint8`` gray or RGB) and return each requested output
    (``tsv``, ``hocr``, ``txt``; ``osd`` with ``psm=0``) as text, all from the same recognition.

    ``dpi`` is always passed: without it Tesseract guesses the scale of a PNG without a recorded
    resolution and reads garbage (FACTS). ``variables`` are Tesseract ``-c`` settings.
    Raises ``TesseractFailedError`` on a crash or after ``timeout_s`` seconds.
    """
    if shutil.which(pytesseract.pytesseract.tesseract_cmd) is None:
        raise MissingDependencyError(f"tesseract is not installed: {_INSTALL_HINT}")
    # ``osd`` needs no switch: page segmentation mode 0 writes it.
    settings = {**(variables or {}), **{_OUTPUT_SWITCH[o]: "1" for o in outputs if o in _OUTPUT_SWITCH}}
    config = " ".join(
        [f"--dpi {round(dpi)}", f"--psm {psm}"] + [f"-c {k}={v}" for k, v in sorted(settings.items())]
    )
    with temporary_directory(prefix="scanproof-tess-") as tmp:
        # Uncompressed TIFF: compressing a page as PNG costs more CPU (about 1.5 s for an A4 page
        # at 300 dpi) than the rest of the pipeline around Tesseract, and Tesseract reads it faster.
        src = Path(tmp) / "page.tif"
        try:
            Image.fromarray(image).save(src, format="TIFF", dpi=(round(dpi), round(dpi)))
        except OSError as err:
            raise OutputError(f"{tmp}: cannot write the image for Tesseract ({err.strerror}); free space "
                              "there or point TMPDIR at a folder with room") from err
        base = Path(tmp) / "out"
        try:
            with _children_stopped_on_exit():
                pytesseract.pytesseract.run_tesseract(
                    str(src), str(base), extension="", lang=lang, config=config,
                    # pytesseract reads 0 as no limit; fractions of a second are kept, not rounded.
                    timeout=max(timeout_s, 1e-3),
                )
        except RuntimeError as err:
            if "timeout" in str(err).lower():
                raise TesseractFailedError(f"tesseract timed out after {timeout_s:g} s") from err
            raise TesseractFailedError(f"tesseract failed: {err}") from err
        except pytesseract.TesseractError as err:
            raise TesseractFailedError(f"tesseract failed (status {err.status}): {err.message}") from err
        except pytesseract.TesseractNotFoundError as err:
            raise MissingDependencyError(f"tesseract is not installed: {_INSTALL_HINT}") from err
        return {o: (base.with_suffix("." + o)).read_text(encoding="utf-8", errors="replace") for o in outputs}


@contextmanager
def _children_stopped_on_exit() -> Iterator[None]:
    """Kill the processes started inside the block when it is left by an exception.

    pytesseract stops its ``tesseract`` child on a time-out, but not when a stop signal
    (``StopRequested``, a worker's stop) interrupts the wait: the child would read on, an
    orphan, for as long as the page takes.
    """
    me = psutil.Process()
    before = {child.pid for child in me.children()}
    try:
        yield
    except BaseException:
        started = [child for child in me.children() if child.pid not in before]
        for child in started:
            with suppress(psutil.Error):
                child.kill()
        psutil.wait_procs(started, timeout=5)
        raise


def detect_orientation(image: np.ndarray, dpi: float, timeout_s: float) -> tuple[int, float]:
    """Tesseract's orientation and script detection (``--psm 0``) on ``image``.

    Returns the clockwise rotation in degrees (0, 90, 180 or 270) that makes the text upright, and
    Tesseract's confidence in it (0 = a guess; above about 2 it is usually right). A page with too
    little text for OSD returns (0, 0.0).
    """
    try:
        out = run(image, lang="osd", dpi=dpi, psm=0, timeout_s=timeout_s, outputs=("osd",))["osd"]
    except TesseractFailedError as err:
        if "too few characters" in str(err).lower():
            return 0, 0.0
        raise
    rotate = re.search(r"Rotate:\s*(\d+)", out)
    confidence = re.search(r"Orientation confidence:\s*([\d.]+)", out)
    if rotate is None or confidence is None:
        return 0, 0.0
    return int(rotate.group(1)) % 360, float(confidence.group(1))
