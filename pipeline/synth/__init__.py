"""Synthetic typewritten archival scans with exact ground truth (``scanproof synth``).

``make_document`` writes a random document from the built-in corpus of its language (Russian, English,
French, German or Spanish: ``corpora/``), optionally with a published-style transcription carrying
planted errors, and its answer key; ``render_layout`` renders a layout file,
such as a facsimile's ``scans/DOCUMENT/layout.yaml``. Nothing in the checking pipeline imports this
package: it only produces test material.
"""

from __future__ import annotations

from pipeline.lazy import lazy_names

__all__ = ["LEVELS", "Degradation", "SynthDocument", "SynthPage", "make_document", "read_layout",
           "render_layout"]

# Each public name is imported when first used, so that the ``scanproof`` command can list
# ``synth`` among its commands without loading the renderer (NumPy, OpenCV, fonts).
__getattr__ = lazy_names(__name__, {
    "LEVELS": "pipeline.synth.degrade", "Degradation": "pipeline.synth.degrade", "read_layout": "pipeline.synth.layout",
    "SynthDocument": "pipeline.synth.make", "SynthPage": "pipeline.synth.make", "make_document": "pipeline.synth.make",
    "render_layout": "pipeline.synth.make",
})
