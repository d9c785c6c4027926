"""Process-wide settings of a process that reads pages, made once where such a process is set up.

Some settings of the programs and libraries the stages use exist only per process: Tesseract's
OpenMP thread count is read from the environment pytesseract hands its child, Pillow's
decompression-bomb limit is a module global, libtiff's message handlers are global to the C
library. The stages change none of them; ``prepare_page_reading`` sets them once, before a
process reads its first page (each worker of ``pipeline.executor``, a Dask worker, or this
process for ``pipeline.page``), and never restores them, so that threads never race on them.
"""

from __future__ import annotations

import ctypes
import os
import warnings
from contextlib import suppress
from functools import cache
from pathlib import Path

from PIL import Image


@cache
def prepare_page_reading() -> None:
    """Set this process up for reading pages (idempotent; the first call does the work).

    - One OpenMP thread per Tesseract run: Debian's Tesseract asks for 4, and on a 2-core machine
      running a page per core that thrashes (5× slower, FACTS.md).
    - Pillow's decompression-bomb guard off: it would refuse with its own wording (and its own
      limit) before ``ingest``'s size check, which reads the size from the header before anything
      is decoded, can name the option (``--max-pixels``) that raises ours.
    - Pillow's warnings about odd metadata (corrupt EXIF) dropped: the page is still read and the
      user can do nothing about them.
    - libtiff's message handlers unset: it prints its complaints from C on stderr ("LZWDecode: Not
      enough data at scanline 0"), which would break the promise of one line per error (the
      refusal that follows says what is wrong).
    """
    os.environ["OMP_THREAD_LIMIT"] = "1"
    Image.MAX_IMAGE_PIXELS = None
    warnings.filterwarnings("ignore", category=UserWarning, module=r"PIL\.")
    for library in _loaded_libraries("libtiff"):
        for setter in ("TIFFSetErrorHandler", "TIFFSetWarningHandler"):
            function = getattr(library, setter, None)
            if function is not None:
                function.argtypes, function.restype = [ctypes.c_void_p], ctypes.c_void_p
                function(None)


def _loaded_libraries(stem: str) -> list[ctypes.CDLL]:
    """The shared libraries named ``stem…`` that this process has loaded (Linux; none elsewhere).
    Opening a loaded library again gives the same instance, whose settings then apply to Pillow."""
    try:
        maps = Path("/proc/self/maps").read_text()
    except OSError:
        return []
    paths = {line.split()[-1] for line in maps.splitlines() if f"/{stem}" in line and ".so" in line}
    out = []
    for path in sorted(paths):
        with suppress(OSError):
            out.append(ctypes.CDLL(path))
    return out
