"""The OCR engine seam: one small interface, and the backends behind it.

A backend recognises one image and returns Tesseract's outputs as the text Tesseract writes them
(``tsv``, ``hocr``, ``txt``; ``osd`` with page segmentation mode 0), so that the parsers of
``pipeline.ocr.reading`` read every backend's output alike. Two backends exist:

- ``tesseract``: the ``tesseract`` program through pytesseract (``cli_engine``), one process
  and one model load per call; always there when Tesseract is installed.
- ``tesserocr``: Tesseract's C++ API in this process (``tesserocr_engine``), its models loaded
  once per process and kept; faster, most of all on the many small crops of the layout stage.

``auto`` is the fastest one installed: tesserocr when it can be imported, else the program.
Like OCRmyPDF's engines, each backend is a thin wrapper; this module only chooses.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Protocol

import numpy as np

from pipeline.config import OCR_ENGINES as ENGINES
from pipeline.errors import BadArgumentsError, MissingDependencyError


@dataclass(frozen=True)
class Request:
    """What one recognition is asked: the same for every engine."""

    #: Tesseract's language(s): ``"rus"``, ``"rus+eng"``, ``"osd"``.
    lang: str
    #: The image's resolution in pixels per inch, always passed (FACTS: a guessed scale reads garbage).
    dpi: float
    #: Tesseract's page segmentation mode (0 = orientation and script only).
    psm: int
    #: Seconds the call may take before ``TesseractFailedError``.
    timeout_s: float
    #: Tesseract's outputs to return: ``tsv``, ``hocr``, ``txt``; ``osd`` with ``psm=0``.
    outputs: tuple[str, ...] = ("tsv",)
    #: Tesseract parameters (the program's ``-c``).
    variables: Mapping[str, str] = field(default_factory=dict)


class OcrEngine(Protocol):
    """A way of running Tesseract."""

    #: The engine's name, as ``--ocr-engine`` spells it and the report records it.
    name: str
    #: Whether it reads in this process, with no child process and no temporary file: then it may
    #: read from a helper thread, which a stopped worker leaves without anything to clean up.
    in_process: bool

    def tesseract_version(self) -> str:
        """The version of the Tesseract that reads (``"5.3.0"``); ``MissingDependencyError``
        when the engine is not installed."""
        ...

    def fingerprint(self) -> str:
        """Everything about the engine that can change a reading: its name, its own version
        and Tesseract's (language data apart, see ``tesseract.engine_fingerprint``)."""
        ...

    def recognise(self, image: np.ndarray, request: Request) -> dict[str, str]:
        """Read ``image`` (``uint8`` gray or RGB) once as ``request`` asks and return each of its
        outputs as Tesseract writes it. Raises ``TesseractFailedError`` on a crash, or when the
        call takes more than ``request.timeout_s``."""
        ...


@cache
def tesserocr_installed() -> bool:
    """Whether the tesserocr package can be imported (looked up, not imported: importing it
    loads its bundled Tesseract, which ``--help`` and ``cer`` do not need)."""
    return importlib.util.find_spec("tesserocr") is not None


def resolve(name: str) -> OcrEngine:
    """The backend ``name`` (``ENGINES``) stands for; ``auto`` is tesserocr when installed,
    else the ``tesseract`` program.

    Raises ``MissingDependencyError`` for ``tesserocr`` when it is not installed, and
    ``BadArgumentsError`` for a name not in ``ENGINES``.
    """
    if name == "auto":
        name = "tesserocr" if tesserocr_installed() else "tesseract"
    if name == "tesseract":
        from pipeline.ocr import cli_engine

        return cli_engine.ENGINE
    if name == "tesserocr":
        if not tesserocr_installed():
            raise MissingDependencyError("tesserocr is not installed: pip install 'tesserocr>=2.13,<3', "
                                         "or choose --ocr-engine tesseract")
        from pipeline.ocr import tesserocr_engine

        return tesserocr_engine.ENGINE
    raise BadArgumentsError(f"unknown OCR engine {name!r}; use one of {', '.join(ENGINES)}")
