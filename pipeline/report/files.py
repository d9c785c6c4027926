"""Writing report files safely: atomic replacement of a file and of a whole report, names that
stay inside the output folder, page images re-encoded small enough for a 50-page report to stay
light."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from functools import cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageSequence, UnidentifiedImageError

from pipeline.config import ReportConfig
from pipeline.errors import OutputError
from pipeline.model import OcrPage, PageResult
from pipeline.preview import encode_pixels
from pipeline.report.json import SCHEMA_ID, page_image_name
from pipeline.tempfiles import stop_signals_held, temporary_directory


@cache
def _umask() -> int:
    """The process's file-creation mask (reading it means setting it; done once)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that ``path`` is at every moment its old content or the new one.

    The bytes go to a temporary file in the same folder (so ``os.replace`` is a rename on one file
    system), are flushed to disk, then renamed over ``path``. Raises ``OutputError`` when the folder
    cannot be written.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as err:
        raise OutputError(f"{path.parent}: cannot write the report there ({err.strerror})") from err
    try:
        # mkstemp makes the file private (0600); give it the mode a plain open() would.
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException as err:
        # Ctrl-C or a full disk mid-write must not leave a stray temp file behind.
        Path(tmp).unlink(missing_ok=True)
        if isinstance(err, OSError):
            raise OutputError(f"{path}: cannot write ({err.strerror})") from err
        raise


_UNSAFE = re.compile(r"[^\w.\-]+", re.UNICODE)


def safe_component(name: str) -> str:
    """``name`` made into one harmless file-name component (no separators, not ``.``/``..``).

    Letters of any script, digits, ``_``, ``-`` and inner dots are kept; every other run of
    characters becomes ``_``; leading dots are dropped so that the name is neither hidden nor a
    parent reference.
    """
    cleaned = _UNSAFE.sub("_", name).lstrip(".")
    return cleaned[:120] or "document"


#: What a report folder holds; scanproof replaces these and nothing else. In the order they are
#: put in place, so that the two files a reader opens come last.
REPORT_ENTRIES = ("pages", "exports", "report.json", "report.html")


def _is_own_report(folder: Path) -> bool:
    """Whether ``folder/report.json`` is a report scanproof wrote (its schema id, not its name)."""
    try:
        with open(folder / "report.json", encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and data.get("schema") == SCHEMA_ID


#: Names of the folders a report is staged in, and its predecessor moved aside to, inside the
#: report's folder while it is written; hidden, and scanproof's alone.
STAGING_PREFIX = ".scanproof-new-"
RETIRED_PREFIX = ".scanproof-old-"


@contextmanager
def staging_folder(folder: Path) -> Iterator[Path]:
    """A fresh hidden folder inside ``folder`` (made if need be) to write a report into before
    ``replace_entries`` puts it in place; removed on leaving. Staging folders that a killed run
    (SIGKILL, power cut) left behind are removed first. Raises ``OutputError``."""
    for prefix in (STAGING_PREFIX, RETIRED_PREFIX):
        for path in folder.glob(prefix + "*"):
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
    with ExitStack() as stack:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = Path(stack.enter_context(temporary_directory(prefix=STAGING_PREFIX, dir=folder)))
        except OSError as err:
            raise OutputError(f"{folder}: cannot write the report there ({err.strerror})") from err
        yield path


def replace_entries(staging: Path, folder: Path, names: Sequence[str]) -> None:
    """Put the entries ``names`` of ``staging`` in ``folder`` in place of the ones there, together.

    Every byte is written before this is called, so that a full disk strikes while the old
    report is still whole; what remains are renames inside one file system, which need no
    space, done with stop signals held back so that they are not cut apart. The old entries are
    moved aside first and deleted last; an entry absent from ``staging`` is absent afterwards.
    Raises ``OutputError``, with the old entries put back, if a rename fails.
    """
    with temporary_directory(prefix=RETIRED_PREFIX, dir=folder) as retired, stop_signals_held():
        touched: list[str] = []
        try:
            for name in names:
                touched.append(name)
                if (folder / name).exists() or (folder / name).is_symlink():
                    os.replace(folder / name, Path(retired) / name)
                if (staging / name).exists():
                    os.replace(staging / name, folder / name)
        except OSError as err:
            for name in touched:
                if (folder / name).exists() and not (staging / name).exists():
                    os.replace(folder / name, staging / name)
                if (Path(retired) / name).exists():
                    os.replace(Path(retired) / name, folder / name)
            raise OutputError(f"{folder}: cannot put the report in place ({err.strerror})") from err


def require_outside(folder: Path, inputs: Sequence[Path]) -> None:
    """Refuse an output ``folder`` that is, or holds, one of ``inputs`` (scans, transcripts):
    the outputs must never touch the inputs. Raises ``OutputError``."""
    target = folder.resolve()
    for path in inputs:
        given = path.resolve()
        if given == target or given.is_relative_to(target):
            raise OutputError(f"{folder}: the output folder holds the input {path}; "
                              "choose an --out outside the scans and transcripts")


def require_report_folder(folder: Path) -> None:
    """Refuse to write a report into ``folder`` where it would touch what is not scanproof's.

    Refused: a report entry (``REPORT_ENTRIES``) that is a symbolic link, since writing or cleaning
    it would act outside the folder; a ``pages/`` or ``exports/`` folder with no scanproof
    ``report.json`` beside it, since the report would replace files scanproof did not write.
    Raises ``OutputError``.
    """
    for name in REPORT_ENTRIES:
        if (folder / name).is_symlink():
            raise OutputError(f"{folder / name}: is a symbolic link, and scanproof does not write through "
                              "links; remove it or choose another --out")
    if not _is_own_report(folder):
        for name in ("pages", "exports"):
            if (folder / name).exists():
                raise OutputError(f"{folder / name}: holds files scanproof did not write, which the report "
                                  "would replace; move them or choose another --out")


def report_folder(out_dir: Path, document_id: str) -> Path:
    """The folder of one document's report inside a batch output folder; never outside it.

    Distinct ids get distinct folders: an id kept whole (``safe_component`` changes nothing) is
    the folder's name; any other — characters replaced, cut to length, or holding capitals that a
    case-insensitive file system would fold onto another id — gets the first 8 hex digits of its
    SHA-256 appended, so ``doc 1``, ``doc-1`` and ``doc_1`` are three folders.
    """
    name = safe_component(document_id)
    if name == document_id and name == name.lower():
        return out_dir / name
    digest = hashlib.sha256(document_id.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return out_dir / f"{name[:100]}-{digest}"


def _frame_numbers(pages: Sequence[OcrPage]) -> list[int]:
    """Frame of each page inside its file: pages that share a file are its frames, in order."""
    seen: dict[str, int] = {}
    frames = []
    for p in pages:
        frames.append(seen.get(p.image, 0))
        seen[p.image] = frames[-1] + 1
    return frames


def encode_page_image(source: Path, frame: int, config: ReportConfig) -> bytes | None:
    """The page image of a file re-encoded for the report (see ``encode_pixels``).

    Returns None when Pillow cannot read the file (a PDF page, a moved file): the report then shows
    the page's boxes without the scan behind them.
    """
    try:
        with Image.open(source) as im:
            for i, img in enumerate(ImageSequence.Iterator(im)):
                if i == frame:
                    return encode_pixels(np.asarray(img.convert("RGB")), config)
    except (OSError, UnidentifiedImageError, Image.DecompressionBombError):
        return None
    return None


def write_page_images(pages: Sequence[PageResult], out_dir: Path, config: ReportConfig) -> dict[int, str | None]:
    """Write each page's image into ``out_dir/pages/``; page number → relative path (None: no image).

    A page that carries its ``preview`` (encoded where it was read) is written as it is.
    """
    names: dict[int, str | None] = {}
    for result, frame in zip(pages, _frame_numbers([p.ocr for p in pages]), strict=True):
        page = result.ocr
        data = result.preview or encode_page_image(Path(page.image), frame, config)
        names[page.index] = None
        if data is not None:
            names[page.index] = page_image_name(page.index, config.image_format)
            atomic_write(out_dir / names[page.index], data)
    return names
