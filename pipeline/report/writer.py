"""Writing one document's report folder and the batch index."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.config import ReportConfig
from pipeline.model import DocumentReport, Severity
from pipeline.report.exports import write_exports
from pipeline.report.files import atomic_write, require_report_folder, write_page_images
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

    Each file is replaced atomically; the HTML and JSON are written last, so an interrupted run
    leaves the previous report (or none), never a report pointing at missing images.
    Raises ``OutputError`` when ``out_dir`` cannot be written, ``BadArgumentsError`` for an
    unknown export format.
    """
    config = config or ReportConfig()
    require_report_folder(out_dir)
    flags = identify_flags(report.flags, report.lines)
    images = write_page_images(report.pages, out_dir, config)
    exported = write_exports(report, out_dir, exports)
    data = report_json(report, images=images, flags=flags)
    html = render_report(build_view(report, flags, images))
    json_path, html_path = out_dir / "report.json", out_dir / "report.html"
    atomic_write(json_path, json.dumps(data, ensure_ascii=False, indent=1).encode())
    atomic_write(html_path, html.encode())
    _remove_stale_images(out_dir, images.values())
    counts = FlagCounts(**{s.value: sum(1 for f in report.flags if f.severity == s) for s in Severity})
    return ReportFiles(
        folder=out_dir, json=json_path, html=html_path,
        images=tuple(out_dir / name for name in images.values() if name is not None),
        exports=tuple(exported), pages=len(report.pages),
        cer=report.metrics.cer if report.metrics else None,
        wer=report.metrics.wer if report.metrics else None,
        flags=counts,
    )


def _remove_stale_images(out_dir: Path, current: Iterable[str | None]) -> None:
    """Delete page images of an earlier report in ``out_dir`` that this report no longer uses
    (the document lost pages, or the image format changed)."""
    keep = {out_dir / name for name in current if name is not None}
    for path in (out_dir / "pages").glob("page-*.*"):
        if path not in keep:
            path.unlink(missing_ok=True)


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
