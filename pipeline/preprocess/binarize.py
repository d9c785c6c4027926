"""Grayscale → black-and-white, by a global (Otsu) or a local (Sauvola, Wolf–Jolion) threshold.

All functions take a ``uint8`` grayscale image (0 = black, 255 = white) and return a ``uint8`` image
holding only 0 (ink) and 255 (paper). The local methods use box filters on integral images, so their
cost does not grow with the window.
"""

from __future__ import annotations

import cv2
import numpy as np

from pipeline.config import BINARIZATIONS

#: The binarization methods ``binarize`` knows (named in the config, which checks them).
METHODS = BINARIZATIONS


def otsu(gray: np.ndarray) -> np.ndarray:
    """Otsu's global threshold: right for evenly lit pages, wrong under shadows or stains."""
    _, out = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    return out


def _local_stats(gray: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray]:
    """Mean and standard deviation of ``gray`` over a ``window``×``window`` box around each pixel,
    sampled on a grid ``window // 8`` pixels apart (the maps are smooth at that scale).

    Working on the shrunk image costs a sixteenth or less of the full-size filters; ``_apply``
    enlarges the threshold back. cv2 arithmetic throughout: numpy's is ten times slower here.
    """
    g = gray.astype(np.float32)
    sq = cv2.multiply(g, g)
    shrink = max(1, window // 8)
    if shrink > 1:
        size = (max(1, g.shape[1] // shrink), max(1, g.shape[0] // shrink))
        g = cv2.resize(g, size, interpolation=cv2.INTER_AREA)
        sq = cv2.resize(sq, size, interpolation=cv2.INTER_AREA)
    win = max(3, (window // shrink) | 1)
    mean = cv2.boxFilter(g, cv2.CV_32F, (win, win), borderType=cv2.BORDER_REFLECT)
    sq_mean = cv2.boxFilter(sq, cv2.CV_32F, (win, win), borderType=cv2.BORDER_REFLECT)
    var = cv2.max(cv2.subtract(sq_mean, cv2.multiply(mean, mean)), 0.0)
    return mean, cv2.sqrt(var)


def _apply(gray: np.ndarray, threshold: np.ndarray) -> np.ndarray:
    """255 where ``gray`` is brighter than ``threshold`` (enlarged to its size), else 0."""
    if threshold.shape != gray.shape:
        threshold = cv2.resize(threshold, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_LINEAR)
    return cv2.compare(gray.astype(np.float32), threshold, cv2.CMP_GT)


def sauvola(gray: np.ndarray, window: int, k: float) -> np.ndarray:
    """Sauvola's threshold ``m·(1 + k·(s/128 − 1))`` over a ``window``-pixel box (odd, ≥ 3).

    ``k`` in 0.05–0.5: larger values keep fewer faint pixels as ink.
    """
    mean, std = _local_stats(gray, window)
    threshold = cv2.multiply(mean, cv2.addWeighted(std, k / 128.0, std, 0.0, 1.0 - k))
    return _apply(gray, threshold)


def wolf(gray: np.ndarray, window: int, k: float) -> np.ndarray:
    """Wolf–Jolion's threshold ``(1−k)·m + k·M + k·(s/R)·(m − M)``, with M the image's darkest
    value and R its largest local deviation: Sauvola normalised to the page's own contrast, which
    suits faded, low-contrast typescript. ``k`` in 0.1–0.8.
    """
    mean, std = _local_stats(gray, window)
    darkest = float(gray.min())
    max_std = max(float(std.max()), 1e-6)
    contrast = cv2.multiply(std, cv2.subtract(mean, darkest), scale=k / max_std)
    threshold = cv2.add(cv2.addWeighted(mean, 1.0 - k, mean, 0.0, k * darkest), contrast)
    return _apply(gray, threshold)


def binarize(gray: np.ndarray, method: str, window: int, k: float) -> np.ndarray:
    """Binarize ``gray`` with one of ``METHODS``; ``window`` and ``k`` are ignored by Otsu."""
    if method == "otsu":
        return otsu(gray)
    window = max(3, window | 1)
    if method == "sauvola":
        return sauvola(gray, window, k)
    if method == "wolf":
        return wolf(gray, window, k)
    raise ValueError(f"unknown binarization method {method!r}; expected one of {METHODS}")
