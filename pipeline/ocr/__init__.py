"""The OCR stage: Tesseract reads the preprocessed page; words come back boxed in input pixels."""

from pipeline.ocr.reading import read_page
from pipeline.ocr.tesseract import engine_fingerprint, require_tesseract, tesseract_version

__all__ = ["engine_fingerprint", "read_page", "require_tesseract", "tesseract_version"]
