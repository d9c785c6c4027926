"""Letters standing in lines (``pipeline.glyphs``): the pairs compared at once give what a
comparison of each box with its band of neighbours, one box at a time, gives."""

from __future__ import annotations

import numpy as np
import pytest

from pipeline import glyphs


def _one_at_a_time(x: np.ndarray, y: np.ndarray, w: np.ndarray, h: np.ndarray) -> np.ndarray:
    """``in_text_lines`` as its docstring states it, box by box."""
    cy = y + h / 2
    keep = np.zeros(len(x), dtype=bool)
    for i in range(len(x)):
        j = np.flatnonzero((cy >= cy[i] - h[i] / 3) & (cy < cy[i] + h[i] / 3))
        similar = (h[j] >= 0.7 * h[i]) & (h[j] <= 1.4 * h[i])
        left = similar & (x[j] + w[j] <= x[i]) & (x[i] - (x[j] + w[j]) < h[i])
        right = similar & (x[j] >= x[i] + w[i]) & (x[j] - (x[i] + w[i]) < h[i])
        keep[i] = left.any() or right.any()
    return keep


def _boxes(seed: int, n: int) -> tuple[np.ndarray, ...]:
    """Lines of letters (level, of like height, a letter's gap apart) among scattered specks."""
    rng = np.random.default_rng(seed)
    lines = rng.integers(0, 2000, n // 20 + 1)
    row = rng.integers(0, len(lines), n)
    h = rng.integers(18, 30, n)
    y = lines[row] + rng.integers(-3, 4, n) - h // 2
    x = np.sort(rng.integers(0, 1500, n))
    w = rng.integers(5, 25, n)
    specks = rng.random(n) < 0.3
    y[specks] = rng.integers(0, 2000, specks.sum())
    h[specks] = rng.integers(2, 60, specks.sum())
    return tuple(a.astype(np.int32) for a in (x, y, w, h))


@pytest.mark.parametrize("max_pairs", [1 << 20, 7])
@pytest.mark.parametrize("seed", range(6))
def test_in_text_lines_is_the_box_by_box_comparison(seed: int, max_pairs: int, monkeypatch) -> None:
    monkeypatch.setattr(glyphs, "_MAX_PAIRS", max_pairs)  # 7: in many slices of pairs
    boxes = _boxes(seed, 400 * (seed + 1))
    found = glyphs.in_text_lines(*boxes)
    assert found.any() and not found.all()
    assert (found == _one_at_a_time(*boxes)).all()


def test_in_text_lines_of_no_boxes() -> None:
    empty = np.zeros(0, np.int32)
    assert glyphs.in_text_lines(empty, empty, empty, empty).shape == (0,)
