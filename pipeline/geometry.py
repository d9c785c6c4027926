"""Plane geometry between an input image and the images made from it.

Every geometric preprocessing step (perspective warp, rotation, rescale) is a 3×3 homography on
homogeneous pixel coordinates ``(x, y, 1)``. A step returns the matrix taking its *output* pixels to
its *input* pixels; composing them (``compose``) gives ``Preprocessed.to_input``, and ``map_box``
carries a box that Tesseract found on the processed image back to the page as the user gave it.
"""

from __future__ import annotations

import math

import numpy as np

from pipeline.model import BBox

IDENTITY = np.eye(3, dtype=np.float64)


def compose(*matrices: np.ndarray) -> np.ndarray:
    """Product ``m[0] @ m[1] @ …``: with each ``m[i]`` mapping step i's output to its input, listing
    the steps first to last gives the map from the last output back to the first input."""
    out = IDENTITY.copy()
    for m in matrices:
        out = out @ m
    return out


def map_points(points: np.ndarray, homography: np.ndarray) -> np.ndarray:
    """Apply ``homography`` to an (N, 2) array of (x, y) pixel coordinates; returns (N, 2) float64."""
    pts = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    hom = np.hstack([pts, np.ones((len(pts), 1))]) @ homography.T
    return hom[:, :2] / hom[:, 2:3]


def map_box(box: BBox, homography: np.ndarray, size: tuple[int, int] | None = None) -> BBox:
    """The axis-aligned box, in the target image, that covers ``box`` mapped by ``homography``.

    ``box`` is ``(x0, y0, x1, y1)`` with x1/y1 exclusive; its four corners are mapped and the
    result rounded outwards, so that the mapped box still covers all the ink of the original.
    ``size`` = (width, height) of the target image clips the result to it.
    """
    x0, y0, x1, y1 = box
    corners = map_points(np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=np.float64), homography)
    nx0, ny0 = np.floor(corners.min(axis=0)).astype(int)
    nx1, ny1 = np.ceil(corners.max(axis=0)).astype(int)
    if size is not None:
        w, h = size
        nx0, nx1 = int(np.clip(nx0, 0, w)), int(np.clip(nx1, 0, w))
        ny0, ny1 = int(np.clip(ny0, 0, h)), int(np.clip(ny1, 0, h))
    return int(nx0), int(ny0), int(nx1), int(ny1)


def scale_matrix(fx: float, fy: float) -> np.ndarray:
    """Map from an image rescaled by ``fx`` across and ``fy`` down (both > 0) back to the original."""
    return np.diag([1.0 / fx, 1.0 / fy, 1.0])


def quarter_turn(clockwise_deg: int, width: int, height: int) -> np.ndarray:
    """Forward matrix of turning a ``width``×``height`` image clockwise by 0, 90, 180 or 270
    degrees (as ``cv2.rotate`` does), in pixel-edge coordinates so that boxes map exactly."""
    turns = {
        0: [[1, 0, 0], [0, 1, 0]],
        90: [[0, -1, height], [1, 0, 0]],
        180: [[-1, 0, width], [0, -1, height]],
        270: [[0, 1, 0], [-1, 0, width]],
    }
    return np.array(turns[clockwise_deg % 360] + [[0, 0, 1]], dtype=np.float64)


def rotation(angle_deg: float, width: int, height: int) -> tuple[np.ndarray, tuple[int, int]]:
    """Rotate a ``width``×``height`` image by ``angle_deg`` (counter-clockwise, as the eye sees it
    with y pointing down) onto a canvas enlarged so no corner is cut.

    Returns the forward 3×3 matrix (input → rotated pixels) and the canvas size (width, height).
    """
    a = math.radians(angle_deg)
    c, s = math.cos(a), math.sin(a)
    new_w = int(math.ceil(abs(width * c) + abs(height * s)))
    new_h = int(math.ceil(abs(width * s) + abs(height * c)))
    cx, cy = width / 2.0, height / 2.0
    # Image y points down, so a counter-clockwise turn on screen is the matrix of −a in maths axes.
    forward = np.array(
        [
            [c, s, new_w / 2.0 - (c * cx + s * cy)],
            [-s, c, new_h / 2.0 - (-s * cx + c * cy)],
            [0.0, 0.0, 1.0],
        ]
    )
    return forward, (new_w, new_h)


def iou(a: BBox, b: BBox) -> float:
    """Intersection over union of two boxes ``(x0, y0, x1, y1)``: 0 (disjoint) to 1 (the same)."""
    ix = max(0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union else 0.0
