"""The ``tesserocr`` engine: Tesseract's C++ API in this process, through tesserocr.

A ``tesseract`` program run loads its model before it reads anything (about a tenth of a
second), and is handed the image as a file; here each model is loaded once per process and
thread and kept, and the pixels are handed over in memory. The outputs are made the same text
the program writes (the TSV's header line, the hOCR document round the page), so that
``pipeline.ocr.reading`` parses both engines alike.

Instances are per thread (``threading.local``): a Tesseract instance must not be used by two
threads at once, and a thread of its own costs no lock. They are made lazily in the process
that reads: a child made by ``fork`` drops what it inherited (``os.register_at_fork``), and
nothing here is ever pickled (tasks carry the engine's name only).

Time limits and stops: Tesseract cannot be killed inside this process, so a call's limit is
handed to ``Recognize`` as its deadline, which Tesseract checks word by word (layout analysis
before the first word is not interrupted: about 0.3 s on an A4 page). A signal on the main
thread (Ctrl-C, ``StopRequested``, a pool worker's stop) cancels recognition as cooperatively,
and its exception is raised once Tesseract returns.
"""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping
from functools import cache
from types import ModuleType
from typing import TYPE_CHECKING

import numpy as np

from pipeline.errors import MissingDependencyError, TesseractFailedError
from pipeline.ocr import cli_engine
from pipeline.ocr.engine import Request

if TYPE_CHECKING:
    import tesserocr

#: Tesseract's TSV header, which its program writes and ``GetTSVText`` leaves out.
TSV_HEADER = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"

#: What Tesseract's hOCR renderer writes round ``GetHOCRText``'s page (``TessHOcrRenderer``).
_HOCR_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"
    "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en" lang="en">
 <head>
  <title></title>
  <meta http-equiv="Content-Type" content="text/html;charset=utf-8"/>
  <meta name='ocr-system' content='tesseract {version}' />
  <meta name='ocr-capabilities' content='ocr_page ocr_carea ocr_par ocr_line ocrx_word ocrp_wconf'/>
 </head>
 <body>
"""
_HOCR_TAIL = " </body>\n</html>\n"

#: Models kept per thread: a page's settings, its elements', OSD, and a few languages more.
#: Each holds its model in memory (the Russian one about 30 MB), so an odd run using many
#: languages drops the least recently used instead of growing.
_KEEP = 6

_Key = tuple[str, int, tuple[tuple[str, str], ...]]


class _Instances(threading.local):
    """This thread's Tesseract instances by (lang, psm, variables), least recently used first."""

    def __init__(self) -> None:
        self.apis: OrderedDict[_Key, tesserocr.PyTessBaseAPI] = OrderedDict()


_instances = _Instances()
#: Instances a forked child inherited: kept referenced, never freed or used there (another
#: thread of the parent may have been inside one when it forked).
_inherited: list[_Instances] = []


def _forget_after_fork() -> None:
    global _instances
    _inherited.append(_instances)
    _instances = _Instances()


os.register_at_fork(after_in_child=_forget_after_fork)


@cache
def _tesserocr() -> ModuleType:
    """tesserocr, imported when an engine first reads: importing it loads its bundled Tesseract."""
    try:
        import tesserocr
    except ImportError as err:
        raise MissingDependencyError(f"tesserocr cannot be imported ({err}): pip install 'tesserocr>=2.13,<3', "
                                     "or choose --ocr-engine tesseract") from err
    return tesserocr


def _api(lang: str, psm: int, variables: Mapping[str, str]) -> tesserocr.PyTessBaseAPI:
    """This thread's instance for these settings, made (and its model loaded) on first use."""
    key = (lang, psm, tuple(sorted(variables.items())))
    apis = _instances.apis
    api = apis.get(key)
    if api is not None:
        apis.move_to_end(key)
        return api
    cli_engine.require_languages(lang)
    folder, _ = cli_engine.tessdata()
    if folder is None:
        raise MissingDependencyError(f"tesseract does not say where its language data are: {cli_engine.INSTALL_HINT}")
    try:
        # Variables go in with Init: some (as the program's ``-c``) only act when set before the
        # model is loaded.
        api = _tesserocr().PyTessBaseAPI(path=f"{folder}/", lang=lang, psm=psm, variables=dict(variables))
    except RuntimeError as err:
        raise TesseractFailedError(f"tesserocr could not load {lang!r} from {folder}: {err}") from err
    apis[key] = api
    while len(apis) > _KEEP:
        apis.popitem(last=False)[1].End()
    return api


class TesserocrEngine:
    """Tesseract in this process, models kept between calls."""

    name = "tesserocr"
    in_process = True

    def tesseract_version(self) -> str:
        """See ``OcrEngine.tesseract_version``: the bundled Tesseract's (``"5.5.4"``)."""
        return str(_tesserocr().PyTessBaseAPI.Version())

    def fingerprint(self) -> str:
        """See ``OcrEngine.fingerprint``."""
        return f"tesserocr {_tesserocr().__version__} tesseract {self.tesseract_version()}"

    def recognise(self, image: np.ndarray, request: Request) -> dict[str, str]:
        """See ``OcrEngine.recognise``. The model's first load counts against the time-out;
        orientation detection (``psm=0``) has no deadline of its own in the API (it takes about
        0.3 s a page)."""
        start = time.monotonic()
        timeout_s, outputs = request.timeout_s, request.outputs
        api = _api(request.lang, request.psm, request.variables)
        pixels = np.ascontiguousarray(image, dtype=np.uint8)
        height, width = pixels.shape[:2]
        channels = 1 if pixels.ndim == 2 else pixels.shape[2]
        try:
            api.SetImageBytes(pixels.tobytes(), width, height, channels, width * channels)
            # Raw pixels carry no resolution, and without one Tesseract misjudges the text size.
            api.SetSourceResolution(round(request.dpi))
            # A fresh program run knows nothing of the pages before; neither does this call.
            api.ClearAdaptiveClassifier()
            if request.psm == 0:
                return {o: _osd_text(api) for o in outputs}
            left_ms = round((timeout_s - (time.monotonic() - start)) * 1000)
            # 0 would mean no limit to Tesseract.
            if left_ms < 1 or not api.Recognize(left_ms):
                if time.monotonic() - start >= 0.95 * timeout_s:
                    raise TesseractFailedError(f"tesseract timed out after {timeout_s:g} s")
                raise TesseractFailedError("tesseract failed: recognition did not complete")
            return {o: _output(api, o) for o in outputs}
        except RuntimeError as err:
            raise TesseractFailedError(f"tesseract failed: {err}") from err
        finally:
            # The page's pixels and results are not kept until the next call.
            api.Clear()


def _output(api: tesserocr.PyTessBaseAPI, output: str) -> str:
    """One output of the recognition just made, as the ``tesseract`` program writes it."""
    if output == "tsv":
        return TSV_HEADER + api.GetTSVText(0)
    if output == "hocr":
        return _HOCR_HEAD.format(version=api.Version()) + api.GetHOCRText(0) + _HOCR_TAIL
    if output == "txt":
        return api.GetUTF8Text()
    raise TesseractFailedError(f"tesseract cannot write {output!r} in this page segmentation mode")


def _osd_text(api: tesserocr.PyTessBaseAPI) -> str:
    """Orientation and script as the ``tesseract`` program writes them with ``--psm 0``
    (``TessBaseAPI::GetOsdText``: "Rotate" is the clockwise turn that makes the page upright,
    confidences with two decimals)."""
    found = api.DetectOrientationScript()
    if not found:
        # The program's own words for the same failure, which ``detect_orientation`` reads as "no turn".
        raise TesseractFailedError("tesseract failed: Too few characters. Skipping this page")
    turn = found["orient_deg"]
    return (f"Page number: 0\nOrientation in degrees: {turn}\nRotate: {(360 - turn) % 360}\n"
            f"Orientation confidence: {found['orient_conf']:.2f}\nScript: {found['script_name']}\n"
            f"Script confidence: {found['script_conf']:.2f}\n")


ENGINE = TesserocrEngine()
