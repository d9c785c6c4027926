"""A cache of page readings and document analyses, so that re-running costs seconds.

A page's reading depends on the image's bytes, the settings of the stages that read it, the OCR
engine with its language data, and scanproof's own code; the key is a hash of all of these, so
changing any of them misses the cache. A document's analysis (alignment, divergences, checks,
markup matching) depends on its transcript's bytes, its pages' reading keys, the analysis
settings and the code: re-running after editing one transcript re-analyses that document only.
A report folder written from the same analysis, pages, report settings and code, and not
touched since, is left as it is (``Cache.report_in_place``). Entries are data, never code,
checksummed and written atomically: a killed run leaves whole entries or none, and a damaged or
planted entry is ignored.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import TypeVar

from cattrs.preconf.json import make_converter

from pipeline.config import ANALYSIS_SETTINGS, PAGE_SETTINGS, Config
from pipeline.model import PageSource
from pipeline.report import FlagCounts, ReportFiles
from pipeline.report.files import REPORT_ENTRIES

#: Bump when a cached type changes shape, so that old entries are ignored rather than misread.
CACHE_FORMAT = 5

_PACKAGE = Path(__file__).resolve().parent
#: The modules whose code (with their imports) shapes a page's reading, a document's analysis and
#: its report folder: named, not imported, since a fully cached run needs none of them.
PAGE_FLOW = "pipeline.page"
ANALYSIS_FLOW = "pipeline.document"
REPORT_MODULE = "pipeline.report"

T = TypeVar("T")


@cache
def code_fingerprint(module: str) -> str:
    """Hash of the source of ``module`` and of every package module it imports, directly or not,
    with the data files beside them: an upgrade, or a local edit, that could change a cached
    result misses the cache instead of serving a stale one. Found by reading the imports, so
    that a module the flow starts to use is covered without anyone listing it."""
    h = hashlib.sha256()
    for path in sorted(_code_files(module)):
        h.update(str(path.relative_to(_PACKAGE)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def _code_files(module: str) -> set[Path]:
    """The files of ``module``'s import closure inside the package (imports inside functions
    included), and the data files in their folders (not in sub-packages, which are modules)."""
    files: set[Path] = set()
    seen: set[str] = set()
    todo = [module]
    while todo:
        name = todo.pop()
        path = _module_path(name)
        if name in seen or path is None:
            continue
        seen.add(name)
        files.add(path)
        files.update(_data_files(path.parent))
        todo += imported_modules(path.read_text(encoding="utf-8"))
    return files


#: An import statement at the start of a line: ``from M import N, …`` (names in parentheses may
#: run over lines) or ``import M, …``.
_IMPORT = re.compile(r"^[ \t]*(?:from[ \t]+([\w.]+)[ \t]+import[ \t]+(\([^)]*\)|[^\n#]*)|import[ \t]+([^\n#]*))",
                     re.MULTILINE)


def imported_modules(source: str) -> list[str]:
    """The modules that the Python ``source`` may import, as dotted names: each ``import M`` and
    ``from M import N`` gives ``M``, the latter ``M.N`` too (``from pipeline import ocr`` imports
    a module, ``from pipeline.ocr import run`` a name). Relative imports are not followed.

    Read with a regular expression, not parsed (parsing the package's modules took a tenth of a
    second a run): a line of a docstring that reads like an import adds a module, which can only
    make the fingerprint cover more than it must.
    """
    out: list[str] = []
    for match in _IMPORT.finditer(source):
        module, names, plain = match.groups()
        if plain is not None:
            out += [part.split()[0] for part in plain.split(",") if part.strip()]
        elif not module.startswith("."):
            listed = [part.split()[0] for part in re.sub(r"#.*", "", names).strip("()").split(",") if part.strip()]
            out += [module, *(f"{module}.{name}" for name in listed)]
    return out


def _module_path(name: str) -> Path | None:
    """The file of package module ``name`` (``pipeline.a.b``), or None for anything else."""
    parts = name.split(".")
    if parts[0] != _PACKAGE.name:
        return None
    base = _PACKAGE.joinpath(*parts[1:])
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


@cache
def _data_files(folder: Path) -> frozenset[Path]:
    """The files in ``folder`` and its sub-folders that are not Python, sub-packages left out."""
    out = set()
    for path in folder.rglob("*"):
        inside = path.relative_to(folder).parents
        in_package = any((folder / parent / "__init__.py").is_file() for parent in inside if parent != Path("."))
        if path.is_file() and path.suffix not in (".py", ".pyc") and "__pycache__" not in path.parts and not in_package:
            out.add(path)
    return frozenset(out)


def _settings(config: Config, sections: Sequence[str]) -> tuple[dict, ...]:
    return tuple(asdict(getattr(config, name)) for name in sections)


def page_key(source: PageSource, config: Config, engine: str, digest: bytes | None = None) -> str:
    """Hex key of a page reading: image content, frame, reading settings (``PAGE_SETTINGS``),
    the per-page flow's code and the engine fingerprint.

    ``engine`` identifies the OCR engine and its language data (``ocr.engine_fingerprint``);
    ``digest`` is the image file's SHA-256 where it is known (``Cache.file_digest``), else it is
    computed. Only what shapes a page's reading takes part, so editing alignment or check
    settings re-uses every page.
    """
    if digest is None:
        digest = _file_digest(str(source.path), tuple(_identity(os.stat(source.path))))
    h = hashlib.sha256(digest)
    settings = (CACHE_FORMAT, code_fingerprint(PAGE_FLOW), source.frame, engine,
                _settings(config, PAGE_SETTINGS))
    h.update(repr(settings).encode())
    return h.hexdigest()


@lru_cache(maxsize=256)
def _file_digest(path: str, identity: tuple[int, ...]) -> bytes:
    """SHA-256 of a file's bytes, kept per path and ``_identity``: the pages of a multi-page TIFF
    or PDF share one file, which is then read once, not once per page."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.digest()


def _identity(stat: os.stat_result) -> list[int]:
    """What changes whenever a file is written: device, inode, size, modification and change
    times (ns). The change time cannot be set back (``touch`` sets the other two)."""
    return [stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns]


def _is_identity(value: object) -> bool:
    return isinstance(value, list) and len(value) == 5 and all(type(v) is int for v in value)


def _report_entries(folder: Path) -> dict[str, list[int]]:
    """The ``_identity`` of every file and folder of the report entries (``REPORT_ENTRIES``) in
    ``folder``, by path relative to it: a file written, added or removed there changes it (a
    folder's own times change when an entry is added or removed)."""
    entries = {}
    for name in REPORT_ENTRIES:
        top = Path(folder) / name
        try:
            entries[name] = _identity(os.lstat(top))
        except OSError:
            continue
        if top.is_dir() and not top.is_symlink():
            for root, dirs, files in os.walk(top):
                for entry in (*dirs, *files):
                    path = Path(root) / entry
                    entries[path.relative_to(folder).as_posix()] = _identity(os.lstat(path))
    return entries


@dataclass(frozen=True)
class _WrittenReport:
    """What ``ReportFiles`` holds, its paths relative to the report's folder (as ``reports.json``
    keeps it: a record moved with its folder, or planted, names nothing outside the folder)."""

    images: tuple[str, ...]
    exports: tuple[str, ...]
    pages: int
    cer: float | None
    wer: float | None
    flags: FlagCounts

    @classmethod
    def of(cls, files: ReportFiles) -> _WrittenReport:
        def inside(paths: Sequence[Path]) -> tuple[str, ...]:
            return tuple(path.relative_to(files.folder).as_posix() for path in paths)

        return cls(inside(files.images), inside(files.exports), files.pages, files.cer, files.wer, files.flags)

    def in_folder(self, folder: Path) -> ReportFiles:
        def within(names: Sequence[str]) -> tuple[Path, ...]:
            paths = tuple(folder / name for name in names)
            if any(not path.resolve().is_relative_to(folder.resolve()) for path in paths):
                raise ValueError("a report file outside its folder")
            return paths

        return ReportFiles(folder=folder, json=folder / "report.json", html=folder / "report.html",
                           images=within(self.images), exports=within(self.exports), pages=self.pages,
                           cer=self.cer, wer=self.wer, flags=self.flags)


def analysis_key(transcript: Path, page_keys: Sequence[str], config: Config) -> str:
    """Hex key of a document's analysis: the transcript's bytes and path (the analysis names the
    document and its file by it: two documents with one text are two analyses), its pages'
    ``page_key``s in order, the analysis settings (``ANALYSIS_SETTINGS``) and the per-document
    flow's code."""
    h = hashlib.sha256(Path(transcript).read_bytes())
    settings = (CACHE_FORMAT, str(transcript), code_fingerprint(ANALYSIS_FLOW), tuple(page_keys),
                _settings(config, ANALYSIS_SETTINGS))
    h.update(repr(settings).encode())
    return h.hexdigest()


def report_key(analysis: str, sources: Sequence[PageSource], folder: Path, config: Config) -> str:
    """Hex key of a document's report folder: its ``analysis_key``, the place of each page's image
    (the report names it), the folder, the report settings and the report writer's code (its
    templates and scripts among its data files)."""
    h = hashlib.sha256(analysis.encode())
    settings = (CACHE_FORMAT, code_fingerprint(REPORT_MODULE), [(str(s.path), s.frame) for s in sources],
                str(Path(folder).resolve()), _settings(config, ("report",)))
    h.update(repr(settings).encode())
    return h.hexdigest()


class Cache:
    """The cache entries under one folder.

    An entry is a JSON file: a header line naming the format, its version, the type stored and
    the SHA-256 of the payload, then the payload, the value as JSON (``cattrs`` turns the frozen
    dataclasses of ``pipeline.model`` into plain data and back). Nothing in an entry is code, so
    a file planted in the cache folder cannot run; one that is damaged, foreign, or of another
    version or type is ignored (counted in ``ignored``) and its value recomputed.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        #: Entries found but not usable, since this object was made.
        self.ignored: list[Path] = []
        self._digests: dict[str, list] | None = None
        self._digests_changed = False
        self._reports: dict[str, dict] | None = None
        self._reports_changed = False

    def file_digest(self, path: Path) -> bytes:
        """SHA-256 of the file at ``path``, remembered in the cache folder (``digests.json``) by the
        file's identity (``_identity``), as git's index and make remember files: a re-run of a
        large collection reads none of its scans (hashing them was a sixth of a cached re-run).
        A file written since is hashed again."""
        if self._digests is None:
            self._digests = self._read_digests()
        name = str(Path(path).resolve())
        stat = os.stat(name)
        known = self._digests.get(name)
        if known is not None and known[:-1] == _identity(stat):
            return bytes.fromhex(known[-1])
        digest = _file_digest(name, tuple(_identity(stat)))
        self._digests[name] = [*_identity(stat), digest.hex()]
        self._digests_changed = True
        return digest

    def keep_digests(self) -> None:
        """Write the digests found since the last call (``file_digest``), atomically; those of
        files gone or written since are dropped. A failure to write never fails the run."""
        if not self._digests_changed or self._digests is None:
            return
        kept = {}
        for name, known in self._digests.items():
            try:
                if known[:-1] == _identity(os.stat(name)):
                    kept[name] = known
            except OSError:
                continue
        self._write(self.folder / _DIGESTS, json.dumps({"version": CACHE_FORMAT, "files": kept}).encode())
        self._digests_changed = False

    def _read_digests(self) -> dict[str, list]:
        # A damaged or planted file costs a hash, never the run.
        return {name: known for name, known in self._read_index(_DIGESTS).items()
                if isinstance(known, list) and len(known) == 6 and _is_identity(known[:-1])
                and isinstance(known[-1], str) and _KEY.fullmatch(known[-1])}

    def report_in_place(self, folder: Path, key: str) -> ReportFiles | None:
        """The files of the report in ``folder`` when this cache's runs wrote it from inputs of
        ``key`` (``report_key``) and none of its files and folders has been written, added or
        removed since (``note_report``, by ``_identity``): the report a run would write is there
        already, and re-building it was half of a cached re-run. None otherwise."""
        if self._reports is None:
            self._reports = self._read_index(_REPORTS)
        folder = Path(folder)
        known = self._reports.get(str(folder.resolve()))
        try:
            if known is None or known["key"] != key or known["entries"] != _report_entries(folder):
                return None
            return _converter.structure(known["files"], _WrittenReport).in_folder(folder)
        except Exception:  # noqa: BLE001 — data from disk: whatever fails, the report is written again
            return None

    def note_report(self, files: ReportFiles, key: str) -> None:
        """Remember that the report ``files`` was written from inputs of ``key`` (``report_key``),
        with the identity of each of its files and folders as they are now; kept by
        ``keep_reports``."""
        if self._reports is None:
            self._reports = self._read_index(_REPORTS)
        record = {"key": key, "entries": _report_entries(files.folder),
                  "files": _converter.unstructure(_WrittenReport.of(files))}
        self._reports[str(files.folder.resolve())] = record
        self._reports_changed = True

    def keep_reports(self) -> None:
        """Write the reports noted since the last call (``note_report``), atomically; those of
        folders gone are dropped. A failure to write never fails the run: the next one writes
        those reports again."""
        if self._reports_changed and self._reports is not None:
            kept = {name: record for name, record in self._reports.items() if Path(name).is_dir()}
            self._write(self.folder / _REPORTS, json.dumps({"version": CACHE_FORMAT, "files": kept}).encode())
            self._reports_changed = False

    def _read_index(self, name: str) -> dict:
        """The records of the index file ``name`` in the cache folder (``digests.json``,
        ``reports.json``): {} when it is absent, damaged or of another version."""
        try:
            data = json.loads((self.folder / name).read_bytes())
            files = data["files"] if data.get("version") == CACHE_FORMAT else {}
            return files if isinstance(files, dict) else {}
        except (OSError, ValueError, TypeError, AttributeError, KeyError):
            return {}

    def load(self, key: str, kind: type[T]) -> T | None:
        """The cached ``kind`` value for ``key``, or None when absent or not usable."""
        path = self._entry(key)
        try:
            data = path.read_bytes()
        except OSError:
            return None
        try:
            return _decode(data, kind)
        except Exception:  # noqa: BLE001 — bytes from disk: whatever fails, the entry is not usable
            self.ignored.append(path)
            return None

    def store(self, key: str, value: object) -> None:
        """Save a value, atomically; a failure to write the cache never fails the run."""
        self._write(self._entry(key), _encode(value))

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        """``data`` into ``path`` atomically (a temporary file renamed); OSError is swallowed."""
        tmp = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, path)
        except OSError:
            if tmp is not None:
                Path(tmp).unlink(missing_ok=True)

    def _entry(self, key: str) -> Path:
        if not _KEY.fullmatch(key):
            raise ValueError(f"not a cache key: {key!r}")  # a key is ours, never a path from outside
        return self.folder / key[:2] / f"{key}.json"


_KEY = re.compile("[0-9a-f]{64}")
#: The file of ``Cache.file_digest``'s digests, beside the entries' folders (named by two hex digits).
_DIGESTS = "digests.json"
#: The file of the report folders written (``Cache.note_report``), beside it.
_REPORTS = "reports.json"
_MAGIC = "scanproof-cache"
_converter = make_converter()
# Bytes (a page's preview image) as Base64, not cattrs' default Base85: Python decodes Base85 in
# Python, 0.02 s for a page's preview, which was a third of a cached re-run.
_converter.register_unstructure_hook(bytes, lambda data: base64.b64encode(data).decode("ascii"))
_converter.register_structure_hook(bytes, lambda text, _: base64.b64decode(text, validate=True))


def _encode(value: object) -> bytes:
    payload = json.dumps(_converter.unstructure(value), ensure_ascii=False, separators=(",", ":")).encode()
    header = {"format": _MAGIC, "version": CACHE_FORMAT, "type": type(value).__qualname__,
              "sha256": hashlib.sha256(payload).hexdigest()}
    return json.dumps(header).encode() + b"\n" + payload


def _decode(data: bytes, kind: type[T]) -> T:
    """The value in an entry's bytes; ValueError when it is not a whole entry of ``kind``."""
    head, sep, payload = data.partition(b"\n")
    header = json.loads(head)
    expected = {"format": _MAGIC, "version": CACHE_FORMAT, "type": kind.__qualname__}
    if not sep or not isinstance(header, dict) or any(header.get(k) != v for k, v in expected.items()):
        raise ValueError("not a scanproof cache entry of this version and type")
    if header.get("sha256") != hashlib.sha256(payload).hexdigest():
        raise ValueError("checksum mismatch")
    return _converter.structure(json.loads(payload), kind)
