"""The report: ``report.json`` (schema ``scanproof/report/1``), the self-contained HTML report with
its page images, the batch index page, and PAGE-XML / ALTO / hOCR exports of the OCR result."""

from pipeline.report.exports import EXPORT_FORMATS, require_export_formats, write_exports
from pipeline.report.files import (
    encode_pixels,
    report_folder,
    require_outside,
    require_report_folder,
    safe_component,
)
from pipeline.report.html import compile_templates
from pipeline.report.json import report_json
from pipeline.report.writer import FlagCounts, IndexRow, ReportFiles, write_index, write_report

__all__ = [
    "EXPORT_FORMATS",
    "compile_templates",
    "encode_pixels",
    "FlagCounts",
    "IndexRow",
    "ReportFiles",
    "report_folder",
    "report_json",
    "require_export_formats",
    "require_outside",
    "require_report_folder",
    "safe_component",
    "write_exports",
    "write_index",
    "write_report",
]
