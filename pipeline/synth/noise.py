"""OCR-like noise on text, for benchmarks and tests of the comparison (no image involved)."""

from __future__ import annotations

import numpy as np

#: Confusions typical of Tesseract on Russian typescript: (true letter, misread letter).
OCR_CONFUSIONS = tuple(zip("дилнвоаеcш3б", "лнппнаоссщ86", strict=True))


def ocr_noise(text: str, rng: np.random.Generator, rate: float = 0.03, line_events: int = 3) -> str:
    """An OCR-like copy of ``text``: a ``rate`` (0–1) of its characters substituted (by look-alikes
    where there is one), dropped or doubled, and ``line_events`` lines dropped or duplicated."""
    lines = text.split("\n")
    for _ in range(line_events):
        k = int(rng.integers(len(lines)))
        if rng.random() < 0.5 and len(lines) > 1:
            del lines[k]
        else:
            lines.insert(k, lines[k])
    look = dict(OCR_CONFUSIONS)
    out: list[str] = []
    for c in "\n".join(lines):
        r = rng.random()
        if r < rate * 0.6:
            out.append(look.get(c, chr(0x430 + int(rng.integers(32)))) if c != "\n" else c)
        elif r < rate * 0.8:
            continue
        elif r < rate:
            out += [c, c]
        else:
            out.append(c)
    return "".join(out)
