"""Skew estimation by projection profiles, and the rotation that removes it.

Typed lines are horizontal rows of ink separated by blank leading. Projected onto the page's
vertical axis at the right angle, the ink piles into sharp peaks; at a wrong angle the peaks smear.
The estimate maximises the sum of squared differences of neighbouring profile bins, first coarsely,
then finely around the best coarse angle. Working on ink pixel coordinates instead of rotated
images makes each tried angle one ``bincount``.
"""

from __future__ import annotations

import cv2
import numpy as np

from pipeline import geometry

#: Most ink pixels used for the estimate; a page has millions, a few hundred thousand suffice.
_MAX_POINTS = 100_000


def _profile_sharpness(xs: np.ndarray, ys: np.ndarray, angle_deg: float, height: int) -> float:
    """How peaked the horizontal projection of the points is after undoing a skew of ``angle_deg``."""
    a = np.radians(angle_deg)
    proj = np.sin(a) * xs + np.cos(a) * ys
    bins = np.bincount(np.clip(proj + height, 0, 3 * height).astype(np.int64))
    d = np.diff(bins.astype(np.float64))
    return float(np.dot(d, d))


def estimate_skew(ink: np.ndarray, max_deg: float, precision_deg: float) -> float:
    """Skew of the text lines in degrees, counter-clockwise positive, within ±``max_deg``.

    ``ink`` is a boolean (or 0/non-zero) mask of ink pixels. ``precision_deg`` (> 0) is the step of
    the final search. A page without ink returns 0.
    """
    ys, xs = np.nonzero(ink)
    if len(xs) < 100:
        return 0.0
    step = max(1, len(xs) // _MAX_POINTS)
    xs = xs[::step].astype(np.float32) - ink.shape[1] / 2.0
    ys = ys[::step].astype(np.float32)
    h = ink.shape[0]

    def best(angles: np.ndarray) -> float:
        scores = [_profile_sharpness(xs, ys, float(a), h) for a in angles]
        return float(angles[int(np.argmax(scores))])

    coarse_step = 0.5
    coarse = best(np.arange(-max_deg, max_deg + coarse_step / 2, coarse_step))
    medium = best(np.arange(coarse - coarse_step, coarse + coarse_step + 1e-9, 0.1))
    fine = best(np.arange(medium - 0.1, medium + 0.1 + 1e-9, precision_deg))
    return round(fine, 3)


def rotate(image: np.ndarray, angle_deg: float, fill: int) -> tuple[np.ndarray, np.ndarray]:
    """Rotate ``image`` counter-clockwise by ``angle_deg`` on an enlarged canvas filled with ``fill``.

    Returns the rotated image and the 3×3 matrix mapping its pixels back to ``image``'s.
    """
    h, w = image.shape[:2]
    forward, (new_w, new_h) = geometry.rotation(angle_deg, w, h)
    out = cv2.warpAffine(
        image,
        forward[:2],
        (new_w, new_h),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=(fill, fill, fill),
    )
    return out, np.linalg.inv(forward)
