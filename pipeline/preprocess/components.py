"""Connected components of a page's ink, found once and shared by the steps that judge shapes."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np


@dataclass(frozen=True, eq=False)
class InkComponents:
    """8-connected components of an ink mask.

    ``labels`` is an int32 image (0 = paper, i = component i); ``stats`` has one row per label
    (row 0 is the paper) with OpenCV's columns x, y, width, height, area, in pixels.
    """

    labels: np.ndarray
    stats: np.ndarray

    @property
    def shape(self) -> tuple[int, int]:
        return self.labels.shape  # type: ignore[return-value]


def ink_components(ink: np.ndarray) -> InkComponents:
    """The connected components of the boolean mask ``ink``."""
    _, labels, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    return InkComponents(labels, stats)
