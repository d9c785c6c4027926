"""Finding the page images among the files and folders a user names, in page order (one page per
frame of a multi-page TIFF or page of a PDF), and recognising them by their first bytes."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from PIL import Image

from pipeline.errors import InputFileError
from pipeline.ingest.opening import decoding, reading
from pipeline.ingest.pdf import open_pdf
from pipeline.model import PageSource

#: File name suffixes taken as page images when a folder is scanned (compared lower-case).
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".jpe", ".tif", ".tiff", ".bmp", ".webp",
                            ".jp2", ".gif", ".pdf"})
# First bytes of the formats we read, to recognise a page image whatever its name.
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"II+\x00", "TIFF"),  # BigTIFF
    (b"MM\x00+", "TIFF"),
    (b"%PDF", "PDF"),
    (b"BM", "BMP"),
    (b"GIF8", "GIF"),
    (b"\x00\x00\x00\x0cjP  ", "JPEG 2000"),
    (b"\xff\x4f\xff\x51", "JPEG 2000"),
)


def natural_key(name: str) -> list[int | str]:
    """Sort key that orders ``page-2`` before ``page-10`` (digit runs compare as numbers)."""
    return [int(t) if t.isdigit() else t.casefold() for t in re.split(r"(\d+)", name)]


def discover_pages(paths: Sequence[Path]) -> list[PageSource]:
    """The pages in ``paths``, in order: one ``PageSource`` per image, TIFF frame or PDF page.

    A folder contributes its image files (not its subfolders) in natural order of their names;
    hidden files and other files (``Thumbs.db``, ``notes.txt``) are skipped. A file named
    explicitly must be an image. Raises ``InputFileError`` for missing paths and non-images.
    """
    sources: list[PageSource] = []
    for path in paths:
        if path.is_dir():
            try:
                entries = list(path.iterdir())
            except OSError as err:
                raise InputFileError(f"{path}: the folder cannot be read ({err.strerror}); "
                                     "check its permissions") from None
            files = [p for p in entries if _is_page_file(p)]
            for file in sorted(files, key=lambda p: natural_key(p.name)):
                sources += _frames(file, named=False)
        elif path.exists():
            sources += _frames(path, named=True)
        else:
            raise InputFileError(f"{path}: no such file or folder; check the path")
    return sources


def _is_page_file(path: Path) -> bool:
    return not path.name.startswith(".") and path.suffix.lower() in IMAGE_SUFFIXES and path.is_file()


def check_file(path: Path) -> None:
    """Refuse what is not a non-empty regular file before opening it (a FIFO would block)."""
    if not path.is_file():
        raise InputFileError(f"{path}: not a regular file; give an image file")
    if path.stat().st_size == 0:
        raise InputFileError(f"{path}: the file is empty (0 bytes); re-export or re-scan it")


def image_format(path: Path) -> str | None:
    """The file's format from its first bytes, or None when it is no image format we read."""
    with reading(path), open(path, "rb") as f:
        head = f.read(16)
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WebP"
    return next((name for magic, name in _MAGIC if head.startswith(magic)), None)


def _frames(path: Path, named: bool) -> list[PageSource]:
    """One source per page the file holds (several for a multi-page TIFF or a PDF).

    A file the user ``named`` must start like an image; a file found in a folder by its suffix
    is kept, so that a damaged page is refused by ``load_page`` with the reason.
    """
    check_file(path)
    kind = image_format(path)
    if kind is None and named:
        raise InputFileError(f"{path}: not a page image; give PNG, JPEG, TIFF or PDF files")
    if kind == "PDF":
        with open_pdf(path) as pdf:
            count = len(pdf)
    elif kind == "TIFF":
        with decoding(path, kind), open(path, "rb") as f, Image.open(f) as img:
            count = getattr(img, "n_frames", 1)
    else:
        count = 1
    if count == 0:
        raise InputFileError(f"{path}: the file holds no pages; re-export it")
    return [PageSource(path, i) for i in range(count)]
