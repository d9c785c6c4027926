"""Finding page images and decoding them into RGB arrays with a resolution.

``discover_pages`` turns the files and folders a user names into an ordered list of pages (one per
frame of a multi-page TIFF or page of a PDF); ``load_page`` decodes one of them. Inputs are only
ever opened for reading. Everything a user can fix (a truncated JPEG, an image too large, a
password on a PDF) is raised as ``InputFileError`` with a one-line message.
"""

from __future__ import annotations

import math
import os
import re
import struct
import sys
import warnings
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image, ImageOps, UnidentifiedImageError

from pipeline.config import IngestConfig
from pipeline.errors import InputFileError
from pipeline.model import PageImage, PageSource

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
# Errors Pillow's decoders raise on damaged data besides OSError (a broken PNG chunk: SyntaxError; a TIFF
# without its size tag: TypeError).
_DECODE_ERRORS = (SyntaxError, ValueError, TypeError, EOFError, struct.error, zlib.error, IndexError, KeyError)
_ORIENTATION = 0x0112  # the EXIF tag
# Rows converted at a time by ``to_rgb`` (a strip of a 12000-pixel-wide page is 9 MB in RGB).
_STRIP_ROWS = 256
# Long side of the image the x-height is measured on; larger pages are shrunk first (pixels).
_ESTIMATE_SIDE = 4000


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


def _check_file(path: Path) -> None:
    """Refuse what is not a non-empty regular file before opening it (a FIFO would block)."""
    if not path.is_file():
        raise InputFileError(f"{path}: not a regular file; give an image file")
    if path.stat().st_size == 0:
        raise InputFileError(f"{path}: the file is empty (0 bytes); re-export or re-scan it")


def _format(path: Path) -> str | None:
    """The file's format from its first bytes, or None when it is no image format we read."""
    with _reading(path), open(path, "rb") as f:
        head = f.read(16)
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WebP"
    return next((name for magic, name in _MAGIC if head.startswith(magic)), None)


def _frames(path: Path, named: bool) -> list[PageSource]:
    """One source per page the file holds (several for a multi-page TIFF or a PDF).

    A file the user ``named`` must start like an image; a file found in a folder by its suffix
    is kept, so that a damaged page is refused by ``load_page`` with the reason.
    """
    _check_file(path)
    kind = _format(path)
    if kind is None and named:
        raise InputFileError(f"{path}: not a page image; give PNG, JPEG, TIFF or PDF files")
    if kind == "PDF":
        with _pdf(path) as pdf:
            count = len(pdf)
    elif kind == "TIFF":
        with _decoding(path, kind), open(path, "rb") as f, Image.open(f) as img:
            count = getattr(img, "n_frames", 1)
    else:
        count = 1
    if count == 0:
        raise InputFileError(f"{path}: the file holds no pages; re-export it")
    return [PageSource(path, i) for i in range(count)]


def load_page(source: PageSource, index: int, config: IngestConfig) -> PageImage:
    """Decode one page into an RGB ``uint8`` array, upright, with its resolution.

    The resolution is the file's when believable, else estimated (see ``resolution``); a PDF page
    is rendered at the resolution of the scan inside it. Raises ``InputFileError`` for damaged,
    truncated, empty or too large files.
    """
    path = source.path
    _check_file(path)
    kind = _format(path)
    if kind == "PDF":
        pixels, dpi = _render_pdf(source, config)
        return PageImage(index, source, pixels, dpi)
    with _decoding(path, kind or path.suffix), open(path, "rb") as f, Image.open(f) as img:
        if source.frame:
            img.seek(source.frame)
        _check_size(path, img.width, img.height, config)
        img.load()
        file_dpi = _file_dpi(img.info.get("dpi"))
        # ``exif_transpose`` copies even an upright image; only a turned one pays for the copy.
        upright = ImageOps.exif_transpose(img) if img.getexif().get(_ORIENTATION, 1) != 1 else img
        pixels = to_rgb(upright)
    dpi, estimated = resolution(pixels, file_dpi, config)
    return PageImage(index, source, pixels, dpi, estimated)


# --- errors ------------------------------------------------------------------------------------


@contextmanager
def _reading(path: Path) -> Iterator[None]:
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
def _decoding(path: Path, kind: str) -> Iterator[None]:
    """The context every Pillow call on ``path`` runs in.

    Pillow's own decompression-bomb guard is off: it would refuse with its own wording (and its
    module-wide limit) before ``_check_size`` can name the option that raises ours, which is checked
    from the header before anything is decoded. Pillow's warnings about odd metadata (corrupt
    EXIF) are dropped: the page is still read and the user can do nothing about them.
    """
    saved = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = None
    try:
        # ``_reading`` inside: a permission error is an OSError, but not a damaged image.
        with warnings.catch_warnings(), _pillow_errors(path, kind), _reading(path), _c_stderr_muted():
            warnings.simplefilter("ignore", UserWarning)
            yield
    finally:
        Image.MAX_IMAGE_PIXELS = saved


@contextmanager
def _c_stderr_muted() -> Iterator[None]:
    """File descriptor 2 sent to /dev/null: libtiff prints its complaints there from C
    ("LZWDecode: Not enough data at scanline 0"), which would break the promise of one line per
    error; the refusal that follows says what is wrong."""
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def _check_size(path: Path, width: int, height: int, config: IngestConfig) -> None:
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


# --- pixels ------------------------------------------------------------------------------------


def to_rgb(img: Image.Image) -> np.ndarray:
    """Any Pillow image as an RGB ``uint8`` array of shape (height, width, 3).

    Transparent areas become white (paper); 16-bit and 32-bit integer images are scaled from
    their bit depth, float images from 0–1 (or 0–255 when their values go above 1); 1-bit,
    palette, CMYK and YCbCr images go through Pillow's conversion. The image is converted in
    strips of ``_STRIP_ROWS`` rows into the output array, so that beside the decoded image only
    the output is held: a whole-image conversion would hold two or three more copies of a page
    that may be half a gigabyte.
    """
    convert = _strip_converter(img)
    out = np.empty((img.height, img.width, 3), np.uint8)
    for top in range(0, img.height, _STRIP_ROWS):
        bottom = min(top + _STRIP_ROWS, img.height)
        out[top:bottom] = convert(img.crop((0, top, img.width, bottom)))
    return out


def _strip_converter(img: Image.Image) -> Callable[[Image.Image], np.ndarray]:
    """How to turn one strip of ``img`` into RGB ``uint8`` (or one gray channel, broadcast)."""
    mode = img.mode
    if mode == "RGB":
        return np.asarray
    if mode == "L":
        return lambda strip: np.asarray(strip)[:, :, None]
    if mode in ("RGBA", "LA", "PA", "La", "RGBa") or (mode == "P" and "transparency" in img.info):
        return _on_paper
    if mode.startswith("I") or mode == "F":
        offset, factor = _depth_scale(img)
        return lambda strip: _scaled(np.asarray(strip), offset, factor)[:, :, None]
    return lambda strip: np.asarray(strip.convert("RGB"))


def _on_paper(strip: Image.Image) -> np.ndarray:
    """A strip with transparency composited on white: what shows through is paper."""
    paper = Image.new("RGBA", strip.size, (255, 255, 255, 255))
    return np.asarray(Image.alpha_composite(paper, strip.convert("RGBA")).convert("RGB"))


def _depth_scale(img: Image.Image) -> tuple[float, float]:
    """(offset, factor) taking a deep gray image's values to 0–255: ``(v - offset) * factor``.

    Scaled by the nominal range of the depth, not stretched per image (a stretched blank page
    would turn its paper grain into ink); only values beyond 16 bits are stretched.
    """
    if img.mode.startswith("I;16"):
        return 0.0, 1 / 257
    low, high = (float(v) for v in img.getextrema())
    if not (math.isfinite(low) and math.isfinite(high)):
        values = np.asarray(img, np.float64)
        finite = values[np.isfinite(values)]
        low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 0.0)
    if img.mode == "F" and 0.0 < high <= 1.0:
        return 0.0, 255.0
    if high <= 255.0:
        return 0.0, 1.0
    if high <= 65535.0:
        return 0.0, 1 / 257
    return low, 255.0 / (high - low)


def _scaled(values: np.ndarray, offset: float, factor: float) -> np.ndarray:
    """``(values - offset) * factor`` rounded into ``uint8``; NaN (no data) becomes white."""
    scaled = (values.astype(np.float32) - offset) * factor + 0.5
    return np.clip(np.nan_to_num(scaled, nan=255.0, posinf=255.0, neginf=0.0), 0, 255).astype(np.uint8)


# --- resolution --------------------------------------------------------------------------------


def _file_dpi(value: object) -> float | None:
    """The resolution a file records (Pillow's ``info["dpi"]``), one figure, or None."""
    try:
        x, y = (float(v) for v in value)  # type: ignore[attr-defined]
    except (TypeError, ValueError):
        return None
    if not (math.isfinite(x) and math.isfinite(y)) or x <= 0 or y <= 0:
        return None
    return math.sqrt(x * y)


def resolution(pixels: np.ndarray, file_dpi: float | None, config: IngestConfig) -> tuple[float, bool]:
    """The page's resolution in dpi, and whether it was estimated rather than read from the file.

    A recorded resolution is believed when ``plausible_dpi``; a low one (below
    ``config.verify_dpi_below``, where editors' defaults of 72 and 96 sit) only when the text's
    x-height does not say it is at least 1.5 times more. Otherwise the x-height estimate is used,
    or ``config.default_dpi`` on a page without text.
    """
    estimate = None
    if file_dpi is not None and plausible_dpi(file_dpi, pixels.shape[:2], config):
        if file_dpi >= config.verify_dpi_below:
            return file_dpi, False
        estimate = estimate_dpi(pixels, config)
        if estimate is None or estimate < 1.5 * file_dpi:
            return file_dpi, False
    if estimate is None:
        estimate = estimate_dpi(pixels, config)
    if estimate is None or not config.min_dpi <= estimate <= config.max_dpi:
        return config.default_dpi, True
    return estimate, True


def plausible_dpi(dpi: float, shape: tuple[int, int], config: IngestConfig) -> bool:
    """Whether ``dpi`` is believable for an image of ``shape`` (height, width) pixels.

    Cameras and editors write 72 or 96 (or 1) into files that are nothing of the kind: such a
    value is out of range, or makes the page longer than any archival sheet.
    """
    return config.min_dpi <= dpi <= config.max_dpi and max(shape) / dpi <= config.max_page_in


def estimate_dpi(pixels: np.ndarray, config: IngestConfig) -> float | None:
    """The resolution (dots per inch) implied by the text's x-height, or None without text.

    ``pixels``: RGB or grayscale ``uint8``. The x-height is the most common height of letter-sized
    ink components (most lowercase letters have neither ascender nor descender), assumed to be
    ``config.x_height_in`` inches. Components lower than the x-height at ``config.min_dpi`` are
    not letters (paper grain, dust) and do not vote.
    """
    gray = pixels if pixels.ndim == 2 else cv2.cvtColor(np.ascontiguousarray(pixels), cv2.COLOR_RGB2GRAY)
    scale = max(1.0, max(gray.shape) / _ESTIMATE_SIDE)
    if scale > 1.0:
        size = (round(gray.shape[1] / scale), round(gray.shape[0] / scale))
        gray = cv2.resize(gray, size, interpolation=cv2.INTER_AREA)
    # A local threshold: a photographed page is lit unevenly, and one global threshold turns its
    # dark side into one blot and its bright side into nothing.
    block = 2 * (max(gray.shape) // 160) + 3
    ink = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, 15)
    _, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    w, h, area = stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT], stats[1:, cv2.CC_STAT_AREA]
    lowest = max(3, math.ceil(config.min_dpi * config.x_height_in / scale))
    letters = (h >= lowest) & (h <= max(gray.shape) // 10) & (w <= 3 * h) & (h <= 4 * w)
    letters &= area >= 0.15 * w * h  # not a thin frame or rule
    heights = h[letters]
    if heights.size < 30:
        return None
    votes = np.bincount(heights)
    # Neighbouring heights vote together: one x-height spreads over ±1 pixel with the stroke noise.
    smoothed = votes + np.concatenate(([0], votes[:-1])) + np.concatenate((votes[1:], [0]))
    x_height = float(np.argmax(smoothed)) * scale
    return x_height / config.x_height_in


# --- PDF ---------------------------------------------------------------------------------------


@contextmanager
def _pdf(path: Path) -> Iterator[pdfium.PdfDocument]:
    """The PDF document opened read-only, its errors as ``InputFileError``s."""
    try:
        with _reading(path):
            pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as err:
        if "password" in str(err).lower():
            raise InputFileError(f"{path}: the PDF is password-protected; remove the password and "
                                 "try again") from None
        raise InputFileError(f"{path}: the PDF is damaged ({err}); re-export it") from None
    try:
        yield pdf
    finally:
        pdf.close()


def _render_pdf(source: PageSource, config: IngestConfig) -> tuple[np.ndarray, float]:
    """Render one PDF page at the resolution of the scan it holds (or ``config.default_dpi``)."""
    path = source.path
    with _pdf(path) as pdf:
        if source.frame >= len(pdf):
            raise InputFileError(f"{path}: has no page {source.frame + 1}; the file changed while being read")
        try:
            page = pdf[source.frame]
            width_pt, height_pt = page.get_size()
            if width_pt <= 0 or height_pt <= 0:
                raise InputFileError(f"{path}: page {source.frame + 1} has no area; re-export the PDF")
            dpi = min(_pdf_scan_dpi(page, width_pt * height_pt, config),
                      # Rendering is our choice, not the file's: fit the page under the pixel limit.
                      math.sqrt(config.max_pixels / (width_pt * height_pt / 72.0**2)))
            pixels = to_rgb(page.render(scale=dpi / 72.0).to_pil())
        except pdfium.PdfiumError as err:
            raise InputFileError(f"{path}: page {source.frame + 1} cannot be read ({err}); "
                                 "re-export the PDF") from None
    return pixels, dpi


def _pdf_scan_dpi(page: pdfium.PdfPage, page_area_pt: float, config: IngestConfig) -> float:
    """The resolution of the scan a PDF page holds (one image covering at least half the page),
    clamped to ``config.min_dpi``–``config.pdf_max_dpi``; ``config.default_dpi`` without one.

    Rendering at the scan's own resolution loses no detail and invents no pixels. Areas, not
    widths, so that an image placed turned by 90° gives the same figure.
    """
    images = []
    for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,)):
        (w, h), (left, bottom, right, top) = obj.get_px_size(), obj.get_bounds()
        images.append((w * h, (right - left) * (top - bottom)))
    if not images:
        return config.default_dpi
    pixels_area, points_area = max(images)
    if points_area < 0.5 * page_area_pt or pixels_area <= 0:
        return config.default_dpi
    native = math.sqrt(pixels_area / (points_area / 72.0**2))
    return min(max(native, config.min_dpi), config.pdf_max_dpi)
