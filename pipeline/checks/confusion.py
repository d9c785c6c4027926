"""Single-character confusions: when one misread character explains a difference.

A transcriber reading a worn typewritten page confuses a few look-alike characters again and again
(3 and 8, ц and щ, the sign № and the digit 2). A disagreement that one such swap explains is much
more likely a slip of the transcription than a real fact, so it is reported with higher severity.
The pairs live in ``data/confusions.yaml``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml


@dataclass(frozen=True)
class Confusion:
    """Where two strings differ by one character: the position and the two characters."""

    index: int
    left: str
    right: str
    known: bool  # True when the pair is a listed look-alike confusion


@cache
def confusion_pairs() -> frozenset[frozenset[str]]:
    """All listed look-alike pairs (digits, signs, lower-case Cyrillic letters), as unordered pairs."""
    data = yaml.safe_load(resources.files(__package__).joinpath("data/confusions.yaml").read_text("utf-8"))
    return frozenset(frozenset(pair) for group in data.values() for pair in group)


def is_confusion(a: str, b: str) -> bool:
    """True when characters ``a`` and ``b`` (case-insensitive) are a listed look-alike pair."""
    return frozenset((a.lower(), b.lower())) in confusion_pairs()


def single_substitution(left: str, right: str) -> Confusion | None:
    """The one differing character of two equally long strings, or None if they differ elsewise.

    Comparison is case-insensitive; ``known`` tells whether the pair is a listed confusion.
    """
    if len(left) != len(right):
        return None
    diffs = [i for i, (a, b) in enumerate(zip(left.lower(), right.lower(), strict=True)) if a != b]
    if len(diffs) != 1:
        return None
    i = diffs[0]
    return Confusion(i, left[i], right[i], is_confusion(left[i], right[i]))


def look_alike_swaps(text: str) -> Iterator[tuple[Confusion, str]]:
    """Every reading of ``text`` with one character swapped for a listed look-alike, and the swap.

    Case-insensitive for the lookup; the swapped-in letter takes the case of the one it replaces.
    """
    pairs = confusion_pairs()
    for i, ch in enumerate(text):
        for pair in pairs:
            if ch.lower() in pair and len(pair) == 2:
                (other,) = pair - {ch.lower()}
                other = other.upper() if ch.isupper() else other
                yield Confusion(i, ch, other, True), text[:i] + other + text[i + 1 :]


def describe(c: Confusion) -> str:
    """A clause for a flag message: why this one-character difference is suspicious."""
    if c.known:
        return f"{c.left} and {c.right} are a common typewriter/OCR confusion"
    return f"they differ in one character only ({c.left} for {c.right})"
