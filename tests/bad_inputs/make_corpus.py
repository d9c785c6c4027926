"""Generate the bad-input corpus: files a user may hand scanproof, and what scanproof must answer.

Each case is a set of files, a command line, the exit code expected and a fragment of the one-line
message (for the cases scanproof handles, exit code 0 and no message). ``write_corpus(folder)``
writes the files and returns the cases; run as a script it also writes ``cases.json``:

    .venv/bin/python tests/bad_inputs/make_corpus.py /tmp/corpus
"""

from __future__ import annotations

import io
import json
import os
import struct
import sys
import zlib
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

FONT = Path("/usr/share/fonts/truetype/gnutypewriter/GNUTypewriter.ttf")  # Debian fonts-gnutypewriter
LINES = (
    "Беседовал сегодня с министром промышленности",
    "на приёме в посольстве по случаю годовщины.",
    "Министр сказал, что письма были получены.",
)
ENGLISH = (
    "I talked today with the Minister of Industry at a reception in the Embassy on the occasion of "
    "the anniversary. The Minister said that the letters were received."
)
HEADER = (
    '**May 2, 1961**\n\n**Record of a Conversation**\n\n**Citation:**\n\n"Record of a Conversation", '
    "May 2, 1961, Archive.\n\n**Original Language:**\n\nRussian\n\n**Contents:**\n\n"
    "Original Scan  \nTranslation - English\n\n"
)
TRANSCRIPT = HEADER + "  \n".join(LINES) + "\n\n" + ENGLISH + "\n"


def text_page(dpi: float = 300.0, width_in: float = 5.0, lines: tuple[str, ...] = LINES) -> Image.Image:
    """A grayscale image of typewritten ``lines`` (12 pt, GNU Typewriter) at ``dpi``."""
    pt = dpi / 72.0
    font = ImageFont.truetype(str(FONT), round(12 * pt))
    height = round((len(lines) * 18 + 40) * pt)
    img = Image.new("L", (round(width_in * dpi), height), 255)
    draw = ImageDraw.Draw(img)
    for i, line in enumerate(lines):
        draw.text((round(20 * pt), round((20 + 18 * i) * pt)), line, font=font, fill=0)
    return img


def encode(img: Image.Image, fmt: str, **params: object) -> bytes:
    buf = io.BytesIO()
    img.save(buf, fmt, **params)
    return buf.getvalue()


def _noise(size: int) -> bytes:
    """``size`` random bytes, the same on every run (seeded by the size)."""
    return np.random.default_rng(size).bytes(size)


def png_header(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width``×``height`` pixels (with one empty data chunk)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")
    )


@dataclass(frozen=True)
class Case:
    """One corpus entry: the arguments after ``scanproof`` (``{dir}`` is the case folder, ``{out}``
    the output folder), the exit code and a fragment of the message on stderr ("" when exit 0)."""

    name: str
    args: tuple[str, ...]
    exit_code: int
    message: str


def _verify(scans: str = "scan") -> tuple[str, ...]:
    return (
        "verify",
        "-j",
        "1",
        "--no-cache",
        "--transcript",
        "{dir}/doc.md",
        f"{{dir}}/{scans}",
        "--out",
        "{out}",
    )


_CHECK = ("check", "{dir}/doc.md", "--out", "{out}")
_CHECK_TXT = ("check", "{dir}/doc.txt", "--out", "{out}")

Files = dict[str, bytes | None]  # relative path → content; None makes a FIFO


def _transcript_cases() -> list[tuple[Case, Files]]:
    text = TRANSCRIPT
    bad = [
        ("empty-transcript", b"", "the transcript is empty"),
        ("blank-transcript", b" \r\n\r\n\t\n", "the transcript is empty"),
        ("png-as-transcript", encode(text_page(100), "PNG"), "not a text file (binary content)"),
        ("control-bytes-transcript", bytes(range(1, 9)) * 100, "not a text file"),
        ("zip-as-transcript", b"PK\x03\x04" + bytes(200), "not a text file"),
        ("metadata-only", HEADER.encode(), "no Russian text found"),
        ("translation-only", (HEADER + ENGLISH).encode(), "no Russian text found"),
        ("broken-utf16", b"\xff\xfe" + "Текст".encode("utf-16-le") + b"\x00\xd8A\x00", "not valid utf-16-le"),
        ("broken-utf8-with-bom", b"\xef\xbb\xbf" + "Текст".encode() + b"\xff\xfe\xfa", "not valid utf-8-sig"),
    ]
    cases = [(Case(name, _CHECK, 2, message), {"doc.md": data}) for name, data, message in bad]
    cases += [
        (Case("missing-transcript", _CHECK, 2, "no such file"), {}),
        (Case("folder-as-transcript", _CHECK, 2, "is a folder"), {"doc.md/page.md": text.encode()}),
        (Case("fifo-as-transcript", _CHECK, 2, "not a regular file"), {"doc.md": None}),
        (Case("empty-txt", _CHECK_TXT, 2, "the transcript is empty"), {"doc.txt": b"\n\n"}),
        (Case("punctuation-only-txt", _CHECK_TXT, 2, "holds no text"), {"doc.txt": b"... --- 123\n"}),
    ]
    good = [
        ("utf8-bom", b"\xef\xbb\xbf" + text.encode()),
        ("utf16-bom", text.encode("utf-16")),
        ("utf16le-no-bom", text.encode("utf-16-le")),
        ("utf16be-no-bom", text.encode("utf-16-be")),
        ("cp1251", text.encode("cp1251")),
        ("koi8-r", text.encode("koi8-r")),
        ("crlf", text.replace("\n", "\r\n").encode()),
        ("cr-only", text.replace("\n", "\r").encode()),
    ]
    cases += [(Case(f"transcript-{name}", _CHECK, 0, ""), {"doc.md": data}) for name, data in good]
    cases.append(
        (Case("plain-txt-cp1251", _CHECK_TXT, 0, ""), {"doc.txt": "\r\n".join(LINES).encode("cp1251")})
    )
    return cases


def _image_cases() -> list[tuple[Case, Files]]:
    page = text_page(300)
    jpeg = encode(page, "JPEG", dpi=(300, 300))
    png = encode(page, "PNG", dpi=(300, 300))
    tiff = encode(page, "TIFF", dpi=(300, 300), compression="tiff_lzw")
    pdf = encode(page.convert("RGB"), "PDF", resolution=300.0)
    doc = TRANSCRIPT.encode()
    bad: list[tuple[str, str, Files, str]] = [
        ("empty-png", "scan", {"scan/page-1.png": b""}, "the file is empty (0 bytes)"),
        (
            "truncated-jpeg",
            "scan",
            {"scan/page-1.jpg": jpeg[: len(jpeg) // 2]},
            "truncated (JPEG ended early)",
        ),
        ("truncated-png", "scan", {"scan/page-1.png": png[: len(png) // 2]}, "truncated"),
        ("truncated-tiff", "scan", {"scan/page-1.tif": tiff[: len(tiff) // 3]}, "page-1.tif"),
        # libtiff complains on stderr from C: the message must still be one line.
        ("lzw-damaged-tiff", "scan", {"scan/page-1.tif": _zeroed(tiff)}, "the image is damaged"),
        ("garbage-png-in-folder", "scan", {"scan/page-1.png": _noise(2000)}, "not a readable image"),
        (
            "text-named-jpg",
            "scan",
            {"scan/page-1.jpg": b"this is not a picture\n" * 20},
            "not a readable image",
        ),
        (
            "garbage-named-explicitly",
            "scan/page-1.png",
            {"scan/page-1.png": _noise(500)},
            "not a page image",
        ),
        ("thumbs-db-named", "scan/Thumbs.db", {"scan/Thumbs.db": _noise(500)}, "not a page image"),
        (
            "only-thumbs-db",
            "scan",
            {"scan/Thumbs.db": _noise(500), "scan/notes.txt": b"n"},
            "no page images",
        ),
        ("missing-scan", "scan/page-1.png", {}, "no such file or folder"),
        ("fifo-scan", "scan/page-1.png", {"scan/page-1.png": None}, "not a regular file"),
        ("bomb-png", "scan", {"scan/page-1.png": png_header(40000, 40000)}, "--max-pixels"),
        ("bomb-tiff", "scan", {"scan/page-1.tif": _tiff_header(30000, 30000)}, "--max-pixels"),
        (
            "png-bad-crc",
            "scan",
            {"scan/page-1.png": png[:29] + b"\x00\x00\x00\x00" + png[33:]},
            "not a readable image",
        ),
        ("png-zero-width", "scan", {"scan/page-1.png": png_header(0, 100)}, "page-1.png"),
        ("one-pixel-png", "scan", {"scan/page-1.png": encode(Image.new("L", (1, 1), 255), "PNG")}, "too small"),
        ("damaged-pdf", "scan", {"scan/page-1.pdf": b"%PDF-1.4\n" + _noise(400)}, "the PDF is damaged"),
        ("truncated-pdf", "scan", {"scan/page-1.pdf": pdf[: len(pdf) // 3]}, "page-1.pdf"),
        (
            "good-and-truncated",
            "scan",
            {"scan/page-1.png": png, "scan/page-2.jpg": jpeg[:3000]},
            "page-2.jpg",
        ),
    ]
    cases = [
        (Case(name, _verify(scans), 2, message), {"doc.md": doc, **files})
        for name, scans, files, message in bad
    ]
    good: list[tuple[str, Files]] = [
        ("gray-png-300dpi", {"scan/1.png": png}),
        ("cmyk-tiff", {"scan/1.tif": encode(page.convert("CMYK"), "TIFF", dpi=(300, 300))}),
        ("rgba-transparent-png", {"scan/1.png": _transparent(page)}),
        (
            "one-bit-tiff-g4",
            {"scan/1.tif": encode(page.convert("1"), "TIFF", compression="group4", dpi=(300, 300))},
        ),
        ("palette-png", {"scan/1.png": encode(page.convert("RGB").convert("P"), "PNG")}),
        (
            "sixteen-bit-png",
            {"scan/1.png": encode(Image.fromarray(np.asarray(page).astype(np.uint16) * 257), "PNG")},
        ),
        ("float-tiff", {"scan/1.tif": encode(Image.fromarray(np.asarray(page, np.float32) / 255), "TIFF")}),
        ("exif-rotated-jpeg", {"scan/1.jpg": _exif_rotated(page)}),
        ("dpi-72-jpeg", {"scan/1.jpg": encode(page, "JPEG", dpi=(72, 72))}),
        ("image-pdf", {"scan/1.pdf": pdf}),
        (
            "blank-page-and-text-page",
            {"scan/1.png": encode(Image.new("L", (1500, 400), 250), "PNG"), "scan/2.png": png},
        ),
        ("multipage-tiff", {"scan/1.tif": _multipage(page)}),
        ("thumbs-db-skipped", {"scan/1.png": png, "scan/Thumbs.db": _noise(300), "scan/.DS_Store": b"x"}),
    ]
    cases += [(Case(name, _verify(), 0, ""), {"doc.md": doc, **files}) for name, files in good]
    # Outputs never touch inputs: an --out that holds the scans, or whose pages/ folder is the user's.
    into = ("verify", "-j", "1", "--no-cache", "--transcript", "{dir}/doc.md")
    cases += [
        (Case("out-holds-the-scans", (*into, "{dir}/pages", "--out", "{dir}"), 5, "holds the input"),
         {"doc.md": doc, "pages/page-0001.png": png}),
        (Case("out-pages-are-the-users", (*into, "{dir}/scan", "--out", "{dir}/report"), 5,
               "scanproof did not write"),
         {"doc.md": doc, "scan/1.png": png, "report/pages/page-0001.webp": b"the user's own file"}),
    ]
    # A file name with a newline (and a terminal escape) in it: the error is still one line.
    cases.append((Case("newline-in-scan-name", _verify("scan/page\n\x1b[2J1.png"), 2, "page\\n\\x1b[2J1.png"),
                  {"doc.md": doc, "scan/page\n\x1b[2J1.png": b""}))
    # Numbers that parse as floats but mean nothing as a time limit: a usage error (exit 1).
    cases += [(Case(f"page-timeout-{value}", ("verify", "--page-timeout", value, *_verify()[1:]), 1,
                    "finite number of seconds"), {"doc.md": doc, "scan/1.png": png})
              for value in ("nan", "inf", "-5", "0")]
    return cases


def _tiff_header(width: int, height: int) -> bytes:
    """A little-endian TIFF whose single IFD claims ``width``×``height`` 8-bit gray pixels."""
    entries = [
        (256, 4, width),
        (257, 4, height),
        (258, 3, 8),
        (259, 3, 1),
        (262, 3, 1),
        (273, 4, 8),
        (277, 3, 1),
        (278, 4, height),
        (279, 4, width * height),
    ]
    ifd = struct.pack("<H", len(entries))
    for tag, kind, value in entries:
        ifd += (
            struct.pack("<HHII", tag, kind, 1, value)
            if kind == 4
            else struct.pack("<HHIHH", tag, kind, 1, value, 0)
        )
    return b"II*\x00" + struct.pack("<I", 8 + 64) + bytes(64) + ifd + struct.pack("<I", 0)


def _zeroed(data: bytes) -> bytes:
    """``data`` with every 97th byte of its middle zeroed (header and directory left intact)."""
    out = bytearray(data)
    for i in range(200, len(out) - 300, 97):
        out[i] = 0
    return bytes(out)


def _multipage(page: Image.Image) -> bytes:
    """A two-frame TIFF: the page in two halves, as a feeder scanner splits a long sheet."""
    top = page.crop((0, 0, page.width, page.height // 2))
    bottom = page.crop((0, page.height // 2, page.width, page.height))
    buf = io.BytesIO()
    top.save(buf, "TIFF", save_all=True, append_images=[bottom], dpi=(300, 300))
    return buf.getvalue()


def _transparent(page: Image.Image) -> bytes:
    """The page as black ink on a fully transparent background (paper must come out white)."""
    ink = np.asarray(page) < 128
    rgba = np.zeros((*ink.shape, 4), np.uint8)
    rgba[..., 3] = np.where(ink, 255, 0)
    return encode(Image.fromarray(rgba), "PNG", dpi=(300, 300))


def _exif_rotated(page: Image.Image) -> bytes:
    """The page stored rotated, with the EXIF orientation (6: turn 90° clockwise) that rights it."""
    exif = Image.Exif()
    exif[0x0112] = 6
    return encode(page.transpose(Image.Transpose.ROTATE_90), "JPEG", dpi=(300, 300), exif=exif.tobytes())


def cases() -> list[tuple[Case, Files]]:
    """Every case with its files."""
    return _transcript_cases() + _image_cases()


def write_case(folder: Path, files: Files) -> None:
    """Write one case's files under ``folder`` (a None content makes a named pipe)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if data is None:
            os.mkfifo(path)
        else:
            path.write_bytes(data)


def write_corpus(folder: Path) -> list[Case]:
    """Write every case into ``folder/NAME/`` and return the cases."""
    out = []
    for case, files in cases():
        write_case(folder / case.name, files)
        out.append(case)
    return out


def main(argv: list[str]) -> int:
    folder = Path(argv[1])
    written = write_corpus(folder)
    (folder / "cases.json").write_text(json.dumps([asdict(c) for c in written], indent=1, ensure_ascii=False))
    print(f"{len(written)} cases in {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
