"""A cache of page readings and document analyses, so that re-running costs seconds.

A page's reading depends on the image's bytes, the settings of the stages that read it, the OCR
engine with its language data, and scanproof's own code; the key is a hash of all of these, so
changing any of them misses the cache. A document's analysis (alignment, divergences, checks,
markup matching) depends on its transcript's bytes, its pages' reading keys, the analysis
settings and the code: re-running after editing one transcript re-analyses that document only.
Entries are written atomically: a killed run leaves whole entries or none.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections.abc import Sequence
from dataclasses import asdict
from functools import cache
from pathlib import Path
from typing import TypeVar

from pipeline.config import Config
from pipeline.model import PageSource

#: Bump when a cached type changes shape, so old entries are not unpickled.
CACHE_FORMAT = 3

_PACKAGE = Path(__file__).resolve().parent

T = TypeVar("T")


#: The source that a page's reading, and a document's analysis, depend on (files or folders of
#: the package): editing the report or the CLI keeps both caches.
READING_CODE = ("ingest.py", "preprocess", "layout", "ocr", "geometry.py", "model.py")
ANALYSIS_CODE = ("align", "checks", "layout", "transcript.py", "lexicon.py", "model.py", "api.py")


@cache
def code_fingerprint(parts: tuple[str, ...]) -> str:
    """Hash of the package's source and data files under ``parts``: an upgrade, or a local edit,
    that could change a cached result misses the cache instead of serving a stale one."""
    h = hashlib.sha256()
    for part in parts:
        root = _PACKAGE / part
        files = [root] if root.is_file() else sorted(root.rglob("*"))
        for path in files:
            if path.is_file() and "__pycache__" not in path.parts:
                h.update(str(path.relative_to(_PACKAGE)).encode())
                h.update(path.read_bytes())
    return h.hexdigest()


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
    settings = (CACHE_FORMAT, code_fingerprint(READING_CODE), source.frame, engine, asdict(config.ingest),
                asdict(config.preprocess), asdict(config.ocr), asdict(config.layout))
    h.update(repr(settings).encode())
    return h.hexdigest()


def analysis_key(transcript: Path, page_keys: Sequence[str], config: Config) -> str:
    """Hex key of a document's analysis: the transcript's bytes, its pages' ``page_key``s in
    order, the analysis settings and the code."""
    h = hashlib.sha256(Path(transcript).read_bytes())
    settings = (CACHE_FORMAT, code_fingerprint(ANALYSIS_CODE), tuple(page_keys), asdict(config.align),
                asdict(config.checks), asdict(config.layout))
    h.update(repr(settings).encode())
    return h.hexdigest()


def load(cache_dir: Path, key: str, kind: type[T]) -> T | None:
    """The cached ``kind`` value for ``key``, or None when absent, unreadable or of another type."""
    path = _entry(cache_dir, key)
    try:
        with open(path, "rb") as f:
            value = pickle.load(f)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return None
    return value if isinstance(value, kind) else None


def store(cache_dir: Path, key: str, value: object) -> None:
    """Save a value; a failure to write the cache never fails the run."""
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
