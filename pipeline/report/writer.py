"""Writing one document's report folder and the batch index."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.config import ReportConfig
from pipeline.errors import OutputError
from pipeline.model import DocumentReport, Severity
from pipeline.report.exports import write_exports
from pipeline.report.files import (
    REPORT_ENTRIES,
    atomic_write,
    replace_entries,
    require_report_folder,
    staging_folder,
    write_page_images,
)
from pipeline.report.html import build_view, render_index, render_report
from pipeline.report.json import identify_flags, report_json


@dataclass(frozen=True)
class FlagCounts:
    """Number of flags of each severity."""

    high: int = 0
    medium: int = 0
    low: int = 0
    info: int = 0

    @property
    def total(self) -> int:
        return self.high + self.medium + self.low + self.info


@dataclass(frozen=True)
class ReportFiles:
    """What ``write_report`` wrote, and the figures the batch index shows."""

    folder: Path
    json: Path
    html: Path
    images: tuple[Path, ...]
    exports: tuple[Path, ...]
    pages: int
    cer: float | None
    wer: float | None
    flags: FlagCounts


@dataclass(frozen=True)
class IndexRow:
    """One document of a batch: its report (None when it failed) and its figures."""

    document: str
    report: Path | None
    pages: int = 0
    cer: float | None = None
    wer: float | None = None
    flags: FlagCounts = FlagCounts()
    error: str | None = None
    href: str | None = None  # link from the index page, set by ``write_index``

    @classmethod
    def from_outcome(cls, document: str, files: ReportFiles | None, error: str | None) -> IndexRow:
        """The row of a document that produced ``files`` or failed with ``error``."""
        if files is None:
            return cls(document, None, error=error)
        return cls(document, files.html, files.pages, files.cer, files.wer, files.flags, error)


def write_report(
    report: DocumentReport,
    out_dir: Path,
    *,
    exports: Sequence[str] = (),
    config: ReportConfig | None = None,
) -> ReportFiles:
    """Write ``report.json``, ``report.html`` and the page images (and ``exports``, any of
    ``page-xml``, ``alto``, ``hocr``) into ``out_dir``.

    The report is written whole into a hidden staging folder inside ``out_dir``, then put in
    place of the previous one by renames (``replace_entries``): a failure — a full disk, Ctrl-C,
    SIGTERM — leaves the previous report whole (or none) and nothing of the new one.
    Raises ``OutputError`` when ``out_dir`` cannot be written, ``BadArgumentsError`` for an
    unknown export format.
    """
    config = config or ReportConfig()
    require_report_folder(out_dir)
    flags = identify_flags(report.flags, report.lines)
    with staging_folder(out_dir) as staging:
        try:
            images = write_page_images(report.pages, staging, config)
            exported = write_exports(report, staging, exports)
            data = report_json(report, images=images, flags=flags)
            html = render_report(build_view(report, flags, images))
            atomic_write(staging / "report.json", json.dumps(data, ensure_ascii=False, indent=1).encode())
            atomic_write(staging / "report.html", html.encode())
        except OutputError as err:
            # Named as the file the user would have got, not as its staged copy.
            message = err.message.replace(str(staging), str(out_dir))
            raise OutputError(f"{message}; the report there, if any, is unchanged") from err
        replace_entries(staging, out_dir, REPORT_ENTRIES)
    counts = FlagCounts(**{s.value: sum(1 for f in report.flags if f.severity == s) for s in Severity})
    return ReportFiles(
        folder=out_dir, json=out_dir / "report.json", html=out_dir / "report.html",
        images=tuple(out_dir / name for name in images.values() if name is not None),
        exports=tuple(out_dir / path.relative_to(staging) for path in exported), pages=len(report.pages),
        cer=report.metrics.cer if report.metrics else None,
        wer=report.metrics.wer if report.metrics else None,
        flags=counts,
    )


def write_index(rows: Sequence[IndexRow], out_dir: Path) -> Path:
    """Write ``out_dir/index.html``: one sortable row per document, linking to its report."""
    linked = [
        IndexRow(r.document, r.report, r.pages, r.cer, r.wer, r.flags, r.error,
                 href=None if r.report is None else Path(os.path.relpath(r.report, out_dir)).as_posix())
        for r in rows
    ]
    path = out_dir / "index.html"
    atomic_write(path, render_index(linked).encode())
    return path
