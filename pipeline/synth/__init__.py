"""Synthetic typewritten archival scans with exact ground truth (``scanproof synth``).

``make_document`` writes a random document from the built-in corpus (optionally with a published-style
transcription carrying planted errors, and its answer key); ``render_layout`` renders a layout file,
such as a facsimile's ``scans/DOCUMENT/layout.yaml``. Nothing in the checking pipeline imports this
package: it only produces test material.
"""

from __future__ import annotations

from typing import Any

__all__ = ["LEVELS", "Degradation", "SynthDocument", "SynthPage", "make_document", "read_layout",
           "render_layout"]

#: Where each public name lives; imported when first used, so that the ``scanproof`` command can
#: list ``synth`` among its commands without loading the renderer (NumPy, OpenCV, fonts).
_HOMES = {"LEVELS": "degrade", "Degradation": "degrade", "read_layout": "layout", "SynthDocument": "make",
          "SynthPage": "make", "make_document": "make", "render_layout": "make"}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        from importlib import import_module

        return getattr(import_module(f"pipeline.synth.{_HOMES[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
