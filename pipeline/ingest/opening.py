"""Opening input files safely: read-only, each failure a one-line ``InputFileError``, sizes checked
from the header before anything is decoded, image libraries that print nothing."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PIL import UnidentifiedImageError

from pipeline.config import IngestConfig
from pipeline.errors import InputFileError

# Errors Pillow's decoders raise on damaged data besides OSError (a broken PNG chunk: SyntaxError; a TIFF
# without its size tag: TypeError).
_DECODE_ERRORS = (SyntaxError, ValueError, TypeError, EOFError, struct.error, zlib.error, IndexError, KeyError)


@contextmanager
def reading(path: Path) -> Iterator[None]:
    """OS errors on opening or reading ``path`` as one-line ``InputFileError``s."""
    try:
        yield
    except FileNotFoundError:
        raise InputFileError(f"{path}: no such file; check the path") from None
    except PermissionError:
        raise InputFileError(f"{path}: cannot be read (permission denied); check its permissions") from None
    except IsADirectoryError:
        raise InputFileError(f"{path}: is a folder, not an image file") from None


@contextmanager
def _pillow_errors(path: Path, kind: str) -> Iterator[None]:
    """Pillow's errors on a damaged or unknown file as one-line ``InputFileError``s."""
    try:
        yield
    except UnidentifiedImageError:
        raise InputFileError(f"{path}: not a readable image (unknown format or damaged header); "
                             "re-export it as PNG, JPEG or TIFF") from None
    except MemoryError:
        raise InputFileError(f"{path}: the image is too large to decode in the memory available; "
                             "downscale it or run on a machine with more memory") from None
    except (OSError, *_DECODE_ERRORS) as err:
        if isinstance(err, ValueError) and "conversion" in str(err):
            raise InputFileError(f"{path}: unsupported colour mode ({err}); "
                                 "convert it to RGB or grayscale") from None
        if isinstance(err, EOFError) or "truncated" in str(err).lower():
            raise InputFileError(f"{path}: the file is truncated ({kind} ended early); "
                                 "re-export or re-scan it") from None
        raise InputFileError(f"{path}: the image is damaged ({kind}: {err}); "
                             "re-export or re-scan it") from None


@contextmanager
def decoding(path: Path, kind: str) -> Iterator[None]:
    """The context every Pillow call on ``path`` runs in: its failures become one-line errors.

    The process is expected to be set up for reading pages (``pipeline.runtime``): Pillow's own
    size guard off (``check_size`` applies ours, from the header), libtiff silent on stderr."""
    # ``reading`` inside: a permission error is an OSError, but not a damaged image.
    with _pillow_errors(path, kind), reading(path):
        yield


def check_size(path: Path, width: int, height: int, config: IngestConfig) -> None:
    if width <= 0 or height <= 0:
        raise InputFileError(f"{path}: the image has no pixels ({width}×{height}); re-export or re-scan it")
    if min(width, height) < config.min_side_px:
        raise InputFileError(f"{path}: the image is too small to hold a page ({width}×{height} pixels; "
                             f"at least {config.min_side_px} on each side); give the full scan")
    if width * height > config.max_pixels:
        raise InputFileError(
            f"{path}: the image is too large ({width}×{height} = {width * height / 1e6:.0f} million pixels, "
            f"the limit is {config.max_pixels / 1e6:.0f} million); if the file is trusted, raise the limit "
            "with --max-pixels"
        )
