"""The ``tesseract`` engine: the one thin wrapper around the external ``tesseract`` program
(through pytesseract).

Every start of the program goes through here, so that the resolution, the time-out and the
mapping of its failures to typed errors are the same for every call. The program also tells
where the language data are (``tessdata``), which the in-process engine loads too.
"""

from __future__ import annotations

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
from pipeline.ocr.engine import Request
from pipeline.tempfiles import temporary_directory

INSTALL_HINT = "apt-get install tesseract-ocr tesseract-ocr-rus tesseract-ocr-eng"


@lru_cache(maxsize=1)
def tesseract_version() -> str:
    """The ``tesseract`` program's version string (``"5.3.0"``); ``MissingDependencyError``
    when it is not installed."""
    try:
        return str(pytesseract.get_tesseract_version())
    except (pytesseract.TesseractNotFoundError, OSError) as err:
        raise MissingDependencyError(f"tesseract is not installed: {INSTALL_HINT}") from err


@lru_cache(maxsize=1)
def tessdata() -> tuple[Path | None, frozenset[str]]:
    """The folder Tesseract loads its language data from (``TESSDATA_PREFIX`` when set, else
    the one it was built with), and the languages found there, as the program reports them."""
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


def debian_package(lang: str) -> str:
    """Debian's package for a Tesseract language code (``chi_sim`` → ``tesseract-ocr-chi-sim``)."""
    return "tesseract-ocr-" + lang.lower().replace("_", "-")


def require_languages(lang: str) -> None:
    """Check that Tesseract and every language of ``lang`` (``"rus"``, ``"rus+eng"``) are installed.

    Raises ``MissingDependencyError`` naming the ``apt-get`` line that fixes it.
    """
    _, installed = tessdata()
    for code in lang.split("+"):
        if code not in installed:
            raise MissingDependencyError(f"{code}.traineddata not found: apt-get install {debian_package(code)}")


#: Tesseract's switch that makes it write each output format we read.
_OUTPUT_SWITCH = {"tsv": "tessedit_create_tsv", "hocr": "tessedit_create_hocr", "txt": "tessedit_create_txt"}


class CliEngine:
    """Tesseract as a program: a process, a model load and an image file per call."""

    name = "tesseract"
    in_process = False

    def tesseract_version(self) -> str:
        """See ``OcrEngine.tesseract_version``."""
        return tesseract_version()

    def fingerprint(self) -> str:
        """See ``OcrEngine.fingerprint``."""
        return f"tesseract {tesseract_version()}"

    def recognise(self, image: np.ndarray, request: Request) -> dict[str, str]:
        """See ``OcrEngine.recognise``: one run of the program on an image file written for it;
        a stop signal or the time-out ends the program at once."""
        dpi, timeout_s, outputs = request.dpi, request.timeout_s, request.outputs
        if shutil.which(pytesseract.pytesseract.tesseract_cmd) is None:
            raise MissingDependencyError(f"tesseract is not installed: {INSTALL_HINT}")
        # ``osd`` needs no switch: page segmentation mode 0 writes it.
        settings = {**request.variables, **{_OUTPUT_SWITCH[o]: "1" for o in outputs if o in _OUTPUT_SWITCH}}
        config = " ".join(
            [f"--dpi {round(dpi)}", f"--psm {request.psm}"] + [f"-c {k}={v}" for k, v in sorted(settings.items())]
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
                        str(src), str(base), extension="", lang=request.lang, config=config,
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
                raise MissingDependencyError(f"tesseract is not installed: {INSTALL_HINT}") from err
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


ENGINE = CliEngine()
