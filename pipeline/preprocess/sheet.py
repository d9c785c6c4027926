"""Finding the sheet in a photograph and warping it flat.

A phone photo shows the sheet as a bright quadrilateral on a darker table, in perspective. The
largest bright region's outline, simplified to four corners, gives the homography that maps it
onto an upright rectangle. A flatbed scan, whose sheet fills the frame as a rectangle, is left
alone: its rotation is the deskew step's business.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from pipeline.preprocess.binarize import otsu

#: The sheet is searched on a copy this many pixels on its long side: outlines need no detail.
_SEARCH_PX = 800


def find_sheet(gray: np.ndarray, min_area: float, max_corner_deg: float, max_perspective_deg: float,
               min_side_ratio: float) -> np.ndarray | None:
    """Corners of the sheet in ``gray`` (4×2 float, clockwise from top-left), or None.

    None when no bright quadrilateral covers at least ``min_area`` (0–1) of the image; when it is
    already a rectangle, every corner within ``max_corner_deg`` of 90° (a flatbed scan or a
    square-on photo, which only needs the deskew step); and when it is no plausible view of a
    sheet: a corner more than ``max_perspective_deg`` off 90°, or opposite sides whose lengths
    differ by more than the factor ``min_side_ratio`` (0–1). A shadow across the sheet cuts the
    bright region and gives such shapes; warping them would wreck the page, leaving it alone
    does not.
    """
    h, w = gray.shape
    f = _SEARCH_PX / max(h, w)
    small = cv2.resize(gray, (max(1, round(w * f)), max(1, round(h * f))), interpolation=cv2.INTER_AREA)
    small = cv2.GaussianBlur(small, (5, 5), 0)
    bright = otsu(small)
    # Close the text's holes in the sheet, so the outline follows the paper's edge.
    bright = cv2.morphologyEx(bright, cv2.MORPH_CLOSE, np.ones((15, 15), np.uint8))
    contours, _ = cv2.findContours(bright, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    outline = cv2.convexHull(max(contours, key=cv2.contourArea))
    if cv2.contourArea(outline) < min_area * small.shape[0] * small.shape[1]:
        return None
    quad = cv2.approxPolyDP(outline, 0.02 * cv2.arcLength(outline, True), True)
    if len(quad) != 4:
        return None
    corners = _order(quad.reshape(4, 2).astype(np.float64) / f)
    if _is_rectangle(corners, max_corner_deg) or not _is_rectangle(corners, max_perspective_deg):
        return None
    sides = [float(np.linalg.norm(corners[(i + 1) % 4] - corners[i])) for i in range(4)]
    if min(sides[0], sides[2]) < min_side_ratio * max(sides[0], sides[2]) or \
            min(sides[1], sides[3]) < min_side_ratio * max(sides[1], sides[3]):
        return None
    return corners


def _order(pts: np.ndarray) -> np.ndarray:
    """The four points as top-left, top-right, bottom-right, bottom-left."""
    s, d = pts.sum(axis=1), pts[:, 0] - pts[:, 1]
    return np.array([pts[np.argmin(s)], pts[np.argmax(d)], pts[np.argmax(s)], pts[np.argmin(d)]])


def _is_rectangle(corners: np.ndarray, max_corner_deg: float) -> bool:
    """True when every corner's angle is within ``max_corner_deg`` of a right angle."""
    for i in range(4):
        a, b, c = corners[i - 1], corners[i], corners[(i + 1) % 4]
        u, v = a - b, c - b
        cos = float(np.dot(u, v) / max(np.linalg.norm(u) * np.linalg.norm(v), 1e-9))
        if abs(math.degrees(math.acos(max(-1.0, min(1.0, cos)))) - 90.0) > max_corner_deg:
            return False
    return True


def warp_sheet(image: np.ndarray, corners: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The sheet bounded by ``corners`` warped onto an upright rectangle as large as its longer
    sides, and the homography from the result's pixels back to ``image``'s."""
    tl, tr, br, bl = corners
    width = round(max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl)))
    height = round(max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr)))
    target = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float32)
    forward = cv2.getPerspectiveTransform(corners.astype(np.float32), target)
    out = cv2.warpPerspective(image, forward, (width, height), flags=cv2.INTER_LINEAR,
                              borderMode=cv2.BORDER_REPLICATE)
    return out, np.linalg.inv(forward)
