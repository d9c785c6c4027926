"""The Russian dictionary that several stages ask about word forms (pymorphy3).

Loading it takes about a second and tens of MB, so there is one analyzer per process.
"""

from __future__ import annotations

from functools import cache

import pymorphy3


@cache
def russian() -> pymorphy3.MorphAnalyzer:
    """The process's pymorphy3 analyzer for Russian (OpenCorpora dictionary)."""
    return pymorphy3.MorphAnalyzer()
