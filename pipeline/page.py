"""The flow of one page, as a worker runs it: ingest → layout → preprocess → OCR, and the preview.

Everything here depends only on the page's image and the settings in
``config.PAGE_SETTINGS``; a page's reading is cached on those (``pipeline.cache``).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from functools import partial
from pathlib import Path

from pipeline import ingest, layout, ocr, preprocess
from pipeline.config import Config
from pipeline.errors import ScanproofError, TesseractFailedError
from pipeline.model import OcrPage, PageImage, PageResult, PageSource, Region
from pipeline.preview import encode_pixels
from pipeline.runtime import prepare_page_reading
from pipeline.tempfiles import leave_stop_signals_to_the_main_thread, temporary_directory


def read_page(source: PageSource, index: int, config: Config) -> PageResult:
    """Read one page: decode it, find its non-typed elements, clean it up and OCR it.

    A Tesseract crash or time-out on the page gives an ``OcrPage`` marked failed rather than an
    exception, so that the rest of the document still gets its report.
    """
    prepare_page_reading()
    page = ingest.load_page(source, index, config.ingest)
    # The preview is encoded, the grey-stamp search run and the elements read beside the page's
    # reading (about 0.2 s each an A4 page): Pillow's encoder, OpenCV and Tesseract all run
    # outside the GIL, so a one-page run uses the second core. The preprocessing needs only the
    # elements' boxes, not the grey stamps' (it takes coloured ink out). Elements are read there
    # only by an engine that reads in process: with the ``tesseract`` program that thread would
    # hold a child process and a temporary folder through a stop, which the stop's unwinding in
    # the main thread does not reach.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="scanproof-preview",
                            initializer=leave_stop_signals_to_the_main_thread) as pool:
        preview = pool.submit(encode_pixels, page.pixels, config.report)
        try:
            ink = layout.find_ink(page, config.layout)
            stamps = pool.submit(layout.grey_stamp_regions, ink, page, config.layout)
            writing = layout.element_regions(ink, page, config.layout)
            elements = _element_reading(pool, page, lambda: layout.with_grey_stamps(writing, stamps.result()),
                                        config)
            orient = partial(ocr.detect_orientation, timeout_s=config.ocr.orientation_timeout_s,
                             engine=config.ocr.engine)
            # Ink is taken out only where the layout stage saw writing: ink it was unsure of, or
            # called type whatever its colour, stays for Tesseract.
            pre = preprocess.preprocess(page, config.preprocess, orient, [r.bbox for r in writing])
            ocr_page = ocr.recognize(page, pre, config.ocr)
            regions = tuple(elements())
        except TesseractFailedError as err:
            engine, version = ocr.engine_id(config.ocr.engine)
            failed = OcrPage(index, str(source.path), page.width, page.height, 0.0, (), err.message, engine, version,
                             config.ocr.lang)
            return PageResult(failed, (), preview.result())
        return PageResult(ocr_page, regions, preview.result())


def _element_reading(pool: ThreadPoolExecutor, page: PageImage, found: Callable[[], list[Region]],
                     config: Config) -> Callable[[], list[Region]]:
    """What gives the page's regions (``found()``, unread) with their readings: started now in
    ``pool`` when the engine reads in process (see ``read_page``), else read when asked."""
    def read() -> list[Region]:
        return layout.read_regions(page, found(), config.layout, config.ocr)

    if not config.layout.read_elements:
        return found
    if ocr.reads_in_process(config.ocr.engine):
        return pool.submit(read).result
    return read


def read_page_task(source: PageSource, index: int, config: Config) -> PageResult:
    """``read_page`` in a worker; a page whose bytes came with the task (``--ship-images``) is
    read from a private copy, and reported (and its errors worded) under its own path."""
    if source.data is None:
        return read_page(source, index, config)
    with temporary_directory(prefix="scanproof-page-") as tmp:
        local = Path(tmp) / source.path.name
        local.write_bytes(source.data)
        try:
            result = read_page(PageSource(local, source.frame), index, config)
        except ScanproofError as err:
            raise type(err)(err.message.replace(str(local), str(source.path))) from None
    return replace(result, ocr=replace(result.ocr, image=str(source.path)))
