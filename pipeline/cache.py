"""A cache of page readings, so that re-running after a transcript edit costs seconds.

A page's reading depends on the image's bytes, the settings of the stages that read it, and the
OCR engine with its language data; the key is a hash of all of these, so changing any of them
misses the cache. Entries are written atomically: a killed run leaves whole entries or none.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from dataclasses import asdict
from pathlib import Path

from pipeline.config import Config
from pipeline.model import PageResult, PageSource

#: Bump when PageResult or anything it holds changes shape, so old entries are not unpickled.
CACHE_FORMAT = 2


def page_key(source: PageSource, config: Config, engine: str) -> str:
    """Hex key of a page reading: image content, frame, reading settings and engine fingerprint.

    ``engine`` identifies the OCR engine and its language data (``ocr.engine_fingerprint``).
    Only the settings that change a page's reading take part, so editing alignment or check
    settings re-uses every page.
    """
    h = hashlib.sha256()
    with open(source.path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    settings = (CACHE_FORMAT, source.frame, engine, asdict(config.ingest), asdict(config.preprocess),
                asdict(config.ocr), asdict(config.layout))
    h.update(repr(settings).encode())
    return h.hexdigest()


def load(cache_dir: Path, key: str) -> PageResult | None:
    """The cached reading for ``key``, or None when absent or unreadable."""
    path = _entry(cache_dir, key)
    try:
        with open(path, "rb") as f:
            value = pickle.load(f)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return None
    return value if isinstance(value, PageResult) else None


def store(cache_dir: Path, key: str, value: PageResult) -> None:
    """Save a reading; a failure to write the cache never fails the run."""
    path = _entry(cache_dir, key)
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)


def _entry(cache_dir: Path, key: str) -> Path:
    return cache_dir / key[:2] / f"{key}.pickle"
