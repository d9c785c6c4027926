"""A transcription's bytes as text: the encoding found from byte-order marks, UTF-16/32 rhythm,
UTF-8 (a few damaged bytes replaced, and said), or the most plausible code page; binary and empty
files refused with a one-line ``InputFileError``."""

from __future__ import annotations

import codecs
import re
import warnings
from collections import Counter
from contextlib import suppress
from pathlib import Path

from charset_normalizer import from_bytes

from pipeline.errors import InputFileError, ScanproofWarning
from pipeline.lang.script import LATIN, script_of

# Byte-order marks, longest first (the UTF-32 LE mark starts with the UTF-16 LE one).
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Legacy single-byte encodings that detectors confuse with each other (and, on short texts, with
# unrelated code pages): the Cyrillic ones, and the Western one that Latin-script archives (German,
# French, Spanish) were saved in. They are always tried beside the detector's guess.
_SINGLE_BYTE_CODEPAGES = ("cp1251", "koi8-r", "cp1252")
#: UTF-8 with a few bad bytes is still UTF-8 when its good multi-byte characters outnumber the bad
#: bytes this many times; a file in a single-byte code page has almost no valid multi-byte sequence.
_UTF8_GOOD_PER_BAD = 20
#: What ``errors="surrogateescape"`` makes of one invalid byte.
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")


def read_bytes(path: Path) -> bytes:
    """The file's bytes, opened read-only; OS errors become one-line ``InputFileError``s."""
    try:
        if not path.exists():
            raise InputFileError(f"{path}: no such file; check the path")
        if path.is_dir():
            raise InputFileError(f"{path}: is a folder, not a transcript; give the .md or .txt file")
        if not path.is_file():
            raise InputFileError(f"{path}: not a regular file; give the .md or .txt file")
        with open(path, "rb") as f:
            return f.read()
    except PermissionError:
        raise InputFileError(f"{path}: cannot be read (permission denied); check its permissions") from None
    except OSError as err:
        raise InputFileError(f"{path}: cannot be read ({err.strerror or err}); check the file") from None


def decode_text(data: bytes, path: Path | str, encoding: str | None = None) -> tuple[str, str]:
    """Decode a text file's bytes: (text, name of the encoding used).

    With ``encoding`` (the user's ``--encoding``) the bytes are decoded with it and nothing is
    guessed; a byte-order mark of that encoding is dropped.

    Order: a byte-order mark; UTF-16/32 without a mark (recognised by the rhythm of its high
    bytes); a refusal of binary data; strict UTF-8; then charset-normalizer's guess, checked
    against the Cyrillic code pages it confuses with each other.
    Raises ``InputFileError`` for empty files, binary files and undecodable text.
    """
    if not data.strip():
        raise InputFileError(f"{path}: the transcript is empty; export it again from the archive")
    if encoding is not None:
        return _decode_as_given(data, encoding, path), _codec_name(encoding)
    for bom, name in BOMS:
        if data.startswith(bom):
            text = _decode_or_refuse(data[len(bom):], name, path)
            if not text.strip():
                raise InputFileError(f"{path}: the transcript is empty (a byte-order mark and nothing else); "
                                     "export it again from the archive")
            return text, _codec_name(name)
    # Before UTF-8: UTF-16 of Cyrillic text is made of bytes below 0x80, so it is valid UTF-8.
    wide = _wide_encoding(data)
    if wide is not None:
        with suppress(UnicodeDecodeError):
            return data.decode(wide), wide
    if _looks_binary(data):
        raise InputFileError(f"{path}: not a text file (binary content); give the transcript as .md or .txt")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    damaged = _damaged_utf8(data)
    if damaged is not None:
        warnings.warn(ScanproofWarning(f"{path}: read as {damaged[1]}; re-export it as UTF-8 to be sure of "
                                       "every letter"), stacklevel=2)
        return damaged
    best = from_bytes(data).best()
    # The detector's own guess comes first, so that it wins ties.
    guesses = ([best.encoding] if best else []) + list(_SINGLE_BYTE_CODEPAGES)
    names = dict.fromkeys(_codec_name(n) for n in guesses)
    decoded: list[tuple[float, str, str]] = []
    for name in names:
        try:
            text = data.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
        decoded.append((_plausibility(text), name, text))
    if not decoded:
        raise InputFileError(f"{path}: cannot tell the text encoding; save the transcript as UTF-8")
    # Between equally plausible readings the detector's guess wins, except that Windows-1252 beats
    # another Latin code page: the archives' Latin-script originals are Western European.
    _, name, text = max(decoded, key=lambda d: (d[0], d[1] == "cp1252"))
    return text, name


def _damaged_utf8(data: bytes) -> tuple[str, str] | None:
    """UTF-8 with a few invalid bytes: the text with U+FFFD for each, and an encoding name that
    says how many bytes were replaced and where (byte offsets), so the report shows it; None
    when the data is not mostly UTF-8. Guessing a code page for such a file would turn every
    letter of it into another (a silently wrong report), where replacing the bad bytes loses one."""
    # surrogateescape turns each invalid byte into one lone surrogate, so they can be counted and found.
    escaped = data.decode("utf-8", errors="surrogateescape")
    bad = [m.start() for m in _ESCAPED_BYTE.finditer(escaped)]
    good = sum(1 for ch in escaped if ord(ch) > 0x7F) - len(bad)
    if good < _UTF8_GOOD_PER_BAD * len(bad):
        return None
    text = _ESCAPED_BYTE.sub("\ufffd", escaped)
    offsets = [len(escaped[:i].encode("utf-8", "surrogateescape")) for i in bad[:5]]
    shown = ", ".join(map(str, offsets)) + (", …" if len(bad) > 5 else "")
    return text, f"utf-8 ({len(bad)} invalid byte{'s' if len(bad) > 1 else ''} replaced, at byte {shown})"


def _codec_name(name: str) -> str:
    return codecs.lookup(name).name


def _decode_as_given(data: bytes, encoding: str, path: Path | str) -> str:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as err:
        raise InputFileError(f"{path}: byte {err.start} is not valid {_codec_name(encoding)} (--encoding); "
                             "give the file's own encoding, or leave --encoding out to detect it") from None
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise InputFileError(f"{path}: the transcript is empty; export it again from the archive")
    return text


def _decode_or_refuse(data: bytes, encoding: str, path: Path | str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise InputFileError(
            f"{path}: the text is not valid {_codec_name(encoding)} although it looks like it; "
            "save the transcript as UTF-8"
        ) from None


def _wide_encoding(data: bytes) -> str | None:
    """UTF-16/32 without a byte-order mark, told by its high bytes.

    In UTF-16 text of one script the high byte of every character takes one or two values (0x00
    for ASCII, 0x04 for Cyrillic), while the low bytes vary; single-byte and UTF-8 text has no
    such rhythm. UTF-32 has three zero bytes in every four.
    """
    n = min(len(data), 4096) // 4 * 4
    if n < 8:
        return None
    sample = data[:n]
    if all(sample[k::4].count(0) > 0.9 * n / 4 for k in (1, 2, 3)):
        return "utf-32-le"
    if all(sample[k::4].count(0) > 0.9 * n / 4 for k in (0, 1, 2)):
        return "utf-32-be"
    even, odd = _top_share(sample[0::2]), _top_share(sample[1::2])
    if odd > 0.9 and even < 0.7:
        return "utf-16-le"
    if even > 0.9 and odd < 0.7:
        return "utf-16-be"
    return None


def _top_share(data: bytes) -> float:
    """Share of ``data`` taken by its two most frequent byte values."""
    return sum(n for _, n in Counter(data).most_common(2)) / len(data)


def _looks_binary(data: bytes) -> bool:
    """Zero bytes or many control characters (other than tab, newlines, form feed) mean binary."""
    sample = data[:65536]
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return controls > len(sample) // 100


def _plausibility(text: str) -> float:
    """How much ``text`` looks like prose: words of one script each, mostly lower-case letters (0–2).

    A Cyrillic text decoded with the wrong Cyrillic code page stays Cyrillic but comes out mostly
    in capitals. Decoded with an unrelated code page its words mix scripts (a German word read as
    Windows-1251: ``Mьller``) or, read as Windows-1252, turn into runs of accented Latin letters
    (``Òåêñò`` for ``Текст``), which no Latin-script language writes: there a word counts only
    when at most a third of its letters are accented. A bilingual text (an original with its
    English translation) stays plausible, word by word.
    """
    words = _WORD.findall(text)
    letters = sum(map(len, words))
    if not letters:
        return 0.0
    plausible = sum(len(w) for w in words if _plausible_word(w))
    # Over all letters, not only the cased ones: a code page that turns Cyrillic into an uncased
    # script (Windows-1256, cp1006) must not look all lower case for it.
    lower = sum(c.islower() for w in words for c in w) / letters
    return plausible / letters + lower * letters / max(len(text), 1)


#: A word: a run of letters.
_WORD = re.compile(r"[^\W\d_]+")


def _plausible_word(word: str) -> bool:
    scripts = {script_of(c) for c in word}
    if len(scripts) != 1:
        return False
    if scripts == {LATIN}:
        return 3 * sum(not c.isascii() for c in word) <= len(word)
    return True
