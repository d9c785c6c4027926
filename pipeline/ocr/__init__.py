"""The OCR stage: Tesseract reads the preprocessed page; words come back boxed in input pixels."""

from pipeline.ocr.reading import recognize
from pipeline.ocr.tesseract import (
    detect_orientation,
    engine_fingerprint,
    engine_id,
    reads_in_process,
    require_tesseract,
    tesseract_version,
)

__all__ = ["detect_orientation", "engine_fingerprint", "engine_id", "reads_in_process", "recognize",
           "require_tesseract", "tesseract_version"]
